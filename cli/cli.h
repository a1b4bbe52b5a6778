/* SPDX-License-Identifier: MIT */
/* Shared helpers for the command-line front end. Only cli/ prints or exits. */
#ifndef DP_CLI_H
#define DP_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <dontpanic/dump.h>
#include <dontpanic/dumpspace.h>
#include <dontpanic/error.h>
#include <dontpanic/program.h>

#include "json.h"

/* Exit codes shared by every command. */
enum {
	DP_EXIT_OK = 0,
	DP_EXIT_FAILURE = 1,	/* the command failed */
	DP_EXIT_USAGE = 2,	/* bad command line */
	DP_EXIT_BAD_DUMP = 3,	/* the dump cannot be opened or read */
};

/* What `dontpanic shell` does with a command (commands.def). */
enum dp_shell_kind {
	DP_SHELL_UNKNOWN = -1,	/* no such command */
	DP_SHELL_NO,		/* not available at the prompt */
	DP_SHELL_DUMP,		/* the shell appends the dump paths */
	DP_SHELL_VMLINUX,	/* and --vmlinux FILE when it has one */
};

#define DP_COMMAND(name, fn, shell, summary) int fn(int argc, char **argv);
#include "commands.def"
#undef DP_COMMAND

/* Run the command argv[0] (the table in commands.def). */
int dp_cli_run(int argc, char **argv);

/* The shell kind of a command. */
enum dp_shell_kind dp_cli_shell_kind(const char *name);

/* List the commands with their summaries (shell_only: those the shell
 * runs). */
void dp_cli_list_commands(FILE *f, bool shell_only);

/* Print "dontpanic <cmd>: <message>" to stderr and free err. */
void dp_cli_error(const char *cmd, struct dp_error *err);

/* Print "dontpanic <cmd>: <printf message>" to stderr. */
void dp_cli_errorf(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Open a dump (several paths = a --split set). On failure print the error
 * and return NULL; the caller exits with DP_EXIT_BAD_DUMP.
 */
struct dp_dump *dp_cli_open_dump(const char *cmd, const char *const *paths,
				 size_t n);

/*
 * Open the dump at paths and a dp_program on it (commands that read kernel
 * memory or symbols). Prints the error and returns an exit code on failure.
 */
int dp_cli_open_program(const char *cmd, const char *const *paths, size_t n,
			struct dp_dump **dump_ret, struct dp_program **ret);

/* What `log` prints besides the text (its -T, -t, -m, -d). */
struct dp_cli_log_opts {
	bool ctime, notime, level, dict;
};

/*
 * Write the kernel log of the dump at paths[0..n) to out, in `log`'s
 * layout: the one producer of that text, for `log` and for `collect
 * --dump-dmesg`. Errors go to stderr as "log: ..."; returns an exit code.
 */
int dp_cli_write_log(FILE *out, const char *const *paths, size_t n,
		     const struct dp_cli_log_opts *opts);

/* Destroy what dp_cli_open_program() made. */
void dp_cli_close_program(struct dp_dump *dump, struct dp_program *prog);

/*
 * Index of the first of the trailing arguments that name existing files
 * (the dump paths), not below min: argv[min..] may hold them, the
 * arguments before min never do. argc when there are none.
 */
int dp_cli_first_dump(int argc, char **argv, int min);

/*
 * The end of a command's option parsing: usage on stdout and DP_EXIT_OK
 * for -h (c == 'h'), on stderr and DP_EXIT_USAGE for anything else (a bad
 * option, a stray operand).
 */
int dp_cli_usage(int c, const char *usage);


/*
 * The kdump service commands (cmd-config.c). The root of /proc, /sys and
 * /etc: opt if given, else $DP_SYSROOT, else "" (this machine).
 */
struct dp_config;
const char *dp_cli_sysroot(const char *opt);

/* Room for the next dump where a local target's capture writes it
 * (status and test). */
struct dp_cli_space {
	const char *why;	/* not checked, and why; else s is set */
	struct dp_dump_space s;
	const char *state;	/* "ok", "warn", "info" */
};
void dp_cli_find_space(const char *root, const struct dp_config *cfg,
		       struct dp_cli_space *sp);
/* The "dump space" line (name column width) and its advice. */
void dp_cli_print_space(const struct dp_cli_space *sp, int width);

/*
 * Load FILE, or the first of ROOT/etc/kdump.conf, ROOT/etc/default/
 * kdump-tools. Prints why on failure and returns an exit code.
 */
int dp_cli_load_config(const char *cmd, const char *root, const char *file,
		       int format, struct dp_config **ret);

/* "ssh user@host", "ext4 UUID=...", "local (...)". */
void dp_cli_print_target(FILE *f, const struct dp_config *c);

/* Every diagnostic of c, one per line, to stderr. */
void dp_cli_print_diags(const struct dp_config *c);

/* setup --crashkernel (setup-crashkernel.c). value NULL: the default. */
int dp_cli_setup_crashkernel(const char *cmd, const char *root,
			     const char *value, bool dry, bool update_grub);

/*
 * The crash's wall-clock time (Unix seconds, 0 unknown) and where it came
 * from: VMCOREINFO CRASHTIME (kdump), the kdump header's copy, else the
 * kernel's own clock at its last tick (timekeeper xtime_sec, xtime_sec
 * from dp_kernel_sysinfo; QEMU dumps). Shared by sys and report.
 */
int64_t dp_cli_crash_time(struct dp_dump *dump, int64_t xtime_sec,
			  const char **source);

#endif /* DP_CLI_H */
