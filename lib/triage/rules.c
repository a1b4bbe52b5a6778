// SPDX-License-Identifier: MIT
// Guilty-frame rules per kind of report (docs/triage.md, "Guilty frame"):
// which stack of the report names the culprit, which frames are skipped,
// and, for stalls and hangs, which frame of the stack represents it. The
// stall and hang choices follow automated kernel testing's convention
// (syzkaller pkg/report): a stall is named by the frame just inside the
// dispatcher that ran it (syscall, work item, timer, softirq), a hang by
// the first frame past the waiting primitives.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "reports.h"

// Frames read per report: deep recursions (stack overflows) need many
// before the dispatcher frame that names them.
#define MAXF 1024

// Dispatchers: the stall frame is the one called by the first of these.
static const char *const stall_anchor[] = {
	"process_one_work", "do_syscall_*", "do_fast_syscall_*",
	"sysenter_dispatch", "tracesys_phase2", "el0_svc_handler",
	"invoke_syscall", "ret_fast_syscall", "*netif_receive_skb*",
	"*do_softirq*", "call_timer_fn", "*_run_timers*", "run_timer_softirq",
	"*hrtimer_run*", "run_ksoftirqd", "smpboot_thread_fn", "kthread",
	"start_secondary", "cpu_startup_entry", "ret_from_fork*",
	"*vfs_write*", "*vfs_read*", "*vfs_iter_read*", "*vfs_iter_write*",
	"*do_iter_read*", "*do_iter_write*", "call_read_iter*",
	"call_write_iter*", "*new_sync_read*", "*new_sync_write*",
	"*vfs_ioctl*", "*ksys_ioctl*", "*compat_ioctl*", "*blkdev_ioctl*",
	"*blkdev_driver_ioctl*", "*do_iter_readv_writev*", "call_mmap*",
	"*mmap_region*", "*do_mmap*", "*do_dentry_open*", "*vfs_open*",
	"sock_sendmsg*", "sock_recvmsg*", "sock_release*", "__sock_release*",
	"setsockopt", "*kernel_setsockopt*", "*sock_common_setsockopt*",
	"listen", "*kernel_listen*", "*sk_common_release*", "sock_mmap*",
	"accept", "*kernel_accept*", "sock_do_ioctl*", "sock_ioctl*",
	"compat_sock_ioctl*", "nfnetlink_rcv_msg*", "rtnetlink_rcv_msg*",
	"netlink_dump*", "socketpair*", "connect*", "ioctl*",
	"sys_socketpair*", "sys_connect*", "sys_ioctl*", "*__do_fault*",
	"*do_page_fault*", "page_fault", "*__fput*", "*task_work_run*",
	"*exit_to_usermode*", "*smp_call_function*", "*tasklet_action*",
	"*tasklet_hi_action*", NULL,
};

// A hung task waits in these; the hang is named past them.
static const char *const hung_skip[] = {
	"*sched*", "*_lock*", "*_slowlock*", "*down*", "*rwsem*",
	"*completion*", "*kthread*", "*wait*", "*synchronize*",
	"*context_switch*", "*__switch_to*", "*cancel_delayed_work*",
	"*rcu_barrier*", NULL,
};

static bool skipped(const struct triage_kind *k, const char *fn)
{
	char norm[128];
	dp_triage_normalize_function(fn, norm, sizeof(norm));
	// Helpers that panic or BUG() on behalf of their caller
	// (fortify_panic, __reiserfs_panic) are machinery in a report.
	return triage_skip_report(fn) || triage_match_any(norm, k->skip) ||
	       strstr(norm, "panic") != NULL;
}

static void canon(const char *fn, char *buf, size_t size)
{
	char norm[128];
	dp_triage_normalize_function(fn, norm, sizeof(norm));
	triage_strip_wrapper(norm, buf, size);
}

static void set_frame(struct triage_hit *h, const struct triage_logframe *f,
		      const char *name)
{
	snprintf(h->function, sizeof(h->function), "%s", name);
	if (f->size)
		snprintf(h->symbol, sizeof(h->symbol), "%s+0x%llx/0x%llx",
			 f->function, (unsigned long long)f->offset,
			 (unsigned long long)f->size);
	else
		snprintf(h->symbol, sizeof(h->symbol), "%s", f->function);
	snprintf(h->module, sizeof(h->module), "%s",
		 f->has_module ? f->module : "");
}

