/* SPDX-License-Identifier: MIT */
/* The storage behind a collected triage input (collect.c, collect-kernel.c). */
#ifndef DP_TRIAGE_COLLECT_PRIV_H
#define DP_TRIAGE_COLLECT_PRIV_H

#include <dontpanic/program.h>
#include <dontpanic/triage.h>

struct dp_triage_collected {
	struct dp_triage_input in;
	struct dp_triage_logrec *recs;
	size_t nrecs, cap;
	char *log_error;
	char *tasks_error;
	char *dump_warning;
	struct dp_triage_task *tasks;	/* comm and frames owned */
	size_t ntasks;
	struct dp_triage_module *modules; /* name and taints owned */
	size_t nmodules;
};

/*
 * Tasks, the panic task, stacks, modules and memory from the kernel model
 * (lib/kernel). Sets c->tasks_error when they cannot be read; returns an
 * error only for allocation failure.
 */
struct dp_error *triage_collect_kernel(struct dp_triage_collected *c,
				       struct dp_program *prog);

/* Free what triage_collect_kernel() added. */
void triage_collect_kernel_free(struct dp_triage_collected *c);

#endif /* DP_TRIAGE_COLLECT_PRIV_H */
