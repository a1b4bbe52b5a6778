// SPDX-License-Identifier: MIT
// Superblock probing, checked against blkid(8) on file systems made with
// mkfs (e2fsprogs; xfs and btrfs when their mkfs is installed), and on
// damaged images.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "setup/target.h"
#include "test.h"

static char tmpdir[] = "/tmp/dp-test-fsprobe-XXXXXX";

static bool sh(const char *cmd)
{
	return system(cmd) == 0;
}

static bool blkid(const char *img, const char *tag, char *out, size_t len)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "blkid -p -s %s -o value %s", tag, img);
	FILE *p = popen(cmd, "r");
	if (!p)
		return false;
	bool ok = fgets(out, (int)len, p) != NULL;
	pclose(p);
	if (ok)
		out[strcspn(out, "\n")] = 0;
	return ok;
}

static void check_mkfs(const char *mkfs, const char *name, const char *size)
{
	char img[300], cmd[800], type[64], uuid[64];
	snprintf(img, sizeof(img), "%s/%s.img", tmpdir, name);
	snprintf(cmd, sizeof(cmd),
		 "command -v %s >/dev/null && truncate -s %s %s && %s %s >/dev/null 2>&1",
		 mkfs, size, img, mkfs, img);
	if (!sh(cmd)) {
		printf("# %s: not installed or failed, skipped\n", mkfs);
		return;
	}
	CHECK(blkid(img, "TYPE", type, sizeof(type)));
	CHECK(blkid(img, "UUID", uuid, sizeof(uuid)));
	char *t = NULL, *u = NULL;
	CHECK_OK(dp_fsprobe(img, &t, &u));
	printf("# %s: %s %s (blkid: %s %s)\n", name, t ? t : "-",
	       u ? u : "-", type, uuid);
	CHECK_STR(t, type);
	CHECK_STR(u, uuid);
	free(t);
	free(u);
}

TEST(same_as_blkid)
{
	check_mkfs("mkfs.ext4 -q -F", "ext4", "8M");
	check_mkfs("mkfs.ext3 -q -F", "ext3", "8M");
	check_mkfs("mkfs.ext2 -q -F", "ext2", "8M");
	check_mkfs("mkfs.xfs -q -f", "xfs", "320M");
	check_mkfs("mkfs.btrfs -q -f", "btrfs", "128M");
}

TEST(damaged)
{
	char img[300], cmd[800];
	snprintf(img, sizeof(img), "%s/ext4.img", tmpdir);
	/* truncated inside the superblock */
	snprintf(cmd, sizeof(cmd), "truncate -s 1100 %s", img);
	char *t = NULL, *u = NULL;
	if (sh(cmd)) {
		struct dp_error *err = dp_fsprobe(img, &t, &u);
		CHECK(err && err->code == DP_ERR_NOT_FOUND &&
		      strstr(err->message, "1100 bytes read"));
		dp_error_destroy(err);
	}
	snprintf(cmd, sizeof(cmd), "head -c 100000 /dev/urandom > %s", img);
	CHECK(sh(cmd));
	struct dp_error *err = dp_fsprobe(img, &t, &u);
	CHECK(err && err->code == DP_ERR_NOT_FOUND);
	dp_error_destroy(err);
	err = dp_fsprobe("/nonexistent", &t, &u);
	CHECK(err && err->code == DP_ERR_OS);
	dp_error_destroy(err);
	snprintf(cmd, sizeof(cmd), "printf '' > %s", img);
	CHECK(sh(cmd));
	err = dp_fsprobe(img, &t, &u);
	CHECK(err && err->code == DP_ERR_NOT_FOUND);
	dp_error_destroy(err);
}

TEST(cleanup)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	CHECK(sh(cmd));
}

static void setup(void) __attribute__((constructor));
static void setup(void)
{
	if (!mkdtemp(tmpdir))
		abort();
}

TEST_MAIN(T(same_as_blkid), T(damaged), T(cleanup))
