// SPDX-License-Identifier: MIT
// Module load order from depmod's files, checked against kmod's own
// `modprobe --show-depends` (same modules, same order) for modules of the
// installed Debian kernel; then fake module trees: a cycle, a missing
// dependency, an unknown module, built-ins, garbage.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "setup/kmod.h"
#include "test.h"

#define KVER "6.1.0-56-cloud-amd64"

static char tmpdir[] = "/tmp/dp-test-kmod-XXXXXX";

/* modprobe's insmod lines, as relative paths, one per line. */
static bool modprobe_order(const char *name, char *out, size_t len)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "modprobe -C /dev/null -S %s --show-depends %s 2>/dev/null",
		 KVER, name);
	FILE *p = popen(cmd, "r");
	if (!p)
		return false;
	char line[1024];
	size_t n = 0;
	out[0] = 0;
	const char *prefix = "insmod /lib/modules/" KVER "/";
	while (fgets(line, sizeof(line), p)) {
		if (strncmp(line, prefix, strlen(prefix)) != 0)
			continue;	/* "builtin x" lines */
		char *path = line + strlen(prefix);
		path[strcspn(path, " \n")] = 0;
		n += (size_t)snprintf(out + n, len - n, "%s\n", path);
	}
	return pclose(p) == 0;
}

static void check_vs_modprobe(const struct dp_kmod *k, const char *name)
{
	char want[8192], got[8192] = "";
	CHECK(modprobe_order(name, want, sizeof(want)));
	struct dp_kmod_list l = { 0 };
	CHECK_OK(dp_kmod_add(k, name, "test", &l));
	size_t n = 0;
	for (size_t i = 0; i < l.n; i++)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s\n",
				      l.v[i].relpath);
	printf("# %s: %zu modules\n", name, l.n);
	CHECK_STR(got, want);
	/* the module asked for is last and says why */
	CHECK(l.n && !strcmp(l.v[l.n - 1].why, "test"));
	dp_kmod_list_free(&l);
}

TEST(same_as_modprobe)
{
	struct stat st;
	if (stat("/lib/modules/" KVER "/modules.dep", &st) != 0) {
		printf("# /lib/modules/%s absent: skipped\n", KVER);
		return;
	}
	struct dp_kmod *k = NULL;
	CHECK_OK(dp_kmod_open("", KVER, &k));
	if (!k)
		return;
	static const char *const mods[] = {
		"virtio_blk", "xfs", "nfs", "btrfs", "virtio_scsi", "virtio-net",
		"dm-crypt", "nfsv4", "crc32c",
	};
	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		check_vs_modprobe(k, mods[i]);
	/* ext4 is built into Debian's cloud kernel: a note, no module */
	CHECK(dp_kmod_is_builtin(k, "ext4"));
	struct dp_kmod_list l = { 0 };
	CHECK_OK(dp_kmod_add(k, "ext4", "test", &l));
	CHECK(l.n == 0 && l.nnotes == 1 &&
	      strstr(l.notes[0], "built into the kernel"));
	/* a second request adds nothing twice */
	CHECK_OK(dp_kmod_add(k, "xfs", "a", &l));
	size_t n = l.n;
	CHECK_OK(dp_kmod_add(k, "libcrc32c", "b", &l));
	CHECK_OK(dp_kmod_add(k, "xfs", "c", &l));
	CHECK_EQ_U64(l.n, n);
	struct dp_error *err = dp_kmod_add(k, "no_such_module_x", "d", &l);
	CHECK(err && err->code == DP_ERR_NOT_FOUND &&
	      strstr(err->message, "no_such_module_x"));
	dp_error_destroy(err);
	dp_kmod_list_free(&l);
	dp_kmod_destroy(k);
}

