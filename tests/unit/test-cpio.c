// SPDX-License-Identifier: MIT
// The newc cpio writer, checked with GNU cpio(1) (Debian's cpio package)
// as the independent reader: listing, modes, device numbers, contents
// after extraction, compressed variants (gzip(1), zstd(1)), determinism.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "setup/cpio.h"
#include "test.h"

static char tmpdir[] = "/tmp/dp-test-cpio-XXXXXX";

/* A file of n pseudo-random bytes (several writer buffers long). */
static void make_src(const char *path, size_t n)
{
	FILE *f = fopen(path, "w");
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		fputc((int)(x >> 16) & 0xff, f);
	}
	fclose(f);
}

static struct dp_error *build(const char *out, enum dp_cpio_compress comp,
			      const char *src)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct dp_cpio *c;
	struct dp_error *err = dp_cpio_open(fd, comp, 0, &c);
	if (err)
		return err;
	static const char text[] = "hello, initramfs\n";
	if (!err)
		err = dp_cpio_add_dir(c, "/etc", 0755);
	if (!err)
		err = dp_cpio_add_data(c, "/etc/dontpanic/target", 0644, text,
				       strlen(text));
	if (!err)
		err = dp_cpio_add_file(c, "/usr/lib/big.so", 0755, src);
	if (!err)
		err = dp_cpio_add_symlink(c, "/lib", "usr/lib");
	if (!err)
		err = dp_cpio_add_cdev(c, "/dev/console", 0600, 5, 1);
	if (!err)
		err = dp_cpio_add_data(c, "/empty", 0600, "", 0);
	if (!err)
		err = dp_cpio_finish(c);
	dp_cpio_destroy(c);
	close(fd);
	return err;
}

static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	if (!p)
		return NULL;
	static char buf[8192];
	size_t n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = 0;
	int rc = pclose(p);
	return rc == 0 ? buf : NULL;
}

static bool same_file(const char *a, const char *b)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", a, b);
	return system(cmd) == 0;
}

TEST(list_with_cpio)
{
	char src[256], out[256], cmd[1024];
	snprintf(src, sizeof(src), "%s/src", tmpdir);
	snprintf(out, sizeof(out), "%s/a.cpio", tmpdir);
	make_src(src, 300000);
	CHECK_OK(build(out, DP_CPIO_NONE, src));
	snprintf(cmd, sizeof(cmd), "cpio -it --quiet < %s", out);
	const char *list = run(cmd);
	CHECK(list != NULL);
	/* parents come first, made by the writer */
	CHECK_STR(list, "etc\netc/dontpanic\netc/dontpanic/target\nusr\n"
			"usr/lib\nusr/lib/big.so\nlib\ndev\ndev/console\n"
			"empty\n");
	snprintf(cmd, sizeof(cmd),
		 "cpio -itv --quiet < %s | awk '{print $1, $5, $6, $NF}'",
		 out);
	list = run(cmd);
	CHECK(list && strstr(list, "crw------- 5, 1 dev/console\n"));
	CHECK(list && strstr(list, "lrwxrwxrwx 7 Jan usr/lib\n"));
	CHECK(list && strstr(list, "-rwxr-xr-x 300000 Jan usr/lib/big.so\n"));
	/* 512-byte blocks, as cpio(1) pads */
	struct stat st;
	CHECK(stat(out, &st) == 0 && st.st_size % 512 == 0);
}

TEST(extract_with_cpio)
{
	char src[256], out[256], dir[256], cmd[1024], path[512];
	snprintf(src, sizeof(src), "%s/src", tmpdir);
	snprintf(out, sizeof(out), "%s/b.cpio", tmpdir);
	snprintf(dir, sizeof(dir), "%s/x", tmpdir);
	CHECK_OK(build(out, DP_CPIO_NONE, src));
	mkdir(dir, 0755);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && cpio -id --quiet --no-absolute-filenames < %s",
		 dir, out);
	if (geteuid() != 0) {
		printf("# not root: skipping extraction (mknod)\n");
		return;
	}
	CHECK(system(cmd) == 0);
	snprintf(path, sizeof(path), "%s/usr/lib/big.so", dir);
	CHECK(same_file(path, src));
	snprintf(path, sizeof(path), "%s/lib", dir);
	char link[64] = "";
	CHECK(readlink(path, link, sizeof(link) - 1) == 7);
	CHECK_STR(link, "usr/lib");
	snprintf(path, sizeof(path), "%s/etc/dontpanic/target", dir);
	FILE *f = fopen(path, "r");
	char line[64] = "";
	CHECK(f && fgets(line, sizeof(line), f));
	if (f)
		fclose(f);
	CHECK_STR(line, "hello, initramfs\n");
	struct stat st;
	snprintf(path, sizeof(path), "%s/dev/console", dir);
	CHECK(stat(path, &st) == 0 && S_ISCHR(st.st_mode) &&
	      major(st.st_rdev) == 5 && minor(st.st_rdev) == 1);
}

