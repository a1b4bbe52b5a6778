// SPDX-License-Identifier: MIT
// Kernel reports in a log: every header the kernel prints for a bug
// (mm/kasan/report.c, mm/kmsan/report.c, mm/kfence/report.c,
// kernel/kcsan/report.c, lib/ubsan.c, mm/kmemleak.c, kernel/locking/
// lockdep.c, kernel/locking/spinlock_debug.c, kernel/rcu/update.c
// lockdep_rcu_suspicious, kernel/hung_task.c, kernel/rcu/tree_stall.h,
// kernel/watchdog.c, kernel/watchdog_hld.c, kernel/panic.c __warn and
// panic, kernel/sched/core.c __schedule_bug and __might_resched,
// lib/list_debug.c, lib/refcount.c, lib/debugobjects.c, mm/page_alloc.c
// bad_page, mm/memory.c print_bad_pte, mm/usercopy.c, arch/x86/mm/fault.c,
// arch/x86/kernel/traps.c, arch/x86/kernel/dumpstack.c __die_header,
// arch/arm64/mm/fault.c, arch/arm64/kernel/traps.c die,
// arch/x86/kernel/cpu/mce/core.c), titled "KIND in FUNCTION" the way
// automated kernel testing titles them. The first report is the subject.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vector.h"
#include "internal.h"
#include "reports.h"

#define NONE SIZE_MAX
#define REPORT_MAX_LINES 2000	/* a report longer than this is cut */
#define PANIC_MIN_LINES 22	/* a panic line this far in ends a report */

static const char *const skip_kasan[] = { "*kernel_fault*", "*tag_check*",
	"*mem_abort*", "el1_*", "el1h_*", NULL };
static const char *const skip_free[] = { "*slab_*", "*kfree*", "*vunmap*",
	"*vfree*", NULL };
static const char *const skip_kmsan[] = { "*alloc_skb*", "*netlink_ack*",
	"*netlink_rcv_skb*", "*_encrypt", "crypto_*", "cipher_*", "drbg_*",
	"rng_*", "*usb_submit_urb*", "*usb_start_wait_urb*", "*usb_bulk_msg*",
	"*usb_interrupt_msg*", NULL };
static const char *const skip_spin[] = { "*spin_*", "*_lock*", "*_unlock*",
	NULL };
static const char *const skip_sched[] = { "*schedule*", NULL };
static const char *const skip_preempt[] = { "*preempt*", "*debug_*",
	"*processor_id*", "*this_cpu*", NULL };
static const char *const skip_page[] = { "*free_page*", "*put_page*",
	"*get_page*", "*update_page*", "*release_page*", "*free_unref*",
	"folio*", "_folio*", "__folio*", "*truncate_inode_pages*",
	"*page_frag_free*", "*alloc*", "*vmap*", "*page_owner*", NULL };
static const char *const skip_leak[] = { "*kmemleak*", "*mmap*", "*kmem*",
	"*slab*", "*alloc*", "*create_object*", "*idr_get*",
	"*list_lru_init*", "*kasprintf*", "*kvasprintf*", "*pcpu_create*",
	"*strdup*", "*strndup*", "*memdup*", NULL };
static const char *const skip_sock[] = { "*lock_sock*", "*release_sock*",
	NULL };
static const char *const skip_wq[] = { "*process_one_work*",
	"*flush_workqueue*", "*drain_workqueue*", "*destroy_workqueue*",
	NULL };
static const char *const skip_rcu[] = { "*rcu*", "*kmem*", "*slab*", NULL };
static const char *const skip_key[] = { "*stack*", "*lock*", "*IRQ*",
	NULL };
static const char *const skip_ubsan[] = { "*ubsan*", "*overflow*", NULL };
static const char *const skip_usercopy[] = { "*usercopy*", "*__check*",
	NULL };
static const char *const skip_list[] = { "*__list_*valid*", NULL };
static const char *const skip_skb[] = { "skb_*", NULL };
static const char *const skip_stall[] = { "*apic_timer_interrupt*",
	"*rcu*", NULL };
static const char *const skip_stack[] = { "*schedule*", "*retint_kernel*",
	"*bad_stack*", "*stack_chk*", NULL };

