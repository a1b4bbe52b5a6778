// SPDX-License-Identifier: MIT
// Kdump readiness (lib/setup/status.c) on fake /proc and /sys trees.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dontpanic/status.h>

#include "test.h"

static char root[256];

static void put(const char *rel, const char *text)
{
	char path[512], dir[512];
	snprintf(path, sizeof(path), "%s%s", root, rel);
	// mkdir -p of the parents
	for (char *q = path + strlen(root) + 1; (q = strchr(q, '/')); q++) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(q - path), path);
		mkdir(dir, 0755);
	}
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void make_root(void)
{
	strcpy(root, "/tmp/dp-status-XXXXXX");
	CHECK(mkdtemp(root) != NULL);
}

static void remove_root(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
}

static const struct dp_check *find(const struct dp_status *st,
				   const char *name)
{
	for (size_t i = 0; i < st->n; i++)
		if (!strcmp(st->checks[i].name, name))
			return &st->checks[i];
	printf("#   no check '%s'\n", name);
	return NULL;
}

static void all_sysctls(const char *v)
{
	static const char *const names[] = {
		"kernel/panic_on_oops", "kernel/panic", "kernel/sysrq",
		"kernel/nmi_watchdog", "kernel/softlockup_panic",
		"kernel/hung_task_panic", "kernel/unknown_nmi_panic",
		"kernel/panic_on_unrecovered_nmi",
	};
	char rel[128];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(rel, sizeof(rel), "/proc/sys/%s", names[i]);
		put(rel, v);
	}
	put("/proc/sys/vm/panic_on_oom", "0\n");
}

TEST(ready_machine)
{
	make_root();
	put("/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1 crashkernel=384M-:128M quiet\n");
	put("/sys/kernel/kexec_crash_size", "134217728\n");
	put("/sys/kernel/kexec_crash_loaded", "1\n");
	all_sysctls("1\n");
	struct dp_status *st;
	CHECK_OK(dp_status_probe(root, &st));
	CHECK(st->worst == DP_CHECK_OK);
	const struct dp_check *c = find(st, "crashkernel");
	CHECK(c && !strcmp(c->value, "384M-:128M"));
	c = find(st, "reserved");
	CHECK(c && c->state == DP_CHECK_OK && !strcmp(c->value, "128 MiB (134217728 bytes)"));
	c = find(st, "capture kernel");
	CHECK(c && c->state == DP_CHECK_OK && !c->advice);
	c = find(st, "vm.panic_on_oom");
	CHECK(c && c->state == DP_CHECK_OK);
	dp_status_destroy(st);
	remove_root();
}

TEST(unprepared_machine)
{
	make_root();
	put("/proc/cmdline", "root=/dev/vda1 ro\n");
	put("/sys/kernel/kexec_crash_size", "0\n");
	put("/sys/kernel/kexec_crash_loaded", "0\n");
	all_sysctls("0\n");
	put("/proc/sys/kernel/sysrq", "438\n");	// Debian's default mask
	put("/proc/sys/vm/panic_on_oom", "1\n");
	struct dp_status *st;
	CHECK_OK(dp_status_probe(root, &st));
	CHECK(st->worst == DP_CHECK_FAIL);
	const struct dp_check *c = find(st, "crashkernel");
	CHECK(c && c->state == DP_CHECK_FAIL && !strcmp(c->value, "absent"));
	CHECK(c && c->advice && strstr(c->advice, "add crashkernel="));
	c = find(st, "reserved");
	CHECK(c && c->state == DP_CHECK_FAIL && strstr(c->advice, "add crashkernel="));
	c = find(st, "capture kernel");
	CHECK(c && c->state == DP_CHECK_FAIL && strstr(c->advice, "kdump-config load"));
	c = find(st, "kernel.panic_on_oops");
	CHECK(c && c->state == DP_CHECK_WARN && strstr(c->advice, "sysctl -w kernel.panic_on_oops=1"));
	c = find(st, "kernel.panic");
	CHECK(c && c->state == DP_CHECK_WARN);
	// 438 = 0x1b6 has bit 8 clear... no: 0x1b6 & 8 = 0 -> no sysrq-c.
	c = find(st, "kernel.sysrq");
	CHECK(c && c->state == DP_CHECK_WARN && !strcmp(c->value, "438"));
	c = find(st, "kernel.softlockup_panic");
	CHECK(c && c->state == DP_CHECK_INFO);
	c = find(st, "vm.panic_on_oom");
	CHECK(c && c->state == DP_CHECK_INFO);
	dp_status_destroy(st);
	remove_root();
}

TEST(reservation_failed_and_missing_files)
{
	make_root();
	put("/proc/cmdline", "crashkernel=64G\n");
	put("/sys/kernel/kexec_crash_size", "0\n");
	put("/proc/sys/kernel/sysrq", "8\n");	// mask with sysrq-c
	put("/proc/sys/kernel/kexec_load_disabled", "1\n");
	put("/sys/kernel/kexec_crash_loaded", "0\n");
	put("/proc/sys/kernel/panic", "nonsense\n");
	struct dp_status *st;
	CHECK_OK(dp_status_probe(root, &st));
	const struct dp_check *c = find(st, "reserved");
	CHECK(c && strstr(c->advice, "the reservation failed"));
	c = find(st, "capture kernel");
	CHECK(c && strstr(c->advice, "kexec_load_disabled is 1"));
	c = find(st, "kernel.sysrq");
	CHECK(c && c->state == DP_CHECK_OK);
	c = find(st, "kernel.panic");
	CHECK(c && c->state == DP_CHECK_WARN && !strcmp(c->advice, "value is not a number"));
	c = find(st, "kernel.nmi_watchdog");
	CHECK(c && c->state == DP_CHECK_INFO && !strcmp(c->value, "absent"));
	dp_status_destroy(st);
	remove_root();
	// An empty root: nothing readable, every kernel check fails.
	make_root();
	CHECK_OK(dp_status_probe(root, &st));
	CHECK(st->worst == DP_CHECK_FAIL);
	c = find(st, "reserved");
	CHECK(c && strstr(c->advice, "no kexec crash support"));
	dp_status_destroy(st);
	remove_root();
}

TEST_MAIN(T(ready_machine), T(unprepared_machine),
	  T(reservation_failed_and_missing_files))
