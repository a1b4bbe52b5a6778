#!/usr/bin/python3
# Writes the report corpus of this folder: for each kind of kernel report,
# logs in three layouts -- "v6" (6.x x86_64: "[ts][ T123] " caller ids,
# " sym+0x1/0x2" frames, "RIP: 0010:sym", <TASK>), "v4" (4.x x86_64:
# " [<ffffffff81234567>] sym" frames, "RIP: 0010:[<..>]  [<..>] sym",
# "IP: [<..>] sym") and "arm64" ("<4>" syslog prefix, "pc : sym",
# "Call trace:") -- and NAME.expected with the title, class, guilty
# function and module the report must give. The lines are ours, written
# from the kernel's printk formats; the source of each format is cited by
# the kind below. Run: ./gen.py (rewrites *.log and *.expected).
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ADDR = 0xffffffff81000000


def frame(style, fn, i, mod=None, unrel=False):
    m = f" [{mod}]" if mod else ""
    q = "? " if unrel else ""
    off = f"+0x{(i * 37 + 11) & 0xfff:x}/0x{(i * 53 + 400) & 0xfff:x}"
    if style == "v4":
        return f" [<{ADDR + i * 0x1234:016x}>] {q}{fn}{off}{m}"
    return f" {q}{fn}{off}{m}"


def ip(style, fn, mod=None):
    m = f" [{mod}]" if mod else ""
    if style == "v6":
        return [f"RIP: 0010:{fn}+0x2b/0x90{m}",
                "Code: 48 89 df e8 d4 8c 01 00 <0f> 0b 48 c7 c7 60 1a",
                "RSP: 0018:ffffc90003b0f8c8 EFLAGS: 00010246",
                "RAX: 0000000000000000 RBX: ffff888012345678 RCX: 0000000000000000"]
    if style == "v4":
        return [f"RIP: 0010:[<{ADDR + 0x42:016x}>]  [<{ADDR + 0x42:016x}>] {fn}+0x2b/0x90{m}",
                "RSP: 0018:ffff88006c6b7d58  EFLAGS: 00010246",
                "RAX: 0000000000000000 RBX: ffff88006c6b7e10 RCX: 0000000000000000"]
    return [f"pc : {fn}+0x2b/0x90{m}", "lr : el1_dbg+0x10/0x20",
            "sp : ffff800008003e10",
            "x29: ffff800008003e10 x28: 0000000000000000 x27: 0000000000000000"]


def cpu(style, comm="syz-executor", pid=5944):
    return [f"CPU: 0 PID: {pid} Comm: {comm} Not tainted 6.1.0 #1",
            "Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.2 04/01/2014"]


def trace(style, frames, irq=None):
    out = ["Call trace:" if style == "arm64" else "Call Trace:"]
    if style == "v6":
        out.append(" <TASK>")
    for i, f in enumerate(frames):
        if isinstance(f, tuple):
            out.append(frame(style, f[0], i, f[1] if len(f) > 1 else None,
                             len(f) > 2))
        else:
            out.append(frame(style, f, i))
    if style == "v6":
        out.append(" </TASK>")
    return out


SYSCALL = ["__x64_sys_ioctl", "do_syscall_64", "entry_SYSCALL_64_after_hwframe"]
SYSCALL_ARM = ["__arm64_sys_ioctl", "invoke_syscall", "el0_svc_common", "el0_svc"]


def sysc(style):
    return SYSCALL_ARM if style == "arm64" else SYSCALL


def oops(header, die, fn, callers, mod=None, pre=()):
    def f(style):
        lines = list(pre) + header(style)
        if style == "arm64":
            lines += ["Internal error: Oops: 0000000096000005 [#1] PREEMPT SMP"]
        elif die:
            lines += [die]
        lines += ["Modules linked in:"] + cpu(style) + ip(style, fn, mod)
        lines += trace(style, [(fn, mod)] if style == "arm64" else [] +
                       [("die", None, True)] if style == "v6" else [])[:0]
        tr = ([(fn, mod)] if style == "arm64" else []) + callers + sysc(style)
        lines += trace(style, tr)
        lines += ["---[ end trace 0000000000000000 ]---"]
        return lines
    return f


# kind: (class, title with {F}, guilty, module, builder(style) -> lines)
K = {}

# arch/x86/mm/fault.c show_fault_oops; arm64 arch/arm64/mm/fault.c die_kernel_fault
def null_hdr(style):
    if style == "v6":
        return ["BUG: kernel NULL pointer dereference, address: 0000000000000008",
                "#PF: supervisor read access in kernel mode",
                "#PF: error_code(0x0000) - not-present page", "PGD 0 P4D 0"]
    if style == "v4":
        return ["BUG: unable to handle kernel NULL pointer dereference at 0000000000000008",
                f"IP: [<{ADDR + 0x42:016x}>] ext4_fill_super+0x2b/0x90", "PGD 0"]
    return ["Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008",
            "Mem abort info:", "  ESR = 0x0000000096000005"]


K["null"] = ("OOPS_NULL_DEREF", "BUG: unable to handle kernel NULL pointer dereference in {F}",
             "ext4_fill_super", None,
             oops(null_hdr, "Oops: 0000 [#1] PREEMPT SMP", "ext4_fill_super",
                  ["mount_bdev", "legacy_get_tree", "vfs_get_tree"]))


