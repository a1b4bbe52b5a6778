// SPDX-License-Identifier: MIT
// The shared-library closure, checked against ldd(1) (the loader itself,
// in trace mode) on real binaries of this machine: the same files
// (compared by realpath). Then fake roots: a missing interpreter and
// library, ld.so.conf includes, and damaged ELF files.
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "setup/elfdeps.h"
#include "test.h"

static char tmpdir[] = "/tmp/dp-test-elfdeps-XXXXXX";
static char self[PATH_MAX];

#define MAX_LIBS 128

struct set {
	char *v[MAX_LIBS];
	size_t n;
};

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void set_add_real(struct set *s, const char *path)
{
	char real[PATH_MAX];
	if (s->n < MAX_LIBS && realpath(path, real))
		s->v[s->n++] = strdup(real);
}

static void set_free(struct set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	s->n = 0;
}

/* ldd's resolved files: "name => /path (0x...)" and "/path (0x...)". */
static bool ldd_set(const char *exe, struct set *s)
{
	char cmd[PATH_MAX + 32];
	snprintf(cmd, sizeof(cmd), "ldd '%s' 2>/dev/null", exe);
	FILE *p = popen(cmd, "r");
	if (!p)
		return false;
	char line[1024];
	while (fgets(line, sizeof(line), p)) {
		char *arrow = strstr(line, "=> ");
		char *path = arrow ? arrow + 3 : line + strspn(line, " \t");
		if (*path != '/')
			continue;	/* linux-vdso.so.1, "statically linked" */
		path[strcspn(path, " \n")] = 0;
		set_add_real(s, path);
	}
	pclose(p);
	qsort(s->v, s->n, sizeof(char *), cmp);
	return true;
}

static void check_vs_ldd(const char *exe)
{
	struct stat st;
	if (stat(exe, &st) != 0) {
		printf("# %s: absent, skipped\n", exe);
		return;
	}
	struct dp_elfdeps *d = NULL;
	CHECK_OK(dp_elfdeps_resolve("", exe, &d));
	if (!d)
		return;
	struct set mine = { 0 }, ldd = { 0 };
	for (size_t i = 0; i < d->n; i++)
		set_add_real(&mine, d->v[i].path);
	qsort(mine.v, mine.n, sizeof(char *), cmp);
	CHECK(ldd_set(exe, &ldd));
	printf("# %s: %zu objects (ldd: %zu)\n", exe, mine.n, ldd.n);
	CHECK_EQ_U64(mine.n, ldd.n);
	for (size_t i = 0; i < mine.n && i < ldd.n; i++)
		CHECK_STR(mine.v[i], ldd.v[i]);
	/* the interpreter comes first, as PT_INTERP says */
	CHECK(d->n == 0 || d->v[0].interp);
	set_free(&mine);
	set_free(&ldd);
	dp_elfdeps_destroy(d);
}

TEST(same_as_ldd)
{
	check_vs_ldd(self);
	check_vs_ldd("/usr/bin/python3");
	check_vs_ldd("/bin/cpio");
	check_vs_ldd("/usr/bin/ssh");
	check_vs_ldd("/usr/bin/crash");
	check_vs_ldd("/usr/sbin/makedumpfile");
}

TEST(static_pie_has_none)
{
	struct dp_elfdeps *d = NULL;
	CHECK_OK(dp_elfdeps_resolve("", "/sbin/ldconfig", &d));
	CHECK(d && d->n == 0);
	dp_elfdeps_destroy(d);
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char *cmd;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (system(cmd) != 0)
		printf("# command failed: %s\n", cmd);
	free(cmd);
}

static struct dp_error *resolve(const char *root, const char *exe,
				struct dp_elfdeps **ret)
{
	*ret = NULL;
	return dp_elfdeps_resolve(root, exe, ret);
}

TEST(missing_interpreter_and_library)
{
	char root[256];
	snprintf(root, sizeof(root), "%s/r1", tmpdir);
	sh("mkdir -p %s/bin", root);
	sh("cp %s %s/bin/t", self, root);
	struct dp_elfdeps *d;
	struct dp_error *err = resolve(root, "/bin/t", &d);
	CHECK(err && err->code == DP_ERR_OS && err->errnum == ENOENT);
	CHECK(err && strstr(err->message, "interpreter of /bin/t"));
	CHECK(err && strstr(err->message, "/lib64/ld-linux-x86-64.so.2"));
	dp_error_destroy(err);
	sh("mkdir -p %s/lib64 && cp -L /lib64/ld-linux-x86-64.so.2 %s/lib64/",
	   root, root);
	err = resolve(root, "/bin/t", &d);
	CHECK(err && err->code == DP_ERR_NOT_FOUND);
	/* the first DT_NEEDED of the test binary: libz (meson order) */
	CHECK(err && strstr(err->message, ".so"));
	CHECK(err && strstr(err->message, "(needed by /bin/t)"));
	if (err)
		printf("# %s\n", err->message);
	dp_error_destroy(err);
}

