# drgn (0.0.22, with the -dbg vmlinux) oracle for tests/vm/test-kernel.sh.
# Prints one JSON object: every task (for_each_task plus each CPU's idle
# task), the panic CPU, and the physical frames (program counters, inline
# frames folded) of the panic task and of every task that is not running.
# Run: drgn -q -c VMCORE -s VMLINUX oracle-drgn-kernel.py
import json
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.cpumask import for_each_possible_cpu

def frames(task):
    out, last = [], None
    try:
        trace = prog.stack_trace(task)
    except Exception as e:
        return {"error": str(e), "pcs": []}
    err = None
    try:
        for f in trace:
            if f.pc != last:
                out.append(f.pc)
            last = f.pc
    except Exception as e:
        err = str(e)
    return {"error": err, "pcs": out}

tasks = {}
for t in for_each_task(prog):
    tasks[t.value_()] = t
idle = {}
for cpu in for_each_possible_cpu(prog):
    t = per_cpu(prog["runqueues"], cpu).idle
    idle[cpu] = t.value_()
    tasks[t.value_()] = t
running = set()
for cpu in for_each_possible_cpu(prog):
    running.add(per_cpu(prog["runqueues"], cpu).curr.value_())
panic_cpu = prog["panic_cpu"].counter.value_()
panic_task = per_cpu(prog["runqueues"], panic_cpu).curr if panic_cpu >= 0 else None
res = {
    "tasks": sorted([[t.pid.value_(), t.comm.string_().decode()]
                     for t in tasks.values()]),
    "panic_cpu": panic_cpu,
    "panic_pid": panic_task.pid.value_() if panic_task is not None else None,
    "panic_frames": frames(panic_task) if panic_task is not None else None,
    "sleeping": {},
}
for addr, t in tasks.items():
    if addr in running:
        continue
    res["sleeping"][hex(addr)] = frames(t)
# Resident pages of each task's mm, FILEPAGES + ANONPAGES + SHMEMPAGES
# (counters 0, 1, 3), each as exact as the dump allows: 6.2+ sums the
# percpu_counter (count + every CPU's delta, percpu_counter_sum()), 6.1
# adds the threads' unfolded task->rss_stat deltas to mm->rss_stat.
from drgn import TypeKind
from drgn.helpers.linux.percpu import per_cpu_ptr

def rss_pages(t):
    mm = t.mm
    if not mm:
        return 0
    arr = mm.rss_stat.type_.kind == TypeKind.ARRAY
    total = 0
    for i in (0, 1, 3):
        if arr:
            c = mm.rss_stat[i]
            v = c.count.value_()
            for cpu in for_each_possible_cpu(prog):
                v += per_cpu_ptr(c.counters, cpu)[0].value_()
        else:
            v = mm.rss_stat.count[i].counter.value_()
            for u in tasks.values():
                if u.mm.value_() == mm.value_() and hasattr(u, "rss_stat"):
                    v += u.rss_stat.count[i].value_()
        total += max(v, 0)
    return total

res["rss"] = {hex(a): rss_pages(t) for a, t in tasks.items()}
# The vm counters kmem -i reads (the values /proc/meminfo shows).
def node_stat(name):
    return prog["vm_node_stat"][prog.constant(name).value_()].counter.value_()
res["shmem"] = node_stat("NR_SHMEM")
res["slab"] = node_stat("NR_SLAB_RECLAIMABLE_B") + node_stat("NR_SLAB_UNRECLAIMABLE_B")
print(json.dumps(res))
