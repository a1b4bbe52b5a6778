// SPDX-License-Identifier: MIT
// dontpanic status: is this machine ready to take a kernel crash dump?
// Read-only: crashkernel=, the reservation, the capture kernel, the panic
// sysctls and the kdump configuration's target.
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <dontpanic/config.h>
#include <dontpanic/lastdump.h>
#include <dontpanic/status.h>

#include "cli.h"

static const char usage_text[] =
	"usage: dontpanic status [--json] [--root=DIR] [--config=FILE]\n"
	"\n"
	"Report, without changing anything, whether this machine can take a\n"
	"kernel crash dump: crashkernel= on the command line, the memory\n"
	"reserved (/sys/kernel/kexec_crash_size), whether a capture kernel is\n"
	"loaded (/sys/kernel/kexec_crash_loaded), the panic sysctls with the\n"
	"value a crash-ready machine wants, the kdump configuration's dump\n"
	"target, the free space in its path against an upper bound of the next\n"
	"dump (the RAM the capture kernel sees less what the core_collector's\n"
	"dump level drops, from /proc/iomem and /proc/meminfo, uncompressed),\n"
	"and the newest dump in the path (/var/crash without a configuration;\n"
	"both only for a target on the root file system): what is there after\n"
	"'dontpanic test' and the reboot. Each line that is not ok says what\n"
	"is wrong and how to fix it.\n"
	"Exit status: 0 ready (warnings allowed), 1 a dump would not be taken\n"
	"or the configuration has errors, 2 usage.\n"
	"\n"
	"  -j, --json          print JSON: {root, ready, checks, config,\n"
	"                      dump_space, last_dump}\n"
	"  -r, --root=DIR      read DIR/proc, DIR/sys and DIR/etc instead of\n"
	"                      the machine's (default: $DP_SYSROOT, else /)\n"
	"  -c, --config=FILE   the kdump configuration (default:\n"
	"                      /etc/kdump.conf, else /etc/default/kdump-tools)\n"
	"  -h, --help          show this help\n";

// The last dump: where the capture kernel leaves dumps on this machine's
// root file system (the config's path for a local target, else
// /var/crash when there is no config); other targets are not looked at.
struct last {
	const char *dir;	/* NULL: not checked, see why */
	const char *why;
	struct dp_last_dump d;
};

static void find_last(const char *root, const struct dp_config *cfg,
		      struct last *l)
{
	memset(l, 0, sizeof(*l));
	if (cfg && cfg->target != DP_TARGET_LOCAL) {
		l->why = "not checked: the dumps go to the configured target";
		return;
	}
	l->dir = cfg && cfg->path ? cfg->path : "/var/crash";
	struct dp_error *err = dp_last_dump_find(root, l->dir, &l->d);
	if (err) {
		dp_error_destroy(err);
		l->dir = NULL;
		l->why = "out of memory";
	}
}

static void utc(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(buf, n, "?");
}

static void print_last(const struct last *l)
{
	char when[40];
	if (!l->dir) {
		printf("  %-5s %-32s %s\n", "info", "last dump", l->why);
		return;
	}
	if (!l->d.found) {
		printf("  %-5s %-32s none in %s%s\n", "info", "last dump", l->dir,
		       l->d.dir_exists ? "" : " (no such directory)");
		return;
	}
	utc(l->d.mtime, when, sizeof(when));
	printf("  %-5s %-32s %s/%s/%s (%llu MiB, %s%s), %zu dump%s\n",
	       l->d.incomplete ? "warn" : "ok", "last dump", l->dir, l->d.dir,
	       l->d.file, (unsigned long long)(l->d.size >> 20), when,
	       l->d.dmesg ? ", with its dmesg" : "", l->d.ndumps,
	       l->d.ndumps == 1 ? "" : "s");
	if (l->d.have_capture_memory)
		printf("        -> its capture kernel had %lld MiB, %lld MiB were still available after the dump (the collector's peak: %lld MiB): capture-log.txt%s\n",
		       l->d.capture_total_mib, l->d.capture_avail_mib,
		       l->d.capture_peak_mib,
		       // under a fifth left: the next capture (a bigger
		       // machine state, more modules) may run out
		       l->d.capture_avail_mib * 5 < l->d.capture_total_mib ?
		       "; that is tight: reserve more with crashkernel= ('dontpanic setup --crashkernel=SIZE')" : "");
	if (l->d.incomplete)
		printf("        -> the last capture did not finish (disk full, capture kernel out of memory, or reset): 'dontpanic info' says what the partial dump holds\n");
}

