// SPDX-License-Identifier: MIT
// lib/triage: classification, guilty frame and bucket ids on synthetic
// logs and stacks for the crash classes the test harness cannot produce
// (hard lockup, RCU stall, WARN, MCE, GPF, paging fault), and the
// stack-vs-log agreement of bucket ids. Real logs: tests/vm/test-report-log.sh.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/triage.h>

#include "test.h"

static struct dp_triage_log *parse(const char *text)
{
	struct dp_triage_log *log = NULL;
	CHECK_OK(dp_triage_log_parse(text, strlen(text), &log));
	return log;
}

static struct dp_triage_report *analyze_in(struct dp_triage_input *in)
{
	struct dp_triage_report *r = NULL;
	CHECK_OK(dp_triage_analyze(in, &r));
	return r;
}

static struct dp_triage_report *analyze_log(const char *text,
					    struct dp_triage_log **logp)
{
	struct dp_triage_log *log = parse(text);
	struct dp_triage_input in = { .log = log->recs, .nlog = log->nrecs };
	*logp = log;
	return analyze_in(&in);
}

TEST(log_parse)
{
	const char *t =
		"<6>[    0.000000] Linux version 6.1.0\n"
		"[    5.792414] active_anon:1115 inactive_anon:175864\n"
		"                free:10411 free_pcp:6008\n"
		"\n"
		"[   12.5] x\r\n";
	struct dp_triage_log *log = parse(t);
	CHECK_EQ_U64(log->nrecs, 3);
	CHECK_STR(log->recs[0].text, "Linux version 6.1.0");
	CHECK(log->recs[0].level == 6);
	CHECK(log->recs[1].level == -1);
	CHECK_STR(log->recs[1].text,
		  "active_anon:1115 inactive_anon:175864\nfree:10411 free_pcp:6008");
	CHECK_EQ_U64(log->recs[1].ts_nsec, 5792414000ull);
	CHECK_STR(log->recs[2].text, "x");
	CHECK_EQ_U64(log->recs[2].ts_nsec, 12500000000ull);
	dp_triage_log_destroy(log);

	// No timestamps at all: every line is a record.
	log = parse("a\n b\nc");
	CHECK_EQ_U64(log->nrecs, 3);
	CHECK_STR(log->recs[1].text, " b");
	dp_triage_log_destroy(log);
}

TEST(taint_and_names)
{
	char b[40];
	dp_triage_taint_letters(0x3000, b, sizeof(b));
	CHECK_STR(b, "OE");
	CHECK_EQ_U64(dp_triage_taint_from_letters("G           OEL"), 0x7000);
	CHECK_EQ_U64(dp_triage_taint_from_letters("P      D     O"), 0x1081);
	CHECK_STR(dp_triage_taint_description(12), "out-of-tree module loaded");
	dp_triage_normalize_function("crashme_do.cold+0x9/0x26", b, sizeof(b));
	CHECK_STR(b, "crashme_do");
	dp_triage_normalize_function("__alloc_pages_slowpath.constprop.0", b,
				     sizeof(b));
	CHECK_STR(b, "__alloc_pages_slowpath");
	CHECK(dp_triage_skip_function("panic"));
	CHECK(dp_triage_skip_function("asm_exc_page_fault"));
	CHECK(dp_triage_skip_function("__schedule"));
	CHECK(dp_triage_skip_function("out_of_memory.cold"));
	CHECK(!dp_triage_skip_function("panic_is_not_a_prefix_here") == false);
	CHECK(!dp_triage_skip_function("sysrq_handle_crash"));
	CHECK(!dp_triage_skip_function("crashme_null_deref"));
	CHECK(!dp_triage_skip_function("ext4_writepages"));
	// A 6.12 idle CPU's whole stack (swapper/1, bt -a of a 6.12 dump).
	static const char *const idle612[] = {
		"pv_native_safe_halt", "default_idle", "default_idle_call",
		"do_idle", "cpu_startup_entry", "start_secondary",
		"common_startup_64",
	};
	for (size_t i = 0; i < sizeof(idle612) / sizeof(idle612[0]); i++)
		CHECK(dp_triage_skip_function(idle612[i]));
	CHECK(!dp_triage_skip_function("pv_native_safe_halt_not"));
	// FNV-1a 32 test vector ("a" -> 0xe40c292c).
	CHECK_EQ_U64(dp_triage_fnv1a("a"), 0xe40c292cu);
}

