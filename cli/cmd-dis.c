// SPDX-License-Identifier: MIT
// dontpanic dis: disassemble kernel text from the dump, in the layout of
// crash's dis (gdb's: "0xADDR <sym+off>:\tmnemonic operands").
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/disasm.h>

#include "cli.h"
#include "core/parse.h"

#define MAX_FUNC_BYTES (256u << 10)	/* a "function" longer is cut */
#define MAX_COUNT 100000u

static const char usage_text[] =
	"usage: dontpanic dis [-r|-f] [-b] [--json] SYMBOL|ADDR [COUNT] DUMP...\n"
	"\n"
	"Disassemble kernel code (x86_64, AT&T syntax) as it is in the dump's\n"
	"memory: after boot-time patching (alternatives, static keys, ftrace\n"
	"NOPs), which a disassembly of the vmlinux file does not show. Symbols\n"
	"come from the dump's kallsyms (vmlinux and modules).\n"
	"\n"
	"A SYMBOL disassembles the whole function (to the next symbol). An ADDR\n"
	"(hex) disassembles COUNT instructions (default 1) from there.\n"
	"Call and jump targets and %rip-relative operands are named.\n"
	"\n"
	"  -r, --reverse  from the start of ADDR's function up to ADDR\n"
	"  -f, --forward  from ADDR to the end of its function\n"
	"  -b, --bytes    show the instruction bytes\n"
	"      --json     one object per instruction\n"
	"  -h, --help     show this help\n"
	"\n"
	"The trailing arguments that name existing files are the dump file(s).\n";

struct dis_opts {
	bool reverse, forward, bytes, json;
	const char *what;	/* SYMBOL or ADDR */
	uint64_t count;		/* 0: not given */
	int first_dump;
};

struct dis_ctx {
	struct dp_program *prog;
	struct dp_disasm *d;
	const struct dis_opts *o;
	struct dp_json json;	/* --json: the array of instructions */
};

static int parse(int argc, char **argv, struct dis_opts *o)
{
	static const struct option opts[] = {
		{ "reverse", no_argument, NULL, 'r' },
		{ "forward", no_argument, NULL, 'f' },
		{ "bytes", no_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;
	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "rfbh", opts, NULL)) != -1) {
		switch (c) {
		case 'r': o->reverse = true; break;
		case 'f': o->forward = true; break;
		case 'b': o->bytes = true; break;
		case 'j': o->json = true; break;
		default:	/* -h, or a bad option */
			return dp_cli_usage(c, usage_text);
		}
	}
	o->first_dump = dp_cli_first_dump(argc, argv, optind + 1);
	int nargs = o->first_dump - optind;
	char *end;
	if (o->first_dump == argc || nargs < 1 || nargs > 2 ||
	    (o->reverse && o->forward)) {
		dp_cli_errorf("dis", o->reverse && o->forward ?
			      "-r and -f exclude each other" :
			      "need SYMBOL or ADDR, an optional COUNT, and a "
			      "dump file");
		return dp_cli_usage('?', usage_text);
	}
	o->what = argv[optind];
	if (nargs == 2) {
		o->count = strtoull(argv[optind + 1], &end, 10);
		if (*end || !o->count || o->count > MAX_COUNT) {
			dp_cli_errorf("dis", "COUNT '%s' is not a number in "
				      "1..%u", argv[optind + 1], MAX_COUNT);
			return DP_EXIT_USAGE;
		}
	}
	return -1;
}

/* A data reference far past its preceding symbol is most likely an
 * anonymous object (a string in .rodata): name it only when near. */
#define MAX_DATA_OFF 0x10000

static void print_sym_max(struct dp_program *prog, uint64_t addr,
			  uint64_t max_off)
{
	struct dp_symbol s;
	uint64_t off;
	struct dp_error *err = dp_program_symbolize(prog, addr, &s, &off);
	if (err || off > max_off) {
		dp_error_destroy(err);
		return;
	}
	printf(" <%s", s.name);
	if (off)
		printf("+%" PRIu64, off);
	putchar('>');
}

static void print_sym(struct dp_program *prog, uint64_t addr)
{
	print_sym_max(prog, addr, UINT64_MAX);
}

static bool has_sym(struct dp_program *prog, uint64_t addr)
{
	struct dp_symbol s;
	uint64_t off;
	struct dp_error *err = dp_program_symbolize(prog, addr, &s, &off);
	dp_error_destroy(err);
	return !err && off <= MAX_DATA_OFF;
}

static void print_text(struct dis_ctx *c, const struct dp_insn *in)
{
	printf("0x%" PRIx64, in->address);
	print_sym(c->prog, in->address);
	putchar(':');
	if (c->o->bytes) {
		putchar('\t');
		for (unsigned i = 0; i < 11; i++)
			printf(i < in->size ? "%02x " : "   ", in->bytes[i]);
	}
	if (in->operands[0])
		printf("\t%-6s %s", in->mnemonic, in->operands);
	else
		printf("\t%s", in->mnemonic);
	if (in->kind == DP_INSN_BRANCH) {
		print_sym(c->prog, in->target);
	} else if (in->kind == DP_INSN_RIP_REL ||
		   (in->kind == DP_INSN_IMM_ADDR && has_sym(c->prog,
							    in->target))) {
		printf("        # 0x%" PRIx64, in->target);
		print_sym_max(c->prog, in->target, MAX_DATA_OFF);
	}
	putchar('\n');
}