def paging_hdr(style):
    if style == "v6":
        return ["BUG: unable to handle page fault for address: ffffc90000a3c000",
                "#PF: supervisor write access in kernel mode",
                "#PF: error_code(0x0002) - not-present page"]
    if style == "v4":
        return ["BUG: unable to handle kernel paging request at ffffc90000a3c000",
                f"IP: [<{ADDR + 0x42:016x}>] nf_tables_newrule+0x2b/0x90", "PGD 6c4d7067"]
    return ["Unable to handle kernel paging request at virtual address dead000000000108",
            "Mem abort info:", "  ESR = 0x0000000096000044"]


K["paging"] = ("OOPS_PAGING_FAULT", "BUG: unable to handle kernel paging request in {F}",
               "nf_tables_newrule", None,
               oops(paging_hdr, "Oops: 0002 [#1] PREEMPT SMP", "nf_tables_newrule",
                    ["nfnetlink_rcv_batch", "nfnetlink_rcv", "netlink_unicast"]))

# arch/x86/kernel/traps.c exc_general_protection / die_addr; 6.12 "Oops: " prefix
K["gpf"] = ("OOPS_GPF", "general protection fault in {F}", "tcp_sendmsg_locked", None,
            lambda s: oops(lambda st: [
                {"v6": "Oops: general protection fault, probably for non-canonical address 0xdffffc0000000001: 0000 [#1] PREEMPT SMP KASAN",
                 "v4": "general protection fault: 0000 [#1] SMP KASAN",
                 "arm64": "general protection fault, probably for non-canonical address 0xdffffc0000000001: 0000 [#1] PREEMPT SMP KASAN"}[st],
                "KASAN: null-ptr-deref in range [0x0000000000000008-0x000000000000000f]"],
                None, "tcp_sendmsg_locked", ["tcp_sendmsg", "inet_sendmsg", "sock_sendmsg"])(
                "v6" if s == "arm64" else s))

# include/asm-generic/bug.h BUG(), lib/bug.c report_bug "kernel BUG at %s:%u!"
K["bug"] = ("BUG", "kernel BUG in {F}", "jbd2_journal_dirty_metadata", None,
            oops(lambda st: ["------------[ cut here ]------------",
                             "kernel BUG at fs/jbd2/transaction.c:1504!"],
                 "invalid opcode: 0000 [#1] PREEMPT SMP", "jbd2_journal_dirty_metadata",
                 ["__ext4_handle_dirty_metadata", "ext4_do_update_inode", "ext4_mark_iloc_dirty"]))

# arch/x86/kernel/traps.c DEFINE_IDTENTRY(exc_divide_error) "divide error"
def div(style):
    die = {"v6": "Oops: divide error: 0000 [#1] PREEMPT SMP KASAN NOPTI",
           "v4": "divide error: 0000 [#1] SMP KASAN",
           "arm64": "divide error: 0000 [#1] PREEMPT SMP"}[style]
    st = "v6" if style == "arm64" else style
    return oops(lambda s: [], die, "tcp_select_window", ["__tcp_transmit_skb", "tcp_write_xmit"])(st)


K["divide"] = ("DIVIDE_ERROR", "divide error in {F}", "tcp_select_window", None, div)


# arch/x86/kernel/traps.c handle_invalid_op "invalid opcode"
def ud(style):
    st = "v6" if style == "arm64" else style
    die = "Oops: invalid opcode: 0000 [#1] PREEMPT SMP" if style == "arm64" else "invalid opcode: 0000 [#1] SMP"
    return oops(lambda s: [], die, "bpf_prog_run_xdp", ["xdp_do_generic", "netif_receive_skb"],
                mod="xdp_test")(st)


K["invalid_opcode"] = ("INVALID_OPCODE", "invalid opcode in {F}", "bpf_prog_run_xdp", "xdp_test", ud)


# arch/x86/kernel/traps.c exc_double_fault "PANIC: double fault, error_code: 0x%lx"
def df(style):
    st = "v6" if style == "arm64" else style
    return ["PANIC: double fault, error_code: 0x0"] + cpu(st) + ip(st, "lock_sock_nested") [:0] + \
        ip(st, "sctp_sendmsg") + ["Kernel panic - not syncing: Machine halted."]


K["double_fault"] = ("DOUBLE_FAULT", "PANIC: double fault in {F}", "sctp_sendmsg", None, df)


# kernel/panic.c __warn: "WARNING: CPU: %d PID: %d at %pS" / "at %s:%d %pS"
def warn(style):
    mod = "vhost"
    fn = "vhost_dev_cleanup"
    suffix = "()" if style == "v4" else ""
    m = f" [{mod}]" if mod else ""
    lines = ["------------[ cut here ]------------",
             f"WARNING: CPU: 1 PID: 5944 at drivers/vhost/vhost.c:712 {fn}+0x2b7/0x390{m}{suffix}",
             "Modules linked in: vhost"] + cpu(style)
    if style == "v4":
        lines += trace(style, ["dump_stack", "__warn", "warn_slowpath_null", (fn, mod),
                               "vhost_net_release", "__fput", "task_work_run"])
    else:
        lines += ip(style, fn, mod) + trace(style, ([(fn, mod)] if style == "arm64" else []) +
                                            [("vhost_net_release", "vhost" if mod else None),
                                             "__fput", "task_work_run"])
    return lines + ["---[ end trace 0000000000000000 ]---"]


K["warn"] = ("WARN", "WARNING in {F}", "vhost_dev_cleanup", "vhost", warn)


