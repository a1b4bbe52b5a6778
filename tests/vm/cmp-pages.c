// SPDX-License-Identifier: MIT
/*
 * cmp-pages: compare every page frame of a dump with a reference dump of
 * the same crash (normally the full /proc/vmcore copy, or QEMU's own ELF).
 *
 *   cmp-pages REF DUMP [DUMP...]	(several DUMPs: a --split set)
 *   cmp-pages --check DUMP [DUMP...]	open and read every present page
 *   cmp-pages --excluded DUMP [DUMP...]	print the pfn (hex) of every
 *	page the dump level excluded, one a line (test-pageclass.py)
 *   cmp-pages --allow-diff N REF DUMP...	tolerate N pages whose bytes
 *	differ (QEMU: a running guest can change memory between two
 *	dump-guest-memory commands; everything else stays exact)
 *
 * For every pfn below the larger max_pfn of the two:
 *   - PRESENT/ZERO in DUMP: both read, bytes identical; ZERO reads zeros;
 *   - EXCLUDED or LOST in DUMP: REF has the page (memory was there) and
 *     reading DUMP fails with DP_ERR_PAGE_EXCLUDED / DP_ERR_PAGE_LOST;
 *   - HOLE in DUMP: REF has no whole page there either (see whole_page()),
 *     and reading fails with DP_ERR_PAGE_HOLE.
 * The per-state counts must also match dp_dump_get_info(). Prints one
 * "info:" line and one "pages:" line; exit 0 = all agree, 1 = open
 * failed (message printed), 2 = any mismatch or read error. A "notes:"
 * line gives the VMCOREINFO size and the number of CPU notes.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/dump.h>

#define MAX_REPORT 10

static const char *const state_names[] = {
	[DP_PAGE_PRESENT] = "present", [DP_PAGE_ZERO] = "zero",
	[DP_PAGE_EXCLUDED] = "excluded", [DP_PAGE_HOLE] = "hole",
	[DP_PAGE_LOST] = "lost",
};

static const char *const codec_names[] = {
	[DP_COMPRESS_NONE] = "none", [DP_COMPRESS_ZLIB] = "zlib",
	[DP_COMPRESS_LZO] = "lzo", [DP_COMPRESS_SNAPPY] = "snappy",
	[DP_COMPRESS_ZSTD] = "zstd",
};

static unsigned long problems, differing, allow_diff;

__attribute__((format(printf, 1, 3)))
static void problem(const char *fmt, uint64_t pfn, ...)
{
	va_list ap;

	if (problems++ >= MAX_REPORT)
		return;
	printf("pfn 0x%" PRIx64 ": ", pfn);
	va_start(ap, pfn);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static struct dp_dump *open_or_die(char **paths, size_t n)
{
	struct dp_dump *dump;
	struct dp_error *err = dp_dump_open((const char *const *)paths, n,
					    &dump);
	if (err) {
		printf("open failed: %s\n", err->message);
		dp_error_destroy(err);
		exit(1);
	}
	return dump;
}

/* The reference's physical ranges (ELF PT_LOADs), to spot partial pages. */
struct ranges {
	size_t n, cap;
	uint64_t (*r)[2];
};

static struct dp_error *add_range(uint64_t paddr, uint64_t size,
				  uint64_t vaddr, void *arg)
{
	struct ranges *rs = arg;
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 64;
		void *r = realloc(rs->r, cap * sizeof(*rs->r));
		if (!r)
			return dp_error_create(DP_ERR_NOMEM, "out of memory");
		rs->r = r;
		rs->cap = cap;
	}
	rs->r[rs->n][0] = paddr;
	rs->r[rs->n][1] = paddr + size;
	rs->n++;
	return NULL;
}

/*
 * Whether one reference range covers the whole page. makedumpfile counts
 * a page only partly inside a PT_LOAD (e.g. RAM ending at 0x9fc00) as not
 * in memory, so such a pfn is rightly a hole in its output.
 */
static bool whole_page(const struct ranges *rs, uint64_t pfn, size_t ps)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i][0] <= pfn * ps && rs->r[i][1] >= (pfn + 1) * ps)
			return true;
	return false;
}

static struct ranges ref_ranges;

static bool has_page(enum dp_page_state s)
{
	return s == DP_PAGE_PRESENT || s == DP_PAGE_ZERO;
}

static enum dp_error_code expected_code(enum dp_page_state s)
{
	return s == DP_PAGE_HOLE ? DP_ERR_PAGE_HOLE :
	       s == DP_PAGE_LOST ? DP_ERR_PAGE_LOST : DP_ERR_PAGE_EXCLUDED;
}

static void check_pfn(struct dp_dump *dump, struct dp_dump *ref, uint64_t pfn,
		      uint8_t *a, uint8_t *b, size_t ps, uint64_t *count)
{
	enum dp_page_state s = dp_dump_page_state(dump, pfn);
	enum dp_page_state r = ref ? dp_dump_page_state(ref, pfn) :
				     DP_PAGE_PRESENT;
	struct dp_error *err = dp_dump_read_page(dump, pfn, a);

	count[s]++;
	if (!has_page(s)) {
		if (!err)
			problem("%s page reads without error", pfn,
				state_names[s]);
		else if (err->code != expected_code(s))
			problem("wrong error: %s", pfn, err->message);
		dp_error_destroy(err);
		if (ref && s == DP_PAGE_HOLE && has_page(r) &&
		    whole_page(&ref_ranges, pfn, ps))
			problem("hole, but the reference has the page", pfn);
		if (ref && s != DP_PAGE_HOLE && !has_page(r))
			problem("%s, but the reference has no page there", pfn,
				state_names[s]);
		return;
	}
	if (err) {
		problem("read failed: %s", pfn, err->message);
		dp_error_destroy(err);
		return;
	}
	if (s == DP_PAGE_ZERO && (a[0] || memcmp(a, a + 1, ps - 1)))
		problem("%s page is not all zeros", pfn, state_names[s]);
	if (!ref)
		return;
	err = dp_dump_read_page(ref, pfn, b);
	if (err) {
		problem("reference cannot read it: %s", pfn, err->message);
		dp_error_destroy(err);
		return;
	}
	if (memcmp(a, b, ps) && differing++ >= allow_diff)
		problem("%s page differs from the reference", pfn,
			state_names[s]);
}