// The first frame of f[] that is reliable and not skipped.
static bool first_frame(struct triage_hit *h, const struct triage_logframe *f,
			size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (f[i].unreliable || skipped(h->kind, f[i].function))
			continue;
		char name[128];
		canon(f[i].function, name, sizeof(name));
		set_frame(h, &f[i], name);
		return true;
	}
	return false;
}

// Stalls: the frame just inside the first dispatcher; a frame of a module
// on the way wins (a driver's loop is the usual suspect there).
static bool stall_frame(struct triage_hit *h, const struct triage_logframe *f,
			size_t n)
{
	const struct triage_logframe *prev = NULL, *mod = NULL, *first = NULL;
	const struct triage_logframe *pick = NULL;
	bool smp = false;
	for (size_t i = 0; i < n && !pick; i++) {
		if (f[i].unreliable)
			continue;
		char name[128];
		canon(f[i].function, name, sizeof(name));
		bool anchor = triage_match_any(name, stall_anchor);
		if (!anchor && skipped(h->kind, f[i].function))
			continue;
		if (anchor) {
			// A stall in a cross-CPU call is one bug whatever
			// the caller.
			smp = strstr(name, "smp_call_function") != NULL;
			pick = smp || !prev ? &f[i] : prev;
			break;
		}
		prev = &f[i];
		if (!first)
			first = &f[i];
		if (!mod && f[i].has_module)
			mod = &f[i];
	}
	if (!pick)
		pick = first;
	if (mod && !smp)
		pick = mod;
	if (!pick)
		return false;
	char name[128];
	canon(pick->function, name, sizeof(name));
	set_frame(h, pick, smp ? "smp_call_function" : name);
	return true;
}

// Hangs: rtnl_lock and synchronize_* waits are named for what they wait
// on (hangs there have one cause); else the first frame past the waits.
static bool hung_frame(struct triage_hit *h, const struct triage_logframe *f,
		       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (f[i].unreliable)
			continue;
		char name[128];
		canon(f[i].function, name, sizeof(name));
		if (strstr(name, "rtnl_lock")) {
			set_frame(h, &f[i], name);
			return true;
		}
		if (strstr(name, "synchronize_rcu") ||
		    strstr(name, "synchronize_srcu") ||
		    strstr(name, "synchronize_net") ||
		    strstr(name, "synchronize_sched")) {
			set_frame(h, &f[i], "synchronize_rcu");
			return true;
		}
	}
	for (size_t i = 0; i < n; i++) {
		char name[128];
		canon(f[i].function, name, sizeof(name));
		if (f[i].unreliable || skipped(h->kind, f[i].function) ||
		    triage_match_any(name, hung_skip))
			continue;
		set_frame(h, &f[i], name);
		return true;
	}
	// Every frame looked like a wait (a driver's own *_wait* or *_lock*
	// function called mutex_lock()): the first frame off the skip list
	// names it, as on the dump's unwound stack, rather than no function.
	for (size_t i = 0; i < n; i++) {
		char name[128];
		canon(f[i].function, name, sizeof(name));
		if (f[i].unreliable || skipped(h->kind, f[i].function) ||
		    triage_glob(name, "*kthread*"))
			continue;
		set_frame(h, &f[i], name);
		return true;
	}
	return false;
}

// The function named in the header line after " in " (KASAN, KFENCE,
// KMSAN, KCSAN) or "in: " (stack-protector).
static bool header_func(const char *t, struct triage_logframe *f, bool strict)
{
	const char *p = strstr(t, " in: ");
	p = p ? p + 5 : strstr(t, " in ");
	if (!p)
		return false;
	if (p[0] == ' ')
		p += 4;
	memset(f, 0, sizeof(*f));
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			     "0123456789_.");
	if (!n || n >= sizeof(f->function))
		return false;
	if (triage_parse_frame(p, f))
		return true;
	if (strict)
		return false;
	memcpy(f->function, p, n);
	f->function[n] = '\0';
	return true;
}

static bool walk_to_sub(struct triage_walk *w, const char *needle)
{
	const char *t;
	while ((t = triage_walk_next(w)))
		if (strstr(t, needle))
			return true;
	return false;
}

