// SPDX-License-Identifier: MIT
/*
 * kdump-compressed reader on small synthetic files written here (so it
 * runs without real dumps): every page state, every codec mixed in one
 * file, the shared zero page, VMCOREINFO and PRSTATUS notes, a --split
 * pair given in either order, an incomplete file, and header versions.
 * Layout per FORMATS.md 2.1-2.8. The real-dump tests are tests/vm/kdump-*.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <dontpanic/dump.h>

#include "test.h"

#define BS 4096u
#define NPFN 300u		/* max_mapnr */

/* What the generator puts at each pfn. */
enum kind { K_HOLE, K_EXCL, K_ZERO, K_RAW, K_ZLIB, K_LZO, K_SNAPPY, K_ZSTD };

static enum kind kind_of(uint32_t pfn)
{
	if (pfn < 16 || (pfn >= 200 && pfn < 232))
		return K_HOLE;
	if (pfn % 7 == 0)
		return K_EXCL;
	if (pfn % 11 == 0)
		return K_ZERO;
	return (enum kind)(K_RAW + pfn % 5);
}

/* Page contents: compressible text with the pfn in it; raw pages random. */
static void fill(uint32_t pfn, uint8_t *p)
{
	uint32_t x = pfn * 2654435761u + 1;
	for (uint32_t i = 0; i < BS; i++) {
		if (kind_of(pfn) == K_RAW) {
			x = x * 1103515245u + 12345u;
			p[i] = (uint8_t)(x >> 16);
		} else {
			p[i] = (uint8_t)("dontpanic"[i % 9] + (i / 512) + pfn);
		}
	}
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static size_t compress_page(enum kind k, const uint8_t *page, uint8_t *out,
			    uint32_t *flags)
{
	static uint8_t wrk[LZO1X_1_MEM_COMPRESS];
	size_t n = 2 * BS;
	switch (k) {
	case K_ZLIB: {
		uLongf l = n;
		compress2(out, &l, page, BS, 1);
		*flags = 1;
		return l;
	}
	case K_LZO: {
		lzo_uint l = n;
		lzo1x_1_compress(page, BS, out, &l, wrk);
		*flags = 2;
		return l;
	}
	case K_SNAPPY:
		snappy_compress((const char *)page, BS, (char *)out, &n);
		*flags = 4;
		return n;
	case K_ZSTD:
		*flags = 0x20;
		return ZSTD_compress(out, n, page, BS, 1);
	default:
		memcpy(out, page, BS);
		*flags = 0;
		return BS;
	}
}

struct gen {
	int version;
	bool split;
	uint32_t start, end;	/* this part's pfns */
	bool incomplete;	/* drop the second half of the pairs */
};

/* Write one kdump file per FORMATS.md 2.1; returns its path. */
static char *gen_file(const struct gen *g)
{
	static const char vmci[] = "OSRELEASE=6.1.0-test\nPAGESIZE=4096\n"
				   "CRASHTIME=1700000000\n";
	char *path = strdup("/tmp/dp-test-kdump-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w+b");
	uint8_t *blk = calloc(1, BS), page[BS], out[2 * BS], bm[2][BS];
	uint32_t ndesc = 0, bitmap_blocks = 2, sub_hdr_size = 1;
	uint64_t desc_off, data_off, pos;

	if (lzo_init() != LZO_E_OK)
		abort();
	memset(bm, 0, sizeof(bm));
	for (uint32_t pfn = 0; pfn < NPFN; pfn++) {
		enum kind k = kind_of(pfn);
		if (k != K_HOLE)
			bm[0][pfn / 8] |= (uint8_t)(1u << (pfn % 8));
		if (k != K_HOLE && k != K_EXCL) {
			bm[1][pfn / 8] |= (uint8_t)(1u << (pfn % 8));
			if (pfn >= g->start && pfn < g->end)
				ndesc++;
		}
	}
	/* Header (2.2). */
	memcpy(blk, "KDUMP   ", 8);
	put32(blk + 8, (uint32_t)g->version);
	memcpy(blk + 12, "Linux", 5);
	memcpy(blk + 142, "6.1.0-test", 10);
	memcpy(blk + 272, "x86_64", 6);
	put64(blk + 408, 1700000000);
	put32(blk + 424, 1 | (g->incomplete ? 8 : 0));
	put32(blk + 428, BS);
	put32(blk + 432, sub_hdr_size);
	put32(blk + 436, bitmap_blocks);
	put32(blk + 440, NPFN);
	put32(blk + 460, 1);
	fwrite(blk, 1, BS, f);
	/* Sub header (2.3) and a note area: VMCOREINFO + one PRSTATUS. */
	memset(blk, 0, BS);
	uint8_t *n = blk + 104;
	put32(n, 11);
	put32(n + 4, sizeof(vmci) - 1);
	put32(n + 8, 0);
	memcpy(n + 12, "VMCOREINFO", 11);
	memcpy(n + 24, vmci, sizeof(vmci) - 1);
	size_t vlen = 24 + ((sizeof(vmci) - 1 + 3) & ~3u);
	uint8_t *pr = n + vlen;
	put32(pr, 5);
	put32(pr + 4, 336);
	put32(pr + 8, 1);
	memcpy(pr + 12, "CORE", 5);
	put32(pr + 20 + 32, 42);			/* pr_pid */
	put64(pr + 20 + 112 + 16 * 8, 0xffffffff81000000ull); /* rip */
	size_t note_len = vlen + 20 + 336;
	put32(blk + 8, 31);				/* dump_level */
	put32(blk + 12, g->split);
	put64(blk + 16, g->start);
	put64(blk + 24, g->end);
	put64(blk + 32, BS + 104 + 24);
	put64(blk + 40, sizeof(vmci) - 1);
	put64(blk + 48, BS + 104);
	put64(blk + 56, note_len);
	put64(blk + 80, g->split ? g->start : 0);
	put64(blk + 88, g->split ? g->end : 0);
	put64(blk + 96, NPFN);
	fwrite(blk, 1, BS, f);
	fwrite(bm[0], 1, BS, f);
	fwrite(bm[1], 1, BS, f);
	/* Descriptors (2.5) and data: the shared zero page first (2.6). */
	desc_off = (1 + sub_hdr_size + bitmap_blocks) * (uint64_t)BS;
	data_off = desc_off + 24ull * ndesc;
	memset(page, 0, BS);
	fseek(f, (long)data_off, SEEK_SET);
	fwrite(page, 1, BS, f);
	pos = data_off + BS;
	uint32_t idx = 0;
	for (uint32_t pfn = g->start; pfn < g->end; pfn++) {
		enum kind k = kind_of(pfn);
		uint8_t d[24] = { 0 };
		if (k == K_HOLE || k == K_EXCL)
			continue;
		if (g->incomplete && idx >= ndesc / 2)
			break;	/* ENOSPC: the rest stays unwritten */
		if (k == K_ZERO) {
			put64(d, data_off);
			put32(d + 8, BS);
		} else {
			uint32_t flags;
			fill(pfn, page);
			size_t len = compress_page(k, page, out, &flags);
			fseek(f, (long)pos, SEEK_SET);
			fwrite(out, 1, len, f);
			put64(d, pos);
			put32(d + 8, (uint32_t)len);
			put32(d + 12, flags);
			pos += len;
		}
		fseek(f, (long)(desc_off + 24ull * idx), SEEK_SET);
		fwrite(d, 1, 24, f);
		idx++;
	}
	fclose(f);
	free(blk);
	return path;
}

static struct dp_dump *open_paths(char **paths, size_t n)
{
	struct dp_dump *dump = NULL;
	struct dp_error *err = dp_dump_open((const char *const *)paths, n,
					    &dump);
	CHECK_OK(err);
	return dump;
}

/* Every pfn: the state the generator chose and, if present, its bytes. */
static void check_pages(struct dp_dump *dump, bool incomplete)
{
	uint8_t want[BS], got[BS];
	unsigned bad = 0, lost = 0;

	for (uint32_t pfn = 0; pfn < NPFN + 8; pfn++) {
		enum kind k = pfn < NPFN ? kind_of(pfn) : K_HOLE;
		enum dp_page_state s = dp_dump_page_state(dump, pfn);
		enum dp_page_state exp = k == K_HOLE ? DP_PAGE_HOLE :
			k == K_EXCL ? DP_PAGE_EXCLUDED :
			k == K_ZERO ? DP_PAGE_ZERO : DP_PAGE_PRESENT;
		if (incomplete && s == DP_PAGE_LOST &&
		    exp != DP_PAGE_HOLE && exp != DP_PAGE_EXCLUDED) {
			lost++;
			continue;
		}
		if (s != exp) {
			if (bad++ < 5)
				printf("#   pfn %u: state %d, expected %d\n",
				       pfn, s, exp);
			continue;
		}
		struct dp_error *err = dp_dump_read_page(dump, pfn, got);
		if (exp == DP_PAGE_HOLE || exp == DP_PAGE_EXCLUDED) {
			CHECK(err && err->code == (exp == DP_PAGE_HOLE ?
				DP_ERR_PAGE_HOLE : DP_ERR_PAGE_EXCLUDED));
			dp_error_destroy(err);
			continue;
		}
		CHECK_OK(err);
		if (exp == DP_PAGE_ZERO)
			memset(want, 0, BS);
		else
			fill(pfn, want);
		if (memcmp(want, got, BS) && bad++ < 5)
			printf("#   pfn %u: wrong bytes\n", pfn);
	}
	CHECK(bad == 0);
	CHECK(incomplete ? lost > 0 : lost == 0);
}

TEST(all_codecs_and_states)
{
	struct gen g = { .version = 6, .start = 0, .end = NPFN };
	char *path = gen_file(&g);
	struct dp_dump *dump = open_paths(&path, 1);
	struct dp_dump_info info;

	if (dump) {
		check_pages(dump, false);
		CHECK_OK(dp_dump_get_info(dump, &info));
		CHECK_STR(info.format, "kdump");
		CHECK(info.compression == DP_COMPRESS_ZLIB);
		CHECK_EQ_U64(info.dump_level, 31);
		CHECK_EQ_U64(info.header_version, 6);
		CHECK_EQ_U64(info.max_pfn, NPFN);
		CHECK_EQ_U64(info.crash_time, 1700000000);
		CHECK_STR(dp_dump_vmcoreinfo_get(dump, "OSRELEASE"),
			  "6.1.0-test");
		CHECK_EQ_U64(dp_dump_num_cpu_notes(dump), 1);
		const struct dp_cpu_note *c = dp_dump_cpu_note(dump, 0);
		CHECK(c && c->pid == 42 && c->regs.rip == 0xffffffff81000000ull);
		uint64_t excl = 0, zero = 0, present = 0;
		for (uint32_t pfn = 0; pfn < NPFN; pfn++) {
			enum kind k = kind_of(pfn);
			excl += k == K_EXCL;
			zero += k == K_ZERO;
			present += k != K_HOLE && k != K_EXCL;
		}
		CHECK_EQ_U64(info.pages_excluded, excl);
		CHECK_EQ_U64(info.pages_zero, zero);
		CHECK_EQ_U64(info.pages_present, present);
	}
	dp_dump_destroy(dump);
	unlink(path);
	free(path);
}

TEST(older_header_versions)
{
	for (int v = 1; v <= 5; v++) {
		struct gen g = { .version = v, .start = 0, .end = NPFN };
		char *path = gen_file(&g);
		struct dp_dump *dump = open_paths(&path, 1);
		if (dump) {
			check_pages(dump, false);
			/* VMCOREINFO from v3 (bare text), notes from v4. */
			CHECK((dp_dump_vmcoreinfo_get(dump, "OSRELEASE") !=
			       NULL) == (v >= 3));
			CHECK_EQ_U64(dp_dump_num_cpu_notes(dump), v >= 4);
		}
		dp_dump_destroy(dump);
		unlink(path);
		free(path);
	}
}

TEST(split_pair_any_order)
{
	struct gen a = { .version = 6, .split = true, .start = 0, .end = 130 };
	struct gen b = { .version = 6, .split = true, .start = 130,
			 .end = NPFN };
	char *p[2] = { gen_file(&a), gen_file(&b) };
	char *rev[2] = { p[1], p[0] };
	struct dp_dump *dump;
	struct dp_error *err;

	dump = open_paths(p, 2);
	if (dump)
		check_pages(dump, false);
	dp_dump_destroy(dump);
	dump = open_paths(rev, 2);
	if (dump)
		check_pages(dump, false);
	dp_dump_destroy(dump);
	/* One part alone, or a part twice, is refused with a reason. */
	err = dp_dump_open((const char *const *)p, 1, &dump);
	CHECK(err && strstr(err->message, "open all parts together"));
	dp_error_destroy(err);
	char *twice[2] = { p[0], p[0] };
	err = dp_dump_open((const char *const *)twice, 2, &dump);
	CHECK(err && strstr(err->message, "overlap"));
	dp_error_destroy(err);
	for (int i = 0; i < 2; i++) {
		unlink(p[i]);
		free(p[i]);
	}
}

TEST(incomplete_reports_lost)
{
	struct gen g = { .version = 6, .start = 0, .end = NPFN,
			 .incomplete = true };
	char *path = gen_file(&g);
	struct dp_dump *dump = open_paths(&path, 1);
	struct dp_dump_info info;

	if (dump) {
		check_pages(dump, true);
		CHECK_OK(dp_dump_get_info(dump, &info));
		CHECK(info.incomplete);
		CHECK(info.pages_lost > 0);
	}
	dp_dump_destroy(dump);
	unlink(path);
	free(path);
}

TEST_MAIN(T(all_codecs_and_states), T(older_header_versions),
	  T(split_pair_any_order), T(incomplete_reports_lost))
