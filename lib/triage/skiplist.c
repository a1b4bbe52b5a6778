// SPDX-License-Identifier: MIT
// The guilty-frame skip list (docs/triage.md, "Guilty frame"): functions
// that are machinery on the way to a report, never a root cause -- panic
// and kexec, printk and stack dumping, exception and interrupt entry,
// watchdogs and NMI, the scheduler and sleeping locks, the page allocator
// and OOM killer, string/copy helpers, the idle loop and syscall entry.
// Like WinDbg's triage.ini "ignore" owners and syzkaller's frame-ignore
// regexps, but for kernel functions seen in dump stacks and kernel logs.
// An entry ending in '*' matches a prefix.
#include <string.h>

#include "internal.h"

static const char *const skip_list[] = {
	/* panic, kexec, crash shutdown */
	"panic", "vpanic", "nmi_panic", "panic_*", "__crash_kexec",
	"crash_kexec", "crash_setup_regs", "machine_kexec",
	"machine_crash_shutdown", "native_machine_crash_shutdown",
	"crash_save_cpu", "crash_nmi_callback", "kdump_nmi_shootdown_cpus",
	"nmi_shootdown_cpus",
	/* printk and stack dumps */
	"printk", "_printk", "vprintk*", "printk_*", "__printk*",
	"console_*", "dump_stack", "dump_stack_lvl", "show_stack",
	"show_regs", "__show_regs", "show_trace_log_lvl", "show_stack_regs",
	"dump_header", "dump_tasks", "dump_cpu_task", "sched_show_task",
	/* Oops, BUG, WARN, exception entry and fault handling */
	"oops_end", "oops_begin", "die", "die_addr", "__die", "__die_body",
	"die_body", "do_trap", "do_error_trap", "handle_invalid_op",
	"handle_bug", "report_bug", "exc_*", "asm_exc_*", "page_fault_oops",
	"kernelmode_fixup_or_oops", "no_context", "__bad_area*",
	"bad_area*", "do_user_addr_fault", "do_kern_addr_fault",
	"handle_page_fault", "fixup_exception", "do_int3*",
	"__warn", "warn_slowpath_fmt", "__warn_printk", "check_panic_on_warn",
	/* interrupts, softirqs, timers, watchdogs, RCU stall reports */
	"sysvec_*", "asm_sysvec_*", "__sysvec_*", "instr_sysvec_*",
	"asm_common_interrupt", "common_interrupt", "irq_exit_rcu",
	"__irq_exit_rcu", "__do_softirq", "do_softirq*", "run_ksoftirqd",
	"__hrtimer_run_queues", "__run_hrtimer", "hrtimer_interrupt",
	"hrtimer_run_queues", "local_apic_timer_interrupt", "tick_sched_*",
	"tick_nohz_*", "update_process_times", "watchdog_*",
	"rcu_sched_clock_irq", "rcu_pending", "print_cpu_stall",
	"print_other_cpu_stall", "check_cpu_stall", "rcu_dump_cpu_stacks",
	"nmi_cpu_backtrace*", "nmi_trigger_cpumask_backtrace", "watchdog",
	"check_hung_uninterruptible_tasks",
	"arch_trigger_cpumask_backtrace",
	/* NMI, perf (hard lockup detector), machine check */
	"nmi_handle", "default_do_nmi", "perf_event_nmi_handler",
	"__perf_event_overflow", "perf_event_overflow", "handle_pmi_common",
	"intel_pmu_handle_irq", "amd_pmu_handle_irq", "x86_pmu_handle_irq",
	"do_machine_check", "mce_*",
	/* scheduler and sleeping/spinning locks */
	"__schedule", "schedule", "schedule_timeout*",
	"schedule_preempt_disabled", "schedule_hrtimeout*", "io_schedule*",
	"preempt_schedule*", "__cond_resched", "schedule_idle",
	"do_nanosleep", "hrtimer_nanosleep", "mutex_lock*", "__mutex_lock*",
	"down", "down_*", "__down*", "rwsem_down_*", "_raw_spin_lock*",
	"_raw_read_lock*", "_raw_write_lock*", "queued_spin_lock_slowpath",
	"native_queued_spin_lock_slowpath", "__pv_queued_spin_lock_slowpath",
	"queued_read_lock_slowpath", "queued_write_lock_slowpath",
	"do_raw_spin_lock", "wait_for_completion*", "__wait_for_common",
	"do_wait_for_common", "wait_woken", "__wait_on_bit*",
	"out_of_line_wait_on_bit*", "bit_wait*", "rt_mutex_*",
	"__rt_mutex_*", "percpu_down_*", "__percpu_down_*",
	/* page allocator, slab, OOM killer, user page faults */
	"out_of_memory", "__alloc_pages*", "alloc_pages*", "__folio_alloc*",
	"folio_alloc*", "vma_alloc_folio", "alloc_page_vma",
	"check_panic_on_oom", "oom_kill_process", "__oom_kill_process",
	"kmalloc*", "__kmalloc*", "kmem_cache_alloc*", "__kmem_cache_alloc*",
	"slab_alloc*", "___slab_alloc", "__slab_alloc", "new_slab",
	"allocate_slab", "handle_mm_fault", "__handle_mm_fault",
	"handle_pte_fault", "do_anonymous_page", "do_fault",
	"do_read_fault", "do_cow_fault", "do_shared_fault",
	/* delays (panic loop), idle loop, boot */
	"delay_tsc", "delay_halt*", "__delay", "__const_udelay", "__udelay",
	"__ndelay", "touch_softlockup_watchdog*", "native_safe_halt",
	"safe_halt", "default_idle*", "arch_cpu_idle*", "cpu_idle_poll*",
	"do_idle", "cpu_startup_entry", "start_secondary",
	"secondary_startup_64*", "rest_init", "arch_call_rest_init",
	"start_kernel", "x86_64_start_*", "acpi_idle_*", "acpi_safe_halt",
	"cpuidle_enter*", "mwait_idle*", "intel_idle*", "amd_e400_idle",
	"stop_this_cpu",
	"poll_idle",
	/* string and user-copy helpers (the caller is the suspect) */
	"memcpy*", "__memcpy*", "memset*", "__memset*", "memmove*",
	"__memmove*", "memcmp", "strlen", "strnlen", "strcmp", "strncmp",
	"strcpy", "strncpy", "strscpy*", "rep_movs_alternative",
	"copy_user_*", "_copy_to_user", "_copy_from_user", "__get_user_*",
	"__put_user_*",
	/* syscall entry and thread start */
	"entry_SYSCALL_64*", "do_syscall_64", "do_syscall_x64",
	"ret_from_fork*", "kthread",
};

void dp_triage_normalize_function(const char *name, char *buf, size_t size)
{
	if (!size)
		return;
	// C identifiers have no '.' or '+': everything from the first one is
	// a compiler suffix (.cold, .constprop.0, .isra.0, .part.0...) or
	// an offset.
	size_t n = name ? strcspn(name, ".+") : 0;
	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(buf, name, n);
	buf[n] = '\0';
}

bool dp_triage_skip_function(const char *name)
{
	char fn[128];
	dp_triage_normalize_function(name, fn, sizeof(fn));
	if (!fn[0])
		return true;
	for (size_t i = 0; i < sizeof(skip_list) / sizeof(skip_list[0]); i++) {
		const char *pat = skip_list[i];
		size_t n = strlen(pat);
		if (pat[n - 1] == '*') {
			if (strncmp(fn, pat, n - 1) == 0)
				return true;
		} else if (strcmp(fn, pat) == 0) {
			return true;
		}
	}
	return false;
}