static const char hardlockup_log[] =
	"[  100.000001] NMI watchdog: Watchdog detected hard LOCKUP on cpu 2\n"
	"[  100.000002] Modules linked in: foo(O) bar\n"
	"[  100.000003] CPU: 2 PID: 4242 Comm: spin ner Tainted: G           O       6.1.0 #1\n"
	"[  100.000004] Hardware name: QEMU Standard PC\n"
	"[  100.000005] RIP: 0010:foo_spin_irqoff+0x12/0x30 [foo]\n"
	"[  100.000006] Code: 00 00 <eb> fe\n"
	"[  100.000007] RSP: 0018:ffffc90000a3be48 EFLAGS: 00000046\n"
	"[  100.000008] Call Trace:\n"
	"[  100.000009]  <TASK>\n"
	"[  100.000010]  foo_ioctl+0x40/0x80 [foo]\n"
	"[  100.000011]  __x64_sys_ioctl+0x8d/0xd0\n"
	"[  100.000012]  do_syscall_64+0x5d/0x90\n"
	"[  100.000013]  entry_SYSCALL_64_after_hwframe+0x6e/0xd8\n"
	"[  100.000014]  </TASK>\n"
	"[  100.000015] Kernel panic - not syncing: Hard LOCKUP\n"
	"[  100.000016] CPU: 2 PID: 4242 Comm: spin ner Tainted: G           O       6.1.0 #1\n";

TEST(hard_lockup)
{
	struct dp_triage_log *log;
	struct dp_triage_report *r = analyze_log(hardlockup_log, &log);
	CHECK(r->cls == DP_CLASS_HARD_LOCKUP);
	CHECK(r->lockup_cpu == 2);
	CHECK(r->culprit.pid == 4242);
	CHECK_STR(r->culprit.comm, "spin ner");
	CHECK_STR(r->guilty_function, "foo_spin_irqoff");
	CHECK_STR(r->guilty_module, "foo");
	CHECK(r->guilty_source == DP_SOURCE_LOG);
	CHECK(r->guilty_out_of_tree && !r->guilty_unsigned);
	CHECK_STR(r->bucket, "HARD_LOCKUP:foo!foo_spin_irqoff");
	CHECK_EQ_U64(r->taint_mask, 1u << 12);
	// The stack the report's rule read: the RIP frame, then the trace.
	CHECK_EQ_U64(r->nbacktrace, 5);
	dp_triage_report_destroy(r);
	dp_triage_log_destroy(log);
}

TEST(rcu_stall)
{
	const char *t =
		"[   50.000001] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n"
		"[   50.000002] rcu: \t1-...!: (0 ticks this GP) idle=2c4/1/0x4000000000000000\n"
		"[   50.000003] \t(detected by 0, t=21002 jiffies, g=1234, q=5 ncpus=2)\n"
		"[   50.000004] Sending NMI from CPU 0 to CPUs 1:\n"
		"[   50.000005] NMI backtrace for cpu 1\n"
		"[   50.000006] CPU: 1 PID: 77 Comm: kworker/1:1 Not tainted 6.1.0 #1\n"
		"[   50.000007] RIP: 0010:bar_loop+0x5/0x20 [bar]\n"
		"[   50.000008] Call Trace:\n"
		"[   50.000009]  <TASK>\n"
		"[   50.000010]  process_one_work+0x1c7/0x380\n"
		"[   50.000011]  </TASK>\n"
		"[   50.000012] Kernel panic - not syncing: RCU Stall\n"
		"[   50.000013] CPU: 0 PID: 0 Comm: swapper/0 Not tainted 6.1.0 #1\n";
	struct dp_triage_log *log;
	struct dp_triage_report *r = analyze_log(t, &log);
	CHECK(r->cls == DP_CLASS_RCU_STALL);
	CHECK(r->lockup_cpu == 1);
	CHECK(r->culprit.pid == 77);
	CHECK_STR(r->culprit.comm, "kworker/1:1");
	CHECK(r->panicked.pid == 0 && r->panicked.cpu == 0);
	CHECK_STR(r->guilty_function, "bar_loop");
	CHECK_STR(r->bucket, "RCU_STALL:bar!bar_loop");
	CHECK(r->have_taint && r->taint_mask == 0);
	dp_triage_report_destroy(r);
	dp_triage_log_destroy(log);
}

