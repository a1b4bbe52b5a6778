// SPDX-License-Identifier: MIT
// dontpanic sym: symbols from the dump's own kallsyms, in crash's sym
// layout ("ffffffffb68a8a06 (T) sysrq_handle_crash+22").
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "core/parse.h"

static const char usage_text[] =
	"usage: dontpanic sym [-l] [NAME|ADDR]... DUMP...\n"
	"\n"
	"Look up symbols in the kallsyms tables decoded from the dump (no\n"
	"vmlinux needed). NAME prints every symbol of that name with its\n"
	"address and nm type; ADDR (hex) prints the symbol containing it and\n"
	"the offset. An argument that is a known symbol name is a NAME, else\n"
	"a hex number is an ADDR. The trailing arguments that name existing\n"
	"files are the dump file(s).\n"
	"\n"
	"  -l, --list    list every symbol: vmlinux in address order, then\n"
	"                each module between MODULE START/END lines (crash)\n"
	"  -V, --no-modules  with -l, vmlinux symbols only\n"
	"  -h, --help    show this help\n"
	"\n"
	"Per-CPU symbols are listed with kallsyms' type 'A' and their offset\n"
	"in the per-CPU area (crash shows the vmlinux nm type instead).\n"
	"Module symbols (struct module offsets from the dump's BTF) have\n"
	"/proc/kallsyms types: upper case when exported.\n";

static struct dp_error *print_sym(const struct dp_symbol *s, void *arg)
{
	printf("%" PRIx64 " (%c) %s", s->address, s->type, s->name);
	if (s->module && !arg)
		printf(" [%s]", s->module);
	putchar('\n');
	return NULL;
}

// After vmlinux: each module between crash's MODULE START/END lines.
static int list_modules(struct dp_program *prog)
{
	size_t n;
	struct dp_error *err = dp_program_num_modules(prog, &n);
	if (err) {
		fflush(stdout);
		dp_cli_error("sym", err);
		return DP_EXIT_FAILURE;
	}
	for (size_t i = 0; i < n; i++) {
		struct dp_symbol_module m;
		struct dp_symbol s;
		dp_program_module(prog, i, &m);
		printf("%" PRIx64 " MODULE START: %s\n", m.base, m.name);
		for (size_t j = 0; j < m.nsyms; j++) {
			dp_program_module_symbol(prog, i, j, &s);
			print_sym(&s, "no module suffix");
		}
		printf("%" PRIx64 " MODULE END: %s\n", m.base + m.size, m.name);
	}
	return DP_EXIT_OK;
}

static int lookup(struct dp_program *prog, const char *arg)
{
	struct dp_error *err = dp_program_for_each_symbol(prog, arg, print_sym,
							  NULL);
	if (!err)
		return DP_EXIT_OK;
	uint64_t addr, off;
	if (err->code != DP_ERR_NOT_FOUND || !dp_parse_u64(arg, 16, &addr)) {
		dp_cli_error("sym", err);
		return DP_EXIT_FAILURE;
	}
	dp_error_destroy(err);
	struct dp_symbol s;
	err = dp_program_symbolize(prog, addr, &s, &off);
	if (err && err->code == DP_ERR_NOT_FOUND) {
		dp_error_destroy(err);
		dp_cli_errorf("sym", "invalid address: %" PRIx64, addr);
		return DP_EXIT_FAILURE;
	}
	if (err) {
		dp_cli_error("sym", err);
		return DP_EXIT_FAILURE;
	}
	printf("%" PRIx64 " (%c) %s", addr, s.type, s.name);
	if (off)
		printf("+%" PRIu64, off);
	if (s.module)
		printf(" [%s]", s.module);
	putchar('\n');
	return DP_EXIT_OK;
}

int cmd_sym(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "no-modules", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool list = false, no_modules = false;
	int c;
	while ((c = getopt_long(argc, argv, "lVh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			list = true;
			break;
		case 'V':
			no_modules = true;
			break;
		default:	/* -h, or a bad option */
			return dp_cli_usage(c, usage_text);
		}
	}
	int first_dump = dp_cli_first_dump(argc, argv, optind);
	if (first_dump == argc || (!list && first_dump == optind)) {
		dp_cli_errorf("sym", "need a symbol, an address or -l, and a "
			      "dump file");
		return dp_cli_usage('?', usage_text);
	}
	struct dp_dump *dump;
	struct dp_program *prog;
	int rc = dp_cli_open_program("sym", (const char *const *)argv + first_dump,
				     (size_t)(argc - first_dump), &dump, &prog);
	if (rc)
		return rc;
	if (list) {
		struct dp_error *err =
			dp_program_for_each_symbol(prog, NULL, print_sym, NULL);
		if (err) {
			fflush(stdout);
			dp_cli_error("sym", err);
			rc = DP_EXIT_FAILURE;
		} else if (!no_modules) {
			rc = list_modules(prog);
		}
	}
	for (int i = optind; i < first_dump; i++) {
		fflush(stdout);
		int r = lookup(prog, argv[i]);
		if (r)
			rc = r;
	}
	dp_cli_close_program(dump, prog);
	return rc;
}
