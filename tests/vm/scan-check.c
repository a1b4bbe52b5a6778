// SPDX-License-Identifier: MIT
// Test tool: run the no-VMCOREINFO scanners (lib/debuginfo/kallsyms-scan.c)
// over the kernel image of a dump and print what they find, one KEY=hex
// line each, so test-novmci.sh can compare them with what the dump's own
// VMCOREINFO and kallsyms say:
//   SYMBOL(kallsyms_offsets) ... SYMBOL(kallsyms_token_index)
//   BTF_START BTF_END   (the header scan)
// The image is _text.._end from kallsyms.
// usage: scan-check DUMP
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <dontpanic/dump.h>
#include <dontpanic/program.h>

#include "debuginfo/kallsyms.h"

static int die(const char *what, struct dp_error *err)
{
	fprintf(stderr, "scan-check: %s: %s\n", what, err->message);
	return 1;
}

int main(int argc, char **argv)
{
	struct dp_dump *dump;
	struct dp_program *prog;
	struct dp_error *err;
	uint64_t text, end;
	if (argc != 2) {
		fprintf(stderr, "usage: scan-check DUMP\n");
		return 2;
	}
	const char *path = argv[1];
	if ((err = dp_dump_open(&path, 1, &dump)))
		return die("open", err);
	if ((err = dp_program_create(dump, NULL, &prog)))
		return die("program", err);
	if ((err = dp_program_symbol_address(prog, "_text", &text)) ||
	    (err = dp_program_symbol_address(prog, "_end", &end)))
		return die("kallsyms", err);
	size_t len = (size_t)(end - text);
	uint8_t *img = calloc(1, len);
	if (!img)
		return 1;
	for (size_t off = 0; off < len; off += 4096) {
		size_t n = len - off < 4096 ? len - off : 4096;
		dp_error_destroy(dp_program_read(prog, text + off, img + off, n));
	}
	struct dp_kallsyms_tables t;
	struct dp_kallsyms_found f;
	if ((err = dp_kallsyms_scan(img, len, text, &t, &f)))
		return die("kallsyms scan", err);
	printf("SYMBOL(kallsyms_offsets)=%" PRIx64 "\n", f.offsets);
	printf("SYMBOL(kallsyms_relative_base)=%" PRIx64 "\n", f.relative_base);
	printf("SYMBOL(kallsyms_num_syms)=%" PRIx64 "\n", f.num_syms);
	printf("SYMBOL(kallsyms_names)=%" PRIx64 "\n", f.names);
	printf("SYMBOL(kallsyms_token_table)=%" PRIx64 "\n", f.token_table);
	printf("SYMBOL(kallsyms_token_index)=%" PRIx64 "\n", f.token_index);
	printf("NUM_SYMS=%" PRIu32 "\n", t.num_syms);
	size_t boff, bsize;
	if (dp_btf_scan(img, len, &boff, &bsize)) {
		printf("BTF_START=%" PRIx64 "\n", text + boff);
		printf("BTF_END=%" PRIx64 "\n", text + boff + bsize);
	}
	free(img);
	dp_program_destroy(prog);
	dp_dump_destroy(dump);
	return 0;
}