TEST(warn_panic)
{
	const char *t =
		"[   10.000001] ------------[ cut here ]------------\n"
		"[   10.000002] WARNING: CPU: 0 PID: 1 at drivers/net/foo.c:123 foo_probe+0x55/0x100 [foo]\n"
		"[   10.000003] Modules linked in: foo\n"
		"[   10.000004] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0 #1\n"
		"[   10.000005] RIP: 0010:foo_probe+0x55/0x100 [foo]\n"
		"[   10.000006] Call Trace:\n"
		"[   10.000007]  <TASK>\n"
		"[   10.000008]  really_probe+0xde/0x380\n"
		"[   10.000009]  </TASK>\n"
		"[   10.000010] Kernel panic - not syncing: kernel: panic_on_warn set ...\n"
		"[   10.000011] CPU: 0 PID: 1 Comm: swapper/0 Tainted: G        W          6.1.0 #1\n";
	struct dp_triage_log *log;
	struct dp_triage_report *r = analyze_log(t, &log);
	CHECK(r->cls == DP_CLASS_WARN);
	CHECK_STR(r->bug_file, "drivers/net/foo.c");
	CHECK(r->bug_line == 123);
	CHECK_STR(r->guilty_function, "foo_probe");
	CHECK_STR(r->guilty_module_taints, "");
	CHECK(!r->guilty_out_of_tree);
	CHECK_STR(r->bucket, "WARN:foo!foo_probe");
	CHECK_EQ_U64(r->taint_mask, 1u << 9);
	dp_triage_report_destroy(r);
	dp_triage_log_destroy(log);
}

TEST(machine_check)
{
	const char *t =
		"[    5.000001] mce: [Hardware Error]: CPU 0: Machine Check Exception: 5 Bank 4: be00000000800400\n"
		"[    5.000002] mce: [Hardware Error]: RIP !INEXACT! 10:<ffffffff81234567> {native_safe_halt+0xe/0x10}\n"
		"[    5.000003] mce: [Hardware Error]: TSC 0 ADDR 1234 MISC 0\n"
		"[    5.000004] Kernel panic - not syncing: Fatal machine check\n";
	struct dp_triage_log *log;
	struct dp_triage_report *r = analyze_log(t, &log);
	CHECK(r->cls == DP_CLASS_MCE);
	CHECK(r->guilty_function == NULL);
	CHECK_STR(r->bucket, "MCE:hardware");
	CHECK(r->detail && strstr(r->detail, "Bank 4"));
	dp_triage_report_destroy(r);
	dp_triage_log_destroy(log);
}

TEST(gpf_fatal_exception)
{
	const char *t =
		"[    7.000001] general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#1] PREEMPT SMP NOPTI\n"
		"[    7.000002] CPU: 1 PID: 300 Comm: listwalker Tainted: G           OE      6.1.0 #1\n"
		"[    7.000003] RIP: 0010:baz_list_del+0x9/0x40 [baz]\n"
		"[    7.000004] Call Trace:\n"
		"[    7.000005]  <TASK>\n"
		"[    7.000006]  baz_release+0x20/0x50 [baz]\n"
		"[    7.000007]  </TASK>\n"
		"[    7.000008] Kernel panic - not syncing: Fatal exception\n";
	struct dp_triage_log *log;
	struct dp_triage_report *r = analyze_log(t, &log);
	CHECK(r->cls == DP_CLASS_OOPS_GPF);
	CHECK(r->has_fault_address);
	CHECK_EQ_U64(r->fault_address, 0xdead000000000122ull);
	CHECK_STR(r->guilty_function, "baz_list_del");
	CHECK_STR(r->panic_message, "Kernel panic - not syncing: Fatal exception");
	CHECK(r->culprit.pid == 300 && r->culprit.cpu == 1);
	CHECK_STR(r->bucket, "OOPS_GPF:baz!baz_list_del");
	dp_triage_report_destroy(r);
	dp_triage_log_destroy(log);
}

