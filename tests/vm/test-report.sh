#!/bin/sh
# dontpanic report on every dump and log of the harness MANIFEST: class,
# task, CPU, guilty function and module as expected from how each
# scenario was triggered; bucket ids equal across the formats of one crash
# and distinct across different crashes. Usage: test-report.sh DONTPANIC
. "$(dirname "$0")/lib.sh"
dp=${1:?usage: test-report.sh DONTPANIC}
dir=$(dp_vmdir) && [ -s "$dir/MANIFEST" ] || dp_skip "no harness MANIFEST"
exec /usr/bin/python3 "$(dirname "$0")/check-report.py" "$dp" "$dir"
