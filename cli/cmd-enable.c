// SPDX-License-Identifier: MIT
// dontpanic enable: arm this machine for crash dumps at every boot, in one
// command: crashkernel= for grub (setup --crashkernel), the panic sysctls
// now and in /etc/sysctl.d (setup --sysctl), dontpanic.service enabled;
// then what still needs a reboot.
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dontpanic/sysctl.h>

#include "cli.h"

#define UNIT "dontpanic.service"
#define SYSCTL_FILE "/etc/sysctl.d/90-dontpanic.conf"

extern char **environ;

static const char usage_text[] =
	"usage: dontpanic enable [--crashkernel=SPEC] [--no-update-grub]\n"
	"                        [--dry-run] [--root=DIR]\n"
	"\n"
	"Arm this machine for crash dumps at every boot (what an admin replacing\n"
	"kdump-tools runs once after installing the package). Three steps, each\n"
	"printed:\n"
	"  1. 'setup --crashkernel[=SPEC]': the grub drop-in reserving memory for\n"
	"     the capture kernel, then update-grub (not under --root, not with\n"
	"     --no-update-grub);\n"
	"  2. 'setup --sysctl': the panic sysctls now, and the same values in\n"
	"     " SYSCTL_FILE " for the next boots;\n"
	"  3. 'systemctl enable " UNIT "' (systemctl --root=DIR under --root):\n"
	"     at each boot the service rebuilds the capture initramfs if the\n"
	"     kernel, config or dontpanic changed (initramfs --if-changed) and\n"
	"     loads it.\n"
	"Then it says what needs a reboot: none when the running kernel already\n"
	"reserved memory (start the service now), else the reboot that reserves\n"
	"it. Exit status: 0 all done, 1 a step failed (the others still run),\n"
	"2 usage.\n"
	"\n"
	"  -k, --crashkernel=SPEC  the reservation (default: setup's default)\n"
	"      --no-update-grub    write the drop-in only\n"
	"  -n, --dry-run           show every step, change nothing\n"
	"  -r, --root=DIR          an offline root: DIR/proc, DIR/sys, DIR/etc\n"
	"                          (default: $DP_SYSROOT, else /)\n"
	"  -h, --help              show this help\n";

struct opts {
	const char *spec, *root;
	bool dry, no_update_grub;
};

/* Run argv, waiting; 0 when it exited 0. */
static int run_cmd(const char *cmd, char **argv)
{
	pid_t pid;
	int e = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (e) {
		dp_cli_errorf(cmd, "cannot run %s: %s", argv[0], strerror(e));
		return DP_EXIT_FAILURE;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return DP_EXIT_FAILURE;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		dp_cli_errorf(cmd, "%s %s failed", argv[0], argv[1]);
		return DP_EXIT_FAILURE;
	}
	return DP_EXIT_OK;
}

/* The sysctl.d file: what setup --sysctl set, kept for the next boots. */
static int persist_sysctls(const char *cmd, const struct opts *o)
{
	struct dp_sysctl_plan *plan;
	struct dp_error *err = dp_sysctl_plan(o->root, false, &plan);
	if (err) {
		dp_cli_error(cmd, err);
		return DP_EXIT_FAILURE;
	}
	char path[4200], text[4096];
	size_t len = (size_t)snprintf(text, sizeof(text),
		"# Written by 'dontpanic enable': the panic sysctls a crash-ready\n"
		"# machine wants (dontpanic status explains each).\n");
	for (size_t i = 0; i < plan->n && len < sizeof(text); i++) {
		const struct dp_sysctl_change *c = &plan->v[i];
		if (!c->absent && !c->unsupported)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"%s = %s\n", c->name,
						c->new ? c->new : c->old);
	}
	dp_sysctl_plan_destroy(plan);
	snprintf(path, sizeof(path), "%s%s", o->root, SYSCTL_FILE);
	printf("%s %s:\n%s", o->dry ? "would write" : "writing", path, text);
	if (o->dry)
		return DP_EXIT_OK;
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/etc/sysctl.d", o->root);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		dp_cli_errorf(cmd, "cannot create %s: %s", dir, strerror(errno));
		return DP_EXIT_FAILURE;
	}
	FILE *f = fopen(path, "we");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		dp_cli_errorf(cmd, "cannot write %s: %s", path, strerror(errno));
		return DP_EXIT_FAILURE;
	}
	return DP_EXIT_OK;
}