// The function of a WARNING line (kernel/panic.c __warn): "WARNING: CPU: %d
// PID: %d at %s:%d %pS" (with "()" appended before 4.x), or the newer
// "WARNING: %s:%d at %pS, CPU#%d: %s/%d".
static bool header_warn_func(const char *t, struct triage_logframe *f)
{
	const char *p = strstr(t, " at ");
	if (!p)
		return false;
	p += 4;
	size_t n = strcspn(p, " ");
	if (memchr(p, ':', n) && p[n] == ' ') {
		p = triage_skip_blank(p + n);
		n = strcspn(p, " ");
	}
	char word[160];
	if (!n || n >= sizeof(word))
		return false;
	memcpy(word, p, n);
	word[n] = '\0';
	char *e = word + strcspn(word, "(,");
	*e = '\0';
	const char *rest = p + n;
	char buf[256];
	snprintf(buf, sizeof(buf), "%s%s", word,
		 triage_starts(triage_skip_blank(rest), "[") ? rest : "");
	if (triage_parse_frame(buf, f))
		return true;
	memset(f, 0, sizeof(*f));
	size_t k = strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"0123456789_.");
	if (!k || word[k])
		return false;
	memcpy(f->function, word, k + 1);
	return true;
}

// "... at: [<ffffffff81234567>] sym+0x1/0x2" (kernel/locking/lockdep.c
// print_lock / print_lock_name + "at: %pS").
static bool at_frame(const char *t, struct triage_logframe *f)
{
	const char *p = strstr(t, "at: ");
	if (p && triage_parse_frame(p + 4, f))
		return true;
	// print_ip_sym "[<%px>] %pS" on the line after "... at:"
	// (lockdep print_unlock_imbalance_bug, print_freed_lock_bug).
	if (t[0] == '[' && t[1] == '<')
		return triage_parse_frame(t, f);
	// kernel/workqueue.c process_one_work: "last function: %ps".
	p = strstr(t, "last function: ");
	if (!p)
		return false;
	p += 15;
	size_t n = strcspn(p, " +\t");
	if (!n || n >= sizeof(f->function))
		return false;
	memset(f, 0, sizeof(*f));
	memcpy(f->function, p, n);
	f->function[n] = '\0';
	return true;
}

static size_t rule_at(struct triage_ctx *c, struct triage_hit *h,
		      struct triage_logframe *f, bool chain)
{
	struct triage_walk w;
	triage_walk_init(&w, c, h, h->line + 1);
	if (h->kind->anchor && !walk_to_sub(&w, h->kind->anchor))
		return 0;
	size_t n = 0;
	const char *t;
	while (n < (chain ? 2u : 1u) && (t = triage_walk_next(&w)))
		if (at_frame(t, &f[n]))
			n++;
	if (!chain || !n)
		return n;
	// Then every frame of the dependency chain, up to the backtrace.
	while ((t = triage_walk_next(&w)) && n < MAXF) {
		if (triage_is_call_trace(t) || strstr(t, "stack backtrace:"))
			break;
		if (triage_parse_frame(t, &f[n]))
			n++;
	}
	return n;
}

static size_t rule_after(struct triage_ctx *c, struct triage_hit *h,
			 struct triage_logframe *f)
{
	struct triage_walk w;
	triage_walk_init(&w, c, h, h->line + 1);
	if (h->kind->anchor && walk_to_sub(&w, h->kind->anchor))
		return triage_walk_frames(&w, f, MAXF);
	return triage_hit_trace(c, h, f, MAXF);
}

// Sanitizer headers name the faulting function; symbolized logs repeat
// the header once per inlined frame ("in atomic_read include/..
// [inline]"), so the first header line with a real frame counts.
static size_t rule_header(struct triage_ctx *c, struct triage_hit *h,
			  struct triage_logframe *f)
{
	struct triage_walk w;
	triage_walk_init(&w, c, h, h->line);
	const char *t;
	size_t n = 0, last = h->line;
	for (int k = 0; k < 8 && (t = triage_walk_next(&w)); k++) {
		if (!strstr(t, h->kind->hdr))
			break;
		last = w.cur;
		if (!n && header_func(t, &f[0], true))
			n = 1;
	}
	triage_walk_init(&w, c, h, last + 1);
	// KASAN's stack follows "Call Trace:" after the access line, with
	// other CPUs' lines possibly between.
	if (h->kind->anchor && !triage_walk_to(&w, triage_is_call_trace))
		triage_walk_init(&w, c, h, last + 1);
	return n + triage_walk_frames(&w, f + n, MAXF - n);
}

