#!/bin/sh
# dontpanic shell on the bundled sample dump: each command's output inside
# the shell equals the same command run directly; pipes, quotes, errors
# and the exit status behave as documented.
# usage: test-shell.sh DONTPANIC
set -u
dp=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
s=$top/tests/data/sample/vmcore
[ -r "$s" ] || { echo "SKIP: no sample dump"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }
ok() { echo "ok: $*"; }

# same LINE CMD...: the shell's output for LINE equals CMD's run directly.
same() {
	line=$1; shift
	printf '%s\n' "$line" | "$dp" shell "$s" >"$tmp/in" 2>"$tmp/err"
	"$@" >"$tmp/out" 2>/dev/null
	if [ -s "$tmp/out" ] && cmp -s "$tmp/in" "$tmp/out"; then
		ok "'$line' same as direct"
	else
		fail "'$line' differs from direct: $(diff "$tmp/in" "$tmp/out" | head -5) $(cat "$tmp/err")"
	fi
}
same "sys" "$dp" sys "$s"
same "bt -a" "$dp" bt -a "$s"
same "log -T" "$dp" log -T "$s"
same "mod" "$dp" mod "$s"
same "sym 'dpcrash_null'" "$dp" sym dpcrash_null "$s"
same "p init_uts_ns.name.release  # a comment" "$dp" p init_uts_ns.name.release "$s"
same "struct -o \"list_head\"" "$dp" struct -o list_head "$s"
# One command's output is set apart from the next by a blank line
# (issue 16: they ran together).
printf 'sys\n\n# nothing\nmod\nhelp sym\n' | "$dp" shell "$s" >"$tmp/in" 2>/dev/null
{ "$dp" sys "$s"; echo; "$dp" mod "$s"; echo; "$dp" sym --help; } >"$tmp/out" 2>/dev/null
if cmp -s "$tmp/in" "$tmp/out"; then
	ok "outputs separated by one blank line; 'help sym' is 'sym --help'"
else
	fail "separators: $(diff "$tmp/in" "$tmp/out" | head -5)"
fi
# A pipe goes through /bin/sh.
n=$("$dp" ps "$s" | grep -c dp-crash)
[ "$n" -ge 1 ] || fail "ps on the sample shows no dp-crash"
same "ps | grep -c dp-crash" echo "$n"

# Errors do not end the shell; the exit status is the last command's.
printf 'nosuch\nlog -Z\ncollect a b\nstatus\nlog "unterminated\n| wc\nsys | head -1\nmod\n' |
	"$dp" shell "$s" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "exit $rc after a good last command"
grep -q "unknown command 'nosuch'" "$tmp/err" || fail "no unknown-command error"
grep -q "'collect' is not available inside the shell" "$tmp/err" ||
	fail "collect not refused"
# service commands take no dump: refused too (commands.def says which)
grep -q "'status' is not available inside the shell" "$tmp/err" ||
	fail "status not refused"
grep -q "unterminated quote" "$tmp/err" || fail "no quote error"
grep -q "no command before '|'" "$tmp/err" || fail "no empty-pipe error"
# `| head -1` closed the pipe early; the shell went on to `mod`.
grep -q '^ *KERNEL: ' "$tmp/out" || fail "sys | head -1 printed nothing"
grep -q 'dpcrash' "$tmp/out" || fail "mod after a closed pipe did not run"
[ "$(grep -c '^ *KERNEL: ' "$tmp/out")" -eq 1 ] || fail "head -1 not applied"
printf 'sys\nlog -Z\n' | "$dp" shell "$s" >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] || fail "exit $rc, want 2 (the last command's usage error)"
printf 'log\nq\nnosuch\n' | "$dp" shell "$s" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ! grep -q nosuch "$tmp/err" || fail "q did not leave ($rc)"

# Bad invocations.
"$dp" shell >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "no dump: exit $rc, want 2"
echo "not a dump" >"$tmp/bad"
"$dp" shell "$tmp/bad" </dev/null >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 3 ] && grep -q "$tmp/bad" "$tmp/err" || fail "bad dump: exit $rc"
# An over-long line is refused whole, and the shell goes on.
python3 -c 'print("sym " + "x" * (1 << 21)); print("mod")' |
	"$dp" shell "$s" >"$tmp/out" 2>"$tmp/err"
grep -q "line too long" "$tmp/err" && grep -q dpcrash "$tmp/out" ||
	fail "long line: $(head -c 200 "$tmp/err")"
[ $failed -eq 0 ] && echo "all shell checks passed"
exit $failed
