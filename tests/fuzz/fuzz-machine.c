// SPDX-License-Identifier: MIT
// Fuzz what `status`, `setup` and `test` read from the running machine:
// /proc/cmdline, /proc/iomem, /proc/meminfo, /sys/kernel/kexec_crash_*,
// the panic sysctls under /proc/sys, grub's defaults
// (/etc/default/grub{,.d/*.cfg}) and the dump directory with a capture's
// capture-log.txt. The readers take a root directory, so each input is
// written as files into a private tree (fuzz-tree.h) and the readers run
// on it. Besides "no crash", each mode checks a property that a wrong
// reader would break.
//
// Input: one byte (mode = byte % 4, dump level = byte / 4 % 32), then
// parts separated by "@@@@":
//   mode 0  kexec_crash_size, /proc/iomem, /proc/meminfo, /proc/cmdline:
//           dp_ck_probe() and dp_dump_space_probe() (the estimate must not
//           grow when the dump level drops more pages)
//   mode 1  /etc/default/grub, grub.d/a.cfg, grub.d/dontpanic.cfg,
//           grub.d/z.cfg: dp_ck_grub_scan(); then dp_ck_grub_write() and a
//           rescan must find our word in our file
//   mode 2  /proc/cmdline, kexec_crash_size, kexec_crash_loaded,
//           kexec_load_disabled, /proc/iomem, /proc/meminfo, then one line
//           per panic sysctl: dp_status_probe(); dp_sysctl_plan() and
//           dp_sysctl_apply(), after which status must call every sysctl
//           setup wrote "ok" and a new plan must change nothing
//   mode 3  capture-log.txt, then names of files to create beside it (one
//           per line) in /var/crash/d: dp_last_dump_find()
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/crashkernel.h>
#include <dontpanic/dumpspace.h>
#include <dontpanic/lastdump.h>
#include <dontpanic/status.h>
#include <dontpanic/sysctl.h>

#include "fuzz-tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PARTS 8

static const char *const sysctls[] = {
	"/proc/sys/kernel/panic_on_oops",
	"/proc/sys/kernel/panic",
	"/proc/sys/kernel/sysrq",
	"/proc/sys/kernel/nmi_watchdog",
	"/proc/sys/kernel/softlockup_panic",
	"/proc/sys/kernel/hung_task_panic",
	"/proc/sys/kernel/unknown_nmi_panic",
	"/proc/sys/kernel/panic_on_unrecovered_nmi",
	"/proc/sys/vm/panic_on_oom",
};
#define NSYSCTLS (sizeof(sysctls) / sizeof(sysctls[0]))

static void check_machine(const struct dp_ck_machine *m)
{
	if (m->nregions > 4 || memchr(m->spec, 0, sizeof(m->spec)) == NULL)
		__builtin_trap();
	if (m->ram && !m->ram_source)
		__builtin_trap();
	if (m->iomem_hidden && m->nregions)
		__builtin_trap();
	if (m->eval.ok && !m->have_cmdline)
		__builtin_trap();
}

static void run_probe(const struct fuzz_part *pt, size_t n, int level)
{
	static const char *const files[] = {
		"/sys/kernel/kexec_crash_size", "/proc/iomem", "/proc/meminfo",
		"/proc/cmdline",
	};
	fuzz_tree_put_parts(files, sizeof(files) / sizeof(files[0]), pt, n);
	struct dp_ck_machine m;
	struct dp_error *err = dp_ck_probe(fuzz_root, &m);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	check_machine(&m);
	struct dp_dump_space all, some;
	if (dp_dump_space_probe(fuzz_root, "/var/none/x", 0, &all) ||
	    dp_dump_space_probe(fuzz_root, "/var/none/x", level, &some))
		__builtin_trap();	// only a relative directory is an error
	if (all.have_estimate != some.have_estimate ||
	    all.ram_bytes != some.ram_bytes ||
	    some.estimate_bytes > all.estimate_bytes)
		__builtin_trap();
	if (all.have_estimate && !all.ram_source)
		__builtin_trap();
	// Level 0 drops nothing: at least the RAM less the reservation
	// (what wrapping arithmetic on huge counters would break).
	uint64_t floor;
	if (all.have_estimate &&
	    !__builtin_add_overflow(all.estimate_bytes,
				    m.have_crash_size ? m.crash_size : 0, &floor) &&
	    floor < all.ram_bytes)
		__builtin_trap();
	if (!all.have_free || strcmp(all.checked, "/var"))
		__builtin_trap();	// the nearest existing parent
}

static void check_grub(const struct dp_ck_grub *g)
{
	if (g->nhits > sizeof(g->hits) / sizeof(g->hits[0]))
		__builtin_trap();
	for (size_t i = 0; i < g->nhits; i++) {
		const struct dp_ck_grub_hit *h = &g->hits[i];
		if (strncmp(h->word, "crashkernel=", 12) || !h->line ||
		    strncmp(h->file, "/etc/default/grub", 17))
			__builtin_trap();
		if (h->ours && h->after_ours)
			__builtin_trap();
	}
	if (g->clobber_line && !g->clobber_file[0])
		__builtin_trap();
}

