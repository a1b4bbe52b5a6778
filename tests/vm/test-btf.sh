#!/bin/sh
# Types from the dump's BTF, checked against independent oracles:
#  1. struct sizes and every member's bit offset / bitfield width / size
#     (recursively) equal the DWARF of the matching -dbg vmlinux, read by
#     drgn (dwarf-layout.py);
#  2. `p`, `struct`, `whatis` output equals crash's (run here with the
#     -dbg vmlinux) on the same dump, and the ELF and kdump copies of the
#     dump give the same answers;
#  3. -k with a vmlinux of another build is a precise warning, and with
#     the right one adds DWARF types (const char linux_banner[204]) and
#     source lines (vs crash's sym);
#  4. a dump whose BTF bytes are damaged gives a clear error for the type
#     commands while `log` and `sym` still work.
# usage: test-btf.sh DONTPANIC BTF-LAYOUT DWARF-LAYOUT.PY
set -u
DP=$1
LAYOUT=$2
DWARF_LAYOUT=$3
. "$(dirname "$0")/lib.sh"
kz=$(dp_vmcore panic kdump-zlib-d31) || dp_skip "no panic kdump-zlib-d31 dump"
elf=$(dp_vmcore panic elf-d31) || dp_skip "no panic elf-d31 dump"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

rel=$("$DP" vmcoreinfo "$kz" | sed -n 's/^OSRELEASE=//p')
bid=$("$DP" vmcoreinfo "$kz" | sed -n 's/^BUILD-ID=//p')
[ -n "$rel" ] && [ -n "$bid" ] || dp_fail "no OSRELEASE/BUILD-ID in $kz"
# The oracles: drgn and crash with the dump's vmlinux, by build-id.
vmlinux=$(dp_vmlinux "$kz") || dp_no_oracle "$(dp_vmlinux_why "$kz")"
py=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import drgn' 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || dp_no_oracle "python3 module drgn (python3-drgn) missing"
dp_need_crash

# ---- 1. layouts: BTF from the dump vs DWARF from the vmlinux ----
structs="task_struct mm_struct module page pglist_data zone printk_info
pt_regs rq list_head printk_ringbuffer uts_namespace"
# Types only in modules' split BTF (virtio_blk.ko, virtio_ring.ko are
# loaded in the test VM), against the modules' own DWARF.
kos=
moddbg=/usr/lib/debug/lib/modules/$rel/kernel/drivers
# makedumpfile (1.7.2) drops 6.10+ slab pages at -d 8, among them the
# kmalloc'd module BTF (its -E file of the same crash has it): then take
# our kdump-compressed copy of the ELF file.
if ! "$DP" whatis "struct virtio_blk" "$kz" >/dev/null 2>&1 &&
	"$DP" whatis "struct virtio_blk" "$elf" >/dev/null 2>&1; then
	echo "# $kz lacks the module BTF makedumpfile dropped; using a kdump-compressed copy of $elf"
	"$DP" collect -d 0 -c "$elf" "$tmp/kz" >/dev/null || dp_fail "collect -d 0 of $elf"
	kz=$tmp/kz
fi
loaded=$("$DP" mod "$kz" | awk 'NR > 1 { print $2 }')
for m in block/virtio_blk.ko virtio/virtio_ring.ko; do
	# A driver the kernel builds in (virtio_ring on 6.12) has its
	# types in vmlinux's BTF and DWARF, not a module's.
	n=$(basename "$m" .ko)
	printf '%s\n' "$loaded" | grep -qx "$n" || { echo "# $n: built in"; continue; }
	[ -r "$moddbg/$m" ] || dp_fail "oracle missing: $moddbg/$m"
	kos="$kos $moddbg/$m"
done
modstructs="virtio_blk vring_virtqueue"
# shellcheck disable=SC2086
"$LAYOUT" "$kz" $structs $modstructs >"$tmp/btf.txt" ||
	fail "btf-layout exited $?"
# shellcheck disable=SC2086
"$py" "$DWARF_LAYOUT" "$vmlinux" $kos $structs $modstructs >"$tmp/dwarf.txt" ||
	fail "dwarf-layout.py exited $?"
grep -q '^SIZE virtio_blk ' "$tmp/btf.txt" || fail "no module BTF type"
n=$(grep -vc '^SIZE' "$tmp/dwarf.txt")
[ "$n" -gt 1500 ] || fail "only $n DWARF members listed"
if ! diff -u "$tmp/dwarf.txt" "$tmp/btf.txt" >"$tmp/layout.diff"; then
	fail "BTF layouts differ from DWARF:"
	head -n 30 "$tmp/layout.diff"
