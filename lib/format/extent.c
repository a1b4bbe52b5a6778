// SPDX-License-Identifier: MIT
// Resolving overlapping extents into a sorted disjoint map. Used by the
// flattened-stream index (later records win, FORMATS §3) and the ELF
// PT_LOAD map (the kernel-text PT_LOAD duplicates RAM, FORMATS §1.1).
#include <stdlib.h>
#include <string.h>

#include <core/search.h>

#include "format.h"

struct event {
	uint64_t pos;
	size_t idx;	// index into the input
};

static int event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

// Max-heap of input indices ordered by (prio, index).
struct heap {
	const struct dp_extent *in;
	size_t *v;
	size_t n;
};

static bool heap_less(const struct heap *h, size_t a, size_t b)
{
	const struct dp_extent *x = &h->in[a], *y = &h->in[b];
	if (x->prio != y->prio)
		return x->prio < y->prio;
	return a < b;
}

static void heap_push(struct heap *h, size_t idx)
{
	size_t i = h->n++;
	h->v[i] = idx;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!heap_less(h, h->v[p], h->v[i]))
			break;
		size_t t = h->v[p];
		h->v[p] = h->v[i];
		h->v[i] = t;
		i = p;
	}
}

static void heap_pop(struct heap *h)
{
	h->v[0] = h->v[--h->n];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && heap_less(h, h->v[m], h->v[l]))
			m = l;
		if (r < h->n && heap_less(h, h->v[m], h->v[r]))
			m = r;
		if (m == i)
			break;
		size_t t = h->v[m];
		h->v[m] = h->v[i];
		h->v[i] = t;
		i = m;
	}
}

static void emit(struct dp_extent *out, size_t *nout, const struct dp_extent *e,
		 uint64_t start, uint64_t end)
{
	uint64_t off = e->off + (start - e->start);
	if (*nout) {
		struct dp_extent *last = &out[*nout - 1];
		if (last->end == start && last->kind == e->kind &&
		    last->off + (last->end - last->start) == off) {
			last->end = end;
			return;
		}
	}
	out[(*nout)++] = (struct dp_extent){ start, end, off, e->kind, e->prio };
}

struct dp_error *dp_extents_resolve(const struct dp_extent *in, size_t n,
				    struct dp_extent **ret, size_t *nret)
{
	*ret = NULL;
	*nret = 0;
	if (n == 0)
		return NULL;
	if (n > SIZE_MAX / (2 * sizeof(struct event)))
		return &dp_enomem;
	// Each event position can start at most one output piece.
	struct event *ev = malloc(2 * n * sizeof(*ev));
	size_t *hv = malloc(n * sizeof(*hv));
	struct dp_extent *out = malloc(2 * n * sizeof(*out));
	if (!ev || !hv || !out) {
		free(ev);
		free(hv);
		free(out);
		return &dp_enomem;
	}
	size_t nev = 0;
	for (size_t i = 0; i < n; i++) {
		if (in[i].end <= in[i].start)
			continue;
		ev[nev++] = (struct event){ in[i].start, i };
		ev[nev++] = (struct event){ in[i].end, i };
	}
	qsort(ev, nev, sizeof(*ev), event_cmp);
	struct heap h = { in, hv, 0 };
	size_t nout = 0;
	for (size_t k = 0; k < nev;) {
		uint64_t pos = ev[k].pos;
		// Starts at pos join the active set; ends are handled lazily.
		for (; k < nev && ev[k].pos == pos; k++)
			if (in[ev[k].idx].start == pos)
				heap_push(&h, ev[k].idx);
		while (h.n && in[h.v[0]].end <= pos)
			heap_pop(&h);
		if (!h.n || k == nev)
			continue;
		emit(out, &nout, &in[h.v[0]], pos, ev[k].pos);
	}
	free(ev);
	free(hv);
	if (nout == 0) {
		free(out);
		return NULL;
	}
	struct dp_extent *shrunk = realloc(out, nout * sizeof(*out));
	*ret = shrunk ? shrunk : out;
	*nret = nout;
	return NULL;
}

size_t dp_extents_lower(const struct dp_extent *ext, size_t n, uint64_t addr)
{
	return dp_partition_point(n, i, ext[i].end <= addr);
}

ptrdiff_t dp_extents_find(const struct dp_extent *ext, size_t n, uint64_t addr)
{
	size_t i = dp_extents_lower(ext, n, addr);
	if (i < n && ext[i].start <= addr)
		return (ptrdiff_t)i;
	return -1;
}