TEST(paging_fault_in_memcpy)
{
	const char *t =
		"[    8.000001] BUG: unable to handle page fault for address: ffffc90000a00000\n"
		"[    8.000002] #PF: supervisor read access in kernel mode\n"
		"[    8.000003] #PF: error_code(0x0000) - not-present page\n"
		"[    8.000004] PGD 100000067 P4D 100000067 PUD 0\n"
		"[    8.000005] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
		"[    8.000006] CPU: 0 PID: 55 Comm: reader Not tainted 6.1.0 #1\n"
		"[    8.000007] RIP: 0010:memcpy_orig+0x10/0x120\n"
		"[    8.000008] Call Trace:\n"
		"[    8.000009]  <TASK>\n"
		"[    8.000010]  ? memcpy_orig+0x10/0x120\n"
		"[    8.000011]  qux_read+0x30/0x60 [qux]\n"
		"[    8.000012]  vfs_read+0x9d/0x1a0\n"
		"[    8.000013]  </TASK>\n";
	struct dp_triage_log *log;
	struct dp_triage_report *r = analyze_log(t, &log);
	CHECK(r->cls == DP_CLASS_OOPS_PAGING);
	CHECK_EQ_U64(r->fault_address, 0xffffc90000a00000ull);
	CHECK_STR(r->fault_access, "supervisor read access in kernel mode");
	// memcpy is a helper on the skip list: its caller is guilty.
	CHECK_STR(r->guilty_function, "qux_read");
	CHECK_STR(r->guilty_module, "qux");
	CHECK_STR(r->bucket, "OOPS_PAGING_FAULT:qux!qux_read");
	dp_triage_report_destroy(r);
	dp_triage_log_destroy(log);
}

// The same NULL-deref crash seen through the dump's unwound stack (with
// the kexec and exception frames on top) and through the log alone must
// bucket the same; the stack is preferred when present.
TEST(stack_and_log_agree)
{
	const char *t =
		"[    3.112460] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
		"[    3.113114] Oops: 0002 [#1] PREEMPT SMP NOPTI\n"
		"[    3.113370] CPU: 1 PID: 132 Comm: tb-crashme Kdump: loaded Tainted: G           OE      6.1.0 #1\n"
		"[    3.113865] RIP: 0010:crashme_null_deref+0x1c/0x28 [crashme]\n";
	struct dp_triage_log *log = parse(t);
	static const struct dp_triage_frame frames[] = {
		{ .function = "crash_setup_regs" },
		{ .function = "__crash_kexec" },
		{ .function = "crash_kexec" },
		{ .function = "oops_end" },
		{ .function = "page_fault_oops" },
		{ .function = "kernelmode_fixup_or_oops" },
		{ .function = "__bad_area_nosemaphore" },
		{ .function = "do_user_addr_fault" },
		{ .function = "exc_page_fault" },
		{ .function = "asm_exc_page_fault" },
		{ .function = "crashme_null_deref", .module = "crashme",
		  .pc = 0xffffffffc0419169, .offset = 0x1c, .size = 0x28 },
		{ .function = "crashme_do.cold", .module = "crashme" },
	};
	struct dp_triage_task task = {
		.pid = 132, .comm = "tb-crashme", .state = 'R', .cpu = 1,
		.on_cpu = true, .blocked_ns = -1, .frames = frames,
		.nframes = sizeof(frames) / sizeof(frames[0]),
	};
	static const struct dp_triage_module mods[] = {
		{ .name = "crashme", .taints = "OE" },
	};
	struct dp_triage_input in = {
		.log = log->recs, .nlog = log->nrecs,
		.have_panic_cpu = true, .panic_cpu = 1, .panic_task = &task,
		.panicked = true, .tasks = &task, .ntasks = 1,
		.modules = mods, .nmodules = 1, .have_modules = true,
		.have_taint = true, .taint_mask = 0x3080,
	};
	struct dp_triage_report *a = analyze_in(&in);
	struct dp_triage_input in_log = { .log = log->recs, .nlog = log->nrecs };
	struct dp_triage_report *b = analyze_in(&in_log);
	CHECK(a->guilty_source == DP_SOURCE_STACK);
	CHECK(b->guilty_source == DP_SOURCE_LOG);
	CHECK_STR(a->bucket, "OOPS_NULL_DEREF:crashme!crashme_null_deref");
	CHECK_STR(a->bucket, b->bucket);
	CHECK_STR(a->bucket_hash, b->bucket_hash);
	CHECK_STR(a->taint_letters, "DOE");
	CHECK(a->guilty_out_of_tree && a->guilty_unsigned);
	CHECK(a->culprit.pid == 132 && a->culprit.cpu == 1);
	CHECK_EQ_U64(a->nrunning, 1);
	dp_triage_report_destroy(a);
	dp_triage_report_destroy(b);
	dp_triage_log_destroy(log);
}