#define K(h, a, cls, t, fmt, rule, anchor, skip, cont) \
	{ h, a, DP_CLASS_##cls, TITLE_##t, fmt, RULE_##rule, anchor, skip, cont }

// Order matters: the first kind whose header matches a line wins.
static const struct triage_kind kinds[] = {
	K("BUG: KASAN: double-free", NULL, KASAN, IN, "KASAN: invalid-free",
	  HEADER, "Call Trace", skip_free, 3),
	K("BUG: KASAN: invalid-free", NULL, KASAN, IN, "KASAN: invalid-free",
	  HEADER, "Call Trace", skip_free, 3),
	K("BUG: KASAN: ", NULL, KASAN, KASAN, "KASAN: ", HEADER, "Call Trace",
	  skip_kasan, 3),
	K("BUG: KMSAN: ", NULL, KMSAN, WORDS, "KMSAN: ", HEADER, NULL,
	  skip_kmsan, 3),
	K("BUG: KCSAN: ", NULL, KCSAN, REST, "KCSAN: ", HEADER_ONLY, NULL,
	  NULL, 0),
	K("BUG: KFENCE: ", NULL, KFENCE, WORDS, "KFENCE: ", HEADER, NULL,
	  NULL, 3),
	K("BUG: unable to handle kernel NULL pointer", NULL, OOPS_NULL_DEREF,
	  IN, "BUG: unable to handle kernel NULL pointer dereference",
	  IP_TRACE, NULL, NULL, 0),
	K("BUG: kernel NULL pointer dereference", NULL, OOPS_NULL_DEREF, IN,
	  "BUG: unable to handle kernel NULL pointer dereference", IP_TRACE,
	  NULL, NULL, 0),
	K("BUG: Kernel NULL pointer dereference", NULL, OOPS_NULL_DEREF, IN,
	  "BUG: unable to handle kernel NULL pointer dereference", IP_TRACE,
	  NULL, NULL, 0),
	K("BUG: unable to handle kernel paging request", NULL, OOPS_PAGING, IN,
	  "BUG: unable to handle kernel paging request", IP_TRACE, NULL,
	  NULL, 0),
	K("BUG: unable to handle page fault", NULL, OOPS_PAGING, IN,
	  "BUG: unable to handle kernel paging request", IP_TRACE, NULL,
	  NULL, 0),
	K("BUG: Unable to handle kernel data access", NULL, OOPS_PAGING, IN,
	  "BUG: unable to handle kernel paging request", IP_TRACE, NULL,
	  NULL, 0),
	K("Unable to handle kernel NULL pointer dereference", NULL,
	  OOPS_NULL_DEREF, IN,
	  "BUG: unable to handle kernel NULL pointer dereference", IP_TRACE,
	  NULL, NULL, 0),
	K("Unable to handle kernel paging request", NULL, OOPS_PAGING, IN,
	  "BUG: unable to handle kernel paging request", IP_TRACE, NULL,
	  NULL, 0),
	K("Unable to handle kernel access to user memory", NULL, OOPS_PAGING,
	  IN, "BUG: unable to handle kernel access to user memory", IP_TRACE,
	  NULL, NULL, 0),
	// 4.x printed the header in two printk()s; another CPU's line may
	// split it: the kind of fault follows on the next line.
	K("BUG: unable to handle kernel", NULL, OOPS_PAGING, IN,
	  "BUG: unable to handle kernel paging request", IP_TRACE, NULL,
	  NULL, 0),
	K("BUG: spinlock ", NULL, LOCKDEP, WORDS, "BUG: ", TRACE, NULL,
	  skip_spin, 0),
	K("BUG: rwlock ", NULL, LOCKDEP, WORDS, "BUG: ", TRACE, NULL,
	  skip_spin, 0),
	K("BUG: soft lockup", NULL, SOFT_LOCKUP, IN, "BUG: soft lockup", STALL,
	  NULL, NULL, 0),
	K("BUG: scheduling while atomic", NULL, INVALID_CONTEXT, IN,
	  "BUG: scheduling while atomic", TRACE, NULL, skip_sched, 0),
	K("BUG: sleeping function called from invalid context", NULL,
	  INVALID_CONTEXT, IN,
	  "BUG: sleeping function called from invalid context", TRACE, NULL,
	  NULL, 0),
	K("BUG: using ", " in preemptible", INVALID_CONTEXT, WORDS, "BUG: ",
	  TRACE, NULL, skip_preempt, 0),
	K("BUG: Bad page state", NULL, BAD_PAGE, IN, "BUG: Bad page state",
	  AFTER, "page last allocated", skip_page, 0),
	K("BUG: Bad page cache", NULL, BAD_PAGE, IN, "BUG: Bad page cache",
	  AFTER, "page last allocated", skip_page, 0),
	K("BUG: Bad page map", NULL, BAD_PAGE, FIXED, "BUG: Bad page map",
	  NONE, NULL, NULL, 0),
	K("BUG: Bad rss-counter state", NULL, BAD_PAGE, FIXED,
	  "BUG: Bad rss-counter state", NONE, NULL, NULL, 0),
	K("BUG: memory leak", NULL, MEMLEAK, IN, "memory leak", AFTER,
	  "backtrace", skip_leak, 0),
	K("unreferenced object 0x", NULL, MEMLEAK, IN, "memory leak", AFTER,
	  "backtrace", skip_leak, 40),
	K("BUG: ", "stack guard page was hit", STACK_CORRUPTION, IN,
	  "BUG: stack guard page was hit", STALL, NULL, NULL, 0),
	K("BUG: Invalid wait context", NULL, LOCKDEP, IN,
	  "WARNING: locking bug", TRACE, NULL, skip_sock, 0),
	K("BUG: bad unlock balance detected", NULL, LOCKDEP, IN,
	  "BUG: bad unlock balance", AT, "is trying to release lock", NULL, 0),
	K("BUG: held lock freed", NULL, LOCKDEP, IN, "BUG: held lock freed",
	  AT, "is freeing memory", NULL, 0),
	K("BUG: ", "still has locks held", LOCKDEP, IN,
	  "BUG: still has locks held", AT, NULL, NULL, 0),
	K("BUG: lock held when returning to user space", NULL, LOCKDEP, IN,
	  "BUG: lock held when returning to user space", AT,
	  "leaving the kernel with locks still held", NULL, 0),
	K("BUG: workqueue leaked lock or atomic", NULL, LOCKDEP, IN,
	  "BUG: workqueue leaked lock or atomic", AT, NULL, NULL, 0),
	K("WARNING: possible circular locking dependency", NULL, LOCKDEP, IN,
	  "possible deadlock", AT_CHAIN, "is trying to acquire lock", skip_wq,
	  0),
	K("INFO: possible circular locking dependency", NULL, LOCKDEP, IN,
	  "possible deadlock", AT_CHAIN, "is trying to acquire lock", skip_wq,
	  0),
	K("WARNING: possible irq lock inversion", NULL, LOCKDEP, IN,
	  "possible deadlock", AT, "just changed the state of lock", NULL, 0),
	K("INFO: possible irq lock inversion", NULL, LOCKDEP, IN,
	  "possible deadlock", AT, "just changed the state of lock", NULL, 0),
	K("WARNING: possible recursive locking", NULL, LOCKDEP, IN,
	  "possible deadlock", AT, "is trying to acquire lock", NULL, 0),
	K("INFO: possible recursive locking", NULL, LOCKDEP, IN,
	  "possible deadlock", AT, "is trying to acquire lock", NULL, 0),
	K("WARNING: ", "-unsafe lock order detected", LOCKDEP, IN,
	  "possible deadlock", AFTER, "which became ", NULL, 0),
	K("INFO: ", "-unsafe lock order detected", LOCKDEP, IN,
	  "possible deadlock", AT, "is trying to acquire", NULL, 0),
	K("WARNING: inconsistent lock state", NULL, LOCKDEP, IN,
	  "inconsistent lock state", TRACE, NULL, NULL, 0),
	K("INFO: inconsistent lock state", NULL, LOCKDEP, IN,
	  "inconsistent lock state", AT, "takes", NULL, 0),
	K("WARNING: suspicious RCU usage", NULL, LOCKDEP, IN,
	  "WARNING: suspicious RCU usage", TRACE, NULL, skip_rcu, 0),
	K("INFO: suspicious RCU usage", NULL, LOCKDEP, IN,
	  "INFO: suspicious RCU usage", TRACE, NULL, skip_rcu, 0),
	K("INFO: trying to register non-static key", NULL, LOCKDEP, IN,
	  "INFO: trying to register non-static key", TRACE, NULL, skip_key, 0),
	K("WARNING: bad unlock balance detected", NULL, LOCKDEP, IN,
	  "WARNING: bad unlock balance", AT, "is trying to release lock",
	  NULL, 0),
	K("WARNING: held lock freed", NULL, LOCKDEP, IN,
	  "WARNING: held lock freed", AT, "is freeing memory", NULL, 0),
	K("WARNING: lock held when returning to user space", NULL, LOCKDEP, IN,
	  "WARNING: lock held when returning to user space", AT,
	  "leaving the kernel with locks still held", NULL, 0),
	K("WARNING: Nested lock was not taken", NULL, LOCKDEP, IN,
	  "WARNING: nested lock was not taken", WARN, NULL, NULL, 0),
	K("WARNING: ", "still has locks held", LOCKDEP, IN,
	  "WARNING: still has locks held", AT, NULL, NULL, 0),
	K("WARNING: CPU: ", NULL, WARN, WARN, "WARNING", WARN, NULL, NULL, 0),
	K("WARNING: at ", NULL, WARN, WARN, "WARNING", WARN, NULL, NULL, 0),
	K("WARNING: ", ", CPU#", WARN, WARN, "WARNING", WARN, NULL, NULL, 0),
	K("INFO: rcu_", "stall", RCU_STALL, IN, "INFO: rcu detected stall",
	  STALL, NULL, skip_stall, 0),
	K("INFO: task ", " blocked for more than", HUNG_TASK, IN,
	  "INFO: task hung", HUNG, NULL, NULL, 0),
	K("INFO: task ", " blocked in I/O wait for more than", HUNG_TASK, IN,
	  "INFO: task hung", HUNG, NULL, NULL, 0),
	K("INFO: task ", " can't die for more than", HUNG_TASK, IN,
	  "INFO: task can't die", TRACE, NULL, skip_sched, 0),
	K("Watchdog detected hard LOCKUP", NULL, HARD_LOCKUP, IN,
	  "BUG: hard lockup", STALL, NULL, NULL, 0),
	K("usercopy: Kernel memory ", NULL, USERCOPY, IN, "BUG: bad usercopy",
	  TRACE, NULL, skip_usercopy, 0),
	K("kernel BUG at mm/usercopy.c", NULL, USERCOPY, IN,
	  "BUG: bad usercopy", TRACE, NULL, skip_usercopy, 8),
	K("list_add corruption", NULL, LIST_CORRUPTION, IN,
	  "BUG: corrupted list", TRACE, NULL, skip_list, 8),
	K("list_del corruption", NULL, LIST_CORRUPTION, IN,
	  "BUG: corrupted list", TRACE, NULL, skip_list, 8),
	K("list_add double add", NULL, LIST_CORRUPTION, IN,
	  "BUG: corrupted list", TRACE, NULL, skip_list, 8),
	K("kernel BUG at lib/list_debug.c", NULL, LIST_CORRUPTION, IN,
	  "BUG: corrupted list", TRACE, NULL, skip_list, 8),
	K("kernel BUG at ", NULL, BUG, IN, "kernel BUG", IP_TRACE, NULL,
	  skip_skb, 8),
	K("general protection fault", NULL, OOPS_GPF, IN,
	  "general protection fault", IP_TRACE, NULL, NULL, 0),
	K("stack segment: ", NULL, OOPS, IN, "stack segment fault", IP_TRACE,
	  NULL, NULL, 0),
	K("divide error: ", NULL, DIVIDE_ERROR, IN, "divide error", IP, NULL,
	  NULL, 0),
	K("divide_error: ", NULL, DIVIDE_ERROR, IN, "divide error", IP, NULL,
	  NULL, 0),
	K("invalid opcode: ", NULL, INVALID_OPCODE, IN, "invalid opcode", IP,
	  NULL, NULL, 40),
	K("int3: ", NULL, OOPS, IN, "int3", IP_TRACE, NULL, NULL, 0),
	K("PANIC: double fault", NULL, DOUBLE_FAULT, IN,
	  "PANIC: double fault", IP, NULL, NULL, 40),
	K("UBSAN: Undefined behaviour", NULL, UBSAN, IN,
	  "UBSAN: undefined-behaviour", TRACE, NULL, skip_ubsan, 0),
	K("UBSAN: ", NULL, UBSAN, WORDS, "UBSAN: ", TRACE, NULL, skip_ubsan,
	  0),
	K("Unhandled fault: ", NULL, OOPS_PAGING, IN, "Unhandled fault",
	  IP_TRACE, NULL, NULL, 0),
	K("Internal error: ", NULL, OOPS, IN, "Internal error", IP_TRACE,
	  NULL, NULL, 40),
	K("Kernel panic - not syncing: stack-protector:", NULL,
	  STACK_CORRUPTION, IN, "kernel panic: stack is corrupted",
	  HEADER_ONLY, NULL, NULL, 0),
	K("Kernel panic - not syncing: corrupted stack end", NULL,
	  STACK_CORRUPTION, IN, "kernel panic: corrupted stack end", STALL,
	  NULL, skip_stack, 0),
	K("Kernel panic - not syncing: kernel stack overflow", NULL,
	  STACK_CORRUPTION, IN, "kernel stack overflow", STALL, NULL,
	  skip_stack, 0),
	K("Kernel panic - not syncing: ", NULL, PANIC, PANIC, "kernel panic: ",
	  NONE, NULL, NULL, 0),
};

static bool word_start(const char *line, const char *at)
{
	// 4.x KASAN printed "kasan: GPF could be caused by NULL-ptr deref
	// or user memory access" without a newline before the die line.
	return at == line || at[-1] == ' ' || at[-1] == '\t' || at[-1] == '[' ||
	       triage_starts(at, "general protection fault");
}

// Does the line hold the kind's header? Then *at is where it starts.
static bool match_kind(const struct triage_kind *k, const char *line,
		       const char **at)
{
	for (const char *p = strstr(line, k->hdr); p;
	     p = strstr(p + 1, k->hdr)) {
		if (!word_start(line, p))
			continue;
		if (k->also && !strstr(p, k->also))
			return false;
		*at = p;
		return true;
	}
	return false;
}

// Lines that look like a header but are not a kernel bug report.
static bool benign(const char *line)
{
	// User-mode traps (arch/x86/kernel/traps.c do_trap and
	// show_signal: "traps: %s[%d] trap divide error ip:%lx ...").
	return strstr(line, " ip:") || strstr(line, "traps: ");
}

static const struct triage_kind *kind_of(const char *line, const char **at)
{
	if (benign(line))
		return NULL;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (match_kind(&kinds[i], line, at))
			return &kinds[i];
	return NULL;
}

// "INFO: task %s:%d blocked" with a newline in the task's comm: the rest
// of the header is on the next line.
static const struct triage_kind *split_hung(const struct triage_ctx *c,
					    size_t i)
{
	const char *t = strstr(c->lines[i].s, "INFO: task ");
	if (!t || strstr(t, " blocked ") || i + 1 >= c->nlines ||
	    !strstr(c->lines[i + 1].s, " blocked for more than"))
		return NULL;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (kinds[k].cls == DP_CLASS_HUNG_TASK)
			return &kinds[k];
	return NULL;
}

static bool is_panic_kind(const struct triage_kind *k)
{
	return triage_starts(k->hdr, "Kernel panic");
}

// The pid of the first "CPU: N PID: N Comm:" line in lines [from, to),
// or -1.
static int32_t pid_line(const struct triage_ctx *c, size_t from, size_t to)
{
	struct dp_triage_who w;
	for (size_t i = from; i < to && i < c->nlines; i++)
		if (triage_parse_cpu_line(c->lines[i].s, &w))
			return w.pid;
	return -1;
}

// Did another task raise the panic at line i than the one that printed
// the latest report (a WARN without panic_on_warn, then an unrelated
// panic)? Their printk caller ids say so, else the "CPU: N PID: N" lines
// after each header. A watchdog's panic (stall, lockup, hung task) comes
// from the watchdog, whatever task its report names: always its own.
static bool panic_of_other_task(const struct triage_ctx *c,
				const struct triage_hit *h, size_t i)
{
	switch (h->cls) {
	case DP_CLASS_SOFT_LOCKUP: case DP_CLASS_HARD_LOCKUP:
	case DP_CLASS_RCU_STALL: case DP_CLASS_HUNG_TASK:
		return false;
	default:
		break;
	}
	uint32_t hc = c->lines[h->line].caller, ic = c->lines[i].caller;
	if (hc && ic)
		return hc != ic && hc >> 24 == 'T' && ic >> 24 == 'T';
	int32_t hp = pid_line(c, h->line, h->line + 8 < i ? h->line + 8 : i);
	int32_t ip = pid_line(c, i + 1, i + 4);
	return hp >= 0 && ip >= 0 && hp != ip;
}

// Is a header at line i part of an open report (a die line after
// "kernel BUG at", a panic after the report that caused it)? The open
// report is the latest one of the same caller: reports of several CPUs
// may interleave.
static bool continues(const struct triage_ctx *c, const struct triage_kind *k,
		      size_t i)
{
	uint32_t ic = c->lines[i].caller;
	for (size_t j = c->nhits; j-- > 0;) {
		const struct triage_hit *h = &c->hits[j];
		uint32_t hc = c->lines[h->line].caller;
		if (hc && ic && hc != ic && ic >> 24 != 'C')
			continue;
		if (is_panic_kind(k))
			return !panic_of_other_task(c, h, i);
		return k->cont && i - h->line <= (size_t)k->cont;
	}
	return false;
}

static void push_hit(struct triage_ctx *c, const struct triage_kind *k,
		     size_t line)
{
	if (!dp_array_reserve(c->hits, c->hits_cap, c->nhits + 1)) {
		c->nomem = true;
		return;
	}
	struct triage_hit *h = &c->hits[c->nhits++];
	memset(h, 0, sizeof(*h));
	h->kind = k;
	h->line = line;
	h->end = c->nlines;
	h->cls = k->cls;
}

// A report ends where the next one of its caller starts, at a panic line
// once it has enough lines, or after REPORT_MAX_LINES.
static void set_ends(struct triage_ctx *c)
{
	for (size_t k = 0; k < c->nhits; k++) {
		struct triage_hit *h = &c->hits[k];
		uint32_t hc = c->lines[h->line].caller;
		size_t end = h->line + REPORT_MAX_LINES;
		if (end > c->nlines)
			end = c->nlines;
		// Without caller ids the next report ends this one; with
		// them, a report of the same caller inside this one (a
		// WARNING while an RCU stall is printed) is read through, as
		// its lines are this report's context.
		for (size_t j = k + 1; j < c->nhits && !hc; j++) {
			if (c->hits[j].line < end)
				end = c->hits[j].line;
			break;
		}
		for (size_t i = h->line + PANIC_MIN_LINES; i < end; i++)
			if (strstr(c->lines[i].s, "Kernel panic - not syncing") &&
			    (!hc || c->lines[i].caller == hc)) {
				end = i;
				break;
			}
		h->end = end;
	}
}

// The first word after the header prefix ("slab-use-after-free in").
static void words(const char *at, const struct triage_kind *k, char *buf,
		  size_t size)
{
	const char *p = at + (triage_starts(at, "BUG: ") ? 5 : 0);
	if (k->title == TITLE_KASAN || k->title == TITLE_WORDS)
		p = at + strlen(k->hdr);
	if (k->title == TITLE_WORDS && triage_starts(k->fmt, "BUG: "))
		p = at + 5;
	const char *e = strstr(p, " in ");
	const char *on = strstr(p, " on CPU");
	if (on && (!e || on < e))
		e = on;
	size_t n = e ? (size_t)(e - p) : strcspn(p, ":");
	if (k->title == TITLE_KASAN)
		n = strcspn(p, " ");
	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

// KASAN's access: "Read of size 8 at addr" / "Write of size" / "Read at
// addr" on the lines after the header (mm/kasan/report.c print_error_description).
static const char *kasan_access(const struct triage_ctx *c,
				const struct triage_hit *h)
{
	struct triage_walk w;
	triage_walk_init(&w, c, h, h->line);
	const char *t;
	for (int k = 0; k < 8 && (t = triage_walk_next(&w)); k++) {
		if (strstr(t, "Read of size") || strstr(t, "Read at addr"))
			return "Read";
		if (strstr(t, "Write of size") || strstr(t, "Write at addr"))
			return "Write";
	}
	return NULL;
}

static const char *const skip_odebug[] = { "*debug_*", "*rcu*",
	"*hrtimer_*", "*timer_*", "*work_*", "*percpu_*", "*vunmap*",
	"*vfree*", "*__free_*", "*kobject_*", NULL };
static const char *const skip_refcount[] = { "*refcount*", "*kobject_*",
	NULL };
static const char *const skip_kobject[] = { "*kobject_*", NULL };
static const char *const skip_proc[] = { "*proc_*", NULL };
static const char *const skip_urb[] = { "*usb_submit_urb*",
	"*usb_start_wait_urb*", "*usb_bulk_msg*", "*usb_interrupt_msg*",
	"*usb_control_msg*", NULL };
static const char *const skip_kmalloc[] = { "*kmalloc*", "*krealloc*",
	"*slab*", "*kmem*", NULL };

// WARNINGs of checkers are titled for the checker and skip its frames
// (lib/debugobjects.c, mm/usercopy.c, lib/refcount.c, ...).
static const struct {
	const char *file, *also, *what;
	struct triage_kind kind;
} warn_kinds[] = {
	{ "lib/debugobjects.c", NULL, "ODEBUG bug",
	  K("WARNING: ", NULL, ODEBUG, WARN, "WARNING", WARN, NULL,
	    skip_odebug, 0) },
	{ "mm/usercopy.c", NULL, "bad usercopy",
	  K("WARNING: ", NULL, USERCOPY, WARN, "WARNING", WARN, NULL,
	    skip_usercopy, 0) },
	{ "lib/kobject.c", NULL, "kobject bug",
	  K("WARNING: ", NULL, WARN, WARN, "WARNING", WARN, NULL,
	    skip_kobject, 0) },
	{ "fs/proc/generic.c", NULL, "proc registration bug",
	  K("WARNING: ", NULL, WARN, WARN, "WARNING", WARN, NULL, skip_proc,
	    0) },
	{ "lib/refcount.c", NULL, "refcount bug",
	  K("WARNING: ", NULL, REFCOUNT, WARN, "WARNING", WARN, NULL,
	    skip_refcount, 0) },
	{ "kernel/locking/lockdep.c", "lock_", "locking bug",
	  K("WARNING: ", NULL, LOCKDEP, WARN, "WARNING", WARN, NULL,
	    skip_sock, 0) },
	{ "mm/vmalloc.c", "__vmalloc_node", "zero-size vmalloc",
	  K("WARNING: ", NULL, WARN, WARN, "WARNING", WARN, NULL, NULL, 0) },
	{ "mm/", "malloc", "kmalloc bug",
	  K("WARNING: ", NULL, WARN, WARN, "WARNING", WARN, NULL,
	    skip_kmalloc, 0) },
	{ " usb_submit_urb", NULL, NULL,
	  K("WARNING: ", NULL, WARN, WARN, "WARNING", WARN, NULL, skip_urb,
	    0) },
	{ "lib/list_debug.c", NULL, NULL,
	  K("WARNING: ", NULL, LIST_CORRUPTION, WARN, "WARNING", WARN, NULL,
	    skip_list, 0) },
};

static const char *warn_special(struct triage_hit *h, const char *line)
{
	for (size_t i = 0; i < sizeof(warn_kinds) / sizeof(warn_kinds[0]); i++)
		if (strstr(line, warn_kinds[i].file) &&
		    (!warn_kinds[i].also || strstr(line, warn_kinds[i].also))) {
			h->kind = &warn_kinds[i].kind;
			h->cls = h->kind->cls;
			return warn_kinds[i].what;
		}
	return NULL;
}

static void make_title(struct triage_ctx *c, struct triage_hit *h,
		       const char *at, const char *what)
{
	const struct triage_kind *k = h->kind;
	char w[128];
	const char *fn = h->function[0] ? h->function : NULL;
	const char *in = fn ? " in " : "";
	fn = fn ? fn : "";
	switch (k->title) {
	case TITLE_KASAN: {
		words(at, k, w, sizeof(w));
		const char *acc = kasan_access(c, h);
		snprintf(h->title, sizeof(h->title), "KASAN: %s%s%s%s%s", w,
			 acc ? " " : "", acc ? acc : "", in, fn);
		return;
	}
	case TITLE_WORDS:
		words(at, k, w, sizeof(w));
		// "BUG: using %s%s() in preemptible [%08x] code: %s/%d"
		// (lib/smp_processor_id.c check_preemption_disabled).
		snprintf(h->title, sizeof(h->title), "%s%s%s%s%s", k->fmt, w,
			 k->also && strstr(k->also, "preemptible") ?
			 " in preemptible code" : "", in, fn);
		return;
	case TITLE_REST:
	case TITLE_PANIC:
		snprintf(h->title, sizeof(h->title), "%s%s", k->fmt,
			 at + strlen(k->hdr));
		return;
	case TITLE_FIXED:
		snprintf(h->title, sizeof(h->title), "%s", k->fmt);
		return;
	case TITLE_WARN:
		snprintf(h->title, sizeof(h->title), "WARNING%s%s%s%s%s",
			 what ? ": " : "", what ? what : "", in, fn,
			 k->skip == skip_urb ? "/usb_submit_urb" : "");
		return;
	default:
		snprintf(h->title, sizeof(h->title), "%s%s%s", k->fmt, in, fn);
		return;
	}
}

// A split "BUG: unable to handle kernel " header: NULL or paging?
static void split_header(struct triage_ctx *c, struct triage_hit *h)
{
	const char *t = strstr(c->lines[h->line].s,
			       "BUG: unable to handle kernel");
	if (!t || *triage_skip_blank(t + 28))
		return;
	for (size_t i = h->line + 1; i < c->nlines && i <= h->line + 3; i++)
		if (strstr(c->lines[i].s, "NULL pointer dereference")) {
			for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
				if (kinds[k].cls == DP_CLASS_OOPS_NULL_DEREF) {
					h->kind = &kinds[k];
					h->cls = kinds[k].cls;
					return;
				}
		}
}

static void analyse_hit(struct triage_ctx *c, struct triage_hit *h)
{
	split_header(c, h);
	const char *line = c->lines[h->line].s;
	const char *at = line;
	match_kind(h->kind, line, &at);
	const char *what = NULL;
	if (h->kind->title == TITLE_WARN)
		what = warn_special(h, line);
	triage_apply_rule(c, h);
	make_title(c, h, at, what);
}

void triage_find_reports(struct triage_ctx *c)
{
	c->subject = NONE;
	if (!c->lines && !triage_split_lines(c))
		return;
	for (size_t i = 0; i < c->nlines && !c->nomem; i++) {
		const char *at;
		const struct triage_kind *k = kind_of(c->lines[i].s, &at);
		if (!k)
			k = split_hung(c, i);
		if (!k)
			continue;
		if (continues(c, k, i))
			continue;
		// A panic is a consequence of an earlier report, unless
		// another task raised it.
		if (is_panic_kind(k) && c->nhits &&
		    !panic_of_other_task(c, &c->hits[c->nhits - 1], i))
			continue;
		push_hit(c, k, i);
	}
	set_ends(c);
	for (size_t k = 0; k < c->nhits; k++)
		analyse_hit(c, &c->hits[k]);
	if (c->nhits)
		c->subject = 0;
}

size_t triage_later_panic(const struct triage_ctx *c)
{
	if (c->subject == NONE)
		return NONE;
	for (size_t k = c->subject + 1; k < c->nhits; k++)
		if (is_panic_kind(c->hits[k].kind))
			return c->hits[k].line;
	return NONE;
}

bool triage_subject_panicked(const struct triage_ctx *c)
{
	if (c->subject == NONE)
		return false;
	const struct triage_hit *h = &c->hits[c->subject];
	if (is_panic_kind(h->kind))
		return true;
	// A later report stands between this one and the panic: not ours.
	if (c->subject + 1 < c->nhits)
		return false;
	for (size_t i = h->line; i < c->nlines; i++) {
		const char *t = c->lines[i].s;
		if (strstr(t, "Kernel panic - not syncing") || strstr(t, " [#"))
			return true;
	}
	return false;
}

void triage_free_hits(struct triage_ctx *c)
{
	for (size_t k = 0; k < c->nhits; k++)
		free(c->hits[k].frames);
	free(c->hits);
	c->hits = NULL;
	c->nhits = c->hits_cap = 0;
}

void triage_export_reports(struct triage_ctx *c)
{
	struct dp_triage_report *r = c->rep;
	if (!c->nhits)
		return;
	r->reports = calloc(c->nhits, sizeof(*r->reports));
	if (!r->reports) {
		c->nomem = true;
		return;
	}
	r->nreports = c->nhits;
	for (size_t k = 0; k < c->nhits; k++) {
		const struct triage_hit *h = &c->hits[k];
		struct dp_triage_found *f = &r->reports[k];
		f->cls = h->cls;
		f->title = triage_strdup(c, h->title);
		f->function = h->function[0] ?
			triage_strdup(c, h->function) : NULL;
		f->symbol = h->symbol[0] ? triage_strdup(c, h->symbol) : NULL;
		f->module = h->module[0] ? triage_strdup(c, h->module) : NULL;
		f->header = triage_strdup(c,
			triage_skip_blank(c->lines[h->line].s));
		f->rec = c->lines[h->line].rec;
	}
	if (c->subject != NONE) {
		r->have_subject = true;
		r->subject = c->subject;
	}
}

// The title of the subject, with the guilty function the analysis settled
// on (the dump's stack may name it where the log could not).
static char *retitle(struct triage_ctx *c, const struct triage_hit *h)
{
	const char *g = c->rep->guilty_function;
	size_t tl = strlen(h->title), fl = strlen(h->function);
	if (!g || !strcmp(g, h->function) || h->kind->rule == RULE_NONE ||
	    h->kind->title == TITLE_REST || h->kind->title == TITLE_PANIC ||
	    h->kind->title == TITLE_FIXED)
		return triage_strdup(c, h->title);
	if (fl && tl > fl + 4 && !strcmp(h->title + tl - fl, h->function))
		return triage_printf(c, "%.*s%s", (int)(tl - fl), h->title, g);
	return triage_printf(c, "%s in %s", h->title, g);
}

void triage_make_title(struct triage_ctx *c)
{
	struct dp_triage_report *r = c->rep;
	if (c->subject == NONE)
		return;
	const struct triage_hit *h = &c->hits[c->subject];
	r->title = retitle(c, h);
	if (c->nhits == 1)
		return;
	r->subject_reason = triage_printf(c,
		"%zu reports in the log; the first one (\"%s\") is analysed: "
		"later reports are often consequences of the first "
		"(a panic, a lockdep splat from the Oops path, other tasks "
		"stuck behind it)", c->nhits, h->title);
}
