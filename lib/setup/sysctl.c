// SPDX-License-Identifier: MIT
// Set the panic sysctls (sysctl.h). The wanted values and the reasons are
// the ones `status` checks (status.c); here only what to write.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dontpanic/sysctl.h>

#include "core/file.h"

enum rule_kind {
	SET_ONE,	/* write 1 */
	SET_IF_ZERO,	/* kernel.panic: keep a chosen timeout */
	SYSRQ_CRASH,	/* add bit 8 (sysrq-c) to the mask; 1 stays 1 */
};

static const struct rule {
	const char *name;
	enum rule_kind kind;
	const char *value;	/* SET_IF_ZERO: what to write */
	bool optional;		/* only with `all` */
} rules[] = {
	{ "kernel.panic_on_oops", SET_ONE, "1", false },
	{ "kernel.panic", SET_IF_ZERO, "10", false },
	{ "kernel.sysrq", SYSRQ_CRASH, NULL, false },
	{ "kernel.nmi_watchdog", SET_ONE, "1", false },
	{ "kernel.softlockup_panic", SET_ONE, "1", true },
	{ "kernel.hung_task_panic", SET_ONE, "1", true },
	{ "kernel.unknown_nmi_panic", SET_ONE, "1", true },
	{ "kernel.panic_on_unrecovered_nmi", SET_ONE, "1", true },
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

bool dp_sysctl_path(const char *root, const char *name, char *buf,
		    size_t size)
{
	int n = snprintf(buf, size, "%s/proc/sys/%s", root ? root : "", name);
	if (n < 0 || (size_t)n >= size)
		return false;
	for (char *q = buf + n - strlen(name); *q; q++)
		if (*q == '.')
			*q = '/';
	return true;
}

// One reader for the plan, the read-back and `status` (status.c), so that
// what setup wrote is what status calls ok (fuzz-machine checks that).
bool dp_sysctl_read(const char *root, const char *name, char *buf)
{
	char rel[128];
	if (!dp_sysctl_path("", name, rel, sizeof(rel)))
		return false;
	return dp_file_read_small(root, rel, buf, DP_SYSCTL_VALUE_MAX);
}

// The value to write into buf, or false to keep the current one.
static bool plan_value(const struct rule *r, const char *old, char *buf,
		       size_t size)
{
	char *end;
	errno = 0;
	long v = strtol(old, &end, 10);
	bool num = !errno && end != old && !*end;
	switch (r->kind) {
	case SET_ONE:
		if (num && v == 1)
			return false;
		snprintf(buf, size, "1");
		return true;
	case SET_IF_ZERO:
		if (num && v != 0)
			return false;
		snprintf(buf, size, "%s", r->value);
		return true;
	case SYSRQ_CRASH:
		if (num && (v == 1 || (v > 1 && (v & 8))))
			return false;
		snprintf(buf, size, "%ld", num && v > 1 ? v | 8 : 1);
		return true;
	}
	return false;
}

void dp_sysctl_plan_destroy(struct dp_sysctl_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->v[i].old);
		free(plan->v[i].new);
		free(plan->v[i].error);
	}
	free(plan->v);
	free(plan);
}

struct dp_error *dp_sysctl_plan(const char *root, bool all,
				struct dp_sysctl_plan **ret)
{
	struct dp_sysctl_plan *plan = calloc(1, sizeof(*plan));
	if (!plan)
		return &dp_enomem;
	plan->v = calloc(NRULES, sizeof(*plan->v));
	if (!plan->v) {
		free(plan);
		return &dp_enomem;
	}
	char value[DP_SYSCTL_VALUE_MAX];
	for (size_t i = 0; i < NRULES; i++) {
		const struct rule *r = &rules[i];
		if (r->optional && !all)
			continue;
		struct dp_sysctl_change *c = &plan->v[plan->n++];
		c->name = r->name;
		if (!dp_sysctl_read(root, r->name, value)) {
			c->absent = true;
			continue;
		}
		char want[32];
		bool change = plan_value(r, value, want, sizeof(want));
		if (!(c->old = strdup(value)) ||
		    (change && !(c->new = strdup(want)))) {
			dp_sysctl_plan_destroy(plan);
			return &dp_enomem;
		}
	}
	*ret = plan;
	return NULL;
}

// The kernel-internal ENOTSUPP (include/linux/errno.h), which some sysctl
// handlers return to user space: kernel/watchdog.c's proc_nmi_watchdog()
// when there is no hardware NMI watchdog (no perf counter: a VM without a
// virtual PMU). strerror() knows it only as "Unknown error 524".
#define KERNEL_ENOTSUPP 524

static void write_failed(struct dp_sysctl_change *c, const char *path, int e)
{
	int n;
	c->errnum = e;
	c->unsupported = e == KERNEL_ENOTSUPP || e == EOPNOTSUPP || e == ENODEV;
	if (e == KERNEL_ENOTSUPP && !strcmp(c->name, "kernel.nmi_watchdog"))
		n = asprintf(&c->error, "not possible on this machine: no "
			     "hardware NMI watchdog (no perf counter; in a VM "
			     "it needs a virtual PMU); the kernel refused "
			     "%s (ENOTSUPP)", path);
	else if (c->unsupported)
		n = asprintf(&c->error, "not possible on this machine: the "
			     "kernel refused %s (%s)", path,
			     e == KERNEL_ENOTSUPP ? "ENOTSUPP" : strerror(e));
	else
		n = asprintf(&c->error, "cannot write %s: %s", path,
			     strerror(e));
	if (n < 0)
		c->error = NULL;
}

static void write_one(const char *root, struct dp_sysctl_change *c)
{
	char path[4096], line[64];
	if (!dp_sysctl_path(root, c->name, path, sizeof(path))) {
		c->error = strdup("path too long");
		return;
	}
	// O_TRUNC matters for a fake tree's regular file; procfs ignores it.
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	int n = snprintf(line, sizeof(line), "%s\n", c->new);
	if (fd < 0 || write(fd, line, (size_t)n) != n) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		write_failed(c, path, e);
		return;
	}
	if (close(fd) < 0) {
		write_failed(c, path, errno);
		return;
	}
	// Some writes "succeed" but are not taken (a watchdog the hardware
	// cannot run): say so.
	char now[DP_SYSCTL_VALUE_MAX];
	bool got = dp_sysctl_read(root, c->name, now);
	if (got && !strcmp(now, c->new)) {
		c->written = true;
	} else if (asprintf(&c->error, "wrote %s, but %s reads back %s",
			    c->new, c->name, got ? now : "nothing") < 0) {
		c->error = NULL;
	}
}

struct dp_error *dp_sysctl_apply(const char *root, struct dp_sysctl_plan *plan,
				 size_t *failed_ret)
{
	size_t failed = 0;
	for (size_t i = 0; i < plan->n; i++) {
		struct dp_sysctl_change *c = &plan->v[i];
		if (c->absent || !c->new)
			continue;
		write_one(root, c);
		if (!c->written && !c->error)
			return &dp_enomem;
		if (!c->written && !c->unsupported)
			failed++;
	}
	*failed_ret = failed;
	return NULL;
}
