# Shared by the collect tests: find dumps through tests/vm/lib.sh (the
# harness) when it exists, else through the same two layouts it supports:
#   ${DP_VMCORES:-$HOME/.cache/dontpanic/vm}/${DP_KVER:-current}/<scen>/vmcore.<kind>
#   $DP_VMCORES_FALLBACK/A-<scen>/dump/vmcore.<kind>  (reference testbed)
here=$(cd "$(dirname "$0")" && pwd)
if [ -f "$here/lib.sh" ]; then
	. "$here/lib.sh"
fi
if ! command -v dp_vmcore >/dev/null 2>&1; then
	dp_vmcore() {
		for f in "${DP_VMCORES:-$HOME/.cache/dontpanic/vm}/${DP_KVER:-current}/$1/vmcore.$2" \
			 "${DP_VMCORES_FALLBACK:-/nonexistent}/A-$1/dump/vmcore.$2"; do
			if [ -r "$f" ]; then
				echo "$f"
				return 0
			fi
		done
		return 1
	}
fi
DP=${DP:-$here/../../build/dontpanic}
skip() { echo "SKIP: $*"; exit 77; }
# An oracle (makedumpfile, libkdumpfile) missing: FAIL under CI (lib.sh).
no_oracle() {
	if command -v dp_no_oracle >/dev/null 2>&1; then dp_no_oracle "$*"; fi
	skip "$*"
}
fail() { echo "FAIL: $*"; exit 1; }
# Value of a makedumpfile --message-level 31 report line, as decimal.
mdf_count() { # file label
	v=$(grep -m1 "$2" "$1" | sed 's/.*: *0x//')
	[ -n "$v" ] || return 1
	printf '%d\n' "0x$v"
}
# A field of our --json report (numbers only).
json_num() { # json key
	printf '%s\n' "$1" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"
}
# A field of collect-verify's output line.
vfield() { # line key
	printf '%s\n' "$1" | sed -n "s/.* *$2 \([0-9a-z]*\).*/\1/p;s/^$2 \([0-9]*\).*/\1/p" | head -1
}
# mdf_differs FULL MDF OURS: true when makedumpfile's filtered dump MDF and
# ours (both from FULL) exclude different pages, after checking that the
# difference is explained (else fail): ours excludes nothing makedumpfile
# keeps, and every page makedumpfile excludes while we keep it is typed
# (slab, page table: makedumpfile 1.7.2 drops 6.10+ slabs as user pages)
# or in the kernel image (our guard), per drgn on FULL
# (oracle-drgn-pagediff.py).  Prints the counts.  Needs CMP_PAGES and the
# -dbg vmlinux; without them any difference fails.
mdf_differs() { # full mdf ours
	[ -n "${CMP_PAGES:-}" ] || return 1
	"$CMP_PAGES" --excluded "$2" | sort >"$tmp/x.mdf" || fail "cmp-pages --excluded $2"
	"$CMP_PAGES" --excluded "$3" | sort >"$tmp/x.dp" || fail "cmp-pages --excluded $3"
	cmp -s "$tmp/x.mdf" "$tmp/x.dp" && return 1
	more=$(comm -13 "$tmp/x.mdf" "$tmp/x.dp" | wc -l)
	[ "$more" = 0 ] || fail "we exclude $more pages makedumpfile keeps"
	comm -23 "$tmp/x.mdf" "$tmp/x.dp" >"$tmp/x.diff"
	vml=$(dp_vmlinux "$1" 2>/dev/null) && [ -r "$vml" ] && [ -x /usr/bin/drgn ] ||
		fail "$(wc -l <"$tmp/x.diff") pages differ from makedumpfile's and drgn or the -dbg vmlinux (the oracle) is missing"
	DP_PAGEDIFF=$tmp/x.diff env -u MALLOC_PERTURB_ /usr/bin/drgn -q -c "$1" -s "$vml" \
		"$here/oracle-drgn-pagediff.py" >"$tmp/x.why" 2>&1 ||
		fail "oracle-drgn-pagediff.py: $(tail -3 "$tmp/x.why")"
	bad=$(grep -c ' ?$' "$tmp/x.why")
	[ "$bad" = 0 ] || fail "$bad pages makedumpfile excludes and we keep are neither typed nor in the kernel image: $(grep ' ?$' "$tmp/x.why" | head -5 | tr '\n' ' ')"
	echo "# makedumpfile excludes $(wc -l <"$tmp/x.diff") pages we keep: $(grep -c ' typed$' "$tmp/x.why") typed, $(grep -c ' image$' "$tmp/x.why") in the kernel image"
	return 0
}

