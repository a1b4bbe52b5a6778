// SPDX-License-Identifier: MIT
// dontpanic vmcoreinfo: print the raw VMCOREINFO text of a dump.
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static const char usage_text[] =
	"usage: dontpanic vmcoreinfo DUMP...\n"
	"\n"
	"Print the dump's VMCOREINFO note text as stored (KEY=VALUE lines).\n"
	"Exits 1 when the dump has none (e.g. QEMU without -device vmcoreinfo).\n"
	"\n"
	"  -h, --help    show this help\n";

int cmd_vmcoreinfo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_text, stdout);
			return DP_EXIT_OK;
		}
		fputs(usage_text, stderr);
		return DP_EXIT_USAGE;
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return DP_EXIT_USAGE;
	}
	struct dp_dump *dump = dp_cli_open_dump(
		argv[0], (const char *const *)argv + optind,
		(size_t)(argc - optind));
	if (!dump)
		return DP_EXIT_BAD_DUMP;
	size_t len;
	const char *text = dp_dump_vmcoreinfo(dump, &len);
	int rc = DP_EXIT_OK;
	if (!text) {
		dp_cli_errorf(argv[0], "%s: the dump has no VMCOREINFO note",
			      argv[optind]);
		rc = DP_EXIT_FAILURE;
	} else {
		fwrite(text, 1, len, stdout);
		if (len && text[len - 1] != '\n')
			putchar('\n');
	}
	dp_dump_destroy(dump);
	return rc;
}
