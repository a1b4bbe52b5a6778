// SPDX-License-Identifier: MIT
// Task lists of the report: blocked (hung or D-state) tasks and what each
// CPU was running, with their stacks and first non-machinery frame.
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define NONE SIZE_MAX

struct dp_triage_blocked *triage_add_entry(struct triage_ctx *c,
					   struct dp_triage_blocked **arr,
					   size_t *n,
					   const struct dp_triage_who *who)
{
	for (size_t i = 0; i < *n; i++)
		if ((*arr)[i].task.pid == who->pid &&
		    (who->pid != 0 || (*arr)[i].task.cpu == who->cpu))
			return &(*arr)[i];
	if (*n >= TRIAGE_MAX_BLOCKED)
		return NULL;
	void *m = realloc(*arr, (*n + 1) * sizeof(**arr));
	if (!m) {
		c->nomem = true;
		return NULL;
	}
	*arr = m;
	struct dp_triage_blocked *b = &(*arr)[(*n)++];
	memset(b, 0, sizeof(*b));
	b->task = *who;
	b->blocked_s = -1;
	return b;
}

static void free_frames(struct dp_triage_blocked *b)
{
	for (size_t i = 0; i < b->nframes; i++) {
		free((char *)b->frames[i].function);
		free((char *)b->frames[i].module);
	}
	free(b->frames);
	b->frames = NULL;
	b->nframes = 0;
}

static void first_frame(struct triage_ctx *c, struct dp_triage_blocked *b)
{
	free(b->wait_function);
	b->wait_function = NULL;
	for (size_t i = 0; i < b->nframes; i++) {
		const struct dp_triage_frame *f = &b->frames[i];
		if (!f->unreliable && f->function &&
		    !dp_triage_skip_function(f->function)) {
			b->wait_function = triage_strdup(c, f->function);
			break;
		}
	}
}

static void copy_task_stack(struct triage_ctx *c, struct dp_triage_blocked *b,
			    const struct dp_triage_task *t)
{
	size_t n = t->nframes < TRIAGE_MAX_FRAMES ? t->nframes :
		   TRIAGE_MAX_FRAMES;
	b->frames = triage_copy_frames(c, t->frames, n);
	b->nframes = b->frames ? n : 0;
	if (t->blocked_ns >= 0)
		b->blocked_s = t->blocked_ns / 1000000000;
	if (t->cpu >= 0)
		b->task.cpu = t->cpu;
}

void triage_entry_stack(struct triage_ctx *c, struct dp_triage_blocked *b,
			size_t rec)
{
	const struct dp_triage_task *t = triage_find_task(c, b->task.pid);
	free_frames(b);
	if (t && t->nframes) {
		copy_task_stack(c, b, t);
	} else if (rec != NONE) {
		struct triage_logframe f[TRIAGE_MAX_FRAMES];
		size_t n = triage_log_trace(c, rec, f, TRIAGE_MAX_FRAMES);
		b->frames = triage_logframes_to_frames(c, f, n);
		b->nframes = b->frames ? n : 0;
	}
	first_frame(c, b);
}

static void add_from_task(struct triage_ctx *c, struct dp_triage_blocked **arr,
			  size_t *n, const struct dp_triage_task *t)
{
	struct dp_triage_who who = { .pid = t->pid, .cpu = t->cpu };
	triage_set_comm(&who, t->comm ? t->comm : "",
			t->comm ? strlen(t->comm) : 0);
	struct dp_triage_blocked *b = triage_add_entry(c, arr, n, &who);
	if (!b || b->nframes)
		return;
	copy_task_stack(c, b, t);
	first_frame(c, b);
}

void triage_dump_tasks(struct triage_ctx *c)
{
	const struct dp_triage_input *in = c->in;
	struct dp_triage_report *r = c->rep;
	for (size_t i = 0; i < in->ntasks; i++) {
		const struct dp_triage_task *t = &in->tasks[i];
		if (t->on_cpu)
			add_from_task(c, &r->running, &r->nrunning, t);
		// A hung system: every task in uninterruptible sleep.
		if (t->state == 'D' && (r->cls == DP_CLASS_NO_PANIC ||
					r->cls == DP_CLASS_HUNG_TASK))
			add_from_task(c, &r->blocked, &r->nblocked, t);
	}
}