# lib/refcount.c refcount_warn_saturate "refcount_t: underflow; use-after-free."
def refc(style):
    return (["refcount_t: underflow; use-after-free.",
             "WARNING: CPU: 0 PID: 1 at lib/refcount.c:28 refcount_warn_saturate+0xba/0x110",
             "Modules linked in:"] + cpu(style) + ip(style, "refcount_warn_saturate") +
            trace(style, ["refcount_warn_saturate", "sk_psock_put", "sock_map_close", "inet_release"]))


K["refcount"] = ("REFCOUNT", "WARNING: refcount bug in {F}", "sk_psock_put", None, refc)


# lib/debugobjects.c debug_print_object "ODEBUG: %s %s (active state %u) object: %p object type: %s hint: %pS"
def odebug(style):
    return (["ODEBUG: free active (active state 0) object: ffff88801e3c2d28 object type: timer_list hint: hci_cmd_timeout+0x0/0x1e0",
             "WARNING: CPU: 0 PID: 1 at lib/debugobjects.c:505 debug_print_object+0x16e/0x250",
             "Modules linked in:"] + cpu(style) + ip(style, "debug_print_object") +
            trace(style, ["debug_check_no_obj_freed", "kfree", "hci_dev_release", "device_release",
                          "kobject_put"]))


K["odebug"] = ("ODEBUG", "WARNING: ODEBUG bug in {F}", "hci_dev_release", None, odebug)


# mm/kasan/report.c print_error_description / start_report
def kasan(style):
    fn = "ext4_xattr_set_entry"
    if style == "v4":
        hdr = [f"BUG: KASAN: use-after-free in {fn}+0x2b/0x90 at addr ffff8800603c1a80",
               "Read of size 4 by task syz-executor/5944"]
    else:
        hdr = [f"BUG: KASAN: slab-use-after-free in {fn}+0x2b/0x90",
               "Read of size 4 at addr ffff888012345678 by task syz-executor/5944"]
    return (["=" * 64] + hdr + [""] + cpu(style) +
            trace(style, ["dump_stack_lvl", "print_report", "kasan_report", "__asan_load4", fn,
                          "ext4_xattr_set_handle", "ext4_xattr_set"]) +
            ["", "Allocated by task 1:"] + trace(style, ["kasan_save_stack", "__kasan_kmalloc", "__kmalloc"])[1:2])


def kasan_title(style):
    return ("KASAN: use-after-free Read in {F}" if style == "v4"
            else "KASAN: slab-use-after-free Read in {F}")


K["kasan"] = ("KASAN", kasan_title, "ext4_xattr_set_entry", None, kasan)


# mm/kmsan/report.c kmsan_report "BUG: KMSAN: %s in %pSr"
def kmsan(style):
    fn = "hci_event_packet"
    return (["=" * 64, f"BUG: KMSAN: uninit-value in {fn}+0x2b/0x90"] +
            [frame(style, f, i) for i, f in enumerate([fn, "hci_rx_work", "process_one_work",
                                                       "worker_thread", "kthread"])] +
            ["", "Uninit was created at:"] +
            [frame(style, f, i) for i, f in enumerate(["slab_post_alloc_hook", "kmem_cache_alloc_node",
                                                       "__alloc_skb"])] + [""] + cpu(style))


K["kmsan"] = ("KMSAN", "KMSAN: uninit-value in {F}", "hci_event_packet", None, kmsan)


# mm/kfence/report.c kfence_report_error "BUG: KFENCE: use-after-free %s in %pS"
def kfence(style):
    fn = "nilfs_btree_lookup"
    return (["=" * 64, f"BUG: KFENCE: use-after-free read in {fn}+0x2b/0x90", "",
             "Use-after-free read at 0xffff8c3f2e291fb0 (in kfence-#72):"] +
            [frame(style, f, i) for i, f in enumerate([fn, "nilfs_bmap_lookup_at_level",
                                                       "nilfs_get_block"])] +
            ["", "kfence-#72: 0xffff8c3f2e291fb0-0xffff8c3f2e291fcf, size=32, cache=kmalloc-32", ""] +
            cpu(style))


K["kfence"] = ("KFENCE", "KFENCE: use-after-free read in {F}", "nilfs_btree_lookup", None, kfence)


# kernel/kcsan/report.c print_report "BUG: KCSAN: %s in %ps / %ps"
def kcsan(style):
    return (["=" * 64, "BUG: KCSAN: data-race in tcp_poll / tcp_set_state", "",
             "write to 0xffff888012345678 of 1 bytes by task 5944 on cpu 1:"] +
            [frame(style, f, i) for i, f in enumerate(["tcp_set_state", "tcp_done"])] + [""] + cpu(style))


K["kcsan"] = ("KCSAN", "KCSAN: data-race in tcp_poll / tcp_set_state", "tcp_poll", None, kcsan)


# lib/ubsan.c ubsan_prologue "UBSAN: %s in %s:%d:%d"; before 5.8 "UBSAN: Undefined behaviour in"
def ubsan(style):
    fn = "tcp_set_rcvlowat"
    hdr = ("UBSAN: Undefined behaviour in net/ipv4/tcp.c:1700:15" if style == "v4"
           else "UBSAN: shift-out-of-bounds in net/ipv4/tcp.c:1700:15")
    return (["=" * 64, hdr, "shift exponent 64 is too large for 64-bit type 'long unsigned int'"] +
            cpu(style) + trace(style, ["dump_stack_lvl", "ubsan_epilogue",
                                       "__ubsan_handle_shift_out_of_bounds", fn,
                                       "do_tcp_setsockopt", "tcp_setsockopt"]) + ["=" * 64])


