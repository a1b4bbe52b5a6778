// SPDX-License-Identifier: MIT
// The dump-space check on fake /proc trees: the dump level of collector
// argvs, the estimate's arithmetic, and the free space of a real directory
// against statvfs.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <dontpanic/dumpspace.h>

#include "test.h"

static char root[] = "/tmp/dp-test-dumpspace-XXXXXX";

static void put(const char *rel, const char *text)
{
	char path[256], cmd[600];
	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname %s)\"", path);
	CHECK(system(cmd) == 0);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int level(const char *const *v, size_t n)
{
	struct dp_config_words w = { (char **)v, n };
	return dp_collector_dump_level(&w);
}

TEST(collector_levels)
{
	const char *a[] = { "makedumpfile", "-l", "--message-level", "7", "-d", "31" };
	CHECK(level(a, 6) == 31);
	const char *b[] = { "/usr/sbin/makedumpfile", "-c", "-d17" };
	CHECK(level(b, 3) == 17);
	const char *c[] = { "dontpanic", "collect", "--dump-level=1", "-d", "3" };
	CHECK(level(c, 5) == 3);	// the last one counts
	const char *d[] = { "makedumpfile", "-F", "--dump-level", "11" };
	CHECK(level(d, 4) == 11);
	const char *e[] = { "cp", "-d", "31" };
	CHECK(level(e, 3) == 0);	// another program copies everything
	const char *f[] = { "makedumpfile", "-d", "32", "-d", "x" };
	CHECK(level(f, 5) == 0);	// out of range, not a number
	const char *g[] = { "makedumpfile", "-c" };
	CHECK(level(g, 2) == 0);	// makedumpfile's default
}

#define MEMINFO \
	"MemTotal:        4000000 kB\n" \
	"MemFree:         2000000 kB\n" \
	"Buffers:           10000 kB\n" \
	"Cached:           900000 kB\n" \
	"Shmem:            100000 kB\n" \
	"AnonPages:        300000 kB\n"

TEST(estimate)
{
	CHECK(mkdtemp(root) != NULL);
	put("/proc/meminfo", MEMINFO);
	put("/var/crash/.keep", "");
	struct dp_dump_space s;
	CHECK_OK(dp_dump_space_probe(root, "/var/crash", 31, &s));
	// MemTotal alone (no iomem): 4000000 - 2000000 free - (900000 -
	// 100000 + 10000) cache - 300000 anon = 890000 kB, + bitmaps.
	uint64_t total = 4000000ull * 1024;
	CHECK(s.have_estimate && s.ram_bytes == total);
	CHECK(s.estimate_bytes == 890000ull * 1024 + total / 16384);
	CHECK_OK(dp_dump_space_probe(root, "/var/crash", 0, &s));
	CHECK(s.estimate_bytes == total + total / 16384);
	CHECK_OK(dp_dump_space_probe(root, "/var/crash", 2, &s));	// one cache bit
	CHECK(s.estimate_bytes == total + total / 16384);
	CHECK_OK(dp_dump_space_probe(root, "/var/crash", 17, &s));
	CHECK(s.estimate_bytes == 2000000ull * 1024 + total / 16384);
	// With /proc/iomem (8 GiB of System RAM, a nested line that is not
	// counted) and a 256 MiB reservation: the base is RAM less it.
	put("/proc/iomem", "00001000-0009ffff : System RAM\n"
			   "00100000-7fffffff : System RAM\n"
			   "  01000000-01ffffff : Kernel code\n"
			   "100000000-27ff5ffff : System RAM\n");
	put("/sys/kernel/kexec_crash_size", "268435456\n");
	CHECK_OK(dp_dump_space_probe(root, "/var/crash", 31, &s));
	uint64_t ram = 0x9f000ull + 0x7ff00000ull + 0x17ff60000ull;
	CHECK(s.ram_bytes == ram);
	uint64_t base = ram - 268435456;
	CHECK(s.estimate_bytes == base - (2000000ull + 810000 + 300000) * 1024 +
				  base / 16384);
	// A damaged /proc/iomem whose ranges add up past 2^64 (fuzz-machine):
	// the RAM and the level-0 estimate stay at the top, not wrapped small.
	put("/proc/iomem", "00000000-fffffffffffffff0 : System RAM\n"
			   "00000000-00000fff : System RAM\n");
	CHECK_OK(dp_dump_space_probe(root, "/var/crash", 0, &s));
	CHECK(s.ram_bytes == UINT64_MAX);
	CHECK(s.estimate_bytes == UINT64_MAX);
	put("/proc/iomem", "00000000-ffffffffffffffff : System RAM\n");
	CHECK_OK(dp_dump_space_probe(root, "/var/crash", 0, &s));
	CHECK(s.ram_bytes == UINT64_MAX);
}

TEST(free_space)
{
	struct dp_dump_space s;
	// The directory does not exist yet: its nearest parent is measured.
	CHECK_OK(dp_dump_space_probe(root, "/var/crash/not/yet", 31, &s));
	CHECK_STR(s.checked, "/var/crash");
	struct statvfs v;
	char path[300];
	snprintf(path, sizeof(path), "%s/var/crash", root);
	CHECK(statvfs(path, &v) == 0);
	uint64_t want = (uint64_t)v.f_bavail * v.f_frsize;
	// The same file system, measured a moment apart: within 64 MiB.
	CHECK(s.have_free && s.free_bytes + (64u << 20) > want &&
	      s.free_bytes < want + (64u << 20));
	struct dp_error *err = dp_dump_space_probe(root, "var/crash", 31, &s);
	CHECK(err && err->code == DP_ERR_INVALID);
	dp_error_destroy(err);
	// No /proc/meminfo: free space only.
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -f %s/proc/meminfo", root);
	CHECK(system(cmd) == 0);
	CHECK_OK(dp_dump_space_probe(root, "/var/crash", 31, &s));
	CHECK(!s.have_estimate && s.have_free);
}

TEST(cleanup)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	CHECK(system(cmd) == 0);
}

TEST_MAIN(T(collector_levels), T(estimate), T(free_space), T(cleanup))
