// SPDX-License-Identifier: MIT
// dontpanic whatis: a type's definition or a global variable's type
// (crash `whatis` layout), from the dump's BTF.
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "typeprint.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: dontpanic whatis [-k VMLINUX] NAME... DUMP\n\n"
		   "Show the definition of a struct/union/enum/typedef (\"task_struct\",\n"
		   "\"struct list_head\", \"atomic_t\") or the type of a global variable.\n"
		   "Types come from the dump's BTF; global variables from BTF (per-CPU),\n"
		   "a built-in table, or the DWARF of a matching vmlinux.\n\n"
		   "  -k, --vmlinux PATH  vmlinux with DWARF (checked by build-id)\n");
}

static const struct option long_opts[] = {
	{ "vmlinux", required_argument, NULL, 'k' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int show_variable(struct tp *tp, const char *name)
{
	struct dp_variable var;
	struct dp_error *err = dp_program_variable(tp->prog, name, &var);
	if (err && err->code == DP_ERR_NOT_FOUND) {
		struct dp_error *serr = dp_program_symbol_address(tp->prog, name,
								  &var.address);
		if (!serr) {
			dp_cli_error("whatis", err);	/* a symbol, no type */
			return DP_EXIT_FAILURE;
		}
		dp_error_destroy(serr);
	}
	if (err) {
		dp_error_destroy(err);
		return -1;
	}
	char *decl = dp_type_declaration(var.type, name);
	fprintf(tp->out, "%s;\n", decl ? decl : "?");
	free(decl);
	return DP_EXIT_OK;
}

int cmd_whatis(int argc, char **argv)
{
	const char *vmlinux = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "k:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'k': vmlinux = optarg; break;
		case 'h': usage(stdout); return DP_EXIT_OK;
		default: usage(stderr); return DP_EXIT_USAGE;
		}
	}
	if (argc - optind < 2) {
		usage(stderr);
		return DP_EXIT_USAGE;
	}
	// "whatis struct list_head DUMP" works unquoted as well.
	char name[256] = "";
	for (int i = optind; i < argc - 1; i++) {
		size_t o = strlen(name);
		snprintf(name + o, sizeof(name) - o, "%s%s", o ? " " : "",
			 argv[i]);
	}
	struct dp_dump *dump;
	struct dp_program *prog = tp_open("whatis", argv[argc - 1], vmlinux,
					  &dump);
	if (!prog)
		return DP_EXIT_BAD_DUMP;
	struct tp tp = { .prog = prog, .out = stdout };
	struct dp_types *types;
	struct dp_type t;
	int rc = show_variable(&tp, name);
	if (rc < 0) {
		struct dp_error *err = dp_program_types(prog, &types);
		if (!err)
			err = dp_types_find(types, name, &t);
		if (err) {
			dp_cli_error("whatis", err);
			rc = DP_EXIT_FAILURE;
		} else {
			tp_definition(&tp, t, false, false, 0);
			rc = DP_EXIT_OK;
		}
	}
	dp_program_destroy(prog);
	dp_dump_destroy(dump);
	return rc;
}