def ubsan_title(style):
    return ("UBSAN: undefined-behaviour in {F}" if style == "v4"
            else "UBSAN: shift-out-of-bounds in {F}")


K["ubsan"] = ("UBSAN", ubsan_title, "tcp_set_rcvlowat", None, ubsan)


# mm/kmemleak.c print_unreferenced "unreferenced object 0x%08lx (size %zu):", "backtrace (crc %x):"
def leak(style):
    bt = "  backtrace (crc 5e3f1a2b):" if style == "v6" else "  backtrace:"
    fr = ["kmemleak_alloc", "__kmalloc", "kmalloc_trace", "ax25_create", "__sock_create"]
    return (["BUG: memory leak" if style != "arm64" else "kmemleak: 1 new suspected memory leaks",
             ("kmemleak: " if style == "arm64" else "") + "unreferenced object 0xffff888109a8f600 (size 64):",
             '  comm "syz-executor", pid 5944, jiffies 4294954123',
             "  hex dump (first 32 bytes):",
             "    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................", bt] +
            ["   " + frame("v4" if style != "v6" else "v6", f, i) for i, f in enumerate(fr)])


K["memleak"] = ("MEMLEAK", "memory leak in {F}", "ax25_create", None, leak)


# kernel/locking/lockdep.c print_circular_bug_header; 4.x "[ INFO: ... ]"
def circ(style):
    if style == "v4":
        hdr = ["======================================================",
               "[ INFO: possible circular locking dependency detected ]"]
        at = lambda fn: f", at: [<{ADDR:016x}>] {fn}+0x1f/0x60"
    else:
        hdr = ["======================================================",
               "WARNING: possible circular locking dependency detected"]
        at = lambda fn: f", at: {fn}+0x1f/0x60"
    return (hdr + ["6.1.0 #1 Not tainted", "-" * 54,
                   "syz-executor/5944 is trying to acquire lock:",
                   "ffff888012345678 (&pipe->mutex/1){+.+.}-{3:3}" + at("pipe_lock_nested"), "",
                   "but task is already holding lock:",
                   "ffff888087654321 (sb_writers#3){.+.+}-{0:0}" + at("fuse_file_splice"), "",
                   "which lock already depends on the new lock.", "",
                   "-> #1 (sb_writers#3){.+.+}-{0:0}:"] +
            ["       " + frame(style, f, i).strip() for i, f in enumerate(["lock_acquire", "__sb_start_write"])] +
            ["", "stack backtrace:"] + cpu(style) +
            trace(style, ["dump_stack_lvl", "check_noncircular", "__lock_acquire", "lock_acquire"]))


K["deadlock"] = ("LOCKDEP", "possible deadlock in {F}", "pipe_lock_nested", None, circ)


# kernel/locking/lockdep.c print_usage_bug "inconsistent lock state"
def incons(style):
    return (["================================", "WARNING: inconsistent lock state",
             "6.1.0 #1 Not tainted", "--------------------------------",
             "inconsistent {SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W} usage.",
             "syz-executor/5944 [HC0[0]:SC1[1]:HE1:SE0] takes:",
             "ffff888012345678 (&sch->q.lock){+.?.}-{2:2}, at: spin_lock include/linux/spinlock.h:350 [inline]",
             "stack backtrace:"] + cpu(style) +
            trace(style, ["dump_stack_lvl", "mark_lock", "__lock_acquire", "lock_acquire",
                          "_raw_spin_lock", "sch_direct_xmit", "__dev_queue_xmit"]))


K["inconsistent"] = ("LOCKDEP", "inconsistent lock state in {F}", "sch_direct_xmit", None, incons)


# kernel/rcu/update.c lockdep_rcu_suspicious "suspicious RCU usage"
def susp(style):
    hdr = "[ INFO: suspicious RCU usage. ]" if style == "v4" else "WARNING: suspicious RCU usage"
    return (["=============================", hdr, "6.1.0 #1 Not tainted",
             "-----------------------------", "net/core/dev.c:5432 suspicious rcu_dereference_check() usage!",
             "", "stack backtrace:"] + cpu(style) +
            trace(style, ["dump_stack_lvl", "lockdep_rcu_suspicious", "netdev_rx_handler_register",
                          "bond_enslave", "do_set_master"]))


def susp_title(style):
    return ("INFO: suspicious RCU usage in {F}" if style == "v4"
            else "WARNING: suspicious RCU usage in {F}")


K["suspicious_rcu"] = ("LOCKDEP", susp_title, "netdev_rx_handler_register", None, susp)


# kernel/sched/core.c __might_resched
def sleeping(style):
    return (["BUG: sleeping function called from invalid context at mm/slab.h:742",
             "in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 5944, name: syz-executor",
             "preempt_count: 201, expected: 0"] + cpu(style) +
            trace(style, ["dump_stack_lvl", "__might_resched", "kmem_cache_alloc", "nfc_llcp_send_ui_frame",
                          "llcp_sock_sendmsg"]))


K["sleeping"] = ("INVALID_CONTEXT", "BUG: sleeping function called from invalid context in {F}",
                 "nfc_llcp_send_ui_frame", None, sleeping)


# kernel/sched/core.c __schedule_bug "BUG: scheduling while atomic: %s/%d/0x%08x"
def schedatomic(style):
    return (["BUG: scheduling while atomic: syz-executor/5944/0x00000002", "Modules linked in:"] +
            cpu(style) + trace(style, ["dump_stack_lvl", "__schedule_bug", "__schedule", "schedule",
                                       "gsm_dlci_config", "gsm_ioctl"]))