// A hypervisor dump of a hung (not panicked) system: no panic in the log,
// a task in D state waiting on a page lock, both CPUs idle.
TEST(no_panic_hang)
{
	static const struct dp_triage_frame dframes[] = {
		{ .function = "__schedule" }, { .function = "schedule" },
		{ .function = "io_schedule" },
		{ .function = "folio_wait_bit_common" },
		{ .function = "filemap_fault" },
	};
	static const struct dp_triage_frame idle[] = {
		{ .function = "native_safe_halt" },
		{ .function = "default_idle" }, { .function = "do_idle" },
	};
	struct dp_triage_task tasks[] = {
		{ .pid = 0, .comm = "swapper/0", .state = 'R', .cpu = 0,
		  .on_cpu = true, .blocked_ns = -1, .frames = idle,
		  .nframes = 3 },
		{ .pid = 0, .comm = "swapper/1", .state = 'R', .cpu = 1,
		  .on_cpu = true, .blocked_ns = -1, .frames = idle,
		  .nframes = 3 },
		{ .pid = 812, .comm = "postgres", .state = 'D', .cpu = 1,
		  .blocked_ns = 125000000000ll, .frames = dframes,
		  .nframes = 5 },
	};
	struct dp_triage_log *log = parse("[    1.0] Linux version 6.1.0\n");
	struct dp_triage_input in = {
		.log = log->recs, .nlog = log->nrecs, .tasks = tasks,
		.ntasks = 3,
	};
	struct dp_triage_report *r = analyze_in(&in);
	CHECK(r->cls == DP_CLASS_NO_PANIC);
	CHECK_EQ_U64(r->nblocked, 1);
	CHECK(r->nblocked && r->blocked[0].task.pid == 812 &&
	      r->blocked[0].blocked_s == 125);
	CHECK(r->nblocked && r->blocked[0].wait_function &&
	      !strcmp(r->blocked[0].wait_function, "folio_wait_bit_common"));
	CHECK_EQ_U64(r->nrunning, 2);
	CHECK(r->nrunning == 2 && r->running[0].wait_function == NULL);
	CHECK_STR(r->bucket, "NO_PANIC");
	dp_triage_report_destroy(r);
	dp_triage_log_destroy(log);
}

TEST(caller_ids)
{
	// printk caller ids and dropped-message prefixes.
	struct dp_triage_log *log = parse(
		"[   50.100000][ T5944] BUG: x\n"
		"** 3 printk messages dropped ** [   50.2][    C1] y\n");
	CHECK_EQ_U64(log->nrecs, 2);
	CHECK_STR(log->recs[0].text, "BUG: x");
	CHECK_EQ_U64(log->recs[0].caller, ('T' << 24) | 5944);
	CHECK_STR(log->recs[1].text, "y");
	CHECK_EQ_U64(log->recs[1].caller, ('C' << 24) | 1);
	dp_triage_log_destroy(log);
}

