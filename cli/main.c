// SPDX-License-Identifier: MIT
// dontpanic: command table and dispatcher (git-style subcommands).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	enum dp_shell_kind shell;
	const char *summary;
};

static const struct command commands[] = {
#define DP_COMMAND(name, fn, shell, summary) { name, fn, shell, summary },
#include "commands.def"
#undef DP_COMMAND
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: dontpanic <command> [options] [args]\n\n"
		   "Linux kernel crash dumps, from capture to root cause.\n\n"
		   "commands:\n");
	dp_cli_list_commands(f, false);
	fprintf(f, "\nRun 'dontpanic <command> --help' (or 'dontpanic help "
		   "<command>') for a\ncommand's options.\n"
		   "Exit status: 0 ok, 1 command failed, 2 usage error, "
		   "3 dump unreadable.\n");
}

int cmd_version(int argc, char **argv)
{
	printf("dontpanic %s\n", DP_VERSION);
	return DP_EXIT_OK;
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* `help CMD` is `CMD --help`, as git and most CLIs answer it. */
static int help_command(const char *name)
{
	const struct command *c = find_command(name);
	if (!c) {
		fprintf(stderr, "dontpanic: unknown command '%s'; 'help' lists "
			"them\n", name);
		return DP_EXIT_USAGE;
	}
	char *args[] = { (char *)c->name, (char *)"--help", NULL };
	return c->fn(2, args);
}

int dp_cli_run(int argc, char **argv)
{
	const struct command *c = find_command(argv[0]);
	if (!c) {
		fprintf(stderr, "dontpanic: unknown command '%s'; 'help' lists "
			"them\n", argv[0]);
		return DP_EXIT_USAGE;
	}
	return c->fn(argc, argv);
}

enum dp_shell_kind dp_cli_shell_kind(const char *name)
{
	const struct command *c = find_command(name);
	return c ? c->shell : DP_SHELL_UNKNOWN;
}

void dp_cli_list_commands(FILE *f, bool shell_only)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!shell_only || commands[i].shell != DP_SHELL_NO)
			fprintf(f, "  %-12s %s\n", commands[i].name,
				commands[i].summary);
}

int main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/');
	prog = prog ? prog + 1 : argv[0];
	// The capture initramfs's /init is a link to the binary: run the
	// capture (it refuses unless PID 1 with /proc/vmcore). The kernel
	// passes unknown command-line words as arguments: ignore them.
	if (strcmp(prog, "init") == 0) {
		char *args[] = { (char *)"capture", NULL };
		return cmd_capture(1, args);
	}
	// Invoked as makedumpfile: behave as `collect` (drop-in core_collector).
	if (strcmp(prog, "makedumpfile") == 0) {
		const struct command *c = find_command("collect");
		if (c)
			return c->fn(argc, argv);
	}
	if (argc < 2) {
		usage(stderr);
		return DP_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") && argc > 2)
		return help_command(argv[2]);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return DP_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(argc - 1, argv + 1);
	const struct command *c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "dontpanic: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return DP_EXIT_USAGE;
	}
	return c->fn(argc - 1, argv + 1);
}