K["sched_atomic"] = ("INVALID_CONTEXT", "BUG: scheduling while atomic in {F}", "gsm_dlci_config", None,
                     schedatomic)


# kernel/hung_task.c check_hung_task "INFO: task %s:%d blocked for more than %ld seconds."
def hung(style):
    return (["INFO: task syz-executor:5944 blocked for more than 143 seconds.",
             "      Not tainted 6.1.0 #1",
             '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
             "task:syz-executor state:D stack:0 pid:5944 ppid:1 flags:0x00004004"] +
            trace(style, ["__schedule", "schedule", "schedule_preempt_disabled", "__mutex_lock",
                          "mutex_lock_nested", "tty_release", "__fput"]))


K["hung"] = ("HUNG_TASK", "INFO: task hung in {F}", "tty_release", None, hung)


# kernel/rcu/tree_stall.h print_other_cpu_stall, lib/nmi_backtrace.c
def rcu(style):
    hdr = ("INFO: rcu_sched detected stalls on CPUs/tasks:" if style == "v4"
           else "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:")
    return ([hdr, "rcu: \t0-...!: (1 GPs behind) idle=a3c/1/0x4000000000000000",
             "\t(detected by 1, t=10502 jiffies, g=12345, q=25 ncpus=2)",
             "Sending NMI from CPU 1 to CPUs 0:", "NMI backtrace for cpu 0"] +
            cpu(style) + ip(style, "hfsc_dequeue") +
            [frame(style, f, i) for i, f in enumerate(["qdisc_restart", "__qdisc_run", "net_tx_action",
                                                       "__do_softirq"])])


# The stall is named by the frame just inside the dispatcher (__do_softirq).
K["rcu_stall"] = ("RCU_STALL", "INFO: rcu detected stall in {F}", "net_tx_action", None, rcu)


# kernel/watchdog.c watchdog_timer_fn "BUG: soft lockup - CPU#%d stuck for %us! [%s:%d]"
def soft(style):
    return (["watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [syz-executor:5944]",
             "Modules linked in:"] + cpu(style) + ip(style, "snd_timer_interrupt") +
            trace(style, ["snd_timer_ioctl", "__x64_sys_ioctl" if style != "arm64" else "__arm64_sys_ioctl",
                          "do_syscall_64" if style != "arm64" else "invoke_syscall"]))


K["soft_lockup"] = ("SOFT_LOCKUP", "BUG: soft lockup in {F}", "snd_timer_ioctl", None, soft)


# kernel/watchdog_hld.c watchdog_overflow_callback "Watchdog detected hard LOCKUP on cpu %d"
def hard(style):
    return (["NMI watchdog: Watchdog detected hard LOCKUP on cpu 1", "Modules linked in: mlx5_core"] +
            cpu(style) + ip(style, "mlx5_cmd_exec_poll", "mlx5_core") +
            trace(style, ["process_one_work", "worker_thread", "kthread"]))


K["hard_lockup"] = ("HARD_LOCKUP", "BUG: hard lockup in {F}", "mlx5_cmd_exec_poll", "mlx5_core", hard)


# lib/list_debug.c __list_del_entry_valid_or_report; 4.x WARN-based
def listc(style):
    fn = "binder_thread_release"
    if style == "v4":
        return (["------------[ cut here ]------------",
                 "WARNING: CPU: 0 PID: 1 at lib/list_debug.c:53 __list_del_entry+0x9f/0xc0",
                 "list_del corruption. prev->next should be ffff88006c6b7d58, but was dead000000000100",
                 "Modules linked in:"] + cpu(style) +
                trace(style, ["dump_stack", "__warn", "warn_slowpath_fmt", "__list_del_entry", fn,
                              "binder_ioctl"]))
    lines = ["list_del corruption, ffff888012345678->next is LIST_POISON1 (dead000000000100)",
             "------------[ cut here ]------------", "kernel BUG at lib/list_debug.c:56!"]
    if style == "arm64":
        lines += ["Internal error: Oops - BUG: 00000000f2000800 [#1] PREEMPT SMP"]
    else:
        lines += ["invalid opcode: 0000 [#1] PREEMPT SMP"]
    return (lines + ["Modules linked in:"] + cpu(style) + ip(style, "__list_del_entry_valid_or_report") +
            trace(style, ([("die", None, True), ("do_trap", None, True)] if style == "v6" else []) +
                  ["__list_del_entry_valid_or_report", fn, "binder_ioctl"]))


def list_title(style):
    return "WARNING in {F}" if style == "v4" else "BUG: corrupted list in {F}"


K["list_corruption"] = ("LIST_CORRUPTION", list_title, "binder_thread_release", None, listc)


# mm/usercopy.c usercopy_abort "usercopy: Kernel memory %s attempt detected %s %s%s%s%s (offset %lu, size %lu)!"
def usercopy(style):
    lines = ["usercopy: Kernel memory exposure attempt detected from SLUB object 'kmalloc-64' (offset 0, size 128)!",
             "------------[ cut here ]------------", "kernel BUG at mm/usercopy.c:102!"]
    lines += ["Internal error: Oops - BUG: 0 [#1] PREEMPT SMP" if style == "arm64"
              else "invalid opcode: 0000 [#1] PREEMPT SMP"]
    return (lines + ["Modules linked in:"] + cpu(style) + ip(style, "usercopy_abort") +
            trace(style, ["usercopy_abort", "__check_heap_object", "__check_object_size",
                          "sctp_getsockopt_peer_auth_chunks", "sctp_getsockopt"]))