// The dump path: ring buffer records carry printk_caller_id() (pid, or
// bit 31 + CPU in interrupt context) even without CONFIG_PRINTK_CALLER.
// Task 118's Oops interleaved with CPU 1's interrupt-context lines (an
// RIP line and frames) reads as the same Oops printed alone; with the
// callers dropped, the other CPU's RIP line would name the crash.
static void interleaved_oops(struct dp_triage_logrec *recs, size_t *n,
			     bool callers)
{
	static const struct {
		uint32_t id;
		const char *text;
	} raw[] = {
		{ 118, "dpcrash: writing through a NULL pointer" },
		{ 118, "BUG: kernel NULL pointer dereference, address: 0000000000000000" },
		{ 118, "#PF: supervisor write access in kernel mode" },
		{ 0x80000001u, "RIP: 0010:other_irq_fn+0x10/0x20" },
		{ 118, "Oops: 0002 [#1] PREEMPT SMP NOPTI" },
		{ 0x80000001u, "Call Trace:" },
		{ 0x80000001u, " <IRQ>" },
		{ 0x80000001u, " other_irq_fn+0x10/0x20" },
		{ 118, "CPU: 0 PID: 118 Comm: dp-crash Tainted: G           OE      6.1.0-57-cloud-amd64 #1  Debian 6.1.192-3" },
		{ 0x80000001u, " other_irq_caller+0x5/0x20" },
		{ 118, "RIP: 0010:dpcrash_null+0x1d/0x30 [dpcrash]" },
		{ 118, "Call Trace:" },
		{ 118, " <TASK>" },
		{ 0x80000001u, " other_irq_caller+0x5/0x20" },
		{ 118, " dpcrash_write+0x73/0xa0 [dpcrash]" },
		{ 118, " proc_reg_write+0x56/0xa0" },
		{ 118, " vfs_write+0xc7/0x400" },
		{ 118, " ksys_write+0x6b/0xf0" },
		{ 118, " do_syscall_64+0x55/0xb0" },
		{ 118, " </TASK>" },
		{ 118, "Modules linked in: dpcrash(OE) virtio_blk" },
	};
	*n = sizeof(raw) / sizeof(raw[0]);
	for (size_t i = 0; i < *n; i++)
		recs[i] = (struct dp_triage_logrec){
			.ts_nsec = 5000000000ull + i * 1000, .level = 4,
			.text = raw[i].text,
			.caller = callers ?
				dp_triage_caller_from_printk(raw[i].id) : 0,
		};
}

TEST(dump_callers)
{
	CHECK_EQ_U64(dp_triage_caller_from_printk(118), ('T' << 24) | 118);
	CHECK_EQ_U64(dp_triage_caller_from_printk(0x80000001u), ('C' << 24) | 1);
	CHECK_EQ_U64(dp_triage_caller_from_printk(0), (uint32_t)'T' << 24);
	CHECK_EQ_U64(dp_triage_caller_from_printk(1u << 24), 0);

	struct dp_triage_logrec recs[32];
	struct dp_triage_input in = { .log = recs };
	interleaved_oops(recs, &in.nlog, true);
	struct dp_triage_report *r = analyze_in(&in);
	CHECK(r->cls == DP_CLASS_OOPS_NULL_DEREF);
	CHECK_STR(r->guilty_function, "dpcrash_null");
	CHECK_STR(r->guilty_module, "dpcrash");
	CHECK_STR(r->bucket, "OOPS_NULL_DEREF:dpcrash!dpcrash_null");
	CHECK(r->culprit.pid == 118);
	for (size_t i = 0; i < r->nbacktrace; i++)
		CHECK(strncmp(r->backtrace[i].function, "other_irq", 9) != 0);
	dp_triage_report_destroy(r);

	// The same records without callers: the test above could fail.
	interleaved_oops(recs, &in.nlog, false);
	r = analyze_in(&in);
	CHECK(r->guilty_function == NULL ||
	      strcmp(r->guilty_function, "dpcrash_null") != 0);
	dp_triage_report_destroy(r);
}

// A WARN without panic_on_warn, then a panic raised by another task: the
// panic is a report of its own, the WARNING (the first) is the subject
// and did not panic. The same WARNING with panic_on_warn (the panic from
// its own task) is one report that panicked.
static const char warn_then_panic[] =
	"[  9.608608] ------------[ cut here ]------------\n"
	"[  9.629061] WARNING: CPU: 0 PID: 117 at dpcrash.c:124 dpcrash_warn+0x18/0x20 [dpcrash]\n"
	"[  9.646287] Modules linked in: dpcrash(OE)\n"
	"[  9.646774] CPU: 0 PID: 117 Comm: dp-crash Tainted: G           OE      6.1.0 #1\n"
	"[  9.647358] RIP: 0010:dpcrash_warn+0x18/0x20 [dpcrash]\n"
	"[  9.658325] Call Trace:\n"
	"[  9.658325]  dpcrash_write+0xdc/0xf0 [dpcrash]\n"
	"[  9.658325] ---[ end trace 0000000000000000 ]---\n"
	"[ 10.724966] Kernel panic - not syncing: %s\n"
	"[ 10.725796] CPU: 0 PID: %d Comm: dp-crash Tainted: G        W  OE      6.1.0 #1\n"
	"[ 10.725796] Call Trace:\n"
	"[ 10.725796]  %s\n";

