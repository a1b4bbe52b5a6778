// SPDX-License-Identifier: MIT
// The guilty-frame skip list (docs/triage.md, "Guilty frame"): functions
// that are machinery on the way to a report, never a root cause -- panic
// and kexec, printk and stack dumping, exception and interrupt entry,
// watchdogs and NMI, the scheduler and locking primitives, sanitizer and
// debug-check report machinery, the page and slab allocators, string and
// user-copy helpers, list/refcount checkers, workqueue/timer/device
// plumbing, the idle loop and syscall entry. The families follow what
// automated kernel testing (syzkaller's pkg/report) learned to skip; the
// list is ours. Patterns: "name" exact, "name*" prefix, "*name" suffix,
// "*name*" substring.
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
	"dump_stack", "dump_stack_lvl", "show_stack",
	"show_regs", "__show_regs", "show_trace_log_lvl", "show_stack_regs",
	"dump_header", "dump_tasks", "dump_cpu_task", "sched_show_task",
	/* Oops, BUG, WARN, exception entry and fault handling */
	"oops_end", "oops_begin", "die", "die_addr", "__die", "__die_body",
	"die_body", "do_trap", "do_error_trap", "handle_invalid_op",
	"handle_bug", "report_bug", "exc_*", "asm_exc_*",
	"fixup_exception", "do_int3*",
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
	"do_machine_check", "mce_*", "end_repeat_nmi", "repeat_nmi",
	"first_nmi", "nmi_restore", "asm_exc_nmi",
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
	"allocate_slab",
	/* delays (panic loop), idle loop, boot (6.9+ boots every CPU
	 * through common_startup_64; 6.6+ idles in pv_native_safe_halt) */
	"delay_tsc", "delay_halt*", "__delay", "__const_udelay", "__udelay",
	"__ndelay", "touch_softlockup_watchdog*", "native_safe_halt",
	"pv_native_safe_halt", "safe_halt", "default_idle*",
	"arch_cpu_idle*", "cpu_idle_poll*", "do_idle", "cpu_startup_entry",
	"start_secondary", "secondary_startup_64*", "common_startup_64",
	"rest_init", "arch_call_rest_init",
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
	/* sanitizer and debug-check report machinery */
	"*__sanitizer*", "*__asan*", "*kasan*", "*hwasan*", "*__msan*",
	"*kmsan*", "kcsan_setup_watchpoint", "*__ubsan*", "ubsan_*",
	"*check_memory_region*", "*check_heap_object*", "*check_object*",
	"*read_word_at_a_time*", "*_once_word_nocheck*",
	"*_once_size_nocheck*", "*print_address_description*",
	"*_panic_*", "*invalid_op*", "*report_bug*", "*fixup_bug*",
	"*print_report*", "*print_usage_bug*", "*do_error*", "*_trap",
	"*do_trap*", "*show_stack*", "*dump_stack*", "*walk_stack*",
	"*dump_backtrace*", "*warn_slowpath*", "*warn_alloc*", "*warn_bogus*",
	"*__warn*", "*debug_object*", "*timer_is_static_object*",
	"*work_is_static_object*", "*print_tainted*", "*__fortify_report*",
	"*hex_dump_to_buffer*", "*print_hex_dump*", "*stack_trace_consume_entry*",
	"*arch_stack_walk*", "*stack_trace_save*", "*assertfail*",
	/* allocators */
	"*alloc_page*", "*malloc*", "*zalloc*", "*calloc*", "*krealloc*",
	"*kmem_cache*", "*allocate_slab*", "*__alloc_frozen_pages*",
	"*folio_alloc*", "*folio_unlock*", "*filemap_alloc_folio*",
	"*__filemap_get_folio*", "*find_or_create_page*",
	"*do_read_cache_folio*", "*read_cache_page*", "*pagecache_get_page*",
	"*grab_cache_page_write_begin*", "*slab_*", "kfree", "kvfree",
	"*kfree_skb*", "*memdup*", "*strdup*", "*strndup*", "*kasprintf*",
	"*kvasprintf*", "*ida_free*",
	/* locking primitives, lockdep, atomics and bit ops */
	"*__might_fault*", "*might_fault*", "*might_sleep*", "*__might_resched*",
	"*print_unlock*", "*imbalance_bug*", "*lockdep*", "*bh_enable*",
	"*bh_disable*", "*perf_trace*", "*lock_acquire*", "*lock_release*",
	"*lock_class*", "*mark_lock*", "*reacquire_held_locks*",
	"*mark_held_locks*", "*raw_spin_rq*", "*spin_lock*", "*spin_trylock*",
	"*spin_unlock*", "*read_lock*", "*read_trylock*", "*write_lock*",
	"*write_trylock*", "*read_unlock*", "*write_unlock*", "*down_read*",
	"*down_write*", "*down_trylock*", "*up_read*", "*up_write*",
	"mutex_*", "__mutex_*", "*owner_on_cpu*", "*osq_lock*", "*osq_unlock*",
	"*atomic_dec*", "*atomic_inc*", "*atomic_read*", "*atomic_set*",
	"*atomic_or*", "*atomic_xor*", "*atomic_and*", "*atomic_add*",
	"*atomic_sub*", "*atomic_fetch*", "*atomic_xchg*", "*atomic_cmpxchg*",
	"*atomic_try*", "*atomic64_*",
	"*set_bit*", "*clear_bit*", "*change_bit*", "*test_bit*", "*__wake_up*",
	"lock_page", "unlock_page", "*seqprop_assert*", "*trace_hardirqs*",
	"*trace_softirqs*",
	/* list, refcount and tree checkers and helpers */
	"refcount_*", "__refcount_*", "kref_*", "*ref_tracker*", "list_add*", "__list_add*",
	"list_del*", "__list_del*", "hlist_add*", "hlist_del*", "__hlist_del*",
	"list_replace*", "list_move*", "list_splice*", "__list_splice*",
	"rb_*", "__rb_*", "klist_*", "*rhashtable_lookup*", "*xas_start*",
	"*xas_load*", "*xas_find*",
	/* string, format and user-copy helpers */
	"*memcpy*", "*memcmp*", "*memset*", "*memchr*", "*memmove*",
	"*strcmp*", "*strncmp*", "*strcpy*", "*strlcpy*", "*strncpy*",
	"*strscpy*", "*strlen*", "*strstr*", "*strnstr*", "*strnlen*",
	"*strchr*", "*copy_to_user*", "*copy_from_user*", "*copy_to_iter*",
	"*copy_from_iter*", "*copy_page_to_iter*", "*copy_page_from_iter*",
	"*copy_folio_to_iter*", "copyin", "copyout", "*put_user*",
	"*get_user*", "*string*", "*pointer*", "*snprintf*", "*scnprintf*",
	"*printk*", "*va_format*", "*_indirect_thunk_*", "*__phys_addr*",
	"crc32*", "crc16*", "crc8*", "crc64*", "crc7*", "crc4*", "crc_itu_t*",
	"*extract_user_to_sg*", "*extract_iter_to_sg*",
	/* device, workqueue, timer and VFS plumbing */
	"*dev_info*", "*dev_notice*", "*dev_warn*", "*dev_err*", "*dev_alert*",
	"*dev_crit*", "*dev_emerg*", "*del_timer*", "*flush_work*",
	"*__cancel_work_timer*", "*cancel_work_sync*", "*try_to_grab_pending*",
	"*flush_workqueue*", "*drain_workqueue*", "*destroy_workqueue*",
	"*queue_work*", "*insert_work*", "*__queue_delayed_work*",
	"*queue_delayed_work_on*", "*finish_wait*", "*kthread_stop*",
	"*kobject_*", "*add_uevent_var*", "*get_device_parent*", "*device_add*",
	"*device_del*", "*device_unregister*", "*device_destroy*",
	"*device_release*", "*devres_release_all*", "*hwrng_unregister*",
	"*i2c_del_adapter*", "*__unregister_client*", "*device_for_each_child*",
	"*rollback_registered*", "*unregister_netdev*", "*sysfs_remove*",
	"*device_remove_file*", "*tty_unregister_device*",
	"*dummy_urb_enqueue*", "*usb_kill_urb*", "*usb_kill_anchored_urbs*",
	"*usb_control_msg*", "*usb_hcd_submit_urb*", "*usb_submit_urb*",
	"complete", "*logic_in*", "*logic_out*", "*readb", "*readw", "*readl",
	"*readq", "*writeb", "*writew", "*writel", "*writeq", "iput",
	"iput_final", "ihold", "*find_lock_entries*",
	"*truncate_inode_pages_range*", "*cleanup_srcu_struct*",
	"*drop_nlink*", "get_taint", "put_device", "*lock_timer_base*",
	"*__timer_delete_sync*", "*sk_stop_timer_sync*", "*__mod_timer*",
	"*fast_dput*", "*dput*", "*mark_buffer_dirty*",
	/* arm64 exception entry */
	"*do_kernel_fault*", "*do_translation_fault*", "*do_mem_abort*",
	"*el1_abort*", "*el1h_64_sync*",
};

