// SPDX-License-Identifier: MIT
// lib/core/file.c: bounded whole-file reads, at the bounds.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/file.h"

#include "test.h"

static char dir[] = "/tmp/dp-test-file-XXXXXX";

static void write_file(const char *name, const void *data, size_t n)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	CHECK(f && fwrite(data, 1, n, f) == n);
	if (f)
		fclose(f);
}

TEST(setup)
{
	CHECK(mkdtemp(dir) != NULL);
}

TEST(read_at_the_bound)
{
	// 100000 bytes: more than the first 64 KiB buffer, so it grows.
	size_t n = 100000;
	char *data = malloc(n);
	for (size_t i = 0; i < n; i++)
		data[i] = (char)('a' + i % 26);
	write_file("big", data, n);
	char *buf;
	size_t len;
	CHECK_OK(dp_file_read(dir, "/big", n, &buf, &len));
	CHECK(len == n && memcmp(buf, data, n) == 0 && buf[n] == '\0');
	free(buf);
	struct dp_error *err = dp_file_read(dir, "/big", n - 1, &buf, &len);
	CHECK(err && err->code == DP_ERR_BAD_DATA &&
	      strstr(err->message, "larger than 99999 bytes") &&
	      strstr(err->message, dir));
	dp_error_destroy(err);
	write_file("empty", "", 0);
	CHECK_OK(dp_file_read(dir, "/empty", 0, &buf, &len));
	CHECK(len == 0 && buf[0] == '\0');
	free(buf);
	free(data);
}

TEST(proc_files_are_read_to_the_end)
{
	// st_size is 0 for /proc files: the length must come from read().
	char *buf;
	size_t len;
	CHECK_OK(dp_file_read(NULL, "/proc/self/status", 1 << 20, &buf, &len));
	CHECK(len > 100 && strstr(buf, "\nPid:") && strlen(buf) == len);
	free(buf);
}

TEST(missing_file_keeps_errno)
{
	char *buf;
	size_t len;
	struct dp_error *err = dp_file_read(dir, "/nope", 10, &buf, &len);
	CHECK(err && err->code == DP_ERR_OS && err->errnum == ENOENT &&
	      strstr(err->message, "/nope"));
	dp_error_destroy(err);
	char small[8];
	CHECK(!dp_file_read_small(dir, "/nope", small, sizeof(small)));
}

TEST(small_reads_trim_and_hide_nuls)
{
	write_file("v", "1 \0 2\t\n\n", 8);
	char buf[16];
	CHECK(dp_file_read_small(dir, "/v", buf, sizeof(buf)));
	CHECK_STR(buf, "1   2");
	// truncated to size - 1 bytes
	write_file("long", "0123456789", 10);
	CHECK(dp_file_read_small(dir, "/long", buf, 5));
	CHECK_STR(buf, "0123");
	CHECK(!dp_file_read_small(dir, "/long", buf, 0));
}

TEST(cleanup)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

TEST_MAIN(T(setup), T(read_at_the_bound), T(proc_files_are_read_to_the_end),
	  T(missing_file_keeps_errno), T(small_reads_trim_and_hide_nuls),
	  T(cleanup))