// The IP line of the interrupted context: the first one after the timer
// interrupt's frames, when the report shows them.
static bool ip_after_irq(struct triage_ctx *c, struct triage_hit *h,
			 struct triage_logframe *f, size_t *line)
{
	struct triage_walk w;
	triage_walk_init(&w, c, h, h->line);
	const char *t;
	bool irq = false;
	while ((t = triage_walk_next(&w))) {
		if (strstr(t, "apic_timer_interrupt") ||
		    strstr(t, "el1h_64_irq") || strstr(t, "Exception stack"))
			irq = true;
		else if (irq && triage_parse_ip_line(t, f)) {
			*line = w.cur;
			return true;
		}
	}
	return false;
}

// Stalls: the stalled context's stack -- its IP line and the frames after
// it; without one, the frames after the timer interrupt, else the trace.
static size_t rule_stall(struct triage_ctx *c, struct triage_hit *h,
			 struct triage_logframe *f)
{
	size_t line, n = 0;
	struct triage_walk w;
	if (ip_after_irq(c, h, &f[0], &line) ||
	    triage_hit_ip(c, h, &f[0], &line)) {
		triage_walk_init(&w, c, h, line + 1);
		w.skip_nmi = true;
		n = 1 + triage_walk_frames(&w, f + 1, MAXF - 1);
		return n;
	}
	// No IP line (4.x "Task dump for CPU"): the interrupted frames
	// follow the timer interrupt ("apic_timer_interrupt", "<EOI>",
	// arm64 "el1h_64_irq").
	triage_walk_init(&w, c, h, h->line + 1);
	if (!triage_walk_to(&w, triage_is_call_trace))
		return 0;
	w.after_irq = true;
	return triage_walk_frames(&w, f, MAXF);
}

static size_t rule_frames(struct triage_ctx *c, struct triage_hit *h,
			  struct triage_logframe *f)
{
	const char *hdr = triage_skip_blank(c->lines[h->line].s);
	size_t n = 0;
	switch (h->kind->rule) {
	case RULE_IP:
	case RULE_IP_TRACE:
	case RULE_WARN:
		if (triage_hit_ip(c, h, &f[0], NULL))
			n = 1;
		if (h->kind->rule == RULE_WARN && !n &&
		    header_warn_func(hdr, &f[n]))
			n++;
		return n + triage_hit_trace(c, h, f + n, MAXF - n);
	case RULE_TRACE:
	case RULE_HUNG:
		return triage_hit_trace(c, h, f, MAXF);
	case RULE_HEADER:
		return rule_header(c, h, f);
	case RULE_HEADER_ONLY:
		if (header_func(hdr, &f[0], false) &&
		    !(f[0].function[0] >= '0' && f[0].function[0] <= '9') &&
		    !(strspn(f[0].function, "0123456789abcdef") ==
		      strlen(f[0].function)))
			return 1;
		// "corrupted in: ffffffff8343632e": no symbol, the trace.
		return triage_hit_trace(c, h, f, MAXF);
	case RULE_STALL:
		return rule_stall(c, h, f);
	case RULE_AT:
	case RULE_AT_CHAIN:
		return rule_at(c, h, f, h->kind->rule == RULE_AT_CHAIN);
	case RULE_AFTER:
		return rule_after(c, h, f);
	default:
		return 0;
	}
}

void triage_apply_rule(struct triage_ctx *c, struct triage_hit *h)
{
	struct triage_logframe *f = calloc(MAXF, sizeof(*f));
	if (!f) {
		c->nomem = true;
		return;
	}
	size_t n = rule_frames(c, h, f);
	// Keep what was read, not the whole buffer (a log may hold many
	// reports).
	struct triage_logframe *fit = realloc(f, (n ? n : 1) * sizeof(*f));
	h->frames = fit ? fit : f;
	f = h->frames;
	h->nframes = n;
	if (!n)
		return;
	switch (h->kind->rule) {
	case RULE_STALL:
		stall_frame(h, f, n);
		break;
	case RULE_HUNG:
		hung_frame(h, f, n);
		break;
	case RULE_AT: {
		// The lock's acquirer as printed: no skipping.
		char name[128];
		canon(f[0].function, name, sizeof(name));
		set_frame(h, &f[0], name);
		break;
	}
	case RULE_HEADER_ONLY:
		if (n == 1) {
			char name[128];
			canon(f[0].function, name, sizeof(name));
			set_frame(h, &f[0], name);
			break;
		}
		first_frame(h, f, n);
		break;
	default:
		first_frame(h, f, n);
		break;
	}
}
