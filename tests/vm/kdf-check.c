// SPDX-License-Identifier: MIT
/*
 * kdf-check: cross-check our dump reader against libkdumpfile, an
 * independent implementation of the kdump-compressed format.
 *
 *   kdf-check [--all] [--theirs FILE] DUMP [DUMP...]
 *	several DUMPs: a --split set; --theirs: libkdumpfile reads FILE
 *	instead (the `makedumpfile -R` copy of a flattened DUMP, since
 *	libkdumpfile 0.5.1 cannot read flattened streams)
 *
 * Samples every 97th pfn plus the first and last 100 pfns our reader has
 * data for (--all: every pfn). A pfn we have must read back from
 * libkdumpfile with identical bytes; a pfn we call excluded or a hole must
 * be KDUMP_ERR_NODATA there; a lost pfn (incomplete dump) must fail there
 * too. Prints the counts and both readers' time for the pages they read
 * (for the report; no test looks at times). Exit 0 = agree, 1 = cannot
 * open, 2 = disagreement.
 *
 * libkdumpfile reads machine physical addresses without any translation
 * set-up (KDUMP_KPHYSADDR would need the kernel's page tables); for
 * non-Xen dumps the two are the same.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

#include <dontpanic/dump.h>

#define SAMPLE_STEP 97
#define EDGE 100
#define MAX_FILES 64

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool has_page(enum dp_page_state s)
{
	return s == DP_PAGE_PRESENT || s == DP_PAGE_ZERO;
}

int main(int argc, char **argv)
{
	bool all = argc > 1 && !strcmp(argv[1], "--all");
	int first = all ? 2 : 1, nfiles, nkdf, fds[MAX_FILES];
	char **kdf_paths;
	uint64_t sampled = 0, present = 0, absent = 0, problems = 0;
	uint64_t *list, nlist = 0, head = 0, tail_from;
	double t_ours = 0, t_kdf = 0, t;
	struct dp_dump_info info;
	struct dp_dump *dump;
	struct dp_error *err;
	kdump_ctx_t *ctx;
	uint8_t *a, *b;
	size_t ps;

	kdf_paths = argv + first;
	if (argc > first + 1 && !strcmp(argv[first], "--theirs")) {
		kdf_paths = argv + first + 1;
		first += 2;
		nkdf = 1;
	}
	nfiles = argc - first;
	if (kdf_paths == argv + first)
		nkdf = nfiles;
	if (nfiles < 1 || nfiles > MAX_FILES) {
		fprintf(stderr, "usage: kdf-check [--all] [--theirs FILE] DUMP"
			" [DUMP...]\n");
		return 1;
	}
	err = dp_dump_open((const char *const *)argv + first,
			   (size_t)nfiles, &dump);
	if (!err)
		err = dp_dump_get_info(dump, &info);
	if (err) {
		printf("open failed: %s\n", err->message);
		return 1;
	}
	ctx = kdump_new();
	for (int i = 0; i < nkdf; i++)
		if ((fds[i] = open(kdf_paths[i], O_RDONLY)) < 0) {
			perror(kdf_paths[i]);
			return 1;
		}
	if (!ctx || kdump_open_fdset(ctx, (unsigned)nkdf, fds) != KDUMP_OK) {
		printf("libkdumpfile cannot open: %s\n",
		       ctx ? kdump_get_err(ctx) : "kdump_new failed");
		return 1;
	}
	ps = dp_dump_page_size(dump);
	a = malloc(ps);
	b = malloc(ps);
	/* The pfns to check: first/last EDGE with data, every 97th. */
	list = malloc((info.max_pfn / SAMPLE_STEP + 2 * EDGE + 2) *
		      sizeof(*list));
	if (!a || !b || !list)
		return 1;
	for (uint64_t pfn = 0; pfn < info.max_pfn && head < EDGE; pfn++)
		if (has_page(dp_dump_page_state(dump, pfn))) {
			list[nlist++] = pfn;
			head++;
		}
	tail_from = info.max_pfn;
	for (uint64_t n = 0; tail_from > 0 && n < EDGE;)
		if (has_page(dp_dump_page_state(dump, --tail_from)))
			n++;
	for (uint64_t pfn = 0; pfn < info.max_pfn; pfn++)
		if (pfn % SAMPLE_STEP == 0 || (pfn >= tail_from &&
		    has_page(dp_dump_page_state(dump, pfn))))
			list[nlist++] = pfn;
	if (all) {
		free(list);
		list = NULL;
		nlist = info.max_pfn;
	}

	for (uint64_t i = 0; i < nlist; i++) {
		uint64_t pfn = list ? list[i] : i;
		enum dp_page_state s = dp_dump_page_state(dump, pfn);
		size_t len = ps;
		kdump_status st;

		sampled++;
		if (!has_page(s)) {
			absent++;
			st = kdump_read(ctx, KDUMP_MACHPHYSADDR, pfn * ps, b,
					&len);
			if (st == KDUMP_OK ||
			    (s != DP_PAGE_LOST && st != KDUMP_ERR_NODATA)) {
				if (problems++ < 10)
					printf("pfn 0x%" PRIx64 ": ours %d, "
					       "libkdumpfile %d (%s)\n", pfn,
					       s, st, kdump_get_err(ctx));
			}
			continue;
		}
		present++;
		/* Alternate who reads first: the second finds the file's
		 * pages in the OS cache. */
		if (present & 1) {
			t = now();
			err = dp_dump_read_page(dump, pfn, a);
			t_ours += now() - t;
		}
		t = now();
		st = kdump_read(ctx, KDUMP_MACHPHYSADDR, pfn * ps, b, &len);
		t_kdf += now() - t;
		if (!(present & 1)) {
			t = now();
			err = dp_dump_read_page(dump, pfn, a);
			t_ours += now() - t;
		}
		if (err || st != KDUMP_OK || memcmp(a, b, ps)) {
			if (problems++ < 10)
				printf("pfn 0x%" PRIx64 ": ours %s, "
				       "libkdumpfile %s\n", pfn,
				       err ? err->message : "ok",
				       st == KDUMP_OK ? (memcmp(a, b, ps) ?
				       "different bytes" : "ok") :
				       kdump_get_err(ctx));
		}
		dp_error_destroy(err);
	}
	printf("kdf-check: sampled %" PRIu64 " (with data %" PRIu64
	       ", without %" PRIu64 ") problems %" PRIu64 "; read time ours "
	       "%.3fs libkdumpfile %.3fs\n", sampled, present, absent,
	       problems, t_ours, t_kdf);
	/*
	 * No kdump_free(ctx): libkdumpfile 0.5.1 (Debian 12) crashes in it
	 * whenever fresh malloc memory is not zero (MALLOC_PERTURB_, which
	 * meson test sets; a bare kdump_new/kdump_open_fd/kdump_free does
	 * it too). The process ends here; kdump-libkdumpfile.sh tells LSan.
	 */
	for (int i = 0; i < nkdf; i++)
		close(fds[i]);
	free(a);
	free(b);
	free(list);
	dp_dump_destroy(dump);
	return problems ? 2 : 0;
}
