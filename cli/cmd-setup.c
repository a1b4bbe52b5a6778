// SPDX-License-Identifier: MIT
// dontpanic setup: prepare this machine for crash dumps. Only the panic
// sysctls are done; the reservation, initramfs and loader are not.
#include <getopt.h>
#include <stdio.h>

#include <dontpanic/sysctl.h>

#include "cli.h"

static const char usage_text[] =
	"usage: dontpanic setup --sysctl [--all] [--dry-run] [--root=DIR]\n"
	"\n"
	"Prepare this machine to take crash dumps. Only --sysctl is done so far:\n"
	"it sets the panic sysctls that 'dontpanic status' warns about:\n"
	"kernel.panic_on_oops=1, kernel.panic=10 (kept if already > 0),\n"
	"kernel.sysrq with bit 8 (sysrq-c) added to its mask, and\n"
	"kernel.nmi_watchdog=1; --all also sets softlockup_panic,\n"
	"hung_task_panic, unknown_nmi_panic and panic_on_unrecovered_nmi to 1.\n"
	"Each value is read back after writing. The change lasts until reboot:\n"
	"the printed lines can go into /etc/sysctl.d/ to make it permanent.\n"
	"crashkernel=, the capture initramfs and loading the capture kernel are\n"
	"not implemented yet.\n"
	"Exit status: 0 done, 1 a write failed (e.g. not root), 2 usage.\n"
	"\n"
	"  -s, --sysctl     set the panic sysctls\n"
	"  -a, --all        also the optional ones (see above)\n"
	"  -n, --dry-run    show what would change, write nothing\n"
	"  -r, --root=DIR   write DIR/proc/sys instead of /proc/sys (default:\n"
	"                   $DP_SYSROOT, else /)\n"
	"  -h, --help       show this help\n";

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
			printf("%s, FAILED: %s\n", c->old,
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
		if (!c->absent)
			printf("%s = %s\n", c->name, c->new ? c->new : c->old);
	}
}

int cmd_setup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sysctl", no_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool sysctl = false, all = false, dry = false;
	const char *root = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "sanr:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': sysctl = true; break;
		case 'a': all = true; break;
		case 'n': dry = true; break;
		case 'r': root = optarg; break;
		case 'h':
			fputs(usage_text, stdout);
			return DP_EXIT_OK;
		default:
			fputs(usage_text, stderr);
			return DP_EXIT_USAGE;
		}
	}
	if (!sysctl || optind < argc) {
		dp_cli_errorf(argv[0], "nothing to do: only --sysctl is implemented");
		fputs(usage_text, stderr);
		return DP_EXIT_USAGE;
	}
	root = dp_cli_sysroot(root);
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
	if (failed)
		dp_cli_errorf(argv[0], "%zu sysctl%s not set (are you root?)",
			      failed, failed == 1 ? "" : "s");
	dp_sysctl_plan_destroy(plan);
	return failed ? DP_EXIT_FAILURE : DP_EXIT_OK;
}
