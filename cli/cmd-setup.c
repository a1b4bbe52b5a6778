// SPDX-License-Identifier: MIT
// dontpanic setup: prepare this machine for crash dumps: the panic sysctls
// (--sysctl) and the crashkernel= reservation (--crashkernel, in
// setup-crashkernel.c).
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include <dontpanic/sysctl.h>

#include "cli.h"

static const char usage_text[] =
	"usage: dontpanic setup --sysctl [--all] [--dry-run] [--root=DIR]\n"
	"       dontpanic setup --crashkernel[=SPEC] [--update-grub] [--dry-run]\n"
	"                       [--root=DIR]\n"
	"\n"
	"Prepare this machine to take crash dumps.\n"
	"\n"
	"--sysctl sets the panic sysctls that 'dontpanic status' warns about:\n"
	"kernel.panic_on_oops=1, kernel.panic=10 (kept if already > 0),\n"
	"kernel.sysrq with bit 8 (sysrq-c) added to its mask, and\n"
	"kernel.nmi_watchdog=1; --all also sets softlockup_panic,\n"
	"hung_task_panic, unknown_nmi_panic and panic_on_unrecovered_nmi to 1.\n"
	"Each value is read back after writing. The change lasts until reboot:\n"
	"the printed lines can go into /etc/sysctl.d/ to make it permanent.\n"
	"\n"
	"--crashkernel reserves memory for the capture kernel at the next boot.\n"
	"It checks SPEC strictly (SIZE[@OFFSET], START-[END]:SIZE[,...][@OFFSET],\n"
	"SIZE,high, with K M G T P E suffixes), evaluates it for this machine's\n"
	"RAM exactly as the kernel does (ranges match RAM rounded up to 128M,\n"
	"start <= RAM < end), shows what the running kernel reserved\n"
	"(/proc/cmdline, /sys/kernel/kexec_crash_size, /proc/iomem), and writes\n"
	"/etc/default/grub.d/dontpanic.cfg appending crashkernel=SPEC to\n"
	"GRUB_CMDLINE_LINUX_DEFAULT, warning about other crashkernel= in\n"
	"/etc/default/grub and grub.d (e.g. kdump-tools.cfg). Without SPEC it\n"
	"uses 384M-2G:192M,2G-64G:256M,64G-:512M and says why. update-grub and\n"
	"a reboot are needed; --update-grub runs update-grub (never with --root).\n"
	"Exit status: 0 done, 1 a write failed (e.g. not root) or SPEC is wrong\n"
	"or reserves nothing here, 2 usage.\n"
	"\n"
	"  -s, --sysctl             set the panic sysctls\n"
	"  -a, --all                also the optional ones (see above)\n"
	"  -k, --crashkernel[=SPEC] write crashkernel= for grub\n"
	"  -u, --update-grub        run update-grub after writing\n"
	"  -n, --dry-run            show what would change, write nothing\n"
	"  -r, --root=DIR           use DIR/proc, DIR/sys and DIR/etc instead of\n"
	"                           the machine's (default: $DP_SYSROOT, else /)\n"
	"  -h, --help               show this help\n";

static void print_plan(const struct dp_sysctl_plan *plan, bool dry)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct dp_sysctl_change *c = &plan->v[i];
		printf("%-32s ", c->name);
		if (c->absent)
			printf("absent in this kernel (skipped)\n");
		else if (!c->new)
			printf("%s (kept)\n", c->old);
		else if (dry)
			printf("%s -> %s (dry run: not written)\n", c->old, c->new);
		else if (c->written)
			printf("%s -> %s\n", c->old, c->new);
		else
			printf("%s, %s: %s\n", c->old,
			       c->unsupported ? "not set" : "FAILED",
			       c->error ? c->error : "?");
	}
	bool any = false;
	for (size_t i = 0; i < plan->n; i++)
		any |= !plan->v[i].absent;
	if (!any)
		return;
	printf("\n# to keep these after a reboot, e.g. in /etc/sysctl.d/90-dontpanic.conf:\n");
	for (size_t i = 0; i < plan->n; i++) {
		const struct dp_sysctl_change *c = &plan->v[i];
		if (!c->absent && !c->unsupported)
			printf("%s = %s\n", c->name, c->new ? c->new : c->old);
		else if (c->unsupported)
			printf("# %s = %s   (not possible on this machine)\n",
			       c->name, c->new);
	}
}

int cmd_setup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sysctl", no_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "crashkernel", optional_argument, NULL, 'k' },
		{ "update-grub", no_argument, NULL, 'u' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool sysctl = false, all = false, dry = false, ck = false, ug = false;
	const char *root = NULL, *spec = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "sak::unr:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': sysctl = true; break;
		case 'a': all = true; break;
		case 'k': ck = true; spec = optarg; break;
		case 'u': ug = true; break;
		case 'n': dry = true; break;
		case 'r': root = optarg; break;
		default:	/* -h, or a bad option */
			return dp_cli_usage(c, usage_text);
		}
	}
	if ((!sysctl && !ck) || optind < argc) {
		dp_cli_errorf(argv[0], "nothing to do: give --sysctl or --crashkernel");
		return dp_cli_usage('?', usage_text);
	}
	root = dp_cli_sysroot(root);
	if (ug && (!ck || *root)) {
		dp_cli_errorf(argv[0], *root ?
			      "--update-grub is never run under --root or $DP_SYSROOT" :
			      "--update-grub goes with --crashkernel");
		return DP_EXIT_USAGE;
	}
	if (!sysctl)
		return dp_cli_setup_crashkernel(argv[0], root, spec, dry, ug);
	struct dp_sysctl_plan *plan;
	struct dp_error *err = dp_sysctl_plan(root, all, &plan);
	if (err) {
		dp_cli_error(argv[0], err);
		return DP_EXIT_FAILURE;
	}
	size_t failed = 0;
	if (!dry)
		err = dp_sysctl_apply(root, plan, &failed);
	if (err) {
		dp_cli_error(argv[0], err);
		dp_sysctl_plan_destroy(plan);
		return DP_EXIT_FAILURE;
	}
	print_plan(plan, dry);
	bool perm = false;
	for (size_t i = 0; i < plan->n; i++)
		perm |= plan->v[i].errnum == EACCES || plan->v[i].errnum == EPERM;
	if (failed)
		dp_cli_errorf(argv[0], "%zu sysctl%s not set%s", failed,
			      failed == 1 ? "" : "s", perm ? " (are you root?)" : "");
	dp_sysctl_plan_destroy(plan);
	int rc = failed ? DP_EXIT_FAILURE : DP_EXIT_OK;
	if (ck) {
		putchar('\n');
		int r2 = dp_cli_setup_crashkernel(argv[0], root, spec, dry, ug);
		if (r2)
			rc = r2;
	}
	return rc;
}
