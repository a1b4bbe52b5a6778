// SPDX-License-Identifier: MIT
// dontpanic test: crash this machine on purpose to check that a dump is
// taken (kdumpctl test, kdump-config's test crash): check readiness with
// status's checks, ask, sync, write 'c' to /proc/sysrq-trigger.
//
// The kernel.sysrq mask is reported but does not stop us: it gates the
// keyboard only; "Invocation of any operation via /proc/sysrq-trigger is
// always allowed (by a user with admin privileges)"
// (Documentation/admin-guide/sysrq.rst).
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <dontpanic/config.h>
#include <dontpanic/status.h>

#include "cli.h"

static const char usage_text[] =
	"usage: dontpanic test [--yes] [--root=DIR]\n"
	"\n"
	"Crash this machine NOW to check that a crash dump is taken, as\n"
	"'kdumpctl test' does. First the readiness checks of 'dontpanic status'\n"
	"that decide whether a dump can be taken at all: crashkernel= on the\n"
	"command line, memory reserved, a capture kernel loaded\n"
	"(/sys/kernel/kexec_crash_loaded), /proc/sysrq-trigger writable, and a\n"
	"kdump configuration without errors when there is one. If one fails it\n"
	"says why and does nothing (the free space for the dump, as status\n"
	"shows it, is only a warning). Otherwise it asks you to type 'yes' (on a\n"
	"terminal; without one it refuses unless --yes is given), syncs the file\n"
	"systems and writes 'c' to /proc/sysrq-trigger: the kernel panics, the\n"
	"capture kernel boots and saves the dump, and the machine reboots.\n"
	"kernel.sysrq does not matter here (it gates the keyboard only) and is\n"
	"only reported. With --root DIR (or $DP_SYSROOT) everything is read under\n"
	"DIR and 'c' goes to DIR/proc/sysrq-trigger, a plain file: nothing\n"
	"crashes (that is how the tests run it).\n"
	"Exit status: 0 written under --root, 1 not ready, not confirmed or the\n"
	"write failed, 2 usage (on a real machine success does not return).\n"
	"\n"
	"  -y, --yes         do not ask\n"
	"  -r, --root=DIR    read DIR/proc, DIR/sys, DIR/etc, write\n"
	"                    DIR/proc/sysrq-trigger (default: $DP_SYSROOT, else /)\n"
	"  -h, --help        show this help\n";

static const struct dp_check *find(const struct dp_status *st, const char *name)
{
	for (size_t i = 0; i < st->n; i++)
		if (!strcmp(st->checks[i].name, name))
			return &st->checks[i];
	return NULL;
}

