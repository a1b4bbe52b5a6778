# drgn oracle for the real-vmcore tests.  Run as:
#   /usr/bin/drgn -q -c VMCORE -s VMLINUX [-s dpcrash.ko] tests/vm/oracle-drgn.py
# Prints tab-separated sections ("### NAME" headers) that tests compare with:
#   info     release, jiffies, panic_cpu, crashed task (pid comm cpu, or
#            '-' when nothing panicked), stack_of (whose stack follows)
#   stack    the crashed task's (else CPU 0's current task's) stack trace
#            (ORC): index, function, pc
#   tasks    every task (idle tasks first): pid ppid comm state cpu
#   modules  loaded modules: name base size
# A section that fails prints "error<TAB>message" and the others still run.
# drgn 0.0.22 cannot read QEMU physical-ELF or flattened dumps; those fail
# when the program loads, before this script runs.
from drgn.helpers.linux.cpumask import for_each_online_cpu
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.sched import idle_task, task_cpu, task_state_to_char


def text(obj):
    return obj.string_().decode(errors='replace')


def section(name, fn):
    print('###', name)
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - report and keep going
        print(f'error\t{type(e).__name__}: {e}')


def panic_task():
    """The task current on panic_cpu, or None when nothing panicked.

    Not prog.crashed_thread(): it trusts PRSTATUS pr_pid, which QEMU sets
    to the CPU number (so on an idle QEMU dump it names pid 1)."""
    cpu = prog['panic_cpu'].counter.value_()
    if cpu < 0:
        return None
    return per_cpu(prog['runqueues'], cpu).curr


def stack_task():
    """panic_task(), else (no panic: an idle QEMU dump) CPU 0's current."""
    t = panic_task()
    return t if t is not None else per_cpu(prog['runqueues'], 0).curr


def info():
    print('release', text(prog['init_uts_ns'].name.release), sep='\t')
    # x86_64 defines jiffies as a linker alias of jiffies_64 (no DWARF).
    try:
        jiffies = prog['jiffies']
    except KeyError:
        jiffies = prog['jiffies_64']
    print('jiffies', jiffies.value_(), sep='\t')
    print('panic_cpu', prog['panic_cpu'].counter.value_(), sep='\t')
    t = panic_task()
    if t is None:
        print('crashed', '-', '-', '-', sep='\t')
    else:
        print('crashed', t.pid.value_(), text(t.comm), task_cpu(t), sep='\t')
    t = stack_task()
    print('stack_of', t.pid.value_(), text(t.comm), task_cpu(t), sep='\t')


def frame_name(frame):
    try:
        if frame.name:
            return frame.name
    except LookupError:
        pass
    try:
        return frame.symbol().name
    except LookupError:
        return '??'


def stack():
    for i, frame in enumerate(prog.stack_trace(stack_task())):
        print(i, frame_name(frame), hex(frame.pc), sep='\t')


def tasks():
    """Every task, the per-CPU idle tasks (pid 0, like crash's ps) first."""
    print('pid', 'ppid', 'comm', 'state', 'cpu', sep='\t')
    idle = [idle_task(prog, cpu) for cpu in for_each_online_cpu(prog)]
    rest = sorted(for_each_task(prog), key=lambda t: t.pid.value_())
    for t in idle + rest:
        print(t.pid.value_(), t.real_parent.pid.value_(), text(t.comm),
              task_state_to_char(t), task_cpu(t), sep='\t')


def module_core(mod):
    """(base, size) of a module's core text+data, by struct layout."""
    try:
        lay = mod.core_layout              # until Linux 6.3
        return lay.base.value_(), lay.size.value_()
    except AttributeError:
        mem = mod.mem[0]                   # 6.4+: mem[MOD_TEXT]
        return mem.base.value_(), mem.size.value_()


def modules():
    print('name', 'base', 'size', sep='\t')
    for mod in list_for_each_entry('struct module', prog['modules'].address_of_(), 'list'):
        base, size = module_core(mod)
        print(text(mod.name), hex(base), size, sep='\t')


section('info', info)
section('stack', stack)
section('tasks', tasks)
section('modules', modules)