K["usercopy"] = ("USERCOPY", "BUG: bad usercopy in {F}", "sctp_getsockopt_peer_auth_chunks", None, usercopy)


# mm/page_alloc.c bad_page "BUG: Bad page state in process %s  pfn:%05lx", mm/page_owner.c
def badpage(style):
    return (["BUG: Bad page state in process syz-executor  pfn:1a2b3",
             "page:ffffea000068acc0 refcount:0 mapcount:1 mapping:0000000000000000 index:0x0 pfn:0x1a2b3",
             "flags: 0xfff00000000000(node=0|zone=1|lastcpupid=0x7ff)",
             "page dumped because: nonzero mapcount",
             "page_owner tracks the page as allocated",
             "page last allocated via order 0, migratetype Movable, gfp_mask 0x140dca, pid 5944, tgid 5944 (syz), ts 1, free_ts 0"] +
            [frame(style, f, i) for i, f in enumerate(["post_alloc_hook", "get_page_from_freelist",
                                                       "__alloc_pages", "io_sqe_buffer_register", "io_uring_setup"])] +
            ["page last free stack trace:", frame(style, "free_unref_page", 1)] + cpu(style))


K["bad_page"] = ("BAD_PAGE", "BUG: Bad page state in {F}", "io_sqe_buffer_register", None, badpage)


# arch/x86/kernel/traps.c handle_stack_overflow "BUG: %s stack guard page was hit at %p"
def guard(style):
    return (["BUG: TASK stack guard page was hit at ffffc90003b07ff8 (stack is ffffc90003b08000..ffffc90003b10000)",
             "stack guard page: 0000 [#1] PREEMPT SMP"] + cpu(style) + ip(style, "ovl_lookup_real") +
            trace(style, ["ovl_lookup_real", "ovl_lookup_real", "ovl_lookup_real", "process_one_work",
                          "worker_thread"]))


K["stack_guard"] = ("STACK_CORRUPTION", "BUG: stack guard page was hit in {F}", "ovl_lookup_real", None, guard)


# kernel/panic.c __stack_chk_fail "stack-protector: Kernel stack is corrupted in: %pB"
def stackprot(style):
    return (["Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: ath9k_htc_rx_msg+0x5a8/0x5b0"] +
            cpu(style) + trace(style, ["dump_stack_lvl", "panic", "__stack_chk_fail", "ath9k_hif_usb_rx_cb"]))


K["stack_protector"] = ("STACK_CORRUPTION", "kernel panic: stack is corrupted in {F}",
                        "ath9k_htc_rx_msg", None, stackprot)

# kernel/panic.c panic "Kernel panic - not syncing: %s"
def vfs(style):
    return (["VFS: Cannot open root device \"sda1\" or unknown-block(0,0): error -6",
             "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)"] + cpu(style) +
            trace(style, ["dump_stack_lvl", "panic", "mount_block_root", "prepare_namespace",
                          "kernel_init_freeable"]))


K["panic"] = ("PANIC", "kernel panic: VFS: Unable to mount root fs on unknown-block(0,0)",
              "mount_block_root", None, vfs)


# Symbolized reports as automated testing stores them (file:line after
# frames, "[inline]" frames without offsets, a header line per inlined
# frame, caller ids), one per kind that reads a stack differently.
def sym(fn, i, src="net/core/foo.c", inline=False):
    if inline:
        return f" {fn} {src}:{100 + i} [inline]"
    return f" {fn}+0x{i * 37 + 11:x}/0x{i * 53 + 400:x} {src}:{100 + i}"


SYZ = {}
SYZ["kasan"] = ("KASAN", "KASAN: slab-out-of-bounds Write in {F}", "hci_sock_sendmsg", None, [
    "=" * 66,
    "BUG: KASAN: slab-out-of-bounds in instrument_write include/linux/instrumented.h:40 [inline]",
    "BUG: KASAN: slab-out-of-bounds in hci_sock_sendmsg+0x2b/0x90 net/bluetooth/hci_sock.c:1800",
    "Write of size 8 at addr ffff88801e3c2d28 by task syz-executor.0/5944", "",
    "CPU: 0 PID: 5944 Comm: syz-executor.0 Not tainted 6.6.0-syzkaller #0",
    "Call Trace:", " <TASK>", sym("__dump_stack", 1, "lib/dump_stack.c", True),
    sym("dump_stack_lvl", 2, "lib/dump_stack.c"), sym("print_report", 3, "mm/kasan/report.c"),
    sym("kasan_report", 4, "mm/kasan/report.c"), sym("instrument_write", 5, "include/linux/instrumented.h", True),
    sym("hci_sock_sendmsg", 6, "net/bluetooth/hci_sock.c"), sym("sock_sendmsg_nosec", 7, "net/socket.c", True),
    sym("__sock_sendmsg", 8, "net/socket.c"), " </TASK>", "", "Allocated by task 5944:",
    sym("kasan_save_stack", 9, "mm/kasan/common.c")])