TEST(compressed_and_deterministic)
{
	static const struct {
		enum dp_cpio_compress comp;
		const char *tool;
	} kinds[] = {
		{ DP_CPIO_NONE, "cat" },
		{ DP_CPIO_GZIP, "gzip -dc" },
		{ DP_CPIO_ZSTD, "zstd -dcq" },
	};
	char src[256], a[256], b[256], plain[256], cmd[1024];
	snprintf(src, sizeof(src), "%s/src", tmpdir);
	snprintf(plain, sizeof(plain), "%s/plain.cpio", tmpdir);
	CHECK_OK(build(plain, DP_CPIO_NONE, src));
	for (size_t i = 0; i < 3; i++) {
		snprintf(a, sizeof(a), "%s/c1.%zu", tmpdir, i);
		snprintf(b, sizeof(b), "%s/c2.%zu", tmpdir, i);
		CHECK_OK(build(a, kinds[i].comp, src));
		CHECK_OK(build(b, kinds[i].comp, src));
		CHECK(same_file(a, b));
		/* decompressed, it is the uncompressed archive */
		snprintf(cmd, sizeof(cmd), "%s < %s | cmp -s - %s",
			 kinds[i].tool, a, plain);
		CHECK(system(cmd) == 0);
	}
	/* compression does something on this (half random) input */
	struct stat s0, s2;
	snprintf(a, sizeof(a), "%s/c1.2", tmpdir);
	CHECK(stat(plain, &s0) == 0 && stat(a, &s2) == 0 &&
	      s2.st_size < s0.st_size);
}

TEST(bad_names_and_duplicates)
{
	char out[256];
	snprintf(out, sizeof(out), "%s/bad.cpio", tmpdir);
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct dp_cpio *c;
	CHECK_OK(dp_cpio_open(fd, DP_CPIO_NONE, 0, &c));
	CHECK_OK(dp_cpio_add_dir(c, "a", 0755));
	struct dp_error *err = dp_cpio_add_dir(c, "/a", 0755);
	CHECK(err && strstr(err->message, "added twice"));
	dp_error_destroy(err);
	err = dp_cpio_add_data(c, "a/../../etc/passwd", 0644, "x", 1);
	CHECK(err && strstr(err->message, ". or .."));
	dp_error_destroy(err);
	err = dp_cpio_add_data(c, "a//b", 0644, "x", 1);
	CHECK(err && err->code == DP_ERR_INVALID);
	dp_error_destroy(err);
	err = dp_cpio_add_data(c, "/", 0644, "x", 1);
	CHECK(err && err->code == DP_ERR_INVALID);
	dp_error_destroy(err);
	err = dp_cpio_add_file(c, "f", 0644, "/nonexistent/file");
	CHECK(err && err->code == DP_ERR_OS && err->errnum == ENOENT);
	dp_error_destroy(err);
	err = dp_cpio_add_file(c, "d", 0644, "/tmp");
	CHECK(err && strstr(err->message, "not a regular file"));
	dp_error_destroy(err);
	/* the archive is still valid after refused entries */
	CHECK_OK(dp_cpio_finish(c));
	dp_cpio_destroy(c);
	close(fd);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "cpio -it --quiet < %s", out);
	CHECK_STR(run(cmd), "a\n");
}

TEST(cleanup)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	CHECK(system(cmd) == 0);
}

static void setup(void) __attribute__((constructor));
static void setup(void)
{
	if (!mkdtemp(tmpdir))
		abort();
}

TEST_MAIN(T(list_with_cpio), T(extract_with_cpio),
	  T(compressed_and_deterministic), T(bad_names_and_duplicates),
	  T(cleanup))
