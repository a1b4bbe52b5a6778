#!/bin/bash
# `meson install` puts the binary, the man page and the bash completion
# in place (issue 16: neither the man page nor a completion was
# installed), and the installed completion completes commands, options
# and dump paths from the installed binary.
# usage: test-install.sh BUILDDIR
set -u
build=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
if ! meson install -C "$build" --no-rebuild --destdir "$tmp/root" >"$tmp/log" 2>&1; then
	echo "FAIL: meson install:"; tail -20 "$tmp/log"; exit 1
fi
prefix=$(meson introspect "$build" --buildoptions |
	python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"))')
root=$tmp/root$prefix
for f in bin/dontpanic share/man/man1/dontpanic.1 \
	 share/bash-completion/completions/dontpanic; do
	[ -s "$root/$f" ] || { echo "FAIL: $prefix/$f not installed"; fail=1; }
done
cmp -s "$root/share/man/man1/dontpanic.1" "$top/docs/dontpanic.1" ||
	{ echo "FAIL: installed man page differs from docs/dontpanic.1"; fail=1; }
[ $fail -eq 0 ] || exit 1

# Drive the installed completion as bash would (COMP_WORDS/COMP_CWORD).
cd "$top"
PATH=$root/bin:$PATH
source "$root/share/bash-completion/completions/dontpanic"
complete -p dontpanic | grep -q -- '-F _dontpanic' || { echo "FAIL: not registered"; fail=1; }
comp() {
	COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
	_dontpanic 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
want() {
	got=$(comp "${@:2}")
	if [ "$got" = "$1" ]; then echo "ok: '${*:2}' -> $got"
	else echo "FAIL: '${*:2}' -> '$got', want '$1'"; fail=1; fi
}
want "report" dontpanic rep
want "bt" dontpanic b
want "help" dontpanic hel
want "report" dontpanic help repo
want "--json" dontpanic report --js
want "--vmlinux" dontpanic bt --vml
want "tests/data/sample/vmcore" dontpanic report tests/data/sample/vmc
want "tests/data/sample/vmcore" dontpanic report --json tests/data/sample/vmc
# Every command --help lists is offered on an empty word.
n=$(comp dontpanic "" | wc -w)
m=$(dontpanic --help | sed -n '/^commands:/,/^$/p' | grep -c '^  [a-z]')
[ "$n" -eq $((m + 1)) ] || { echo "FAIL: $n completions for $m commands + help"; fail=1; }
[ $fail -eq 0 ] && echo "ok: binary, man page and completion installed; $m commands complete"
exit $fail
