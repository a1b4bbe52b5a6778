// SPDX-License-Identifier: MIT
// `dontpanic shell DUMP...`: a crash-style prompt. Each line is one of the
// analysis commands without the dump path, which the shell appends; a `|`
// sends the command's output through a shell pipeline (`log | grep oops`).
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define MAX_LINE (1u << 20)	/* longer lines are refused, not cut */
#define MAX_WORDS 256

static const char usage_text[] =
	"usage: dontpanic shell [--vmlinux FILE] DUMP...\n"
	"\n"
	"A crash-style prompt on one dump: type the analysis commands (sys,\n"
	"bt -a, log -T, ps, mod, kmem -i, struct, p, whatis, sym, rd, vtop,\n"
	"report ...) without the dump path; the shell adds it, and --vmlinux\n"
	"FILE for the commands that take it. 'CMD ... | PIPELINE' sends the\n"
	"output through /bin/sh (e.g. 'log | grep -i oops'). Quotes ('' and\n"
	"\"\") group words; '#' starts a comment. 'help' lists the commands,\n"
	"'help CMD' is 'CMD --help'; 'q', 'quit', 'exit' or end of input\n"
	"leave. A blank line separates one command's output from the next.\n"
	"Commands are read from standard input, so a script can be piped in;\n"
	"the prompt is shown only on a terminal. Each command opens the dump\n"
	"again (no state is kept between commands).\n"
	"\n"
	"Exit status: the last command's (0 if none ran), 2 usage.\n";

/*
 * Split line in place into words (quotes group, backslash escapes outside
 * single quotes); stop at an unquoted '|' or '#'. Returns the word count,
 * or -1 with *why set. *pipe_ret is the text after '|', or NULL.
 */
static int split_words(char *line, char **words, char **pipe_ret,
		       const char **why)
{
	char *in = line, *out = line;
	int n = 0;

	*pipe_ret = NULL;
	for (;;) {
		while (*in == ' ' || *in == '\t' || *in == '\n' || *in == '\r')
			in++;
		if (!*in || *in == '#')
			break;
		if (*in == '|') {
			*pipe_ret = in + 1;
			break;
		}
		if (n == MAX_WORDS) {
			*why = "too many words";
			return -1;
		}
		words[n++] = out;
		char quote = 0;
		while (*in) {
			char c = *in;
			if (quote) {
				if (c == quote) {
					quote = 0;
					in++;
					continue;
				}
				if (c == '\\' && quote == '"' && in[1])
					c = *++in;
			} else if (c == '\'' || c == '"') {
				quote = c;
				in++;
				continue;
			} else if (c == '\\' && in[1]) {
				c = *++in;
			} else if (c == ' ' || c == '\t' || c == '\n' ||
				   c == '\r' || c == '|' || c == '#') {
				break;
			}
			*out++ = c;
			in++;
		}
		if (quote) {
			*why = "unterminated quote";
			return -1;
		}
		/* out never passes in, but may equal it: keep the stop
		 * character before the terminator overwrites it. */
		char stop = *in;
		*out++ = '\0';
		if (stop == '|') {
			*pipe_ret = in + 1;
			break;
		}
		if (!stop || stop == '#')
			break;
		in++;
	}
	return n;
}

struct shell {
	const char *vmlinux;
	char **dumps;
	int ndumps;
	int last_rc;
	bool ran;	/* a command ran: the next one is set apart */
};

/* argv for the command: words, then --vmlinux, then the dump paths. */
static int run_words(struct shell *sh, char **words, int n)
{
	char *argv[MAX_WORDS + 8 + 64];
	int argc = 0;

	enum dp_shell_kind kind = dp_cli_shell_kind(words[0]);
	if (kind == DP_SHELL_NO) {
		fprintf(stderr, "dontpanic shell: '%s' is not available inside "
			"the shell; 'help' lists what is\n", words[0]);
		return DP_EXIT_USAGE;
	}
	for (int i = 0; i < n; i++)
		argv[argc++] = words[i];
	if (sh->vmlinux && kind == DP_SHELL_VMLINUX) {
		argv[argc++] = (char *)"--vmlinux";
		argv[argc++] = (char *)sh->vmlinux;
	}
	for (int i = 0; i < sh->ndumps; i++)
		argv[argc++] = sh->dumps[i];
	argv[argc] = NULL;
	optind = 0;	/* glibc: full getopt re-initialisation */
	return dp_cli_run(argc, argv);
}