SYZ["deadlock"] = ("LOCKDEP", "possible deadlock in {F}", "do_user_addr_fault", None, [
    "======================================================",
    "WARNING: possible circular locking dependency detected",
    "6.6.0-syzkaller #0 Not tainted", "-" * 54,
    "syz-executor.3/7151 is trying to acquire lock:",
    "ffff88807c8c8c28 (&mm->mmap_lock){++++}-{3:3}, at: mmap_read_lock include/linux/mmap_lock.h:144 [inline]",
    "ffff88807c8c8c28 (&mm->mmap_lock){++++}-{3:3}, at: do_user_addr_fault+0x2ac/0x1190 arch/x86/mm/fault.c:1382",
    "", "but task is already holding lock:",
    "ffff8880b9928b98 (&rq->__lock){-.-.}-{2:2}, at: raw_spin_rq_lock_nested+0x29/0x130 kernel/sched/core.c:558",
    "", "which lock already depends on the new lock."])
SYZ["hung"] = ("HUNG_TASK", "INFO: task hung in {F}", "synchronize_rcu", None, [
    "INFO: task kworker/u4:5:1234 blocked for more than 143 seconds.",
    "      Not tainted 6.6.0-syzkaller #0",
    '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
    "task:kworker/u4:5    state:D stack:23456 pid:1234  ppid:2      flags:0x00004000",
    "Workqueue: netns cleanup_net", "Call Trace:", " <TASK>",
    sym("context_switch", 1, "kernel/sched/core.c", True), sym("__schedule", 2, "kernel/sched/core.c"),
    sym("schedule", 3, "kernel/sched/core.c"), sym("schedule_timeout", 4, "kernel/time/timer.c"),
    sym("__wait_for_common", 5, "kernel/sched/completion.c"),
    sym("__synchronize_srcu", 6, "kernel/rcu/srcutree.c"), sym("synchronize_srcu", 7, "kernel/rcu/srcutree.c"),
    sym("cleanup_net", 8, "net/core/net_namespace.c"), sym("process_one_work", 9, "kernel/workqueue.c"),
    " </TASK>", "", "Showing all locks held in the system:",
    "1 lock held by khungtaskd/28:",
    " #0: ffffffff8cd2ad60 (rcu_read_lock){....}-{1:2}, at: rcu_lock_acquire include/linux/rcupdate.h:326 [inline]"])
SYZ["rcu_stall"] = ("RCU_STALL", "INFO: rcu detected stall in {F}", "sys_ppoll", None, [
    "rcu: INFO: rcu_preempt self-detected stall on CPU",
    "rcu: \t0-....: (10500 ticks this GP) idle=7fcc/1/0x4000000000000000 softirq=1/1 fqs=5241",
    "rcu: \t(t=10502 jiffies g=12345 q=571 ncpus=2)",
    "CPU: 0 PID: 5944 Comm: syz-executor.0 Not tainted 6.6.0-syzkaller #0",
    "RIP: 0010:unwind_next_frame+0x12/0x2340 arch/x86/kernel/unwind_orc.c:495",
    "Code: 48 89 df e8 d4 8c 01 00 <0f> 0b", "RSP: 0018:ffffc90003b0f8c8 EFLAGS: 00000246",
    "Call Trace:", " <IRQ>", sym("rcu_dump_cpu_stacks", 1, "kernel/rcu/tree_stall.h"),
    sym("rcu_sched_clock_irq", 2, "kernel/rcu/tree.c"), sym("update_process_times", 3, "kernel/time/timer.c"),
    sym("__hrtimer_run_queues", 4, "kernel/time/hrtimer.c"), sym("sysvec_apic_timer_interrupt", 5, "arch/x86/kernel/apic/apic.c"),
    " </IRQ>", " <TASK>", sym("asm_sysvec_apic_timer_interrupt", 6, "arch/x86/include/asm/idtentry.h"),
    "RIP: 0010:unwind_next_frame+0x12/0x2340 arch/x86/kernel/unwind_orc.c:495",
    "RSP: 0018:ffffc90003b0f8c8 EFLAGS: 00000246",
    sym("arch_stack_walk", 7, "arch/x86/kernel/stacktrace.c"), sym("stack_trace_save", 8, "kernel/stacktrace.c"),
    sym("do_sys_poll", 9, "fs/select.c"), sym("__do_sys_ppoll", 10, "fs/select.c", True),
    sym("__se_sys_ppoll", 11, "fs/select.c", True), sym("__x64_sys_ppoll", 12, "fs/select.c"),
    sym("do_syscall_x64", 13, "arch/x86/entry/common.c", True), sym("do_syscall_64", 14, "arch/x86/entry/common.c"),
    " </TASK>"])
# Two reports: the first is analysed, both are listed.
SYZ["two_reports"] = ("WARN", "WARNING in {F}", "nbd_disconnect_and_put", None, [
    "------------[ cut here ]------------",
    "WARNING: CPU: 1 PID: 812 at drivers/block/nbd.c:1240 nbd_disconnect_and_put+0x2b7/0x390 drivers/block/nbd.c:1240",
    "Modules linked in:", "CPU: 1 PID: 812 Comm: syz-executor Not tainted 6.6.0 #0",
    "RIP: 0010:nbd_disconnect_and_put+0x2b7/0x390 drivers/block/nbd.c:1240",
    "Call Trace:", " <TASK>", sym("nbd_genl_disconnect", 1, "drivers/block/nbd.c"), " </TASK>",
    "---[ end trace 0000000000000000 ]---",
    "general protection fault, probably for non-canonical address 0xdffffc0000000003: 0000 [#1] PREEMPT SMP KASAN",
    "CPU: 1 PID: 812 Comm: syz-executor Tainted: G        W 6.6.0 #0",
    "RIP: 0010:recv_work+0x1a/0x80 drivers/block/nbd.c:880", "Call Trace:", " <TASK>",
    sym("process_one_work", 1, "kernel/workqueue.c"), " </TASK>"])


