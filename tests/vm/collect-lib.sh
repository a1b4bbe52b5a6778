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