static void print_info(const struct dp_dump_info *i)
{
	printf("info: format %s compression %s dump_level %d nfiles %u "
	       "header_version %" PRIu32 " incomplete %d truncated %d "
	       "crash_time %" PRId64 " max_pfn 0x%" PRIx64 "\n", i->format,
	       codec_names[i->compression], i->dump_level, i->nfiles,
	       i->header_version, i->incomplete, i->truncated, i->crash_time,
	       i->max_pfn);
}

/* dp_dump_get_info()'s counts must agree with page_state over all pfns. */
static void check_counts(const struct dp_dump_info *i, const uint64_t *c)
{
	if (i->pages_present != c[DP_PAGE_PRESENT] + c[DP_PAGE_ZERO] ||
	    i->pages_zero != c[DP_PAGE_ZERO] ||
	    i->pages_excluded != c[DP_PAGE_EXCLUDED] ||
	    i->pages_lost != c[DP_PAGE_LOST]) {
		problems++;
		printf("info counts differ: present %" PRIu64 " zero %" PRIu64
		       " excluded %" PRIu64 " lost %" PRIu64 "\n",
		       i->pages_present, i->pages_zero, i->pages_excluded,
		       i->pages_lost);
	}
}

static int list_excluded(char **paths, size_t n)
{
	struct dp_dump *dump = open_or_die(paths, n);
	struct dp_dump_info info;
	struct dp_error *err = dp_dump_get_info(dump, &info);
	if (err) {
		printf("info failed: %s\n", err->message);
		return 2;
	}
	for (uint64_t pfn = 0; pfn < info.max_pfn; pfn++)
		if (dp_dump_page_state(dump, pfn) == DP_PAGE_EXCLUDED)
			printf("%" PRIx64 "\n", pfn);
	dp_dump_destroy(dump);
	return 0;
}

int main(int argc, char **argv)
{
	bool check_only;
	int first;

	if (argc > 2 && !strcmp(argv[1], "--allow-diff")) {
		allow_diff = strtoul(argv[2], NULL, 0);
		argc -= 2;
		argv += 2;
	}
	if (argc > 2 && !strcmp(argv[1], "--excluded"))
		return list_excluded(argv + 2, (size_t)(argc - 2));
	check_only = argc > 1 && !strcmp(argv[1], "--check");
	first = 2;	/* argv[1] is --check or REF */
	struct dp_dump *dump, *ref = NULL;
	struct dp_dump_info info, rinfo;
	uint64_t count[5] = { 0 }, end;
	struct dp_error *err;
	uint8_t *a, *b;
	size_t ps;

	if (argc <= first) {
		fprintf(stderr, "usage: cmp-pages REF DUMP [DUMP...]\n"
			"       cmp-pages --check DUMP [DUMP...]\n");
		return 2;
	}
	dump = open_or_die(argv + first, (size_t)(argc - first));
	if (!check_only)
		ref = open_or_die(argv + 1, 1);
	err = dp_dump_get_info(dump, &info);
	if (!err && ref)
		err = dp_dump_get_info(ref, &rinfo);
	if (!err && ref)
		err = dp_dump_for_each_range(ref, add_range, &ref_ranges);
	if (err) {
		printf("info failed: %s\n", err->message);
		return 2;
	}
	print_info(&info);
	size_t vmci_len = 0;
	dp_dump_vmcoreinfo(dump, &vmci_len);
	printf("notes: vmcoreinfo %zu cpus %zu\n", vmci_len,
	       dp_dump_num_cpu_notes(dump));
	ps = dp_dump_page_size(dump);
	if (ref && dp_dump_page_size(ref) != ps) {
		printf("page sizes differ\n");
		return 2;
	}
	a = malloc(ps);
	b = malloc(ps);
	if (!a || !b)
		return 2;
	end = info.max_pfn;
	if (ref && rinfo.max_pfn > end)
		end = rinfo.max_pfn;
	for (uint64_t pfn = 0; pfn < end + 16; pfn++)
		check_pfn(dump, ref, pfn, a, b, ps, count);
	check_counts(&info, count);
	printf("pages: present %" PRIu64 " zero %" PRIu64 " excluded %" PRIu64
	       " hole %" PRIu64 " lost %" PRIu64 " differing %lu problems %lu"
	       "\n", count[DP_PAGE_PRESENT], count[DP_PAGE_ZERO],
	       count[DP_PAGE_EXCLUDED], count[DP_PAGE_HOLE],
	       count[DP_PAGE_LOST], differing, problems);
	free(a);
	free(b);
	free(ref_ranges.r);
	dp_dump_destroy(dump);
	dp_dump_destroy(ref);
	return problems ? 2 : 0;
}