# arch/x86/kernel/cpu/mce/core.c print_mce ("mce: [Hardware Error]: ...")
# and mce_panic: hardware, no guilty function.
def mce(style):
    return (["mce: [Hardware Error]: CPU 0: Machine Check Exception: 5 Bank 4: be00000000800400",
             "mce: [Hardware Error]: RIP !INEXACT! 10:<ffffffff81234567> {native_safe_halt+0xe/0x10}",
             "mce: [Hardware Error]: TSC 0 ADDR 1234 MISC 0",
             "mce: [Hardware Error]: PROCESSOR 0:50654 TIME 1700000000 SOCKET 0 APIC 0 microcode 2006e05",
             "Kernel panic - not syncing: Fatal machine check"])


K["mce"] = ("MCE", "kernel panic: Fatal machine check", "", None, mce)


def prefix(style, lines):
    out = []
    for i, l in enumerate(lines):
        ts = f"[{100 + i * 0.000731:12.6f}]"
        if style == "v6":
            out.append(f"{ts}[ T5944] {l}")
        elif style == "v4":
            out.append(f"{ts} {l}")
        else:
            out.append(f"<4>{ts} {l}")
    return out


def noise(style):
    # Another CPU's interleaved output (v6 carries caller ids to tell).
    if style == "v6":
        return ["[  100.000500][    C1] eth0: link becomes ready"]
    return []


def main():
    for name, (cls, title, fn, mod, build) in K.items():
        for style in ("v6", "v4", "arm64"):
            lines = prefix(style, build(style))
            if style == "v6":
                lines.insert(3, noise(style)[0])
            base = os.path.join(HERE, f"{name}-{style}")
            with open(base + ".log", "w") as f:
                f.write("[   99.000000] random: crng init done\n" if style != "arm64" else "")
                f.write("\n".join(lines) + "\n")
            t = title(style) if callable(title) else title
            with open(base + ".expected", "w") as f:
                f.write(f"title={t.replace('{F}', fn)}\nclass={cls}\n"
                        f"function={fn}\nmodule={mod or ''}\n")


# Whole logs in other layouts: kern.log syslog prefixes around a 4.x
# header split over two lines by printk (arch/x86/mm/fault.c before 4.15
# printed "BUG: unable to handle kernel " and the fault kind separately),
# and a report text with no timestamps at all.
RAW = {
    "null-syslog": ("OOPS_NULL_DEREF",
                    "BUG: unable to handle kernel NULL pointer dereference in foo_bar", "foo_bar", "foo",
                    "\n".join("Dec  8 03:12:01 host kernel: " + l for l in [
                        "[  100.100000] BUG: unable to handle kernel ",
                        "[  100.100001] NULL pointer dereference at 0000000000000008",
                        "[  100.100002] IP: [<ffffffffc0123456>] foo_bar+0x12/0x30 [foo]",
                        "[  100.100003] PGD 0 ", "[  100.100004] Oops: 0000 [#1] SMP",
                        "[  100.100005] Modules linked in: foo(O)",
                        "[  100.100006] CPU: 0 PID: 1 Comm: sh Tainted: G           O    4.9.0 #1",
                        "[  100.100007] Call Trace:",
                        "[  100.100008]  [<ffffffffc0123400>] foo_ioctl+0x40/0x80 [foo]",
                        "[  100.100009]  [<ffffffff81234567>] do_vfs_ioctl+0x8d/0x5d0"])),
    "warn-plain": ("WARN", "WARNING in ext4_evict_inode", "ext4_evict_inode", "", "\n".join([
        "------------[ cut here ]------------",
        "WARNING: CPU: 0 PID: 5944 at fs/ext4/inode.c:227 ext4_evict_inode+0x2b7/0x390",
        "Modules linked in:", "CPU: 0 PID: 5944 Comm: syz-executor Not tainted 5.15.0 #1",
        "RIP: 0010:ext4_evict_inode+0x2b7/0x390", "Call Trace:", " <TASK>",
        " evict+0x2ed/0x6b0", " iput+0x4a5/0x7b0", " do_unlinkat+0x3ee/0x650", " </TASK>"])),
}


def main_raw():
    for name, (cls, title, fn, mod, text) in RAW.items():
        base = os.path.join(HERE, name)
        with open(base + ".log", "w") as f:
            f.write(text + "\n")
        with open(base + ".expected", "w") as f:
            f.write(f"title={title}\nclass={cls}\nfunction={fn}\nmodule={mod}\n")


def main_syz():
    for name, (cls, title, fn, mod, lines) in SYZ.items():
        base = os.path.join(HERE, f"{name}-syz")
        out = []
        for i, l in enumerate(lines):
            out.append(f"[{200 + i * 0.000731:12.6f}][ T5944] {l}")
            if i == 2:
                # another task's output in the middle of the report
                out.append(f"[{200 + i * 0.000731:12.6f}][ T1812] Bluetooth: hci0: command 0x0406 tx timeout")
        with open(base + ".log", "w") as f:
            f.write("\n".join(out) + "\n")
        with open(base + ".expected", "w") as f:
            f.write(f"title={title.replace('{F}', fn)}\nclass={cls}\n"
                    f"function={fn}\nmodule={mod or ''}\n")


main()
main_syz()
main_raw()
