// SPDX-License-Identifier: MIT
// dontpanic vmcoreinfo: print the raw VMCOREINFO text of a dump.
#include <getopt.h>
#include <stdio.h>

#include <dontpanic/program.h>

#include "cli.h"

static const char usage_text[] =
	"usage: dontpanic vmcoreinfo DUMP...\n"
	"\n"
	"Print the dump's VMCOREINFO note text as stored (KEY=VALUE lines).\n"
	"Exits 1 when the dump has none (e.g. QEMU without -device vmcoreinfo).\n"
	"\n"
	"  -d, --derived  when there is no note, print the VMCOREINFO that\n"
	"                 dontpanic derives from memory instead (QEMU CPU notes,\n"
	"                 page tables, kallsyms and BTF found by scanning)\n"
	"  -h, --help     show this help\n";

int cmd_vmcoreinfo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "derived", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;
	bool derived = false;
	while ((c = getopt_long(argc, argv, "dh", opts, NULL)) != -1) {
		if (c != 'd')
			return dp_cli_usage(c, usage_text);
		derived = true;
	}
	if (optind >= argc)
		return dp_cli_usage('?', usage_text);
	struct dp_dump *dump = dp_cli_open_dump(
		argv[0], (const char *const *)argv + optind,
		(size_t)(argc - optind));
	if (!dump)
		return DP_EXIT_BAD_DUMP;
	size_t len;
	const char *text = dp_dump_vmcoreinfo(dump, &len);
	int rc = DP_EXIT_OK;
	struct dp_program *prog = NULL;
	if (!text && derived) {
		// Creating a program derives it (lib/kernel/findkernel.c).
		struct dp_error *err = dp_program_create(dump, NULL, &prog);
		if (err) {
			dp_cli_error(argv[0], err);
			dp_error_destroy(err);
		}
		text = dp_dump_derived_vmcoreinfo(dump, &len);
		if (!text) {
			dp_program_destroy(prog);
			dp_dump_destroy(dump);
			return DP_EXIT_FAILURE;
		}
	}
	if (!text) {
		dp_cli_errorf(argv[0], "%s: the dump has no VMCOREINFO note",
			      argv[optind]);
		rc = DP_EXIT_FAILURE;
	} else {
		fwrite(text, 1, len, stdout);
		if (len && text[len - 1] != '\n')
			putchar('\n');
	}
	dp_program_destroy(prog);
	dp_dump_destroy(dump);
	return rc;
}