static void print_json(struct dis_ctx *c, const struct dp_insn *in)
{
	struct dp_json *j = &c->json;
	struct dp_symbol s;
	uint64_t off = 0;
	char hex[2 * sizeof(in->bytes) + 1] = "";
	struct dp_error *err = dp_program_symbolize(c->prog, in->address, &s,
						    &off);
	for (unsigned i = 0; i < in->size && i < sizeof(in->bytes); i++)
		snprintf(hex + 2 * i, 3, "%02x", in->bytes[i]);
	dp_json_object(j, &dp_json_inline);
	dp_json_khex(j, "address", in->address);
	dp_json_kstr(j, "symbol", err ? "" : s.name);
	dp_error_destroy(err);
	dp_json_ku64(j, "offset", off);
	dp_json_kstr(j, "bytes", hex);
	dp_json_kstr(j, "mnemonic", in->mnemonic);
	dp_json_kstr(j, "operands", in->operands);
	if (in->kind != DP_INSN_NO_TARGET)
		dp_json_khex(j, "target", in->target);
	dp_json_end(j);
}

/* Disassemble [start, end), at most max instructions. */
static int run(struct dis_ctx *c, uint64_t start, uint64_t end, uint64_t max)
{
	struct dp_insn in;
	uint64_t n = 0;
	for (uint64_t pc = start; pc < end && n < max; n++) {
		struct dp_error *err = dp_disasm_one(c->d, pc, &in);
		if (err) {
			fflush(stdout);
			dp_cli_error("dis", err);
			return DP_EXIT_FAILURE;
		}
		if (c->o->json)
			print_json(c, &in);
		else
			print_text(c, &in);
		pc += in.size;
	}
	return DP_EXIT_OK;
}

/* Resolve SYMBOL|ADDR to [start, end) and an instruction budget. */
static int resolve(struct dis_ctx *c, uint64_t *start, uint64_t *end,
		   uint64_t *max)
{
	const struct dis_opts *o = c->o;
	struct dp_symbol s;
	uint64_t addr, off = 0;
	bool by_name = false;
	struct dp_error *err = dp_program_symbol_address(c->prog, o->what,
							 &addr);
	if (!err) {
		by_name = true;
	} else if (err->code == DP_ERR_NOT_FOUND &&
		   dp_parse_u64(o->what, 16, &addr)) {
		dp_error_destroy(err);
	} else {
		dp_cli_error("dis", err);
		return DP_EXIT_FAILURE;
	}
	err = dp_program_symbolize(c->prog, addr, &s, &off);
	bool have_func = !err && s.size;
	dp_error_destroy(err);
	uint64_t fstart = addr - off, fsize = have_func ? s.size : 0;
	if (fsize > MAX_FUNC_BYTES)
		fsize = MAX_FUNC_BYTES;
	if ((o->reverse || o->forward || (by_name && !o->count)) && !have_func) {
		dp_cli_errorf("dis", "0x%" PRIx64 " is not in a known function",
			      addr);
		return DP_EXIT_FAILURE;
	}
	*start = addr;
	*end = UINT64_MAX;
	*max = o->count ? o->count : 1;
	if (o->reverse) {
		/* Decode from the function start: x86 cannot go backwards. */
		*start = fstart;
		*end = addr + 1;
		*max = MAX_COUNT;
	} else if (o->forward || (by_name && !o->count)) {
		*end = fstart + fsize;
		*max = MAX_COUNT;
	}
	return -1;
}

int cmd_dis(int argc, char **argv)
{
	struct dis_opts o;
	int rc = parse(argc, argv, &o);
	if (rc >= 0)
		return rc;
	struct dp_dump *dump;
	static const struct dp_json_layout list = DP_JSON_LINES_OPEN("  ", "");
	struct dis_ctx c = { .o = &o };
	dp_json_init(&c.json, stdout);
	rc = dp_cli_open_program("dis", (const char *const *)argv + o.first_dump,
				 (size_t)(argc - o.first_dump), &dump, &c.prog);
	if (rc)
		return rc;
	struct dp_error *err = dp_disasm_create(c.prog, &c.d);
	if (err) {
		dp_cli_error("dis", err);
		dp_cli_close_program(dump, c.prog);
		return DP_EXIT_FAILURE;
	}
	uint64_t start, end, max;
	rc = resolve(&c, &start, &end, &max);
	if (rc < 0) {
		if (o.json)
			dp_json_array(&c.json, &list);
		rc = run(&c, start, end, max);
		if (o.json) {
			dp_json_end(&c.json);
			putchar('\n');
		}
	}
	dp_disasm_destroy(c.d);
	dp_cli_close_program(dump, c.prog);
	return rc;
}