TEST(warn_then_other_panic)
{
	char t[2048];
	struct dp_triage_log *log;
	snprintf(t, sizeof(t), warn_then_panic,
		 "dpcrash: explicit panic, magic=d0e5c0ffee15900d", 120,
		 "dpcrash_panic+0x18/0x18 [dpcrash]");
	struct dp_triage_report *r = analyze_log(t, &log);
	CHECK(r->cls == DP_CLASS_WARN);
	CHECK_STR(r->title, "WARNING in dpcrash_warn");
	CHECK_STR(r->bucket, "WARN:dpcrash!dpcrash_warn");
	CHECK(r->culprit.pid == 117);
	CHECK(r->panicked.pid == 120);
	CHECK(r->panic_message && strstr(r->panic_message, "explicit panic"));
	CHECK_EQ_U64(r->nreports, 2);
	CHECK(r->nreports == 2 && r->reports[1].cls == DP_CLASS_PANIC);
	CHECK(r->summary && strstr(r->summary, "did not panic on it. A later "
				   "report panicked the kernel"));
	dp_triage_report_destroy(r);
	dp_triage_log_destroy(log);

	snprintf(t, sizeof(t), warn_then_panic,
		 "panic_on_warn set ...", 117, "check_panic_on_warn+0x1/0x2");
	r = analyze_log(t, &log);
	CHECK(r->cls == DP_CLASS_WARN);
	CHECK_EQ_U64(r->nreports, 1);
	CHECK(r->summary && strstr(r->summary, "panic_on_warn turned it"));
	dp_triage_report_destroy(r);
	dp_triage_log_destroy(log);
}

// A KASAN report with no panic after it is the subject; the later
// WARNING is listed; a line of another task inside is skipped.
TEST(report_without_panic)
{
	const char *t =
		"[  1.000001][ T5944] BUG: KASAN: slab-use-after-free in foo_read+0x2b/0x90 [foo]\n"
		"[  1.000002][ T5944] Read of size 8 at addr ffff888012345678 by task a/5944\n"
		"[  1.000003][ T5944] CPU: 0 PID: 5944 Comm: a Tainted: G           O       6.1.0 #1\n"
		"[  1.000004][ T5944] Call Trace:\n"
		"[  1.000005][ T5944]  <TASK>\n"
		"[  1.000006][ T5944]  dump_stack_lvl+0x44/0x5c\n"
		"[  1.000007][ T5944]  kasan_report+0xb1/0xe0\n"
		"[  1.000008][ T1111]  other_cpu_fn+0x1/0x2\n"
		"[  1.000009][ T5944]  memcpy+0x20/0x60\n"
		"[  1.000010][ T5944]  foo_read+0x2b/0x90 [foo]\n"
		"[  1.000011][ T5944]  </TASK>\n"
		"[  2.000001][ T7000] WARNING: CPU: 1 PID: 7000 at fs/bar.c:12 bar_write+0x1/0x2\n"
		"[  2.000002][ T7000] RIP: 0010:bar_write+0x1/0x2\n";
	struct dp_triage_log *log;
	struct dp_triage_report *r = analyze_log(t, &log);
	CHECK(r->cls == DP_CLASS_KASAN);
	CHECK_STR(r->title, "KASAN: slab-use-after-free Read in foo_read");
	CHECK_STR(r->guilty_function, "foo_read");
	CHECK_STR(r->guilty_module, "foo");
	CHECK(r->panic_message == NULL);
	CHECK(r->culprit.pid == 5944);
	CHECK_STR(r->bucket, "KASAN:foo!foo_read");
	CHECK_EQ_U64(r->nreports, 2);
	CHECK(r->have_subject && r->subject == 0);
	CHECK_STR(r->reports[1].title, "WARNING in bar_write");
	CHECK(r->reports[1].cls == DP_CLASS_WARN);
	CHECK(r->subject_reason != NULL);
	for (size_t i = 0; i < r->nbacktrace; i++)
		CHECK(strcmp(r->backtrace[i].function, "other_cpu_fn") != 0);
	dp_triage_report_destroy(r);
	dp_triage_log_destroy(log);
}

