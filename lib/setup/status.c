// SPDX-License-Identifier: MIT
// Kdump readiness of a running machine (status.h), read-only.
//
// Sources: /proc/cmdline (crashkernel=), /sys/kernel/kexec_crash_size and
// kexec_crash_loaded (what kdumpctl status and kdump-config status read),
// /proc/sys for the panic sysctls (Documentation/admin-guide/sysctl/
// kernel.rst, vm.rst; the list is ANCHORS.md §2's).
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dontpanic/crashkernel.h>
#include <dontpanic/status.h>
#include <dontpanic/sysctl.h>

#include "core/file.h"

#define MAX_CHECKS 24
#define READ_MAX 8192

struct probe {
	const char *root;
	struct dp_status *st;
	bool nomem;
};

static bool read_small(struct probe *p, const char *rel, char *buf,
		       size_t size)
{
	return dp_file_read_small(p->root, rel, buf, size);
}

static char *xasprintf(struct probe *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static char *xasprintf(struct probe *p, const char *fmt, ...)
{
	char *s;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		p->nomem = true;
		return NULL;
	}
	return s;
}

static struct dp_check *add(struct probe *p, const char *name,
			    const char *want, enum dp_check_state state)
{
	struct dp_status *st = p->st;
	if (st->n >= MAX_CHECKS)
		return NULL;
	struct dp_check *c = &st->checks[st->n++];
	c->name = name;
	c->want = want;
	c->state = state;
	if (state > st->worst)
		st->worst = state;
	return c;
}

// The crashkernel= words of the command line, joined by spaces.
static char *crashkernel_args(struct probe *p, const char *cmdline)
{
	char *out = NULL;
	size_t len = 0;
	const char *s = cmdline;
	while (*s) {
		while (*s == ' ')
			s++;
		const char *e = strchr(s, ' ');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n > 12 && !strncmp(s, "crashkernel=", 12)) {
			char *o = realloc(out, len + n + 2);
			if (!o) {
				p->nomem = true;
				break;
			}
			out = o;
			if (len)
				out[len++] = ' ';
			memcpy(out + len, s + 12, n - 12);
			len += n - 12;
			out[len] = '\0';
		}
		s += n;
	}
	return out;
}

static void check_cmdline(struct probe *p, char *ck)
{
	char buf[READ_MAX];
	const char *want = "crashkernel=<size> (e.g. 384M-:128M, Debian's default; 2G-64G:256M,64G-:512M on RHEL)";
	if (!read_small(p, "/proc/cmdline", buf, sizeof(buf))) {
		struct dp_check *c = add(p, "crashkernel", want, DP_CHECK_FAIL);
		if (c) {
			c->value = xasprintf(p, "/proc/cmdline unreadable");
			c->advice = xasprintf(p, "cannot read %s/proc/cmdline",
					      p->root);
		}
		return;
	}
	char *arg = crashkernel_args(p, buf);
	struct dp_check *c = add(p, "crashkernel", want,
				 arg ? DP_CHECK_OK : DP_CHECK_FAIL);
	if (!c) {
		free(arg);
		return;
	}
	c->value = arg ? arg : xasprintf(p, "absent");
	if (!arg)
		c->advice = xasprintf(p,
			"no memory is reserved for a capture kernel at boot: 'dontpanic setup --crashkernel' adds crashkernel= to grub's command line (then update-grub and reboot)");
	if (ck)
		*ck = arg ? 1 : 0;
}

static void check_reserved(struct probe *p, bool have_arg)
{
	char buf[64];
	const char *want = "> 0 bytes";
	if (!read_small(p, "/sys/kernel/kexec_crash_size", buf, sizeof(buf))) {
		struct dp_check *c = add(p, "reserved", want, DP_CHECK_FAIL);
		if (c) {
			c->value = xasprintf(p, "absent");
			c->advice = xasprintf(p,
				"no /sys/kernel/kexec_crash_size: this kernel has no kexec crash support (CONFIG_CRASH_DUMP) or /sys is not mounted");
		}
		return;
	}
	char *end;
	errno = 0;
	unsigned long long size = strtoull(buf, &end, 10);
	bool bad = errno || end == buf || *end;
	struct dp_check *c = add(p, "reserved", want,
				 bad || !size ? DP_CHECK_FAIL : DP_CHECK_OK);
	if (!c)
		return;
	if (bad) {
		c->value = xasprintf(p, "'%.40s'", buf);
		c->advice = xasprintf(p, "kexec_crash_size is not a number");
		return;
	}
	c->value = xasprintf(p, "%llu MiB (%llu bytes)", size >> 20, size);
	if (size)
		return;
	c->advice = xasprintf(p, have_arg ?
		"crashkernel= is on the command line but nothing was reserved: the reservation failed (see 'dmesg | grep -i crashkernel'); try a smaller size or the range syntax" :
		"nothing reserved: add crashkernel= to the kernel command line and reboot");
}

