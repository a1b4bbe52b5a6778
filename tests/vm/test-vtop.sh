#!/bin/sh
# vtop / ptov / sym ADDR / log -m / log -T / module symbols against crash
# (with the -dbg vmlinux) on one real dump: a kernel-text address (2 MiB page), a
# direct-map address (VMCOREINFO SYMBOL(mem_section), 4 KiB page) and a
# vmapped stack address (a frame of the panic task's `bt`), including the
# struct page line. usage: test-vtop.sh DONTPANIC
set -u
DP=$1
. "$(dirname "$0")/lib.sh"
d=
for k in kdump-zlib-d31 elf-d31 kdump-lzo-d31 elf-full; do
	d=$(dp_vmcore sysrq "$k") && break
done
[ -n "$d" ] || dp_skip "no sysrq dump"
why=$(dp_crash_unsupported) && dp_skip "crash (the oracle) cannot read this kernel's dumps: $why"
dp_need_crash
vmlinux=$(dp_vmlinux "$d") || dp_no_oracle "$(dp_vmlinux_why "$d")"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

text=$("$DP" sym sysrq_handle_crash "$d" | cut -d' ' -f1)
dmap=$("$DP" vmcoreinfo "$d" | sed -n 's/^SYMBOL(mem_section)=//p')
[ -n "$text" ] && [ -n "$dmap" ] || dp_fail "cannot pick addresses"
# A stack address of the panic task, from crash's bt.
printf 'bt\nq\n' >"$tmp/bt.in"
crash -s "$vmlinux" "$d" <"$tmp/bt.in" >"$tmp/bt.out" 2>&1
stack=$(sed -n 's/^ *#[0-9]* \[\([0-9a-f]*\)\].*/\1/p' "$tmp/bt.out" |
	grep -v '^ffffffff' | head -n 1)
[ -n "$stack" ] || dp_fail "no stack address in crash's bt: $(head -n 5 "$tmp/bt.out")"
dpa=$("$DP" vtop "$dmap" "$d" | sed -n 2p | awk '{print $2}')
# Module symbols: our listing, and an address 0x10 into a module function.
"$DP" sym -l "$d" | sed -n '/MODULE START/,$p' >"$tmp/mods" ||
	fail "sym -l with modules failed"
modaddr=$(awk '$2 == "(T)" || $2 == "(t)" {print $1; exit}' "$tmp/mods")
[ -n "$modaddr" ] || dp_fail "no module function in sym -l"
modaddr=$(/usr/bin/python3 -c 'import sys; print("%x" % (int(sys.argv[1], 16) + 16))' "$modaddr")
c=$tmp/crash
mkdir "$c"
cat >"$tmp/cmds" <<EOC
vtop $text > $c/vtop-text
vtop $dmap > $c/vtop-dmap
vtop $stack > $c/vtop-stack
ptov $dpa > $c/ptov
sym $(printf '%s' "$text" | sed 's/.$/6/') > $c/sym
log -m > $c/log-m
log -T > $c/log-T
sym $modaddr > $c/sym-mod
sym -l > $c/sym-l
q
EOC
crash -s "$vmlinux" "$d" <"$tmp/cmds" >"$tmp/crash.out" 2>&1

for v in text dmap stack; do
	eval a=\$$v
	"$DP" vtop "$a" "$d" >"$tmp/ours" || { fail "vtop $a exited $?"; continue; }
	# Whole output, trailing blanks and empty lines ignored.
	sed -e 's/[[:space:]]*$//' "$c/vtop-$v" | sed -e '/^$/d' >"$tmp/want"
	sed -e 's/[[:space:]]*$//' "$tmp/ours" | sed -e '/^$/d' >"$tmp/got"
	[ -s "$tmp/want" ] || { fail "crash vtop $a: no output"; continue; }
	grep -q 'PAGE.*PHYSICAL.*MAPPING' "$tmp/want" ||
		fail "crash vtop $a: no struct page line"
	if ! diff "$tmp/want" "$tmp/got" >"$tmp/diff"; then
		fail "vtop $v $a differs from crash"
		head -n 10 "$tmp/diff"
	fi
	echo "# vtop $v $a: $(sed -n 2p "$tmp/ours")"
done
"$DP" ptov "$dpa" "$d" >"$tmp/ours"
diff "$c/ptov" "$tmp/ours" >/dev/null || fail "ptov $dpa: $(cat "$tmp/ours")"
# sym ADDR: crash appends the source line, which needs DWARF.
"$DP" sym "$(printf '%s' "$text" | sed 's/.$/6/')" "$d" >"$tmp/ours"
case $(cat "$c/sym") in
"$(cat "$tmp/ours") "*) ;;
*) fail "sym: '$(cat "$tmp/ours")' vs crash '$(cat "$c/sym")'" ;;
esac
# Module symbols: the same modules, ranges, names and addresses as crash.
# Types are not compared: ours are /proc/kallsyms's (upper case = exported),
# crash derives its own. crash drops compiler suffixes after ".part.N"
# and of a few ".isra.N" names, so a crash name may be our name's prefix.
sed -n '/MODULE START/,$p' "$c/sym-l" >"$tmp/crash-mods"
/usr/bin/python3 - "$tmp/crash-mods" "$tmp/mods" <<'EOP' || fail "module symbols differ from crash"
import sys
a = [l.split() for l in open(sys.argv[1]) if l.strip()]
b = [l.split() for l in open(sys.argv[2]) if l.strip()]
bad = 0
if len(a) != len(b):
    print(f"# crash lists {len(a)} module lines, dontpanic {len(b)}")
    bad += 1
for x, y in zip(a, b):
    if x[0] != y[0] or (x[1] == "MODULE") != (y[1] == "MODULE"):
        bad += 1
    elif x[1] == "MODULE":
        bad += x != y
    elif not (y[2] == x[2] or y[2].startswith(x[2] + ".")):
        bad += 1
    if bad and bad < 5:
        print("# crash:", " ".join(x), "| dontpanic:", " ".join(y))
print(f"# {len(b)} module lines compared, {bad} differ")
sys.exit(bad != 0)
EOP
"$DP" sym "$modaddr" "$d" >"$tmp/ours"
case "$(sed 's/ ([^)]*) / /' "$c/sym-mod")" in
"$(sed 's/ ([^)]*) / /' "$tmp/ours")"*) ;;
*) fail "sym $modaddr: '$(cat "$tmp/ours")' vs crash '$(cat "$c/sym-mod")'" ;;
esac
for o in m T; do
	"$DP" log -$o "$d" >"$tmp/ours" || fail "log -$o exited $?"
	cmp -s "$c/log-$o" "$tmp/ours" ||
		{ fail "log -$o differs from crash"; diff "$c/log-$o" "$tmp/ours" | head -n 4; }
done
echo "# $d: $fails failures"
[ "$fails" = 0 ]