static void run_grub(const struct fuzz_part *pt, size_t n)
{
	static const char *const files[] = {
		"/etc/default/grub", "/etc/default/grub.d/a.cfg",
		DP_CK_GRUB_DROPIN, "/etc/default/grub.d/z.cfg",
	};
	fuzz_tree_put_parts(files, sizeof(files) / sizeof(files[0]), pt, n);
	struct dp_ck_grub g;
	struct dp_error *err = dp_ck_grub_scan(fuzz_root, &g);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	check_grub(&g);
	if (!g.have_grub_d)
		__builtin_trap();
	// Our drop-in replaces whatever dontpanic.cfg held, and the scan
	// finds it (unless 16 earlier hits filled the table).
	if ((err = dp_ck_grub_write(fuzz_root, "384M-:128M")))
		__builtin_trap();
	if ((err = dp_ck_grub_scan(fuzz_root, &g))) {
		dp_error_destroy(err);
		return;
	}
	check_grub(&g);
	size_t ours = 0;
	for (size_t i = 0; i < g.nhits; i++)
		if (g.hits[i].ours)
			ours += !strcmp(g.hits[i].word, "crashkernel=384M-:128M");
	if (ours != 1 && g.nhits < sizeof(g.hits) / sizeof(g.hits[0]))
		__builtin_trap();
}

static struct dp_status *status(void)
{
	struct dp_status *st;
	if (dp_status_probe(fuzz_root, &st))
		return NULL;
	enum dp_check_state worst = DP_CHECK_OK;
	for (size_t i = 0; i < st->n; i++) {
		const struct dp_check *c = &st->checks[i];
		if (!c->name || !c->want || !c->value ||
		    c->state > DP_CHECK_FAIL)
			__builtin_trap();
		if (c->state > worst)
			worst = c->state;
	}
	if (!st->n || worst != st->worst)
		__builtin_trap();
	return st;
}

// After a successful apply, status agrees with what setup wrote.
static void check_applied(const struct dp_sysctl_plan *plan)
{
	struct dp_status *st = status();
	if (!st)
		return;
	for (size_t i = 0; i < plan->n; i++) {
		const struct dp_sysctl_change *c = &plan->v[i];
		if (c->absent)
			continue;
		for (size_t j = 0; j < st->n; j++)
			if (!strcmp(st->checks[j].name, c->name) &&
			    st->checks[j].state != DP_CHECK_OK)
				__builtin_trap();
	}
	dp_status_destroy(st);
}

static void run_status(const struct fuzz_part *pt, size_t n)
{
	static const char *const files[] = {
		"/proc/cmdline", "/sys/kernel/kexec_crash_size",
		"/sys/kernel/kexec_crash_loaded",
		"/proc/sys/kernel/kexec_load_disabled", "/proc/iomem",
		"/proc/meminfo",
	};
	fuzz_tree_put_parts(files, sizeof(files) / sizeof(files[0]), pt, n);
	struct fuzz_part line;
	for (size_t i = 0; i < NSYSCTLS; i++)
		fuzz_tree_put(sysctls[i], n > 6 ? fuzz_line(&pt[6], i, &line) : NULL);
	struct dp_status *st = status();
	dp_status_destroy(st);

	struct dp_sysctl_plan *plan;
	if (dp_sysctl_plan(fuzz_root, true, &plan))
		return;
	size_t failed;
	struct dp_error *err = dp_sysctl_apply(fuzz_root, plan, &failed);
	if (!err && !failed)
		check_applied(plan);
	dp_sysctl_plan_destroy(plan);
	if (err || failed)
		return;
	if (dp_sysctl_plan(fuzz_root, true, &plan))
		return;
	for (size_t i = 0; i < plan->n; i++)
		if (plan->v[i].new)
			__builtin_trap();	// applying twice changes nothing
	dp_sysctl_plan_destroy(plan);
}

static void run_lastdump(const struct fuzz_part *pt, size_t n)
{
	static char made[16][64];
	static size_t nmade;
	for (size_t i = 0; i < nmade; i++)
		fuzz_tree_put(made[i], NULL);
	nmade = 0;
	fuzz_tree_put("/var/crash/d/capture-log.txt", &pt[0]);	// n >= 1
	struct fuzz_part line;
	for (size_t i = 0; n > 1 && nmade < 16 && fuzz_line(&pt[1], i, &line); i++) {
		if (!line.n || line.n > 32 || memchr(line.p, '/', line.n) ||
		    memchr(line.p, 0, line.n) || (line.p[0] == '.'))
			continue;
		snprintf(made[nmade], sizeof(made[0]), "/var/crash/d/%.*s",
			 (int)line.n, (const char *)line.p);
		struct fuzz_part empty = { (const uint8_t *)"", 0 };
		fuzz_tree_put(made[nmade++], &empty);
	}
	struct dp_last_dump d;
	if (dp_last_dump_find(fuzz_root, "/var/crash", &d))
		__builtin_trap();
	if (!d.dir_exists || d.ndumps > 1 || d.found != (d.ndumps == 1))
		__builtin_trap();
	if (d.found && (strcmp(d.dir, "d") || !d.file[0] || d.size))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const dirs[] = {
		"/proc", "/proc/sys", "/proc/sys/kernel", "/proc/sys/vm",
		"/sys", "/sys/kernel", "/etc", "/etc/default",
		"/etc/default/grub.d", "/var", "/var/crash", "/var/crash/d",
	};
	if (!fuzz_root[0])
		fuzz_tree_init("machine", dirs, sizeof(dirs) / sizeof(dirs[0]));
	if (size < 1)
		return 0;
	struct fuzz_part parts[MAX_PARTS];
	size_t n = fuzz_split(data + 1, size - 1, parts, MAX_PARTS);
	switch (data[0] % 4) {
	case 0:
		run_probe(parts, n, data[0] / 4 % 32);
		break;
	case 1:
		run_grub(parts, n);
		break;
	case 2:
		run_status(parts, n);
		break;
	default:
		run_lastdump(parts, n);
		break;
	}
	return 0;
}