static void check_loaded(struct probe *p)
{
	char buf[64], dis[64];
	bool disabled = read_small(p, "/proc/sys/kernel/kexec_load_disabled",
				   dis, sizeof(dis)) && !strcmp(dis, "1");
	if (!read_small(p, "/sys/kernel/kexec_crash_loaded", buf, sizeof(buf))) {
		struct dp_check *c = add(p, "capture kernel", "loaded (1)",
					 DP_CHECK_FAIL);
		if (c) {
			c->value = xasprintf(p, "absent");
			c->advice = xasprintf(p,
				"no /sys/kernel/kexec_crash_loaded: this kernel has no kexec crash support");
		}
		return;
	}
	bool loaded = !strcmp(buf, "1");
	struct dp_check *c = add(p, "capture kernel", "loaded (1)",
				 loaded ? DP_CHECK_OK : DP_CHECK_FAIL);
	if (!c)
		return;
	c->value = xasprintf(p, loaded ? "loaded" : "not loaded (%.20s)", buf);
	if (loaded)
		return;
	c->advice = xasprintf(p, disabled ?
		"kernel.kexec_load_disabled is 1: no capture kernel can be loaded until the next boot" :
		"a panic now reboots or hangs without a dump: load the capture kernel ('kdump-config load' on Debian, 'kdumpctl start' on Fedora/RHEL; dontpanic cannot load it yet)");
}

// The crashkernel= of the command line evaluated for this RAM as the
// kernel does (crashkernel.h), against what was reserved.
static void check_ck_eval(struct probe *p)
{
	struct dp_ck_machine m;
	const char *want = "what crashkernel= gives for this RAM = what is reserved";
	if (dp_ck_probe(p->root, &m)) {
		p->nomem = true;
		return;
	}
	if (!m.have_cmdline || !*m.spec)
		return;
	char a[32], b[32], r[32];
	dp_ck_format_size(m.ram >> 20 << 20, r, sizeof(r));
	if (!m.ram)
		return;	// no /proc/iomem or /proc/meminfo: nothing to compare
	if (!m.eval.ok) {
		struct dp_check *c = add(p, "crashkernel size", want, DP_CHECK_WARN);
		if (c) {
			c->value = xasprintf(p, "nothing for %s of RAM (%s)", r,
					     m.eval.why ? m.eval.why : "?");
			c->advice = xasprintf(p, "crashkernel=%s reserves nothing on this machine: 'dontpanic setup --crashkernel' writes one that does",
					      m.spec);
		}
		return;
	}
	dp_ck_format_size(m.eval.size, a, sizeof(a));
	bool differs = m.have_crash_size && m.crash_size != m.eval.size;
	struct dp_check *c = add(p, "crashkernel size", want,
				 differs && m.crash_size ? DP_CHECK_WARN :
				 DP_CHECK_OK);
	if (!c)
		return;
	c->value = xasprintf(p, "%s for %s of RAM%s", a, r,
			     m.ram_source && strstr(m.ram_source, "estimate") ?
			     " (estimated)" : "");
	if (!differs || !m.crash_size)
		return;	// 0 reserved: the "reserved" check says so
	dp_ck_format_size(m.crash_size, b, sizeof(b));
	c->advice = xasprintf(p, "the kernel reserved %s, not %s: kexec_crash_size was shrunk, or the RAM figure is an estimate (run as root)",
			      b, a);
}

struct sysctl_rule {
	const char *name;	/* kernel.panic_on_oops */
	const char *want;
	const char *set;	/* name=value to write */
	enum dp_check_state bad;
	bool (*ok)(long v);
	const char *why;	/* what goes wrong when !ok */
};

static bool is_one(long v) { return v == 1; }
static bool nonzero(long v) { return v != 0; }
static bool is_zero(long v) { return v == 0; }
// sysrq: 1 enables all; otherwise a bit mask where 0x8 ("debugging
// dumps") enables sysrq-c (drivers/tty/sysrq.c, sysrq_crash_op).
static bool sysrq_crash(long v) { return v == 1 || (v > 1 && (v & 8)); }