// Print the readiness lines; false when a dump would not be taken.
static bool ready(const char *cmd, const char *root, const struct dp_status *st,
		  struct dp_config **cfgp)
{
	static const char *const needed[] = {
		"crashkernel", "reserved", "crashkernel size", "capture kernel",
	};
	bool ok = true;
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		const struct dp_check *c = find(st, needed[i]);
		if (!c)
			continue;
		bool bad = c->state == DP_CHECK_FAIL;
		printf("  %-5s %-18s %s\n", bad ? "FAIL" : dp_check_state_name(c->state),
		       c->name, c->value ? c->value : "?");
		if (c->advice && c->state != DP_CHECK_OK)
			printf("        -> %s\n", c->advice);
		ok &= !bad;
	}
	char path[4200];
	snprintf(path, sizeof(path), "%s/proc/sysrq-trigger", root);
	bool trig = !access(path, F_OK);
	bool wr = trig && !access(path, W_OK);
	printf("  %-5s %-18s %s\n", wr ? "ok" : "FAIL", "sysrq-trigger",
	       !trig ? "absent" : wr ? path : "not writable");
	if (!trig)
		printf("        -> no %s: this kernel has no CONFIG_MAGIC_SYSRQ, or /proc is not mounted\n", path);
	else if (!wr)
		printf("        -> %s: %s (run as root)\n", path, strerror(errno));
	ok &= wr;
	const struct dp_check *s = find(st, "kernel.sysrq");
	if (s)
		printf("  %-5s %-18s %s (it gates the keyboard only; writing /proc/sysrq-trigger as root always works)\n",
		       "info", "kernel.sysrq", s->value ? s->value : "?");
	snprintf(path, sizeof(path), "%s/etc/kdump.conf", root);
	char p2[4200];
	snprintf(p2, sizeof(p2), "%s/etc/default/kdump-tools", root);
	if (!access(path, F_OK) || !access(p2, F_OK)) {
		if (dp_cli_load_config(cmd, root, NULL, DP_CONFIG_AUTO, cfgp) ||
		    !*cfgp) {
			ok = false;
		} else {
			struct dp_config *cfg = *cfgp;
			printf("  %-5s %-18s ", cfg->nerrors ? "FAIL" : "ok", "config target");
			dp_cli_print_target(stdout, cfg);
			printf(", path %s  (%s)\n", cfg->path ? cfg->path : "?", cfg->name);
			if (cfg->nerrors) {
				printf("        -> the configuration has errors: run 'dontpanic config %s'\n",
				       cfg->name);
				ok = false;
			}
			// A warning, not a refusal: the bound is loose.
			struct dp_cli_space sp;
			dp_cli_find_space(root, cfg, &sp);
			dp_cli_print_space(&sp, 18);
		}
	}
	return ok;
}

static bool confirm(const char *cmd)
{
	if (!isatty(STDIN_FILENO)) {
		dp_cli_errorf(cmd, "standard input is not a terminal: give --yes to crash without asking; nothing done");
		return false;
	}
	printf("This crashes the kernel NOW. Type 'yes' to go on: ");
	fflush(stdout);
	char line[64];
	if (!fgets(line, sizeof(line), stdin)) {
		putchar('\n');
		return false;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return !strcmp(line, "yes");
}

static int trigger(const char *cmd, const char *root)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/proc/sysrq-trigger", root);
	// Flush what we can: the capture kernel does not sync our disks.
	sync();
	// O_TRUNC only on a fake tree's plain file.
	int fd = open(path, O_WRONLY | O_CLOEXEC | (*root ? O_TRUNC : 0));
	if (fd < 0) {
		dp_cli_errorf(cmd, "cannot open %s: %s%s", path, strerror(errno),
			      errno == EACCES || errno == EPERM ? " (are you root?)" : "");
		return DP_EXIT_FAILURE;
	}
	printf("crashing: writing 'c' to %s\n", path);
	fflush(stdout);
	if (write(fd, "c", 1) != 1) {
		dp_cli_errorf(cmd, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		return DP_EXIT_FAILURE;
	}
	close(fd);
	if (*root) {
		printf("wrote 'c' to %s (a fake tree: nothing crashed)\n", path);
		return DP_EXIT_OK;
	}
	dp_cli_errorf(cmd, "wrote 'c' to %s but the kernel is still running", path);
	return DP_EXIT_FAILURE;
}

int cmd_test(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool yes = false;
	const char *root = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "yr:h", opts, NULL)) != -1) {
		switch (c) {
		case 'y': yes = true; break;
		case 'r': root = optarg; break;
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
	printf("test crash of %s\n", *root ? root : "this machine");
	struct dp_config *cfg = NULL;
	bool ok = ready(argv[0], root, st, &cfg);
	dp_config_destroy(cfg);
	dp_status_destroy(st);
	if (!ok) {
		dp_cli_errorf(argv[0], "not ready: a crash now would not take a dump; nothing done");
		return DP_EXIT_FAILURE;
	}
	printf("ready: the capture kernel should boot, save the dump and reboot\n");
	if (!yes && !confirm(argv[0])) {
		if (isatty(STDIN_FILENO))
			dp_cli_errorf(argv[0], "not confirmed; nothing done");
		return DP_EXIT_FAILURE;
	}
	return trigger(argv[0], root);
}
