# drgn (0.0.22, with the -dbg vmlinux) oracle for tests/vm/check-cfi.py:
# the stack of the task running on every CPU (from the CPU's register
# note): program counters with inline frames folded, and the stack
# pointer of each physical frame.
# Run: drgn -q -c VMCORE -s VMLINUX oracle-drgn-cpus.py
import json
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.cpumask import for_each_possible_cpu

out = {}
for cpu in for_each_possible_cpu(prog):
    task = per_cpu(prog["runqueues"], cpu).curr
    fr, last, err = [], None, None
    try:
        for f in prog.stack_trace(task):
            if f.pc != last:
                try:
                    sp = f.sp
                except Exception:
                    sp = None
                fr.append([f.pc, sp])
            last = f.pc
    except Exception as e:
        err = str(e)
    out[cpu] = {"pid": task.pid.value_(), "frames": fr, "error": err}
print(json.dumps(out))