static const struct sysctl_rule rules[] = {
	{ "kernel.panic_on_oops", "1", "kernel.panic_on_oops=1", DP_CHECK_WARN,
	  is_one, "an oops kills the task and the kernel goes on, possibly corrupted, with no dump" },
	{ "kernel.panic", "> 0 (e.g. 10)", "kernel.panic=10", DP_CHECK_WARN,
	  nonzero, "if the capture kernel fails or is not loaded, a panicked machine hangs until someone resets it" },
	{ "kernel.sysrq", "1 (or a mask with 8)", "kernel.sysrq=1", DP_CHECK_WARN,
	  sysrq_crash, "Alt-SysRq-C / 'c' on a serial console cannot force a dump of a hung machine (writing /proc/sysrq-trigger as root still works)" },
	{ "kernel.nmi_watchdog", "1", "kernel.nmi_watchdog=1", DP_CHECK_WARN,
	  is_one, "hard lockups (CPU stuck with interrupts off) are not detected (in a VM this needs a virtual PMU)" },
	{ "kernel.softlockup_panic", "1", "kernel.softlockup_panic=1", DP_CHECK_INFO,
	  is_one, "a soft lockup only prints a warning; set it to take a dump instead" },
	{ "kernel.hung_task_panic", "1", "kernel.hung_task_panic=1", DP_CHECK_INFO,
	  is_one, "a task stuck in D state only prints a warning; set it to take a dump (can fire on very slow storage)" },
	{ "kernel.unknown_nmi_panic", "1", "kernel.unknown_nmi_panic=1", DP_CHECK_INFO,
	  is_one, "an NMI button or BMC 'diag' interrupt does not panic, so a hung machine cannot be dumped that way" },
	{ "kernel.panic_on_unrecovered_nmi", "1", "kernel.panic_on_unrecovered_nmi=1", DP_CHECK_INFO,
	  is_one, "an uncorrectable memory/bus error NMI does not panic" },
	{ "vm.panic_on_oom", "0 (1 only to dump OOMs)", "vm.panic_on_oom=0", DP_CHECK_INFO,
	  is_zero, "every out-of-memory panics (and dumps) instead of killing a task; keep it only while debugging OOMs" },
};

static void check_sysctl(struct probe *p, const struct sysctl_rule *r)
{
	char buf[DP_SYSCTL_VALUE_MAX];
	if (!dp_sysctl_read(p->root, r->name, buf)) {
		struct dp_check *c = add(p, r->name, r->want, DP_CHECK_INFO);
		char rel[128];
		dp_sysctl_path("", r->name, rel, sizeof(rel));
		if (c) {
			c->value = xasprintf(p, "absent");
			c->advice = xasprintf(p,
				"not in this kernel (%s missing): cannot be set", rel);
		}
		return;
	}
	char *end;
	errno = 0;
	long v = strtol(buf, &end, 10);
	bool bad = errno || end == buf || *end;
	bool ok = !bad && r->ok(v);
	struct dp_check *c = add(p, r->name, r->want,
				 ok ? DP_CHECK_OK : r->bad);
	if (!c)
		return;
	c->value = xasprintf(p, "%.40s", buf);
	if (bad)
		c->advice = xasprintf(p, "value is not a number");
	else if (!ok)
		c->advice = xasprintf(p, "%s; fix: sysctl -w %s (persist in /etc/sysctl.d/)",
				      r->why, r->set);
}

struct dp_error *dp_status_probe(const char *root, struct dp_status **ret)
{
	struct dp_status *st = calloc(1, sizeof(*st));
	if (!st)
		return &dp_enomem;
	st->checks = calloc(MAX_CHECKS, sizeof(*st->checks));
	if (!st->checks) {
		free(st);
		return &dp_enomem;
	}
	// "/" and "" both mean this machine; strip a trailing slash.
	char rootbuf[4096];
	snprintf(rootbuf, sizeof(rootbuf), "%s", root ? root : "");
	size_t rl = strlen(rootbuf);
	while (rl && rootbuf[rl - 1] == '/')
		rootbuf[--rl] = '\0';
	struct probe p = { .root = rootbuf, .st = st };
	char have_arg = 0;
	check_cmdline(&p, &have_arg);
	check_reserved(&p, have_arg);
	check_loaded(&p);
	check_ck_eval(&p);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		check_sysctl(&p, &rules[i]);
	if (p.nomem) {
		dp_status_destroy(st);
		return &dp_enomem;
	}
	*ret = st;
	return NULL;
}

void dp_status_destroy(struct dp_status *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++) {
		free(st->checks[i].value);
		free(st->checks[i].advice);
	}
	free(st->checks);
	free(st);
}

const char *dp_check_state_name(enum dp_check_state s)
{
	switch (s) {
	case DP_CHECK_OK: return "ok";
	case DP_CHECK_INFO: return "info";
	case DP_CHECK_WARN: return "warn";
	case DP_CHECK_FAIL: return "FAIL";
	}
	return "?";
}
