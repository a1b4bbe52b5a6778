// SPDX-License-Identifier: MIT
// Fill the triage input model from a dump: the kernel log from the printk
// ring buffer, the panic CPU (panic_cpu) and the taint mask
// (tainted_mask), then tasks, stacks and modules from the kernel model
// (collect-kernel.c). Each part that cannot be read is explained in the
// input's *_error fields instead of failing the report.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/printk.h>
#include <dontpanic/program.h>
#include <dontpanic/triage.h>

#include "collect-priv.h"
#include "internal.h"

// Upper bound on log records kept (the ring holds far fewer in practice).
#define COLLECT_MAX_RECS (1u << 20)


static struct dp_error *add_record(const struct dp_printk_record *rec,
				   void *arg)
{
	struct dp_triage_collected *c = arg;
	if (c->nrecs >= COLLECT_MAX_RECS)
		return NULL;
	if (c->nrecs == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 1024;
		void *n = realloc(c->recs, ncap * sizeof(*c->recs));
		if (!n)
			return &dp_enomem;
		c->recs = n;
		c->cap = ncap;
	}
	char *text = strndup(rec->text, rec->text_len);
	if (!text)
		return &dp_enomem;
	c->recs[c->nrecs++] = (struct dp_triage_logrec){
		.ts_nsec = rec->ts_nsec, .level = rec->level, .text = text,
		.caller = dp_triage_caller_from_printk(rec->caller_id),
	};
	return NULL;
}

// Keep a non-fatal error's message in *msg; return true if it was fatal.
static bool soft_error(struct dp_error *err, char **msg)
{
	if (!err)
		return false;
	if (err->code == DP_ERR_NOMEM) {
		dp_error_destroy(err);
		return true;
	}
	free(*msg);
	*msg = strdup(err->message);
	dp_error_destroy(err);
	return !*msg;
}

static struct dp_error *read_u32(struct dp_program *prog, const char *sym,
				 uint32_t *ret)
{
	uint64_t addr;
	struct dp_error *err = dp_program_symbol_address(prog, sym, &addr);
	if (!err)
		err = dp_program_read(prog, addr, ret, sizeof(*ret));
	return dp_error_prefix(err, "%s", sym);
}

static struct dp_error *read_u64(struct dp_program *prog, const char *sym,
				 uint64_t *ret)
{
	uint64_t addr;
	struct dp_error *err = dp_program_symbol_address(prog, sym, &addr);
	if (!err)
		err = dp_program_read_u64(prog, addr, ret);
	return dp_error_prefix(err, "%s", sym);
}

// panic_cpu (kernel/panic.c): the CPU in panic() or crash_kexec(), -1
// (PANIC_CPU_INVALID) otherwise. tainted_mask: the kernel's taint bits.
static void collect_panic_state(struct dp_triage_collected *c,
				struct dp_program *prog)
{
	uint32_t cpu;
	struct dp_error *err = read_u32(prog, "panic_cpu", &cpu);
	if (!err && cpu != UINT32_MAX && cpu < (1u << 20)) {
		c->in.have_panic_cpu = true;
		c->in.panic_cpu = (int32_t)cpu;
		c->in.panicked = true;
	}
	dp_error_destroy(err);
	uint64_t mask;
	err = read_u64(prog, "tainted_mask", &mask);
	if (!err) {
		c->in.have_taint = true;
		c->in.taint_mask = mask;
	}
	dp_error_destroy(err);
}

/*
 * Say so when pages the analysis may need are lost. Counting them walks
 * the dump's metadata, so only when the open found a reason to.
 */
static void check_dump(struct dp_triage_collected *c, struct dp_program *prog)
{
	struct dp_dump *dump = dp_program_dump(prog);
	struct dp_dump_info info = { 0 };
	struct dp_error *err;
	int n = 0;

	if (!dp_dump_may_lose_pages(dump))
		return;
	err = dp_dump_get_info(dump, &info);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	if (info.truncated)
		n = asprintf(&c->dump_warning, "the dump file is truncated: "
			     "%" PRIu64 " pages past its end are lost; facts "
			     "read from them are missing", info.pages_lost);
	else if (info.incomplete)
		n = asprintf(&c->dump_warning, "the dump is incomplete (its "
			     "writer stopped early): %" PRIu64 " pages are "
			     "lost; facts read from them are missing",
			     info.pages_lost);
	if (n < 0)
		c->dump_warning = NULL;
}

static void add_dump_warning(struct dp_triage_collected *c, const char *w)
{
	char *joined;
	if (w && asprintf(&joined, "%s%s%s", c->dump_warning ? c->dump_warning : "",
			  c->dump_warning ? "; " : "", w) >= 0) {
		free(c->dump_warning);
		c->dump_warning = joined;
	}
}

// Symbols that did not come from VMCOREINFO (a kernel before 6.0, or no
// note at all) are said: every fact named by a symbol rests on the scan.
static void add_kallsyms_source(struct dp_triage_collected *c,
				struct dp_program *prog)
{
	const char *src = dp_program_kallsyms_source(prog);
	char *n;
	if (!src || !strncmp(src, "VMCOREINFO", 10) ||
	    asprintf(&n, "kernel symbols: %s", src) < 0)
		return;
	add_dump_warning(c, n);
	free(n);
}

struct dp_error *dp_triage_collect(struct dp_program *prog,
				   struct dp_triage_collected **ret)
{
	struct dp_triage_collected *c = calloc(1, sizeof(*c));
	if (!c)
		return &dp_enomem;
	struct dp_error *err = dp_printk_for_each(prog, add_record, c);
	if (err && err != &dp_enomem)
		err = dp_error_prefix(err, "kernel log");
	if (soft_error(err, &c->log_error))
		goto nomem;
	collect_panic_state(c, prog);
	check_dump(c, prog);
	err = triage_collect_kernel(c, prog);
	if (err) {
		dp_error_destroy(err);
		goto nomem;
	}
	// kallsyms (loaded by now) outvoted a damaged VMCOREINFO line.
	add_dump_warning(c, dp_program_kallsyms_warning(prog));
	add_kallsyms_source(c, prog);
	c->in.log = c->recs;
	c->in.nlog = c->nrecs;
	c->in.log_error = c->log_error;
	c->in.tasks_error = c->tasks_error;
	c->in.dump_warning = c->dump_warning;
	*ret = c;
	return NULL;
nomem:
	dp_triage_collected_destroy(c);
	return &dp_enomem;
}

const struct dp_triage_input *
dp_triage_collected_input(const struct dp_triage_collected *c)
{
	return &c->in;
}

void dp_triage_collected_destroy(struct dp_triage_collected *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nrecs; i++)
		free((char *)c->recs[i].text);
	free(c->recs);
	triage_collect_kernel_free(c);
	free(c->log_error);
	free(c->tasks_error);
	free(c->dump_warning);
	free(c);
}