TEST(ld_so_conf_include)
{
	char root[256], dir[300];
	snprintf(root, sizeof(root), "%s/r2", tmpdir);
	snprintf(dir, sizeof(dir), "%s/opt/l2", root);
	sh("mkdir -p %s/bin %s", root, dir);
	sh("cp %s %s/bin/t", self, root);
	sh("mkdir -p %s/lib64 %s/etc/ld.so.conf.d", root, root);
	sh("cp -L /lib64/ld-linux-x86-64.so.2 %s/lib64/", root);
	sh("echo 'include ld.so.conf.d/*.conf' > %s/etc/ld.so.conf", root);
	sh("echo '/opt/l1:/opt/l2 # two dirs' > %s/etc/ld.so.conf.d/a.conf",
	   root);
	/* every library of the real closure, under its needed name */
	struct dp_elfdeps *real = NULL;
	CHECK_OK(dp_elfdeps_resolve("", self, &real));
	for (size_t i = 0; real && i < real->n; i++) {
		if (real->v[i].interp)
			continue;
		char dst[600];
		snprintf(dst, sizeof(dst), "%s/%s", dir, real->v[i].name);
		sh("cp -L %s %s", real->v[i].path, dst);
	}
	struct dp_elfdeps *d = NULL;
	CHECK_OK(resolve(root, "/bin/t", &d));
	CHECK(d && real && d->n == real->n);
	for (size_t i = 0; d && i < d->n; i++) {
		if (d->v[i].interp)
			continue;
		CHECK(strncmp(d->v[i].path, "/opt/l2/", 8) == 0);
		CHECK(d->v[i].via_conf);
	}
	dp_elfdeps_destroy(d);
	/* a damaged library: clear error naming it and who needs it */
	char lib[600];
	snprintf(lib, sizeof(lib), "%s/%s", dir, real && real->n > 1 ?
		 real->v[1].name : "x");
	CHECK(truncate(lib, 100) == 0);
	struct dp_error *err = resolve(root, "/bin/t", &d);
	if (!err)
		printf("# no error; %zu objects\n", d->n);
	CHECK(err && err->code == DP_ERR_BAD_DATA);
	CHECK(err && real && real->n > 1 &&
	      strstr(err->message, real->v[1].name) &&
	      strstr(err->message, "needed by"));
	if (err)
		printf("# %s\n", err->message);
	dp_error_destroy(err);
	dp_elfdeps_destroy(real);
}

/* Copy self to root/bin/t and apply a patch to its program headers. */
static void patched(const char *root, int what)
{
	sh("cp %s %s/bin/t", self, root);
	char path[300];
	snprintf(path, sizeof(path), "%s/bin/t", root);
	int fd = open(path, O_RDWR);
	Elf64_Ehdr eh;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		return;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		off_t off = (off_t)(eh.e_phoff + i * sizeof(ph));
		if (pread(fd, &ph, sizeof(ph), off) != sizeof(ph))
			break;
		if (what == 0 && ph.p_type == PT_DYNAMIC)
			ph.p_offset = 0x7fffffff00ull;
		if (what == 1 && ph.p_type == PT_INTERP)
			ph.p_filesz = 1u << 30;
		if (what == 2 && ph.p_type == PT_LOAD)
			ph.p_filesz = 0; /* DT_STRTAB maps nowhere */
		if (pwrite(fd, &ph, sizeof(ph), off) != sizeof(ph))
			break;
	}
	close(fd);
}

/* Copy self to root/bin/t with its PT_NOTE header made a second header of
 * type (a copy of the first). */
static void duplicate_phdr(const char *root, uint32_t type)
{
	sh("cp %s %s/bin/t", self, root);
	char path[300];
	snprintf(path, sizeof(path), "%s/bin/t", root);
	int fd = open(path, O_RDWR);
	Elf64_Ehdr eh;
	Elf64_Phdr dup = { 0 };
	off_t note = -1;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		eh.e_phnum = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		off_t off = (off_t)(eh.e_phoff + i * sizeof(ph));
		if (pread(fd, &ph, sizeof(ph), off) != sizeof(ph))
			break;
		if (ph.p_type == type && dup.p_type != type)
			dup = ph;
		if (ph.p_type == PT_NOTE && note < 0)
			note = off;
	}
	CHECK(dup.p_type == type && note >= 0);
	if (note >= 0 && pwrite(fd, &dup, sizeof(dup), note) != sizeof(dup))
		CHECK(!"pwrite");
	close(fd);
}