else
	echo "ok: $n members of $(echo $structs $modstructs | wc -w) structs match DWARF"
fi

if why=$(dp_crash_unsupported); then
	echo "# the checks against crash (2 and on) not run: crash cannot read this kernel's dumps: $why"
	[ "$fails" = 0 ]
	exit
fi

# ---- 2. values and layouts vs crash ----
cat >"$tmp/cmds" <<'EOF'
p jiffies
p/x jiffies
p init_uts_ns.name
p init_task.comm
p init_task.pid
p init_task.comm[0]
p panic_cpu
p crashing_cpu
p tainted_mask
p/x page_offset_base
p init_task.tasks
p init_task.se.load
p init_task.real_parent
p init_mm.pgd
p prb
p current_task
p runqueues
p cpu_number
p cpu_number:1
p cpu_number:a
p vm_zone_stat
p avenrun
p init_task.pid_links
p init_task.perf_event_ctxp
p/x init_task.cpus_mask
p init_task.thread_info
struct uts_namespace init_uts_ns
struct task_struct.comm,pid,tasks init_task
struct printk_ringbuffer printk_rb_static
struct -x uts_namespace init_uts_ns
struct -o uts_namespace init_uts_ns
struct -o list_head modules
p/x init_task.thread_info
struct -o task_struct
struct -o page
struct -o mm_struct
struct -o pt_regs
struct -o printk_info
whatis task_struct
whatis atomic_long_t
whatis pid_t
whatis union rcu_special
whatis enum zone_type
whatis init_uts_ns
whatis prb
whatis vm_zone_stat
EOF
i=0
: >"$tmp/crash.in"
while IFS= read -r c; do
	i=$((i + 1))
	echo "$c > $tmp/crash.$i" >>"$tmp/crash.in"
done <"$tmp/cmds"
echo q >>"$tmp/crash.in"
crash -s "$vmlinux" "$kz" <"$tmp/crash.in" >"$tmp/crash.log" 2>&1 ||
	fail "crash exited $?"
i=0
while IFS= read -r c; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	set -- $c
	cmd=$1
	shift
	"$DP" "$cmd" "$@" "$kz" >"$tmp/ours.$i" 2>&1 ||
		fail "dontpanic $c exited $?: $(head -n 3 "$tmp/ours.$i")"
	# crash numbers results over its session; ours start at $1.
	sed 's/\$[0-9][0-9]* = /$N = /' "$tmp/crash.$i" >"$tmp/want.$i"
	sed 's/\$[0-9][0-9]* = /$N = /' "$tmp/ours.$i" >"$tmp/got.$i"
	if [ ! -s "$tmp/want.$i" ]; then
		fail "crash gave no output for '$c'"
	elif ! diff -u "$tmp/want.$i" "$tmp/got.$i" >"$tmp/diff.$i"; then
		fail "'$c' differs from crash:"
		head -n 20 "$tmp/diff.$i"
	fi
	"$DP" "$cmd" "$@" "$elf" >"$tmp/elf.$i" 2>&1
	cmp -s "$tmp/ours.$i" "$tmp/elf.$i" ||
		fail "'$c': ELF and kdump copies of the dump disagree"
done <"$tmp/cmds"
echo "ok: $i commands compared with crash"

# ---- 3. optional vmlinux: wrong build, right build ----
wrong=$LAYOUT	# any ELF with a build-id that is not the kernel's
wbid=$(readelf -n "$wrong" | sed -n 's/.*Build ID: //p')
"$DP" p -k "$wrong" jiffies "$kz" >"$tmp/wrong.out" 2>"$tmp/wrong.err" ||
	fail "p -k WRONG exited $?"
grep -q "does not match the dump: the dump is kernel $rel with build-id $bid, the file has build-id $wbid" "$tmp/wrong.err" ||
	fail "mismatch warning: $(cat "$tmp/wrong.err")"
grep -q "linux-image-$rel-dbg" "$tmp/wrong.err" ||
	fail "mismatch warning does not name the package"
cmp -s "$tmp/wrong.out" "$tmp/ours.1" ||
	fail "p jiffies with a wrong vmlinux: $(cat "$tmp/wrong.out")"
