// SPDX-License-Identifier: MIT
// Test tool: print the layout of structs as the dump's BTF gives it, one
// line per member, recursing into nested structs/unions (not through
// pointers or arrays):
//   SIZE <struct> <bytes>
//   <struct>.<path> <bit offset> <bitfield bits> <bytes>
// Anonymous members appear as "<anon>" path components. The same lines
// come from DWARF via dwarf-layout.py, and test-btf.sh compares them.
// With --line VMLINUX, print "SYMBOL FILE:LINE" for each symbol instead
// (source lines from the vmlinux DWARF at the symbol's dump address).
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <dontpanic/dump.h>
#include <dontpanic/program.h>
#include <dontpanic/types.h>

static void walk(struct dp_type t, const char *prefix, uint64_t base,
		 int depth)
{
	size_t n = dp_type_num_members(t);
	for (size_t i = 0; i < n && depth < 16; i++) {
		struct dp_member m;
		char path[1024];
		uint64_t size = 0;
		dp_type_member(t, i, &m);
		snprintf(path, sizeof(path), "%s.%s", prefix,
			 m.name[0] ? m.name : "<anon>");
		struct dp_error *err = dp_type_size(m.type, &size);
		dp_error_destroy(err);
		printf("%s %" PRIu64 " %u %" PRIu64 "\n", path,
		       base + m.bit_offset, m.bit_size, size);
		enum dp_type_kind k = dp_type_kind(dp_type_resolve(m.type));
		if (k == DP_TYPE_STRUCT || k == DP_TYPE_UNION)
			walk(m.type, path, base + m.bit_offset, depth + 1);
	}
}

int main(int argc, char **argv)
{
	struct dp_dump *dump;
	struct dp_program *prog;
	struct dp_types *types;
	struct dp_error *err;
	if (argc < 3) {
		fprintf(stderr, "usage: btf-layout DUMP STRUCT...\n"
				"       btf-layout --line VMLINUX DUMP SYMBOL...\n");
		return 2;
	}
	bool line_mode = !strcmp(argv[1], "--line") && argc > 3;
	struct dp_program_opts opts = { .vmlinux = line_mode ? argv[2] : NULL };
	const char *paths[] = { argv[line_mode ? 3 : 1] };
	if ((err = dp_dump_open(paths, 1, &dump)) ||
	    (err = dp_program_create(dump, &opts, &prog)) ||
	    (err = dp_program_types(prog, &types))) {
		fprintf(stderr, "btf-layout: %s\n", err->message);
		return 1;
	}
	if (line_mode) {
		for (int i = 4; i < argc; i++) {
			uint64_t addr;
			const char *file;
			int line;
			if ((err = dp_program_symbol_address(prog, argv[i], &addr)) ||
			    (err = dp_program_source_line(prog, addr, &file,
							  &line))) {
				fprintf(stderr, "btf-layout: %s\n", err->message);
				return 1;
			}
			printf("%s %s:%d\n", argv[i], file, line);
		}
		dp_program_destroy(prog);
		dp_dump_destroy(dump);
		return 0;
	}
	for (int i = 2; i < argc; i++) {
		char spelling[256];
		struct dp_type t;
		uint64_t size;
		snprintf(spelling, sizeof(spelling), "struct %s", argv[i]);
		if ((err = dp_types_find(types, spelling, &t)) ||
		    (err = dp_type_size(t, &size))) {
			fprintf(stderr, "btf-layout: %s\n", err->message);
			return 1;
		}
		printf("SIZE %s %" PRIu64 "\n", argv[i], size);
		walk(t, argv[i], 0, 0);
	}
	dp_program_destroy(prog);
	dp_dump_destroy(dump);
	return 0;
}