static void write_tree(const char *kver, const char *dep,
		       const char *builtin)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/lib/modules/%s", tmpdir, kver);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "mkdir -p %s", path);
	if (system(cmd) != 0)
		return;
	snprintf(path, sizeof(path), "%s/lib/modules/%s/modules.dep", tmpdir,
		 kver);
	FILE *f = fopen(path, "w");
	fwrite(dep, 1, strlen(dep), f);
	fclose(f);
	if (builtin) {
		snprintf(path, sizeof(path), "%s/lib/modules/%s/modules.builtin",
			 tmpdir, kver);
		f = fopen(path, "w");
		fputs(builtin, f);
		fclose(f);
	}
}

static struct dp_error *try_add(const char *kver, const char *name,
				struct dp_kmod_list *l)
{
	struct dp_kmod *k;
	struct dp_error *err = dp_kmod_open(tmpdir, kver, &k);
	if (err)
		return err;
	err = dp_kmod_add(k, name, "test", l);
	dp_kmod_destroy(k);
	return err;
}

TEST(fake_trees)
{
	struct dp_kmod_list l = { 0 };
	write_tree("ok", "kernel/a.ko: kernel/c-x.ko kernel/b.ko\n"
		   "kernel/b.ko:\n# comment\n\nkernel/c-x.ko: kernel/b.ko\r\n",
		   "kernel/fs/ext4/ext4.ko\n");
	CHECK_OK(try_add("ok", "a", &l));
	CHECK(l.n == 3 && !strcmp(l.v[0].name, "b") &&
	      !strcmp(l.v[1].name, "c_x") && !strcmp(l.v[2].name, "a"));
	CHECK(l.n == 3 && !strcmp(l.v[1].why, "dependency of a"));
	CHECK_OK(try_add("ok", "ext4", &l));
	CHECK(l.n == 3 && l.nnotes == 1);
	dp_kmod_list_free(&l);

	write_tree("cycle", "kernel/a.ko: kernel/b.ko\n"
		   "kernel/b.ko: kernel/a.ko\n", NULL);
	struct dp_error *err = try_add("cycle", "a", &l);
	CHECK(err && err->code == DP_ERR_BAD_DATA &&
	      strstr(err->message, "dependency cycle: a -> b -> a"));
	if (err)
		printf("# %s\n", err->message);
	dp_error_destroy(err);
	dp_kmod_list_free(&l);

	write_tree("missing", "kernel/a.ko: kernel/gone.ko\n", NULL);
	err = try_add("missing", "a", &l);
	CHECK(err && err->code == DP_ERR_BAD_DATA &&
	      strstr(err->message, "a needs kernel/gone.ko, which has no line of its own"));
	dp_error_destroy(err);
	err = try_add("missing", "zz", &l);
	CHECK(err && err->code == DP_ERR_NOT_FOUND);
	dp_error_destroy(err);

	static const struct {
		const char *dep, *msg;
	} bad[] = {
		{ "kernel/a.ko kernel/b.ko\n", "modules.dep:1: no ':'" },
		{ "kernel/a.ko:\n/etc/passwd:\n", "modules.dep:2: bad module path" },
		{ "kernel/a.ko: ../../x.ko\n", "bad dependency path" },
		{ "kernel/a.ko:\nkernel/x/a.ko:\n", "module a listed twice" },
		{ "kernel/a.txt:\n", "bad module path" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_tree("bad", bad[i].dep, NULL);
		err = try_add("bad", "a", &l);
		CHECK(err && err->code == DP_ERR_BAD_DATA &&
		      strstr(err->message, bad[i].msg));
		if (err && !strstr(err->message, bad[i].msg))
			printf("# got: %s\n", err->message);
		dp_error_destroy(err);
	}
	/* NUL bytes: not a text file */
	char path[512];
	snprintf(path, sizeof(path), "%s/lib/modules/bad/modules.dep", tmpdir);
	FILE *f = fopen(path, "w");
	fwrite("kernel/a.ko:\0\n", 1, 14, f);
	fclose(f);
	err = try_add("bad", "a", &l);
	CHECK(err && strstr(err->message, "NUL byte"));
	dp_error_destroy(err);
	err = try_add("nonexistent", "a", &l);
	CHECK(err && err->code == DP_ERR_OS);
	dp_error_destroy(err);
	err = try_add("../x", "a", &l);
	CHECK(err && err->code == DP_ERR_INVALID);
	dp_error_destroy(err);
	dp_kmod_list_free(&l);
}

/* Compressed modules: decompressed to the original; damage is an error. */
TEST(decompress)
{
	const char *ko = "/lib/modules/" KVER "/kernel/fs/xfs/xfs.ko";
	struct stat st;
	if (stat(ko, &st) != 0) {
		printf("# %s absent: skipped\n", ko);
		return;
	}
	char cmd[1024], zst[300], gz[300], bad[300];
	snprintf(zst, sizeof(zst), "%s/xfs.ko.zst", tmpdir);
	snprintf(gz, sizeof(gz), "%s/xfs.ko.gz", tmpdir);
	snprintf(bad, sizeof(bad), "%s/bad.ko.zst", tmpdir);
	snprintf(cmd, sizeof(cmd), "zstd -qc %s > %s && gzip -c %s > %s", ko,
		 zst, ko, gz);
	CHECK(system(cmd) == 0);
	FILE *f = fopen(ko, "rb");
	char *orig = malloc((size_t)st.st_size);
	CHECK(f && fread(orig, 1, (size_t)st.st_size, f) ==
		   (size_t)st.st_size);
	if (f)
		fclose(f);
	const char *const both[] = { zst, gz };
	for (int i = 0; i < 2; i++) {
		void *data = NULL;
		size_t len = 0;
		CHECK_OK(dp_kmod_decompress(both[i], &data, &len));
		CHECK_EQ_U64(len, st.st_size);
		CHECK(data && !memcmp(data, orig, len));
		free(data);
		/* truncated to an eighth */
		snprintf(bad, sizeof(bad), "%s/bad.ko.%s", tmpdir,
			 i ? "gz" : "zst");
		snprintf(cmd, sizeof(cmd), "head -c %lld %s > %s",
			 (long long)st.st_size / 8, both[i], bad);
		CHECK(system(cmd) == 0);
		struct dp_error *err = dp_kmod_decompress(bad, &data, &len);
		CHECK(err && err->code == DP_ERR_BAD_DATA);
		if (err)
			printf("# %s\n", err->message);
		dp_error_destroy(err);
	}
	free(orig);
	/* not compressed at all, or garbage */
	snprintf(bad, sizeof(bad), "%s/bad.ko.zst", tmpdir);
	snprintf(cmd, sizeof(cmd), "head -c 5000 /dev/urandom > %s", bad);
	CHECK(system(cmd) == 0);
	void *data;
	size_t len;
	struct dp_error *err = dp_kmod_decompress(bad, &data, &len);
	CHECK(err && err->code == DP_ERR_BAD_DATA);
	dp_error_destroy(err);
	err = dp_kmod_decompress(ko, &data, &len);
	CHECK(err && err->code == DP_ERR_UNSUPPORTED);
	dp_error_destroy(err);
}

/* The whole file at path (NULL if unreadable); *len its size. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		char *b2 = n == cap ? realloc(buf, cap *= 2) : buf;
		if (!b2)
			free(buf);
		buf = b2;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* dp_kmod_decompress(path) gives exactly what `xz -dc path` gives. */
static bool same_as_xz(const char *path)
{
	char cmd[4200], out[300];
	snprintf(out, sizeof(out), "%s/xz-out.ko", tmpdir);
	snprintf(cmd, sizeof(cmd), "xz -dc '%s' > %s", path, out);
	size_t want_len = 0;
	char *want = system(cmd) == 0 ? slurp(out, &want_len) : NULL;
	void *data = NULL;
	size_t len = 0;
	struct dp_error *err = dp_kmod_decompress(path, &data, &len);
	bool same = want && !err && len == want_len &&
		    !memcmp(data, want, len);
	if (!same)
		printf("#   %s: %s (%zu bytes, xz -dc %zu)\n", path,
		       err ? err->message : "differs", len, want_len);
	dp_error_destroy(err);
	free(data);
	free(want);
	return same;
}

/*
 * Real .ko.xz modules of an installed kernel (Debian 6.12 ships them),
 * found from any /lib/modules/<kver>/modules.dep: every 20th module and
 * xfs, each compared with xz -dc. Returns how many were compared.
 */
static unsigned real_xz_modules(void)
{
	FILE *p = popen("grep -l '\\.ko\\.xz:' /lib/modules/*/modules.dep "
			"2>/dev/null | head -1", "r");
	char dep[1024] = "";
	if (!p)
		return 0;
	if (!fgets(dep, sizeof(dep), p))
		dep[0] = 0;
	pclose(p);
	dep[strcspn(dep, "\n")] = 0;
	FILE *f = *dep ? fopen(dep, "r") : NULL;
	if (!f)
		return 0;
	char *slash = strrchr(dep, '/');
	*slash = 0;	/* the kernel's module directory */
	char line[8192], path[9300];
	unsigned n = 0, i = 0;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (!colon || colon - line < 6 || memcmp(colon - 6, ".ko.xz", 6))
			continue;
		*colon = 0;
		if (i++ % 20 && !strstr(line, "/xfs.ko"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dep, line);
		CHECK(same_as_xz(path));
		n++;
	}
	fclose(f);
	printf("# %u .ko.xz modules of %s compared with xz -dc\n", n, dep);
	return n;
}

static struct dp_error *decompress_file(const char *path)
{
	void *data = NULL;
	size_t len;
	struct dp_error *err = dp_kmod_decompress(path, &data, &len);
	free(data);
	if (err)
		printf("# %s\n", err->message);
	return err;
}

/* xz damaged in each way is BAD_DATA, never a partial module. */
static void damaged_xz(const char *good)
{
	static const struct {
		const char *how, *cmd;
	} bad[] = {
		{ "truncated", "head -c 3000 %1$s > %2$s" },
		{ "bytes overwritten in the data",
		  "cp %1$s %2$s && printf '\\377\\377\\377\\377' | dd of=%2$s bs=1 seek=2000 conv=notrunc status=none" },
		{ "trailing garbage", "cat %1$s > %2$s && echo garbage >> %2$s" },
		{ "not xz at all", "head -c 5000 %1$s | gzip -c > %2$s" },
		{ "xz of a text file", "echo not a module | xz -c > %2$s; : %1$s" },
	};
	char cmd[1200], path[300];
	snprintf(path, sizeof(path), "%s/bad.ko.xz", tmpdir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(cmd, sizeof(cmd), bad[i].cmd, good, path);
#pragma GCC diagnostic pop
		CHECK(system(cmd) == 0);
		struct dp_error *err = decompress_file(path);
		CHECK(err && err->code == DP_ERR_BAD_DATA);
		if (!err)
			printf("#   %s: accepted\n", bad[i].how);
		dp_error_destroy(err);
	}
}

/*
 * .ko.xz: real modules of an installed kernel when there is one (else a
 * loud skip of that part), and an ELF file (this test binary) compressed
 * as the kernel's build does (scripts/Makefile.modinst).
 */
TEST(decompress_xz)
{
	if (system("xz --version > /dev/null 2>&1") != 0) {
		printf("# xz(1) is not installed: skipped\n");
		return;
	}
	if (!real_xz_modules())
		printf("# no installed kernel has .ko.xz modules: real-module part SKIPPED\n");
	char self[1024], xz[300], cmd[2600];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	CHECK(n > 0);
	if (n <= 0)
		return;
	self[n] = 0;
	snprintf(xz, sizeof(xz), "%s/self.ko.xz", tmpdir);
	snprintf(cmd, sizeof(cmd),
		 "xz --check=crc32 --lzma2=dict=1MiB -c '%s' > %s", self, xz);
	CHECK(system(cmd) == 0);
	CHECK(same_as_xz(xz));
	damaged_xz(xz);
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

TEST_MAIN(T(same_as_modprobe), T(fake_trees), T(decompress),
	  T(decompress_xz), T(cleanup))
