/* SPDX-License-Identifier: MIT */
/* A dump opened for kernel analysis: dump + program + kernel model. */
#ifndef DP_CLI_SESSION_H
#define DP_CLI_SESSION_H

#include <stdio.h>

#include <dontpanic/kernel.h>

struct dp_session {
	struct dp_dump *dump;
	struct dp_program *prog;
	struct dp_kernel *k;
};

/* Open paths[0..n) (a dump or a split set). Prints errors; returns an
 * exit code (DP_EXIT_OK on success). */
int dp_session_open(const char *cmd, char *const *paths, size_t n,
		    const char *vmlinux, struct dp_session *s);

void dp_session_close(struct dp_session *s);

/* The options every kernel command (sys, ps, mod, kmem) shares. */
struct dp_kcmd_opts {
	bool json;		/* --json */
	bool flag;		/* the command's own letter (-t, -S, -i) */
	const char *vmlinux;	/* --vmlinux FILE, or NULL */
	int first_path;		/* argv index of the first dump path */
};

/*
 * Parse --json, --vmlinux FILE, --help and the single-letter flag (0 for
 * none). Returns -1 to go on, else the exit code to return: 0 after
 * printing usage for --help, DP_EXIT_USAGE after a bad option.
 */
int dp_kcmd_parse(int argc, char **argv, char flag, const char *usage,
		  struct dp_kcmd_opts *ret);

/*
 * dp_kcmd_parse(), then dp_session_open() on the dump paths: -1 with s
 * open to go on, else the exit code to return (s closed).
 */
int dp_kcmd_open(int argc, char **argv, char flag, const char *usage,
		 struct dp_kcmd_opts *o, struct dp_session *s);

/* After dp_kernel_tasks(): warn on stderr when the list is incomplete. */
void dp_session_task_warning(const char *cmd, struct dp_session *s);

/* A symbolized address. */
struct dp_cli_sym {
	char name[128];
	uint64_t offset;
	char module[64];	/* "" for vmlinux */
};

/* Symbolize addr: the program's symbols, then the module's own kallsyms. */
bool dp_session_symbolize(struct dp_session *s, uint64_t addr,
			  struct dp_cli_sym *ret);

/* The function a frame is in: a return address is looked up at ip - 1. */
struct dp_frame;
bool dp_session_symbolize_frame(struct dp_session *s,
				const struct dp_frame *f, struct dp_cli_sym *ret);

/* Print "sym+off" (or "sym" when off is 0) for addr, or the hex address;
 * module symbols get " [module]" when with_module. */
void dp_print_symbol(FILE *f, struct dp_session *s, uint64_t addr,
		     bool with_offset, bool with_module);

/* crash's register block (RIP/RSP/RFLAGS ... ORIG_RAX CS SS). */
void dp_print_regs(FILE *f, const struct dp_regs_x86_64 *r, const char *indent);

/*
 * Parse a decimal or hex number: hex with 0x, or 9 or more hex digits with
 * a letter among them (a task address as crash prints it); the digits go
 * through dp_parse_u64() (core/parse.h).
 */
bool dp_parse_number(const char *s, uint64_t *ret);

#endif /* DP_CLI_SESSION_H */
