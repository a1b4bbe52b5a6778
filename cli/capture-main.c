// SPDX-License-Identifier: MIT
// dontpanic-capture: the binary `dontpanic initramfs` packs as the capture
// kernel's /init. Only what the capture kernel runs: capture, and the
// collect and log commands it calls. Linked without the analysis-only
// libraries (capstone for dis; libstdc++ only as far as snappy needs it),
// and statically when the build can: no loader, no shared library in the
// image, so less of the reserved crashkernel= memory is spent on files
// (docs/service.md "Capture binary").
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "capture", cmd_capture, "the capture kernel's /init: write the dump, then reboot" },
	{ "collect", cmd_collect, "copy and filter a crash dump (makedumpfile options)" },
	{ "log", cmd_log, "kernel log from the printk ring buffer (crash log)" },
	{ "version", cmd_version, "print the version" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

int cmd_version(int argc, char **argv)
{
	printf("dontpanic %s (capture build)\n", DP_VERSION);
	return DP_EXIT_OK;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: dontpanic-capture <command> [options] [args]\n\n"
		   "The capture initramfs's build of dontpanic: only the commands the\n"
		   "capture kernel runs. As /init it runs 'capture'; as makedumpfile,\n"
		   "'collect'. The analysis commands are in dontpanic.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name,
			commands[i].summary);
}

int main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/');
	prog = prog ? prog + 1 : argv[0];
	// As in main.c: the kernel runs /init with its unknown command-line
	// words as arguments, which are ignored.
	if (strcmp(prog, "init") == 0) {
		char *args[] = { (char *)"capture", NULL };
		return cmd_capture(1, args);
	}
	if (strcmp(prog, "makedumpfile") == 0)
		return cmd_collect(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return DP_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return DP_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(argc - 1, argv + 1);
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, argv[1]) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "dontpanic-capture: unknown command '%s' (the analysis commands are in dontpanic)\n",
		argv[1]);
	usage(stderr);
	return DP_EXIT_USAGE;
}
