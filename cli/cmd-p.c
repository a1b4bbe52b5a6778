// SPDX-License-Identifier: MIT
// dontpanic p: print a kernel variable or a member path of it
// ("jiffies", "init_uts_ns.name", "init_task.comm[0]", "prb->desc_ring",
// "runqueues:1"), in crash's `p` layout. Invoked as "p/x" it prints hex.
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "typeprint.h"

#define MAX_STEPS 64

static void usage(FILE *f)
{
	fprintf(f, "usage: dontpanic p [-x|-d] [-k VMLINUX] EXPRESSION DUMP\n"
		   "       dontpanic p/x EXPRESSION DUMP\n\n"
		   "EXPRESSION is a global variable with optional member and index\n"
		   "steps: jiffies, init_uts_ns.name, init_task.comm[0],\n"
		   "prb->desc_ring, *prb. A per-CPU variable prints its per-CPU\n"
		   "addresses; NAME:CPU prints that CPU's instance, NAME:a every CPU's.\n\n"
		   "  -x, --hex           integers in hexadecimal (like p/x)\n"
		   "  -d, --dec           integers in decimal (default)\n"
		   "  -k, --vmlinux PATH  vmlinux with DWARF (checked by build-id)\n");
}

static const struct option long_opts[] = {
	{ "hex", no_argument, NULL, 'x' },
	{ "dec", no_argument, NULL, 'd' },
	{ "vmlinux", required_argument, NULL, 'k' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Where the expression has got to: an object of type t at addr. */
struct place {
	struct dp_type t;
	uint64_t addr;
	struct dp_member bitfield;	/* bit_size != 0: a bitfield member */
};

static size_t ident_len(const char *p)
{
	size_t n = 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_')
		n++;
	return n;
}

static struct dp_error *deref(struct tp *tp, struct place *pl)
{
	uint64_t v;
	if (dp_type_kind(dp_type_resolve(pl->t)) != DP_TYPE_PTR)
		return dp_error_create(DP_ERR_INVALID,
				       "attempt to take contents of a non-pointer value");
	struct dp_error *err = dp_program_read_u64(tp->prog, pl->addr, &v);
	if (err)
		return err;
	pl->t = dp_type_target(dp_type_resolve(pl->t));
	pl->addr = v;
	return NULL;
}

static struct dp_error *step_member(struct tp *tp, struct place *pl,
				    const char *name, size_t len)
{
	char buf[128];
	struct dp_member m;
	// gdb lets '.' reach through a pointer as well as '->'.
	if (dp_type_kind(dp_type_resolve(pl->t)) == DP_TYPE_PTR) {
		struct dp_error *err = deref(tp, pl);
		if (err)
			return err;
	}
	if (len >= sizeof(buf))
		return dp_error_create(DP_ERR_INVALID, "member name too long");
	memcpy(buf, name, len);
	buf[len] = '\0';
	struct dp_error *err = dp_type_find_member(pl->t, buf, &m);
	if (err)
		return err;
	pl->addr += m.bit_offset / 8;
	m.bit_offset %= 8;
	pl->t = m.type;
	pl->bitfield = m;
	return NULL;
}

static struct dp_error *step_index(struct tp *tp, struct place *pl,
				   uint64_t idx)
{
	struct dp_type r = dp_type_resolve(pl->t);
	uint64_t esize;
	struct dp_error *err;
	if (dp_type_kind(r) == DP_TYPE_PTR) {
		err = deref(tp, pl);
		if (err)
			return err;
	} else if (dp_type_kind(r) == DP_TYPE_ARRAY) {
		uint32_t n = dp_type_array_length(r);
		if (n && idx >= n)
			return dp_error_create(DP_ERR_INVALID,
					       "index %" PRIu64 " out of bounds (%u elements)",
					       idx, n);
		pl->t = dp_type_target(r);
	} else {
		return dp_error_create(DP_ERR_INVALID,
				       "cannot subscript something that is not an array or pointer");
	}
	err = dp_type_size(pl->t, &esize);
	if (err)
		return err;
	pl->addr += idx * esize;
	return NULL;
}

// Walk ".m", "->m" and "[N]" steps from p.
static struct dp_error *walk(struct tp *tp, struct place *pl, const char *p)
{
	for (int n = 0; *p; n++) {
		struct dp_error *err;
		if (n == MAX_STEPS || pl->bitfield.bit_size)
			return dp_error_create(DP_ERR_INVALID,
					       "cannot go further at '%s'", p);
		if (*p == '.' || !strncmp(p, "->", 2)) {
			p += *p == '.' ? 1 : 2;
			size_t len = ident_len(p);
			if (!len)
				return dp_error_create(DP_ERR_INVALID,
						       "member name expected at '%s'", p);
			err = step_member(tp, pl, p, len);
			p += len;
		} else if (*p == '[') {
			char *end;
			uint64_t idx = strtoull(p + 1, &end, 0);
			if (end == p + 1 || *end != ']')
				return dp_error_create(DP_ERR_INVALID,
						       "bad index at '%s'", p);
			err = step_index(tp, pl, idx);
			p = end + 1;
		} else {
			return dp_error_create(DP_ERR_INVALID,
					       "unexpected '%s'", p);
		}
		if (err)
			return err;
	}
	return NULL;
}

static uint32_t num_cpus(struct tp *tp)
{
	uint32_t n = 0;
	uint64_t addr;
	struct dp_error *err = dp_program_symbol_address(tp->prog, "nr_cpu_ids",
							 &addr);
	if (!err)
		err = dp_program_read(tp->prog, addr, &n, sizeof(n));
	dp_error_destroy(err);
	return n < 8192 ? n : 8192;
}

static void show_percpu(struct tp *tp, const struct dp_variable *var)
{
	uint32_t ncpus = num_cpus(tp);
	uint64_t addr;
	char *decl = dp_type_declaration(var->type, var->name);
	fprintf(tp->out, "PER-CPU DATA TYPE:\n  %s;\nPER-CPU ADDRESSES:\n",
		decl ? decl : "?");
	free(decl);
	for (uint32_t cpu = 0; cpu < ncpus; cpu++) {
		struct dp_error *err = dp_program_percpu_address(tp->prog,
			var->address, cpu, &addr);
		if (err) {
			dp_error_destroy(err);
			break;
		}
		fprintf(tp->out, "  [%u]: %" PRIx64 "\n", cpu, addr);
	}
}

// Print the value at pl. Flexible char arrays (linux_banner) as strings.
static struct dp_error *show(struct tp *tp, struct place *pl,
			     const char *prefix)
{
	uint8_t *buf;
	size_t len;
	struct dp_type r = dp_type_resolve(pl->t);
	if (dp_type_kind(r) == DP_TYPE_ARRAY && !dp_type_array_length(r) &&
	    dp_type_is_char(dp_type_target(r))) {
		char s[4096];
		struct dp_error *err = dp_program_read_string(tp->prog,
							      pl->addr, s,
							      sizeof(s));
		if (err)
			return err;
		fprintf(tp->out, "%s\"", prefix);
		for (char *c = s; *c; c++) {
			if (*c == '\n')
				fputs("\\n", tp->out);
			else if (*c == '"' || *c == '\\')
				fprintf(tp->out, "\\%c", *c);
			else
				fputc(*c, tp->out);
		}
		fputs("\"\n", tp->out);
		return NULL;
	}
	if (dp_type_kind(r) == DP_TYPE_ARRAY && !dp_type_array_length(r)) {
		// gdb shows an array of unknown size by its address.
		struct dp_symbol sym;
		uint64_t off;
		fprintf(tp->out, "%s0x%" PRIx64, prefix, pl->addr);
		struct dp_error *err = dp_program_symbolize(tp->prog, pl->addr,
							    &sym, &off);
		if (!err && off)
			fprintf(tp->out, " <%s+%" PRIu64 ">", sym.name, off);
		else if (!err)
			fprintf(tp->out, " <%s>", sym.name);
		dp_error_destroy(err);
		fputc('\n', tp->out);
		return NULL;
	}
	if (pl->bitfield.bit_size) {
		size_t nb = (pl->bitfield.bit_offset + pl->bitfield.bit_size + 7) / 8;
		uint8_t b[16] = { 0 };
		struct dp_error *err = dp_program_read(tp->prog, pl->addr, b, nb);
		if (err)
			return err;
		fputs(prefix, tp->out);
		tp_member_value(tp, &pl->bitfield, b, nb, 0);
		fputc('\n', tp->out);
		return NULL;
	}
	struct dp_error *err = tp_read(tp, pl->t, pl->addr, &buf, &len);
	if (err)
		return err;
	fputs(prefix, tp->out);
	tp_value(tp, pl->t, buf, len, 0, true);
	fputc('\n', tp->out);
	free(buf);
	return NULL;
}

/*
 * Evaluate the steps after the variable (p) from pl and print the value
 * as crash does: "NAME = $n = " for a bare variable, "per_cpu(NAME, cpu)
 * = $n = " for a bare per-CPU instance, "$n = " otherwise.
 */
static struct dp_error *print_at(struct tp *tp, struct place *pl,
				 const char *expr, const char *name,
				 const char *p, bool star, bool fmt, int cpu,
				 int n)
{
	bool bare = !*p && !star && !fmt;
	struct dp_error *err = walk(tp, pl, p);
	if (!err && star)
		err = deref(tp, pl);
	if (err)
		return dp_error_prefix(err, "%s", expr);
	char prefix[200];
	if (bare && cpu >= 0)
		snprintf(prefix, sizeof(prefix), "per_cpu(%s, %d) = $%d = ", name,
			 cpu, n);
	else if (bare)
		snprintf(prefix, sizeof(prefix), "%s = $%d = ", name, n);
	else
		snprintf(prefix, sizeof(prefix), "$%d = ", n);
	tp->wrap_array = bare;
	return show(tp, pl, prefix);
}

// NAME:CPU or NAME:a (every CPU) of a per-CPU variable.
static struct dp_error *print_percpu(struct tp *tp, struct dp_variable *var,
				     const char *expr, const char *p,
				     bool star, bool fmt)
{
	char *end;
	unsigned long first, last;
	if (p[1] == 'a' && !isalnum((unsigned char)p[2]) && p[2] != '_') {
		first = 0;
		last = num_cpus(tp);
		end = (char *)p + 2;
		if (!last)
			return dp_error_create(DP_ERR_NOT_FOUND,
					       "cannot read nr_cpu_ids");
		last--;
	} else {
		first = last = strtoul(p + 1, &end, 10);
		if (end == p + 1 || first > 8191)
			return dp_error_create(DP_ERR_INVALID,
					       "bad CPU in '%s'", expr);
	}
	for (unsigned long cpu = first; cpu <= last; cpu++) {
		struct place pl = { .t = var->type };
		struct dp_error *err = dp_program_percpu_address(tp->prog,
			var->address, (unsigned int)cpu, &pl.addr);
		if (!err)
			err = print_at(tp, &pl, expr, var->name, end, star, fmt,
				       (int)cpu, (int)(cpu - first) + 1);
		if (err)
			return err;
	}
	return NULL;
}

static struct dp_error *evaluate(struct tp *tp, const char *expr, bool fmt)
{
	struct dp_variable var;
	char name[128];
	bool star = *expr == '*';
	const char *p = expr + star;
	size_t len = ident_len(p);
	if (!len || len >= sizeof(name))
		return dp_error_create(DP_ERR_INVALID,
				       "expected a variable name in '%s'", expr);
	memcpy(name, p, len);
	name[len] = '\0';
	p += len;
	struct dp_error *err = dp_program_variable(tp->prog, name, &var);
	if (err)
		return err;
	if (var.percpu && *p == ':')
		return print_percpu(tp, &var, expr, p, star, fmt);
	if (var.percpu) {
		if (*p || star)
			return dp_error_create(DP_ERR_INVALID,
					       "%s is per-CPU: use %s:CPU or %s:a",
					       name, name, name);
		show_percpu(tp, &var);
		return NULL;
	}
	struct place pl = { .t = var.type, .addr = var.address };
	return print_at(tp, &pl, expr, name, p, star, fmt, -1, 1);
}

int cmd_p(int argc, char **argv)
{
	const char *vmlinux = NULL;
	bool hex = !strcmp(argv[0], "p/x"), fmt = hex;
	int c;
	while ((c = getopt_long(argc, argv, "xdk:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'x': hex = fmt = true; break;
		case 'd': hex = false; fmt = true; break;
		case 'k': vmlinux = optarg; break;
		case 'h': usage(stdout); return DP_EXIT_OK;
		default: usage(stderr); return DP_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return DP_EXIT_USAGE;
	}
	struct dp_dump *dump;
	struct dp_program *prog = tp_open("p", argv[optind + 1], vmlinux, &dump);
	if (!prog)
		return DP_EXIT_BAD_DUMP;
	struct tp tp = { .prog = prog, .out = stdout, .hex = hex };
	struct dp_error *err = evaluate(&tp, argv[optind], fmt);
	int rc = DP_EXIT_OK;
	if (err) {
		fflush(stdout);
		dp_cli_error("p", err);
		rc = DP_EXIT_FAILURE;
	}
	dp_program_destroy(prog);
	dp_dump_destroy(dump);
	return rc;
}
