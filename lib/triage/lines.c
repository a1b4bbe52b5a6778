// SPDX-License-Identifier: MIT
// The kernel log as lines: records split at their continuation newlines,
// each line tagged with its record and printk caller id, so report
// parsers can walk a report line by line and skip lines other CPUs or
// tasks printed in between (kernel/printk/printk.c: CONFIG_PRINTK_CALLER).
#include <stdlib.h>
#include <string.h>

#include "internal.h"

bool triage_split_lines(struct triage_ctx *c)
{
	const struct dp_triage_input *in = c->in;
	size_t total = 0, n = 0;
	for (size_t i = 0; i < in->nlog; i++) {
		const char *t = in->log[i].text ? in->log[i].text : "";
		total += strlen(t) + 1;
		n++;
		for (const char *p = strchr(t, '\n'); p; p = strchr(p + 1, '\n'))
			n++;
	}
	c->linebuf = malloc(total ? total : 1);
	c->lines = calloc(n ? n : 1, sizeof(*c->lines));
	if (!c->linebuf || !c->lines) {
		c->nomem = true;
		return false;
	}
	char *w = c->linebuf;
	for (size_t i = 0; i < in->nlog; i++) {
		const char *t = in->log[i].text ? in->log[i].text : "";
		size_t len = strlen(t);
		memcpy(w, t, len + 1);
		char *s = w;
		for (bool first = true;; first = false) {
			char *nl = strchr(s, '\n');
			if (nl)
				*nl = '\0';
			c->lines[c->nlines++] = (struct triage_line){
				.s = s, .rec = i, .caller = in->log[i].caller,
				.cont = !first };
			if (!nl)
				break;
			s = nl + 1;
		}
		w += len + 1;
	}
	return true;
}

void triage_free_lines(struct triage_ctx *c)
{
	free(c->lines);
	free(c->linebuf);
	c->lines = NULL;
	c->linebuf = NULL;
	c->nlines = 0;
}
