# drgn's equivalent of `sys; bt; log; mod; ps` for bench/kernel-cmds.sh.
# Run: drgn -q -c VMCORE -s VMLINUX drgn-kernel-cmds.py
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.printk import get_dmesg
from drgn.helpers.linux.percpu import per_cpu

uts = prog["init_uts_ns"].name
print(uts.release.string_().decode(), uts.version.string_().decode())
cpu = prog["panic_cpu"].counter.value_()
task = per_cpu(prog["runqueues"], max(cpu, 0)).curr
print(prog.stack_trace(task))
print(get_dmesg(prog).decode(errors="replace"))
for mod in list_for_each_entry("struct module", prog["modules"].address_of_(),
                               "list"):
    print(hex(mod.value_()), mod.name.string_().decode(),
          hex(mod.core_layout.base.value_()), mod.core_layout.size.value_())
for t in for_each_task(prog):
    print(t.pid.value_(), t.comm.string_().decode())
