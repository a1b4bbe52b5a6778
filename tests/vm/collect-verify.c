// SPDX-License-Identifier: MIT
// collect-verify INPUT OUTPUT [MORE_PARTS...]: read a collected dump back
// page by page with our reader (and libkdumpfile with --kdumpfile) and
// compare every page it serves with the input vmcore.
// Prints one line of counts; exit 1 on a mismatch or a read error.
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dontpanic/dump.h>

static struct dp_dump *open_dump(const char *const *paths, size_t n)
{
	struct dp_dump *d;
	struct dp_error *err = dp_dump_open(paths, n, &d);
	if (err) {
		fprintf(stderr, "collect-verify: %s: %s\n", paths[0], err->message);
		exit(2);
	}
	return d;
}

int main(int argc, char **argv)
{
	bool use_kdf = argc > 1 && strcmp(argv[1], "--kdumpfile") == 0;
	if (use_kdf) {
		argv++;
		argc--;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: collect-verify [--kdumpfile] INPUT OUTPUT [PARTS...]\n");
		return 2;
	}
	struct dp_dump *in = open_dump((const char *const *)&argv[1], 1);
	struct dp_dump *out = open_dump((const char *const *)&argv[2], (size_t)argc - 2);
	kdump_ctx_t *kdf = NULL;
	if (use_kdf) {
		int fds[64];
		int n = argc - 2 > 64 ? 64 : argc - 2;
		for (int i = 0; i < n; i++)
			if ((fds[i] = open(argv[2 + i], O_RDONLY)) < 0) {
				perror(argv[2 + i]);
				return 2;
			}
		kdf = kdump_new();
		if (!kdf || kdump_open_fdset(kdf, (unsigned)n, fds) != KDUMP_OK) {
			fprintf(stderr, "collect-verify: libkdumpfile cannot open %s: %s\n",
				argv[2], kdf ? kdump_get_err(kdf) : "no memory");
			return 1;
		}
	}
	uint32_t ps = dp_dump_page_size(in);
	struct dp_dump_info ii;
	struct dp_error *err = dp_dump_get_info(in, &ii);
	if (err) {
		fprintf(stderr, "collect-verify: %s\n", err->message);
		return 2;
	}
	uint8_t *a = malloc(ps), *b = malloc(ps), *k = malloc(ps);
	uint64_t cnt[5] = { 0 }, compared = 0, bad = 0, kcmp = 0, kbad = 0;
	const char *kerr = NULL;
	for (uint64_t pfn = 0; pfn < ii.max_pfn; pfn++) {
		enum dp_page_state s = dp_dump_page_state(out, pfn);
		cnt[s]++;
		if (s != DP_PAGE_PRESENT && s != DP_PAGE_ZERO)
			continue;
		if ((err = dp_dump_read_page(in, pfn, a)) ||
		    (err = dp_dump_read_page(out, pfn, b))) {
			fprintf(stderr, "collect-verify: pfn 0x%" PRIx64 ": %s\n",
				pfn, err->message);
			dp_error_destroy(err);
			bad++;
			continue;
		}
		compared++;
		if (memcmp(a, b, ps)) {
			if (bad < 5)
				fprintf(stderr, "collect-verify: pfn 0x%" PRIx64 " differs\n", pfn);
			bad++;
		}
		if (kdf && !kerr) {
			size_t len = ps;
			kdump_status st = kdump_read(kdf, KDUMP_MACHPHYSADDR,
						     pfn * ps, k, &len);
			if (st == KDUMP_ERR_NOTIMPL) {
				kerr = kdump_get_err(kdf);
			} else if (st != KDUMP_OK || memcmp(a, k, ps)) {
				if (kbad < 5)
					fprintf(stderr, "collect-verify: libkdumpfile pfn 0x%" PRIx64 ": %s\n",
						pfn, st ? kdump_get_err(kdf) : "differs");
				kbad++;
			} else {
				kcmp++;
			}
		}
	}
	printf("present %" PRIu64 " zero %" PRIu64 " excluded %" PRIu64
	       " hole %" PRIu64 " lost %" PRIu64 " compared %" PRIu64
	       " mismatches %" PRIu64,
	       cnt[DP_PAGE_PRESENT], cnt[DP_PAGE_ZERO], cnt[DP_PAGE_EXCLUDED],
	       cnt[DP_PAGE_HOLE], cnt[DP_PAGE_LOST], compared, bad);
	if (kdf)
		printf(" kdumpfile_compared %" PRIu64 " kdumpfile_mismatches %" PRIu64
		       " kdumpfile_unsupported %s", kcmp, kbad,
		       kerr ? "yes" : "no");
	printf("\n");
	if (kerr)
		fprintf(stderr, "collect-verify: libkdumpfile: %s\n", kerr);
	free(a);
	free(b);
	free(k);
	fflush(stdout);
	// Not kdump_free(): libkdumpfile 0.5.1 can crash in it (seen under
	// meson's MALLOC_PERTURB_); the process exits anyway.
	dp_dump_destroy(in);
	dp_dump_destroy(out);
	return bad || kbad ? 1 : 0;
}