static void print_text(const char *root, const struct dp_status *st,
		       const struct dp_config *cfg, bool cfg_missing,
		       const struct last *l, const struct dp_cli_space *sp)
{
	printf("kdump readiness of %s\n", *root ? root : "this machine");
	for (size_t i = 0; i < st->n; i++) {
		const struct dp_check *c = &st->checks[i];
		printf("  %-5s %-32s %s", dp_check_state_name(c->state),
		       c->name, c->value ? c->value : "?");
		if (c->state != DP_CHECK_OK)
			printf("  (want %s)", c->want);
		putchar('\n');
		if (c->advice)
			printf("        -> %s\n", c->advice);
	}
	if (cfg) {
		printf("  %-5s %-32s ", cfg->nerrors ? "FAIL" : "ok",
		       "config target");
		dp_cli_print_target(stdout, cfg);
		printf(", path %s  (%s)\n", cfg->path ? cfg->path : "?",
		       cfg->name);
		if (cfg->nerrors)
			printf("        -> %zu error%s in the configuration%s: run 'dontpanic config %s'\n",
			       cfg->nerrors, cfg->nerrors == 1 ? "" : "s",
			       cfg->nunsupported ? " (what this build's capture cannot do counts)" : "",
			       cfg->name);
	} else if (cfg_missing) {
		printf("  %-5s %-32s none\n", "info", "config target");
		printf("        -> no /etc/kdump.conf or /etc/default/kdump-tools: the capture then writes to /var/crash on the root file system with 'makedumpfile -l --message-level 7 -d 31'; write /etc/kdump.conf to choose (see 'dontpanic config --help'), or install kdump-tools (Debian) or kdump-utils (Fedora/RHEL)\n");
	}
	dp_cli_print_space(sp, 32);
	print_last(l);
	bool ready = st->worst < DP_CHECK_FAIL && !(cfg && cfg->nerrors);
	printf("%s\n", ready ? "ready: a panic now would take a dump" :
	       "NOT ready: a panic now would not take a dump");
}

static void print_space_json(struct dp_json *j, const struct dp_cli_space *sp)
{
	dp_json_key(j, "dump_space");
	if (sp->why) {
		dp_json_null(j);
		return;
	}
	const struct dp_dump_space *s = &sp->s;
	dp_json_object(j, &dp_json_inline);
	dp_json_kstr(j, "state", sp->state);
	dp_json_kstr(j, "dir", s->checked);
	dp_json_ku64_or_null(j, "free", s->have_free, s->free_bytes);
	dp_json_ku64_or_null(j, "estimate", s->have_estimate, s->estimate_bytes);
	dp_json_ku64_or_null(j, "ram", s->have_estimate, s->ram_bytes);
	dp_json_ki64(j, "level", s->level);
	dp_json_end(j);
}

static void print_checks_json(struct dp_json *j, const struct dp_status *st)
{
	static const struct dp_json_layout checks =
		DP_JSON_LINES_OPEN("    ", "  ");
	dp_json_key(j, "checks");
	dp_json_array(j, &checks);
	for (size_t i = 0; i < st->n; i++) {
		const struct dp_check *c = &st->checks[i];
		dp_json_object(j, &dp_json_inline);
		dp_json_kstr(j, "name", c->name ? c->name : "");
		dp_json_kstr(j, "state", dp_check_state_name(c->state));
		dp_json_kstr(j, "value", c->value ? c->value : "");
		dp_json_kstr(j, "want", c->want ? c->want : "");
		dp_json_kstr(j, "advice", c->advice);
		dp_json_end(j);
	}
	dp_json_end(j);
}

