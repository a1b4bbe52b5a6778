// SPDX-License-Identifier: MIT
// Flattened streams (FORMATS §3) read in place, and the extent resolver.
#include <stdlib.h>
#include <unistd.h>

#include <format/format.h>

#include "test.h"

struct stream {
	uint8_t *b;
	size_t n;
};

static void put_be64(struct stream *s, uint64_t v)
{
	for (int i = 7; i >= 0; i--)
		s->b[s->n++] = (uint8_t)(v >> (8 * i));
}

static void start(struct stream *s)
{
	s->b = calloc(1, 1 << 16);
	memcpy(s->b, "makedumpfile", 12);
	s->n = 16;
	put_be64(s, 1);	// type
	put_be64(s, 1);	// version
	s->n = 4096;
}

static void record(struct stream *s, uint64_t off, const char *data)
{
	size_t len = strlen(data);
	put_be64(s, off);
	put_be64(s, len);
	memcpy(s->b + s->n, data, len);
	s->n += len;
}

static void end(struct stream *s)
{
	put_be64(s, UINT64_MAX);
	put_be64(s, UINT64_MAX);
}

static char *write_tmp(const struct stream *s, size_t n)
{
	char *path = strdup("/tmp/dp-test-flat-XXXXXX");
	int fd = mkstemp(path);
	if (write(fd, s->b, n) != (ssize_t)n)
		abort();
	close(fd);
	return path;
}

TEST(later_records_win_gaps_are_zero)
{
	struct stream s;
	start(&s);
	record(&s, 0, "AAAAAAAA");
	record(&s, 20, "BBBB");
	record(&s, 4, "cc");		// overwrites AAAA[4..6)
	record(&s, 2, "ddddd");		// overwrites [2..7)
	record(&s, 22, "EEEEEE");	// overlaps the end of BBBB
	end(&s);
	char *path = write_tmp(&s, s.n);
	struct dp_file f;
	CHECK_OK(dp_file_open(path, &f));
	CHECK(f.flat != NULL);
	CHECK_EQ_U64(f.size, 28);
	char buf[29] = { 0 };
	CHECK_OK(dp_file_pread(&f, buf, 28, 0));
	CHECK(!memcmp(buf, "AAdddddA\0\0\0\0\0\0\0\0\0\0\0\0BBEEEEEE", 28));
	CHECK_OK(dp_file_pread(&f, buf, 3, 21));
	CHECK(!memcmp(buf, "BEE", 3));
	struct dp_error *err = dp_file_pread(&f, buf, 2, 27);
	CHECK(err && err->code == DP_ERR_BAD_DATA);
	if (err)
		printf("# %s\n", err->message);
	dp_error_destroy(err);
	dp_file_close(&f);
	unlink(path);
	free(path);
	free(s.b);
}

static void expect_open_fails(const struct stream *s, size_t n)
{
	char *path = write_tmp(s, n);
	struct dp_file f;
	struct dp_error *err = dp_file_open(path, &f);
	CHECK(err && err->code == DP_ERR_BAD_DATA);
	if (err)
		printf("# %s\n", err->message);
	else
		dp_file_close(&f);
	dp_error_destroy(err);
	unlink(path);
	free(path);
}

TEST(bad_streams)
{
	struct stream s;
	start(&s);
	record(&s, 0, "AAAA");
	size_t good = s.n;
	// No end marker.
	expect_open_fails(&s, good);
	// Cut inside a record header / inside the data.
	expect_open_fails(&s, good - 2);
	expect_open_fails(&s, 4096 + 8);
	// A size beyond the file.
	put_be64(&s, 0);
	put_be64(&s, 1ull << 40);
	end(&s);
	expect_open_fails(&s, s.n);
	// A negative offset.
	s.n = good;
	put_be64(&s, (uint64_t)-5);
	put_be64(&s, 0);
	end(&s);
	expect_open_fails(&s, s.n);
	free(s.b);
}

TEST(plain_file_reads_exactly)
{
	struct stream s = { calloc(1, 100), 100 };
	memcpy(s.b, "hello", 5);
	char *path = write_tmp(&s, s.n);
	struct dp_file f;
	char buf[8];
	CHECK_OK(dp_file_open(path, &f));
	CHECK(f.flat == NULL && f.size == 100);
	CHECK_OK(dp_file_pread(&f, buf, 5, 0));
	CHECK(!memcmp(buf, "hello", 5));
	struct dp_error *err = dp_file_pread(&f, buf, 8, 96);
	CHECK(err && err->code == DP_ERR_BAD_DATA &&
	      strstr(err->message, "offset 0x60"));
	dp_error_destroy(err);
	dp_file_close(&f);
	unlink(path);
	free(path);
	free(s.b);
}

TEST(resolve_priorities)
{
	// A low-prio wide extent under a high-prio narrow one, and two
	// equal-prio ones where the later input wins.
	struct dp_extent in[] = {
		{ 0, 100, 1000, 1, 1 },
		{ 40, 60, 5000, 2, 3 },
		{ 90, 120, 7000, 1, 1 },
		{ 200, 200, 0, 1, 9 },	// empty: dropped
	};
	struct dp_extent *out;
	size_t n;
	CHECK_OK(dp_extents_resolve(in, 4, &out, &n));
	CHECK_EQ_U64(n, 4);
	CHECK(out[0].start == 0 && out[0].end == 40 && out[0].off == 1000);
	CHECK(out[1].start == 40 && out[1].end == 60 && out[1].off == 5000);
	CHECK(out[2].start == 60 && out[2].end == 90 && out[2].off == 1060);
	CHECK(out[3].start == 90 && out[3].end == 120 && out[3].off == 7000);
	CHECK(dp_extents_find(out, n, 39) == 0);
	CHECK(dp_extents_find(out, n, 119) == 3);
	CHECK(dp_extents_find(out, n, 120) == -1);
	free(out);
	// Adjacent pieces with contiguous offsets merge.
	struct dp_extent adj[] = { { 0, 10, 0, 1, 0 }, { 10, 20, 10, 1, 0 } };
	CHECK_OK(dp_extents_resolve(adj, 2, &out, &n));
	CHECK(n == 1 && out[0].end == 20);
	free(out);
}

TEST_MAIN(T(later_records_win_gaps_are_zero), T(bad_streams),
	  T(plain_file_reads_exactly), T(resolve_priorities))
