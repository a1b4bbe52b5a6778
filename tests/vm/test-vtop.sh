#!/bin/sh
# vtop / ptov / sym ADDR / log -m / log -T against crash (with the -dbg
# vmlinux) on one real dump: a kernel-text address (2 MiB page), a
# direct-map address (VMCOREINFO SYMBOL(mem_section), 4 KiB page) and a
# vmapped stack address (a frame of the panic task's `bt`). vtop output is
# compared up to the leaf entry's flags (dontpanic does not print crash's
# struct page table). usage: test-vtop.sh DONTPANIC
set -u
DP=$1
. "$(dirname "$0")/lib.sh"
d=
for k in kdump-zlib-d31 elf-d31 kdump-lzo-d31 elf-full; do
	d=$(dp_vmcore sysrq "$k") && break
done
[ -n "$d" ] || dp_skip "no sysrq dump"
command -v crash >/dev/null || dp_skip "crash is not installed"
osrel=$("$DP" vmcoreinfo "$d" | sed -n 's/^OSRELEASE=//p')
vmlinux=/usr/lib/debug/boot/vmlinux-$osrel
[ -s "$vmlinux" ] || dp_skip "no $vmlinux for crash"
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
q
EOC
crash -s "$vmlinux" "$d" <"$tmp/cmds" >"$tmp/crash.out" 2>&1

for v in text dmap stack; do
	eval a=\$$v
	"$DP" vtop "$a" "$d" >"$tmp/ours" || { fail "vtop $a exited $?"; continue; }
	# crash: up to and including the flags row, then its page table.
	awk 'NF == 0 && seen { exit } { print } /^ *PTE +PHYSICAL +FLAGS/ { seen = 1 }' \
		"$c/vtop-$v" >"$tmp/want"
	[ -s "$tmp/want" ] || { fail "crash vtop $a: no output"; continue; }
	sed '/^$/{N;/^\n$/D}' "$tmp/ours" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' \
		>"$tmp/got"
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
for o in m T; do
	"$DP" log -$o "$d" >"$tmp/ours" || fail "log -$o exited $?"
	cmp -s "$c/log-$o" "$tmp/ours" ||
		{ fail "log -$o differs from crash"; diff "$c/log-$o" "$tmp/ours" | head -n 4; }
done
echo "# $d: $fails failures"
[ "$fails" = 0 ]