lsyms="panic schedule __crash_kexec"
{
	printf 'whatis linux_banner > %s/cb1\nwhatis jiffies > %s/cb2\np linux_banner > %s/cb3\n' \
		"$tmp" "$tmp" "$tmp"
	for s in $lsyms; do echo "sym $s > $tmp/sym.$s"; done
	echo q
} >"$tmp/crash2.in"
crash -s "$vmlinux" "$kz" <"$tmp/crash2.in" >/dev/null 2>&1
n=0
for c in "whatis linux_banner" "whatis jiffies" "p linux_banner"; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	"$DP" $c -k "$vmlinux" "$kz" >"$tmp/k.$n" 2>"$tmp/k.err" ||
		fail "dontpanic $c -k exited $?"
	[ -s "$tmp/k.err" ] && fail "$c -k: unexpected stderr $(cat "$tmp/k.err")"
	sed 's/\$[0-9][0-9]* = /$1 = /' "$tmp/cb$n" >"$tmp/kwant.$n"
	# (each of ours is a new session: always $1)
	diff -u "$tmp/kwant.$n" "$tmp/k.$n" || fail "'$c -k VMLINUX' differs from crash"
done

# Source lines from the vmlinux DWARF vs crash's "sym" ("... FILE: LINE").
# shellcheck disable=SC2086
"$LAYOUT" --line "$vmlinux" "$kz" $lsyms >"$tmp/lines" || fail "--line exited $?"
for s in $lsyms; do
	want=$(sed -n 's/.* \([^ ]*\): \([0-9]*\)$/\1 \2/p' "$tmp/sym.$s")
	got=$(sed -n "s/^$s \(.*\):\([0-9]*\)\$/\1 \2/p" "$tmp/lines")
	[ -n "$want" ] || fail "crash gave no source line for $s"
	# crash prints the build-tree path; ours is the DWARF file name.
	case "$want" in
	*"${got% *} ${got#* }") ;;
	*) fail "source line of $s: ours '$got', crash '$want'" ;;
	esac
done

# ---- 4. damaged BTF in a copy of the ELF dump ----
start=$("$DP" sym __start_BTF "$elf" | awk '{print $1}')
[ -n "$start" ] || fail "no __start_BTF"
cp "$elf" "$tmp/bad.elf" || exit 1
"$DP" log "$elf" >"$tmp/log.good" || fail "log exited $?"
patch_btf() {	# patch_btf OFFSET BYTE: write BYTE at __start_BTF+OFFSET
	"$py" - "$tmp/bad.elf" "$start" "$1" "$2" <<'EOF' || fail "patching failed"
import struct, sys
path, vaddr, off, byte = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3]), int(sys.argv[4])
f = open(path, 'r+b')
ehdr = f.read(64)
phoff, = struct.unpack_from('<Q', ehdr, 32)
phentsize, phnum = struct.unpack_from('<HH', ehdr, 54)
phdrs = []
for i in range(phnum):
    f.seek(phoff + i * phentsize)
    p = struct.unpack('<IIQQQQQQ', f.read(56))
    phdrs.append(p)
# kernel text PT_LOAD gives the physical address; patch every copy of it
paddr = None
for t, fl, o, va, pa, fs, ms, al in phdrs:
    if t == 1 and va <= vaddr < va + ms:
        paddr = pa + (vaddr - va) + off
n = 0
for t, fl, o, va, pa, fs, ms, al in phdrs:
    if t == 1 and paddr is not None and pa <= paddr < pa + fs:
        f.seek(o + paddr - pa)
        f.write(bytes([byte]))
        n += 1
sys.exit(0 if n else 1)
EOF
}
check_bad() {	# check_bad WHAT EXPECTED-TEXT
	if "$DP" whatis task_struct "$tmp/bad.elf" >"$tmp/bad.out" 2>"$tmp/bad.err"; then
		fail "$1: whatis succeeded on damaged BTF"
	fi
	grep -q "$2" "$tmp/bad.err" || fail "$1: error: $(cat "$tmp/bad.err")"
	"$DP" p jiffies "$tmp/bad.elf" >/dev/null 2>"$tmp/bad.err" &&
		fail "$1: p succeeded on damaged BTF"
	grep -q "types are not available" "$tmp/bad.err" ||
		fail "$1: p error: $(cat "$tmp/bad.err")"
	"$DP" log "$tmp/bad.elf" >"$tmp/log.bad" 2>&1 || fail "$1: log exited $?"
	cmp -s "$tmp/log.good" "$tmp/log.bad" || fail "$1: log output changed"
	"$DP" sym init_task "$tmp/bad.elf" >/dev/null || fail "$1: sym exited $?"
}
# A type record with kind 31 (header 24 bytes, type_off 0: first record's
# info word is at 24+4; byte 3 of it holds the kind).
patch_btf 31 31
check_bad "bad type kind" "BTF type 1 at offset 0x18 has unknown kind 31"
patch_btf 0 0	# magic 0xeb9f -> 0xeb00
check_bad "bad magic" "bad BTF magic 0xeb00"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "PASS"