static int step_sysctl(const char *cmd, const struct opts *o)
{
	char rootarg[4200];
	snprintf(rootarg, sizeof(rootarg), "--root=%s", o->root);
	char *argv[5] = { (char *)"setup", (char *)"--sysctl" };
	int argc = 2;
	if (o->dry)
		argv[argc++] = (char *)"--dry-run";
	if (*o->root)
		argv[argc++] = rootarg;
	optind = 0;	/* cmd_setup parses its own argv */
	int rc = cmd_setup(argc, argv);
	int rc2 = persist_sysctls(cmd, o);
	return rc ? rc : rc2;
}

static bool unit_installed(const char *root)
{
	static const char *const dirs[] = {
		"/etc/systemd/system", "/lib/systemd/system",
		"/usr/lib/systemd/system",
	};
	char path[4200];
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s/" UNIT, root, dirs[i]);
		if (access(path, F_OK) == 0)
			return true;
	}
	return false;
}

static int step_unit(const char *cmd, const struct opts *o)
{
	char rootarg[4200];
	snprintf(rootarg, sizeof(rootarg), "--root=%s", o->root);
	char *argv[5] = { (char *)"systemctl" };
	int argc = 1;
	if (*o->root)
		argv[argc++] = rootarg;
	argv[argc++] = (char *)"enable";
	argv[argc++] = (char *)UNIT;
	printf("%s systemctl %s%senable " UNIT "\n",
	       o->dry ? "would run" : "running", *o->root ? rootarg : "",
	       *o->root ? " " : "");
	if (!unit_installed(o->root)) {
		dp_cli_errorf(cmd, "%s%s is not installed (the dontpanic package installs it in /lib/systemd/system: make deb)",
			      o->root, "/lib/systemd/system/" UNIT);
		return DP_EXIT_FAILURE;
	}
	return o->dry ? DP_EXIT_OK : run_cmd(cmd, argv);
}

/* What still needs a reboot: the reservation. */
static void advise(const struct opts *o, bool ok)
{
	char path[4200], buf[64] = "";
	snprintf(path, sizeof(path), "%s/sys/kernel/kexec_crash_size",
		 o->root);
	FILE *f = fopen(path, "re");
	unsigned long long size = 0;
	if (f && fgets(buf, sizeof(buf), f))
		size = strtoull(buf, NULL, 10);
	if (f)
		fclose(f);
	if (!ok)
		printf("not armed: fix the step that failed above, then run 'dontpanic enable' again\n");
	else if (size)
		printf("no reboot needed: %llu MiB are reserved now (a new crashkernel= size applies from the next boot); arm it now with 'systemctl start " UNIT "', then 'dontpanic status'\n",
		       size >> 20);
	else
		printf("reboot needed: no memory is reserved for the capture kernel until crashkernel= is on the kernel command line; after the reboot " UNIT " builds the capture initramfs and loads it ('dontpanic status' shows it)\n");
}

static int parse(int argc, char **argv, struct opts *o)
{
	enum { OPT_NO_UG = 256 };
	static const struct option opts[] = {
		{ "crashkernel", required_argument, NULL, 'k' },
		{ "no-update-grub", no_argument, NULL, OPT_NO_UG },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "k:nr:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': o->spec = optarg; break;
		case OPT_NO_UG: o->no_update_grub = true; break;
		case 'n': o->dry = true; break;
		case 'r': o->root = optarg; break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		default:
			return dp_cli_usage('?', usage_text);
		}
	}
	if (optind < argc) {
		dp_cli_errorf(argv[0], "unexpected argument \"%s\"",
			      argv[optind]);
		return dp_cli_usage('?', usage_text);
	}
	o->root = dp_cli_sysroot(o->root);
	return DP_EXIT_OK;
}

int cmd_enable(int argc, char **argv)
{
	struct opts o = { 0 };
	int rc = parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? DP_EXIT_OK : rc;
	const char *cmd = argv[0];
	bool ug = !*o.root && !o.no_update_grub;
	printf("== 1/3 crashkernel= (memory for the capture kernel, from the next boot)\n");
	int rc1 = dp_cli_setup_crashkernel(cmd, o.root, o.spec, o.dry, ug);
	printf("\n== 2/3 panic sysctls (now and at every boot)\n");
	int rc2 = step_sysctl(cmd, &o);
	printf("\n== 3/3 " UNIT " (at every boot: rebuild the capture initramfs if needed, load it)\n");
	int rc3 = step_unit(cmd, &o);
	printf("\n");
	bool ok = !rc1 && !rc2 && !rc3;
	if (o.dry)
		printf("dry run: nothing changed\n");
	advise(&o, ok);
	return ok ? DP_EXIT_OK : DP_EXIT_FAILURE;
}
