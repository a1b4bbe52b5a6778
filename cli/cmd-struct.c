// SPDX-License-Identifier: MIT
// dontpanic struct: a struct's layout, or its contents at an address
// (crash `struct` layout), from the dump's BTF.
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "typeprint.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: dontpanic struct [-o] [-x] [-k VMLINUX] NAME[.MEMBER[,MEMBER...]] [ADDRESS|SYMBOL] DUMP\n\n"
		   "Without an address, print the definition of struct NAME (-o with\n"
		   "member offsets). With one, print the members' values at that\n"
		   "address (only the listed members, if any).\n\n"
		   "  -o, --offsets       show member offsets (addresses with ADDRESS)\n"
		   "  -x, --hex           integers in hexadecimal\n"
		   "  -k, --vmlinux PATH  vmlinux with DWARF (checked by build-id)\n");
}

static const struct option long_opts[] = {
	{ "offsets", no_argument, NULL, 'o' },
	{ "hex", no_argument, NULL, 'x' },
	{ "vmlinux", required_argument, NULL, 'k' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

// crash's struct NAME means a struct, then a union, then any type.
static struct dp_error *find_type(struct dp_types *types, const char *name,
				  struct dp_type *ret)
{
	static const char *const kinds[] = { "struct", "union" };
	struct dp_error *err;
	for (size_t i = 0; i < 2 && !strchr(name, ' '); i++) {
		char buf[256];
		snprintf(buf, sizeof(buf), "%s %s", kinds[i], name);
		err = dp_types_find(types, buf, ret);
		if (!err)
			return NULL;
		dp_error_destroy(err);
	}
	err = dp_types_find(types, name, ret);
	if (err && err->code == DP_ERR_NOT_FOUND) {
		dp_error_destroy(err);
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "invalid data structure reference: %s",
				       name);
	}
	return err;
}

// Print "  member = value," for each of the comma-separated members.
static struct dp_error *show_members(struct tp *tp, struct dp_type t,
				     char *members, const uint8_t *buf,
				     size_t len)
{
	for (char *save, *m = strtok_r(members, ",", &save); m;
	     m = strtok_r(NULL, ",", &save)) {
		struct dp_member mem;
		struct dp_error *err = dp_type_find_member(t, m, &mem);
		if (err)
			return err;
		fprintf(tp->out, "  %s = ", m);
		tp_member_value(tp, &mem, buf, len, 2);
		fputs(",\n", tp->out);
	}
	return NULL;
}

static struct dp_error *run(struct tp *tp, char *name, const char *where,
			    bool offsets)
{
	struct dp_types *types;
	struct dp_type t;
	uint64_t addr = 0;
	uint8_t *buf;
	size_t len;
	char *members = strchr(name, '.');
	if (members)
		*members++ = '\0';
	struct dp_error *err = dp_program_types(tp->prog, &types);
	if (!err)
		err = find_type(types, name, &t);
	if (!err && where)
		err = tp_address(tp->prog, where, &addr);
	if (err)
		return err;
	if (!where || offsets) {
		tp_definition(tp, t, offsets, where != NULL, addr);
		return NULL;
	}
	err = tp_read(tp, t, addr, &buf, &len);
	if (err)
		return dp_error_prefix(err, "struct %s at 0x%llx", name,
				       (unsigned long long)addr);
	if (members) {
		err = show_members(tp, t, members, buf, len);
	} else {
		char *decl = dp_type_declaration(t, "");
		fprintf(tp->out, "%s ", decl ? decl : name);
		free(decl);
		tp_value(tp, t, buf, len, 0, false);
		fputc('\n', tp->out);
	}
	free(buf);
	return err;
}

int cmd_struct(int argc, char **argv)
{
	const char *vmlinux = NULL;
	bool offsets = false, hex = false;
	int c;
	while ((c = getopt_long(argc, argv, "oxk:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o': offsets = true; break;
		case 'x': hex = true; break;
		case 'k': vmlinux = optarg; break;
		case 'h': usage(stdout); return DP_EXIT_OK;
		default: usage(stderr); return DP_EXIT_USAGE;
		}
	}
	int nargs = argc - optind;
	if (nargs != 2 && nargs != 3) {
		usage(stderr);
		return DP_EXIT_USAGE;
	}
	char *name = strdup(argv[optind]);
	const char *where = nargs == 3 ? argv[optind + 1] : NULL;
	struct dp_dump *dump;
	struct dp_program *prog = name ? tp_open("struct", argv[argc - 1],
						 vmlinux, &dump) : NULL;
	if (!prog) {
		free(name);
		return DP_EXIT_BAD_DUMP;
	}
	struct tp tp = { .prog = prog, .out = stdout, .hex = hex, .radix = hex };
	struct dp_error *err = run(&tp, name, where, offsets);
	int rc = DP_EXIT_OK;
	if (err) {
		dp_cli_error("struct", err);
		rc = DP_EXIT_FAILURE;
	}
	free(name);
	dp_program_destroy(prog);
	dp_dump_destroy(dump);
	return rc;
}