// OOM table read by its header (6.2+ adds rss_anon/rss_file/rss_shmem);
// another task tripped the OOM: the bucket names the hog, not the
// allocating code.
TEST(oom_columns)
{
	const char *t =
		"[  9.000001] kworker/0:1 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		"[  9.000002] CPU: 0 PID: 12 Comm: kworker/0:1 Not tainted 6.6.0 #1\n"
		"[  9.000003] Call Trace:\n"
		"[  9.000004]  __get_free_pages+0x10/0x40\n"
		"[  9.000005] Tasks state (memory values in pages):\n"
		"[  9.000006] [  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name\n"
		"[  9.000007] [    412]     0   412     5000      300      200      100         0    61440        0             0 sshd\n"
		"[  9.000008] [    900]     0   900  1409024  1200000  1199000     1000         0  9744384        0             0 memhog\n"
		"[  9.000009] Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled\n";
	struct dp_triage_log *log;
	struct dp_triage_report *r = analyze_log(t, &log);
	CHECK(r->cls == DP_CLASS_OOM);
	CHECK_EQ_U64(r->nmemusers, 2);
	CHECK_STR(r->memusers[0].task.comm, "memhog");
	CHECK_EQ_U64(r->memusers[0].rss_pages, 1200000);
	CHECK_EQ_U64(r->memusers[0].total_vm_pages, 1409024);
	CHECK(r->guilty_function == NULL);
	CHECK_STR(r->bucket, "OOM:task!memhog");
	dp_triage_report_destroy(r);
	dp_triage_log_destroy(log);
}

// A "?" guess is never frame #0 of a backtrace from the dump.
TEST(unreliable_not_first)
{
	const struct dp_triage_frame fr[] = {
		{ .function = "__crash_kexec", .unreliable = true },
		{ .function = "panic" },
		{ .function = "sysrq_handle_crash" },
	};
	const struct dp_triage_task task = { .pid = 7, .comm = "sh",
		.state = 'R', .cpu = 0, .on_cpu = true, .blocked_ns = -1,
		.frames = fr, .nframes = 3 };
	struct dp_triage_log *log = parse(
		"[ 1.0] sysrq: Trigger a crash\n"
		"[ 1.1] Kernel panic - not syncing: sysrq triggered crash\n");
	struct dp_triage_input in = { .log = log->recs, .nlog = log->nrecs,
		.panic_task = &task, .tasks = &task, .ntasks = 1,
		.have_panic_cpu = true, .panic_cpu = 0, .panicked = true };
	struct dp_triage_report *r = analyze_in(&in);
	CHECK(r->cls == DP_CLASS_SYSRQ);
	CHECK_STR(r->guilty_function, "sysrq_handle_crash");
	CHECK(r->nbacktrace == 2 && !r->backtrace[0].unreliable);
	CHECK_STR(r->backtrace[0].function, "panic");
	dp_triage_report_destroy(r);
	dp_triage_log_destroy(log);
}

// Hostile input: no crash, no trap, bounded output.
TEST(garbage)
{
	const char *t =
		"[ 1.0] Kernel panic - not syncing: \n"
		"[ 1.0] CPU: 99999999999999999999 PID: x Comm:\n"
		"[ 1.0] Call Trace:\n"
		"[ 1.0]  +0x/0x\n"
		"[ 1.0] INFO: task :1 blocked for more than seconds.\n"
		"[ 1.0] RIP: 0010:\n"
		"[ 1.0] Oops: [#\n"
		"[\n";
	struct dp_triage_log *log;
	struct dp_triage_report *r = analyze_log(t, &log);
	CHECK(r->cls == DP_CLASS_PANIC);
	CHECK(r->bucket != NULL);
	dp_triage_report_destroy(r);
	dp_triage_log_destroy(log);
	struct dp_triage_input empty = { 0 };
	r = analyze_in(&empty);
	CHECK(r->cls == DP_CLASS_NO_PANIC);
	dp_triage_report_destroy(r);
}

TEST_MAIN(T(log_parse), T(taint_and_names), T(hard_lockup), T(rcu_stall),
	  T(warn_panic), T(machine_check), T(gpf_fatal_exception),
	  T(paging_fault_in_memcpy), T(stack_and_log_agree), T(no_panic_hang),
	  T(garbage), T(caller_ids), T(dump_callers), T(warn_then_other_panic), T(report_without_panic),
	  T(oom_columns), T(unreliable_not_first))