/* Copy self to root/bin/t with its first DT_NEEDED offset set to 2^63. */
static void huge_needed(const char *root)
{
	sh("cp %s %s/bin/t", self, root);
	char path[300];
	snprintf(path, sizeof(path), "%s/bin/t", root);
	int fd = open(path, O_RDWR);
	Elf64_Ehdr eh;
	bool done = false;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		eh.e_phnum = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (pread(fd, &ph, sizeof(ph),
			  (off_t)(eh.e_phoff + i * sizeof(ph))) != sizeof(ph))
			break;
		if (ph.p_type != PT_DYNAMIC)
			continue;
		for (off_t o = (off_t)ph.p_offset; !done &&
		     o < (off_t)(ph.p_offset + ph.p_filesz); o += sizeof(Elf64_Dyn)) {
			Elf64_Dyn dyn;
			if (pread(fd, &dyn, sizeof(dyn), o) != sizeof(dyn))
				break;
			if (dyn.d_tag != DT_NEEDED)
				continue;
			dyn.d_un.d_val = 1ull << 63;
			done = pwrite(fd, &dyn, sizeof(dyn), o) == sizeof(dyn);
		}
	}
	CHECK(done);
	close(fd);
}

TEST(damaged_elf)
{
	char root[256], path[300];
	snprintf(root, sizeof(root), "%s/r3", tmpdir);
	sh("mkdir -p %s/bin %s/lib64", root, root);
	sh("cp -L /lib64/ld-linux-x86-64.so.2 %s/lib64/", root);
	static const char *const want[] = {
		"PT_DYNAMIC lies outside the file",
		"PT_INTERP is not a string inside the file",
		"DT_STRTAB is not in a PT_LOAD segment",
	};
	for (int w = 0; w < 3; w++) {
		patched(root, w);
		struct dp_elfdeps *d;
		struct dp_error *err = resolve(root, "/bin/t", &d);
		CHECK(err && err->code == DP_ERR_BAD_DATA);
		CHECK(err && strstr(err->message, want[w]));
		if (err)
			printf("# %s\n", err->message);
		dp_error_destroy(err);
	}
	/*
	 * Two PT_INTERP headers (fuzz-initramfs found the second one leaked
	 * the first's string): the first counts and the walk goes on to the
	 * libraries, which this root does not have.
	 */
	duplicate_phdr(root, PT_INTERP);
	struct dp_elfdeps *d2;
	struct dp_error *err2 = resolve(root, "/bin/t", &d2);
	CHECK(err2 && err2->code == DP_ERR_NOT_FOUND);
	if (err2)
		printf("# %s\n", err2->message);
	dp_error_destroy(err2);
	/* a DT_NEEDED offset of 2^63 (fuzz-initramfs: a NULL name, then a
	 * NULL dereference) */
	huge_needed(root);
	err2 = resolve(root, "/bin/t", &d2);
	CHECK(err2 && err2->code == DP_ERR_BAD_DATA &&
	      strstr(err2->message, "outside DT_STRTAB"));
	if (err2)
		printf("# %s\n", err2->message);
	dp_error_destroy(err2);
	/* two PT_DYNAMIC (fuzz-initramfs: the second parse overran the
	 * first's DT_NEEDED array) */
	duplicate_phdr(root, PT_DYNAMIC);
	err2 = resolve(root, "/bin/t", &d2);
	CHECK(err2 && err2->code == DP_ERR_BAD_DATA &&
	      strstr(err2->message, "more than one PT_DYNAMIC"));
	if (err2)
		printf("# %s\n", err2->message);
	dp_error_destroy(err2);
	/* truncated: the headers are there, the rest is not */
	sh("head -c 3000 %s > %s/bin/t", self, root);
	struct dp_elfdeps *d;
	struct dp_error *err = resolve(root, "/bin/t", &d);
	CHECK(err && err->code == DP_ERR_BAD_DATA);
	dp_error_destroy(err);
	/* not ELF at all */
	snprintf(path, sizeof(path), "%s/bin/t", root);
	FILE *f = fopen(path, "w");
	fputs("#!/bin/sh\necho hi\n", f);
	fclose(f);
	err = resolve(root, "/bin/t", &d);
	CHECK(err && strstr(err->message, "not an ELF file"));
	dp_error_destroy(err);
	err = resolve(root, "bin/t", &d);
	CHECK(err && err->code == DP_ERR_INVALID);
	dp_error_destroy(err);
}

TEST(cleanup)
{
	sh("rm -rf %s", tmpdir);
}

static void setup(void) __attribute__((constructor));
static void setup(void)
{
	if (!mkdtemp(tmpdir) || !realpath("/proc/self/exe", self))
		abort();
}

TEST_MAIN(T(same_as_ldd), T(static_pie_has_none),
	  T(missing_interpreter_and_library), T(ld_so_conf_include),
	  T(damaged_elf), T(cleanup))