// The page-fault path between a faulting instruction and the Oops: in an
// unwound stack it sits above the faulting frame; in a report's own
// stacks a reliable frame of it is a culprit (a lock taken in
// do_user_addr_fault, a fault handled in __handle_mm_fault).
static const char *const fault_path[] = {
	"do_user_addr_fault", "do_kern_addr_fault", "handle_page_fault",
	"handle_mm_fault", "__handle_mm_fault", "handle_pte_fault",
	"do_anonymous_page", "do_fault", "do_read_fault", "do_cow_fault",
	"do_shared_fault", "page_fault_oops", "kernelmode_fixup_or_oops",
	"no_context", "__bad_area*", "bad_area*",
	/* printk's console machinery, seen above a printk in a stack */
	"console_*", NULL,
};

// Does fn match a pattern of the list syntax above?
bool triage_glob(const char *fn, const char *pat)
{
	size_t n = strlen(pat), len = strlen(fn);
	bool lead = pat[0] == '*', trail = n > 1 && pat[n - 1] == '*';
	const char *core = pat + lead;
	size_t cn = n - lead - trail;
	if (lead && trail) {
		char sub[96];
		if (cn >= sizeof(sub))
			return false;
		memcpy(sub, core, cn);
		sub[cn] = '\0';
		return strstr(fn, sub) != NULL;
	}
	if (trail)
		return strncmp(fn, core, cn) == 0;
	if (lead)
		return len >= cn && strcmp(fn + len - cn, core) == 0;
	return strcmp(fn, pat) == 0;
}

