#!/bin/sh
# Every command answers --help on stdout with exit 0 and a usage line;
# an unknown command is a usage error (exit 2); the committed man page
# equals what scripts/gen-man makes from the current help texts.
set -u
exe=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
fail=0
cmds=$("$exe" --help | sed -n '/^commands:/,/^$/p' | sed '1d;/^$/d' | awk '{print $1}')
[ -n "$cmds" ] || { echo "FAIL: no commands listed by --help"; exit 1; }
for c in $cmds; do
	[ "$c" = version ] && continue
	out=$("$exe" "$c" --help 2>/dev/null); rc=$?
	if [ $rc -ne 0 ] || ! printf '%s\n' "$out" | grep -qi 'usage'; then
		echo "FAIL: '$c --help' exit $rc, no usage text"
		fail=1
	fi
done
# `help CMD` is `CMD --help` (issue 16: it printed the general usage).
hl=$(mktemp); hr=$(mktemp)
for c in $cmds; do
	[ "$c" = version ] && continue
	"$exe" help "$c" > "$hl" 2>&1; "$exe" "$c" --help > "$hr" 2>&1
	cmp -s "$hl" "$hr" || { echo "FAIL: 'help $c' differs from '$c --help'"; fail=1; }
done
rm -f "$hl" "$hr"
"$exe" help no-such-command >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: 'help no-such-command' is not exit 2"; fail=1; }
"$exe" no-such-command >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: unknown command is not exit 2"; fail=1; }
tmp=$(mktemp)
"$top/scripts/gen-man" "$exe" > "$tmp"
if ! diff -u "$top/docs/dontpanic.1" "$tmp"; then
	echo "FAIL: docs/dontpanic.1 is stale: run scripts/gen-man build/dontpanic > docs/dontpanic.1"
	fail=1
fi
rm -f "$tmp"
[ $fail -eq 0 ] && echo "ok: $(echo "$cmds" | wc -l) commands answer --help; man page current"
exit $fail