/* Run with stdout sent into `/bin/sh -c pipeline`. */
static int run_piped(struct shell *sh, char **words, int n,
		     const char *pipeline)
{
	fflush(stdout);
	FILE *p = popen(pipeline, "w");
	if (!p) {
		fprintf(stderr, "dontpanic shell: cannot start '%s': %s\n",
			pipeline, strerror(errno));
		return DP_EXIT_FAILURE;
	}
	int saved = dup(STDOUT_FILENO);
	if (saved < 0 || dup2(fileno(p), STDOUT_FILENO) < 0) {
		fprintf(stderr, "dontpanic shell: %s\n", strerror(errno));
		if (saved >= 0)
			close(saved);
		pclose(p);
		return DP_EXIT_FAILURE;
	}
	int rc = run_words(sh, words, n);
	fflush(stdout);
	clearerr(stdout);	/* EPIPE when the pipeline stops reading */
	dup2(saved, STDOUT_FILENO);
	close(saved);
	pclose(p);
	return rc;
}

static void shell_help(void)
{
	printf("Type a command without the dump path; 'CMD --help' for its "
	       "options.\n'CMD | PIPELINE' pipes the output, 'q' leaves.\n\n");
	dp_cli_list_commands(stdout, true);
}

/* One input line; returns false to leave the shell. */
static bool run_line(struct shell *sh, char *line)
{
	char *words[MAX_WORDS];
	char *pipeline;
	const char *why = NULL;
	int n = split_words(line, words, &pipeline, &why);

	if (n < 0) {
		fprintf(stderr, "dontpanic shell: %s\n", why);
		sh->last_rc = DP_EXIT_USAGE;
		return true;
	}
	if (n == 0) {
		if (pipeline) {
			fprintf(stderr, "dontpanic shell: no command before "
				"'|'\n");
			sh->last_rc = DP_EXIT_USAGE;
		}
		return true;
	}
	if (!strcmp(words[0], "q") || !strcmp(words[0], "quit") ||
	    !strcmp(words[0], "exit"))
		return false;
	if ((!strcmp(words[0], "help") || !strcmp(words[0], "?")) && n == 1) {
		shell_help();
		return true;
	}
	if (!strcmp(words[0], "help")) {	/* help CMD = CMD --help */
		words[0] = words[1];
		words[1] = (char *)"--help";
		n = 2;
	}
	/* A blank line between one command's output and the next, so a
	 * script's outputs (and a terminal's) stay apart. */
	if (sh->ran)
		putchar('\n');
	sh->ran = true;
	sh->last_rc = pipeline && pipeline[strspn(pipeline, " \t\r\n")] ?
		      run_piped(sh, words, n, pipeline) :
		      run_words(sh, words, n);
	fflush(stdout);
	return true;
}

static int parse_args(int argc, char **argv, struct shell *sh)
{
	static const struct option opts[] = {
		{ "vmlinux", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			sh->vmlinux = optarg;
			break;
		default:	/* -h, or a bad option */
			return dp_cli_usage(c, usage_text);
		}
	}
	if (optind >= argc || argc - optind > 64) {
		dp_cli_errorf(argv[0], argc - optind > 64 ? "too many dump "
			      "files" : "no dump file given");
		return dp_cli_usage('?', usage_text);
	}
	sh->dumps = argv + optind;
	sh->ndumps = argc - optind;
	return -1;
}

int cmd_shell(int argc, char **argv)
{
	struct shell sh = { 0 };
	int rc = parse_args(argc, argv, &sh);
	if (rc >= 0)
		return rc;
	/* Check the dump once up front, so a typo fails here, not at every
	 * command. */
	struct dp_dump *dump = dp_cli_open_dump(argv[0],
		(const char *const *)sh.dumps, (size_t)sh.ndumps);
	if (!dump)
		return DP_EXIT_BAD_DUMP;
	dp_dump_destroy(dump);
	/* A pipeline that exits early (| head) must not kill the shell. */
	signal(SIGPIPE, SIG_IGN);
	bool tty = isatty(STDIN_FILENO);
	char *line = NULL;
	size_t cap = 0;
	for (;;) {
		if (tty) {
			fputs("dontpanic> ", stdout);
			fflush(stdout);
		}
		ssize_t len = getline(&line, &cap, stdin);
		if (len < 0)
			break;
		if ((size_t)len > MAX_LINE || strlen(line) != (size_t)len) {
			fprintf(stderr, "dontpanic shell: line too long or "
				"contains a NUL byte; ignored\n");
			sh.last_rc = DP_EXIT_USAGE;
			continue;
		}
		if (!run_line(&sh, line))
			break;
	}
	free(line);
	if (tty)
		putchar('\n');
	return sh.last_rc;
}