bool triage_match_any(const char *fn, const char *const *pats)
{
	for (; pats && *pats; pats++)
		if (triage_glob(fn, *pats))
			return true;
	return false;
}

// Syscall wrapper prefixes: the title names the syscall, not the
// wrapper, the way automated testing titles do (one prefix is removed,
// the one that leaves the shortest name).
void triage_strip_wrapper(const char *fn, char *buf, size_t size)
{
	static const char *const pre[] = {
		"SYSC_", "SyS_", "sys_", "__x64_", "__ia32_", "__arm64_",
		"____sys_", "___sys_", "__sys_", "__se_", "__se_sys_",
		"__do_sys_", "compat_SYSC_", "compat_SyS_", "ksys_",
	};
	const char *best = fn;
	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		size_t n = strlen(pre[i]);
		if (strncmp(fn, pre[i], n) == 0 && fn[n] &&
		    strlen(fn + n) < strlen(best))
			best = fn + n;
	}
	size_t n = strlen(best);
	if (!size)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(buf, best, n);
	buf[n] = '\0';
}

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
	return triage_skip_report(name) || triage_match_any(fn, fault_path);
}

bool triage_skip_report(const char *name)
{
	char fn[128];
	dp_triage_normalize_function(name, fn, sizeof(fn));
	if (!fn[0])
		return true;
	for (size_t i = 0; i < sizeof(skip_list) / sizeof(skip_list[0]); i++)
		if (triage_glob(fn, skip_list[i]))
			return true;
	return false;
}