static void print_config_json(struct dp_json *j, const struct dp_config *cfg)
{
	dp_json_key(j, "config");
	if (!cfg) {
		dp_json_null(j);
		return;
	}
	dp_json_object(j, &dp_json_inline);
	dp_json_kstr(j, "file", cfg->name ? cfg->name : "");
	dp_json_ku64(j, "errors", cfg->nerrors);
	dp_json_ku64(j, "unsupported", cfg->nunsupported);
	dp_json_ku64(j, "warnings", cfg->nwarnings);
	dp_json_kstr(j, "target", dp_target_kind_name(cfg->target));
	dp_json_kstr(j, "target_spec", cfg->target_spec);
	dp_json_kstr(j, "path", cfg->path ? cfg->path : "");
	dp_json_end(j);
}

static void print_last_json(struct dp_json *j, const struct last *l)
{
	dp_json_key(j, "last_dump");
	if (!l->dir || !l->d.found) {
		dp_json_null(j);
		return;
	}
	char path[2200];
	snprintf(path, sizeof(path), "%s/%s/%s", l->dir, l->d.dir, l->d.file);
	dp_json_object(j, &dp_json_inline);
	dp_json_kstr(j, "path", path);
	dp_json_kbool(j, "incomplete", l->d.incomplete);
	dp_json_kbool(j, "dmesg", l->d.dmesg);
	dp_json_ku64(j, "size", (uint64_t)l->d.size);
	dp_json_ki64(j, "mtime", (int64_t)l->d.mtime);
	dp_json_ku64(j, "count", l->d.ndumps);
	dp_json_key(j, "capture_memory_mib");
	if (l->d.have_capture_memory) {
		dp_json_object(j, &dp_json_inline);
		dp_json_ki64(j, "total", l->d.capture_total_mib);
		dp_json_ki64(j, "available", l->d.capture_avail_mib);
		dp_json_ki64(j, "peak", l->d.capture_peak_mib);
		dp_json_end(j);
	} else {
		dp_json_null(j);
	}
	dp_json_end(j);
}

static void print_json(const char *root, const struct dp_status *st,
		       const struct dp_config *cfg, const struct last *l,
		       const struct dp_cli_space *sp)
{
	bool ready = st->worst < DP_CHECK_FAIL && !(cfg && cfg->nerrors);
	struct dp_json j;
	dp_json_init(&j, stdout);
	dp_json_object(&j, &dp_json_lines2);
	dp_json_kstr(&j, "root", *root ? root : "/");
	dp_json_kbool(&j, "ready", ready);
	print_checks_json(&j, st);
	print_config_json(&j, cfg);
	print_space_json(&j, sp);
	print_last_json(&j, l);
	dp_json_end(&j);
	putchar('\n');
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "root", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool json = false;
	const char *root = NULL, *file = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "jr:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'r': root = optarg; break;
		case 'c': file = optarg; break;
		default:	/* -h, or a bad option */
			return dp_cli_usage(c, usage_text);
		}
	}
	if (optind < argc)
		return dp_cli_usage('?', usage_text);
	root = dp_cli_sysroot(root);
	struct dp_status *st;
	struct dp_error *err = dp_status_probe(root, &st);
	if (err) {
		dp_cli_error(argv[0], err);
		return DP_EXIT_FAILURE;
	}
	// The config is part of readiness, but its absence is not fatal:
	// a distro tool may be configured another way.
	char p1[4096], p2[4096];
	snprintf(p1, sizeof(p1), "%s/etc/kdump.conf", root);
	snprintf(p2, sizeof(p2), "%s/etc/default/kdump-tools", root);
	bool missing = !file && access(p1, F_OK) && access(p2, F_OK);
	struct dp_config *cfg = NULL;
	int rc = DP_EXIT_OK;
	if (!missing &&
	    dp_cli_load_config(argv[0], root, file, DP_CONFIG_AUTO, &cfg))
		rc = DP_EXIT_FAILURE;
	struct last last;
	struct dp_cli_space space;
	find_last(root, cfg, &last);
	dp_cli_find_space(root, cfg, &space);
	if (json)
		print_json(root, st, cfg, &last, &space);
	else
		print_text(root, st, cfg, missing, &last, &space);
	if (st->worst == DP_CHECK_FAIL || (cfg && cfg->nerrors))
		rc = DP_EXIT_FAILURE;
	dp_config_destroy(cfg);
	dp_status_destroy(st);
	return rc;
}
