// SPDX-License-Identifier: MIT
// The capture initramfs plan and archive (include/dontpanic/initramfs.h).
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dontpanic/config.h>
#include <dontpanic/initramfs.h>

#include "setup/cpio.h"
#include "setup/elfdeps.h"
#include "setup/kmod.h"
#include "setup/target.h"

#define MAX_LINKS 40	/* symlinks followed for one path, as the kernel */
#define MAX_PATH 4096

struct builder {
	const struct dp_initramfs_opts *opts;
	const char *root;
	struct dp_initramfs *plan;
};

static char *xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

static struct dp_initramfs_entry *find(const struct dp_initramfs *p,
				       const char *path)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].path, path) == 0)
			return &p->v[i];
	return NULL;
}

/* Does the plan hold an entry below dir (an implicit directory)? */
static bool under_dir(const struct dp_initramfs *p, const char *dir)
{
	size_t n = strlen(dir);
	for (size_t i = 0; i < p->n; i++)
		if (!strncmp(p->v[i].path, dir, n) && p->v[i].path[n] == '/')
			return true;
	return false;
}

static struct dp_error *add_copy(struct builder *b, const char *dest,
				 const char *src, const char *why);

/* Append an entry; path and why are copied. Returns NULL on no memory. */
static struct dp_initramfs_entry *add(struct builder *b,
				      enum dp_initramfs_kind kind,
				      const char *path, const char *why)
{
	struct dp_initramfs *p = b->plan;
	struct dp_initramfs_entry *v = realloc(p->v, (p->n + 1) * sizeof(*v));
	if (!v)
		return NULL;
	p->v = v;
	struct dp_initramfs_entry *e = &p->v[p->n];
	*e = (struct dp_initramfs_entry){ .kind = kind };
	e->path = strdup(path);
	e->why = strdup(why);
	if (!e->path || !e->why) {
		free(e->path);
		free(e->why);
		return NULL;
	}
	p->n++;
	return e;
}

static struct dp_error *note(struct builder *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static struct dp_error *note(struct builder *b, const char *fmt, ...)
{
	struct dp_initramfs *p = b->plan;
	char **v = realloc(p->notes, (p->nnotes + 1) * sizeof(*v));
	if (!v)
		return &dp_enomem;
	p->notes = v;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&p->notes[p->nnotes], fmt, ap);
	va_end(ap);
	if (n < 0)
		return &dp_enomem;
	p->nnotes++;
	return NULL;
}

/* Drop "." and resolve ".." lexically in an absolute path, in place. */
static void normalize(char *path)
{
	char *out = path;
	const char *in = path;
	while (*in) {
		while (*in == '/')
			in++;
		if (!*in)
			break;
		size_t n = strcspn(in, "/");
		if (n == 1 && in[0] == '.') {
			/* skip */
		} else if (n == 2 && in[0] == '.' && in[1] == '.') {
			while (out > path && *--out != '/')
				;
		} else {
			*out++ = '/';
			memmove(out, in, n);
			out += n;
		}
		in += n;
	}
	if (out == path)
		*out++ = '/';
	*out = 0;
}

/*
 * Add the host file at path (read under root) at the same path, and every
 * symlink met on the way (a directory symlink such as /lib -> usr/lib, or
 * a library's SONAME link) as a symlink plus what it points to: the loader
 * and the capture open the paths as written.
 */
static struct dp_error *add_host_path(struct builder *b, const char *root,
				      const char *path, const char *why)
{
	char want[MAX_PATH * 2], cur[MAX_PATH], full[MAX_PATH * 2];
	if (path[0] != '/' || strlen(path) >= MAX_PATH)
		return dp_error_create(DP_ERR_INVALID,
				       "%s: need an absolute path", path);
	snprintf(want, sizeof(want), "%s", path);
	normalize(want);
	int links = 0;
restart:
	cur[0] = 0;
	for (const char *rest = want; *rest;) {
		while (*rest == '/')
			rest++;
		if (!*rest)
			break;
		size_t n = strcspn(rest, "/");
		bool last = rest[n] == 0 || strspn(rest + n, "/") ==
				strlen(rest + n);
		size_t clen = strlen(cur);
		if (clen + 1 + n >= MAX_PATH)
			return dp_error_create(DP_ERR_INVALID,
					       "%s: path too long", path);
		snprintf(cur + clen, MAX_PATH - clen, "/%.*s", (int)n, rest);
		rest += n;
		/* a symlink already in the archive wins over the host's */
		struct dp_initramfs_entry *e = find(b->plan, cur);
		char tgt[MAX_PATH];
		struct stat st;
		snprintf(full, sizeof(full), "%s%s", root, cur);
		if (e && e->kind == DP_INITRAMFS_SYMLINK) {
			snprintf(tgt, sizeof(tgt), "%s", e->target);
		} else if (e && last) {
			return NULL;	/* already there */
		} else if (e && e->kind == DP_INITRAMFS_DIR) {
			continue;
		} else if (lstat(full, &st) != 0) {
			return dp_error_os(errno, "%s%s%s", path,
					   strcmp(cur, path) ? ": " : "",
					   strcmp(cur, path) ? cur : "");
		} else if (S_ISLNK(st.st_mode) && under_dir(b->plan, cur)) {
			/* a directory in the archive already (/bin holds
			 * bin/dontpanic; the host's /bin -> usr/bin): put
			 * the file itself at path */
			snprintf(full, sizeof(full), "%s%s", root, path);
			return add_copy(b, path, full, why);
		} else if (S_ISLNK(st.st_mode)) {
			ssize_t l = readlink(full, tgt, sizeof(tgt) - 1);
			if (l <= 0)
				return dp_error_os(errno, "readlink %s", full);
			tgt[l] = 0;
			e = add(b, DP_INITRAMFS_SYMLINK, cur, why);
			if (!e || !(e->target = strdup(tgt)))
				return &dp_enomem;
			e->size = (uint64_t)l;
		} else if (S_ISDIR(st.st_mode)) {
			if (last)
				return dp_error_create(DP_ERR_INVALID,
						       "%s is a directory",
						       path);
			continue;
		} else if (S_ISREG(st.st_mode) && last) {
			e = add(b, DP_INITRAMFS_FILE, cur, why);
			if (!e || !(e->src = strdup(full)))
				return &dp_enomem;
			e->size = (uint64_t)st.st_size;
			e->perm = st.st_mode & 0777;
			return NULL;
		} else {
			return dp_error_create(DP_ERR_INVALID,
					       "%s: %s is not a regular file, directory or symlink",
					       path, cur);
		}
		/* follow the symlink: target (relative to its directory)
		 * followed by the rest of the path */
		if (++links > MAX_LINKS)
			return dp_error_create(DP_ERR_INVALID,
					       "%s: more than %d symlinks (a loop?)",
					       path, MAX_LINKS);
		char next[MAX_PATH * 2];
		if (tgt[0] == '/') {
			snprintf(next, sizeof(next), "%s%s", tgt, rest);
		} else {
			char *slash = strrchr(cur, '/');
			snprintf(next, sizeof(next), "%.*s/%s%s",
				 (int)(slash - cur), cur, tgt, rest);
		}
		if (strlen(next) >= MAX_PATH)
			return dp_error_create(DP_ERR_INVALID,
					       "%s: path too long", path);
		snprintf(want, sizeof(want), "%s", next);
		normalize(want);
		goto restart;
	}
	return dp_error_create(DP_ERR_INVALID, "%s: resolves to /", path);
}

/*
 * Where dest lands in the archive: through the symlinks already in it
 * (the host's /lib -> usr/lib, added with the libraries).
 */
static struct dp_error *archive_path(struct builder *b, const char *dest,
				     char *out)
{
	char want[MAX_PATH * 2];
	snprintf(want, sizeof(want), "%s", dest);
	normalize(want);
	for (int links = 0; links <= MAX_LINKS; links++) {
		char cur[MAX_PATH * 2] = "";
		const char *rest = want;
		const struct dp_initramfs_entry *e = NULL;
		while (*rest) {
			rest += strspn(rest, "/");
			size_t n = strcspn(rest, "/");
			size_t clen = strlen(cur);
			snprintf(cur + clen, sizeof(cur) - clen, "/%.*s",
				 (int)n, rest);
			rest += n;
			e = find(b->plan, cur);
			if (e && e->kind == DP_INITRAMFS_SYMLINK &&
			    *rest && strspn(rest, "/") != strlen(rest))
				break;
			e = NULL;
		}
		if (!e) {
			if (strlen(want) >= MAX_PATH)
				break;
			snprintf(out, MAX_PATH, "%s", want);
			return NULL;
		}
		char next[MAX_PATH * 3];
		if (e->target[0] == '/') {
			snprintf(next, sizeof(next), "%s%s", e->target, rest);
		} else {
			char *slash = strrchr(cur, '/');
			snprintf(next, sizeof(next), "%.*s/%s%s",
				 (int)(slash - cur), cur, e->target, rest);
		}
		if (strlen(next) >= sizeof(want))
			break;
		memcpy(want, next, strlen(next) + 1);
		normalize(want);
	}
	return dp_error_create(DP_ERR_INVALID,
			       "%s: too long or too many symlinks in the archive",
			       dest);
}

/* Copy the file src (any symlinks followed) to dest in the archive. */
static struct dp_error *add_copy(struct builder *b, const char *dest,
				 const char *src, const char *why)
{
	char at[MAX_PATH];
	struct dp_error *err = archive_path(b, dest, at);
	if (err)
		return err;
	if (find(b->plan, at))
		return NULL;
	struct stat st;
	if (stat(src, &st) != 0)
		return dp_error_os(errno, "%s", src);
	if (!S_ISREG(st.st_mode))
		return dp_error_create(DP_ERR_INVALID,
				       "%s is not a regular file", src);
	struct dp_initramfs_entry *e = add(b, DP_INITRAMFS_FILE, at, why);
	if (!e || !(e->src = strdup(src)))
		return &dp_enomem;
	e->size = (uint64_t)st.st_size;
	e->perm = st.st_mode & 0777;
	return NULL;
}

static struct dp_error *add_data(struct builder *b, const char *path,
				 const char *text, const char *why)
{
	struct dp_initramfs_entry *e = add(b, DP_INITRAMFS_DATA, path, why);
	if (!e || !(e->data = strdup(text)))
		return &dp_enomem;
	e->size = strlen(text);
	e->perm = 0644;
	return NULL;
}

static struct dp_error *add_skeleton(struct builder *b)
{
	static const struct {
		const char *path;
		unsigned perm;
	} dirs[] = {
		{ "/dev", 0755 }, { "/proc", 0555 }, { "/sys", 0555 },
		{ "/mnt", 0755 }, { "/tmp", 01777 }, { "/run", 0755 },
	};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct dp_initramfs_entry *e = add(b, DP_INITRAMFS_DIR,
						   dirs[i].path, "empty dir");
		if (!e)
			return &dp_enomem;
		e->perm = dirs[i].perm;
	}
	/* early output before devtmpfs is mounted (Documentation/
	 * admin-guide/devices.txt: console 5,1; null 1,3) */
	struct dp_initramfs_entry *e = add(b, DP_INITRAMFS_CDEV,
					   "/dev/console", "device node");
	if (!e)
		return &dp_enomem;
	e->perm = 0600;
	e->major = 5;
	e->minor = 1;
	e = add(b, DP_INITRAMFS_CDEV, "/dev/null", "device node");
	if (!e)
		return &dp_enomem;
	e->perm = 0666;
	e->major = 1;
	e->minor = 3;
	return NULL;
}

/* The shared libraries of an ELF file on the host. */
static struct dp_error *add_libs(struct builder *b, const char *exe,
				 const char *shown)
{
	struct dp_elfdeps *deps;
	struct dp_error *err = dp_elfdeps_resolve("", exe, &deps);
	if (err)
		return err;
	bool conf = false;
	for (size_t i = 0; i < deps->n && !err; i++) {
		const struct dp_elfdep *d = &deps->v[i];
		const char *by = strcmp(d->needed_by, exe) ? d->needed_by :
							     shown;
		char *why = xasprintf("%s of %s", d->interp ? "interpreter" :
				      "library", by);
		if (!why)
			return &dp_enomem;
		err = add_host_path(b, "", d->path, why);
		free(why);
		conf |= d->via_conf;
	}
	dp_elfdeps_destroy(deps);
	/* Without ld.so.cache the loader searches only its default
	 * directories: a library found through ld.so.conf needs the cache. */
	if (!err && conf && !find(b->plan, "/etc/ld.so.cache"))
		err = add_host_path(b, "", "/etc/ld.so.cache",
				    "loader cache (a library is outside the default directories)");
	return err;
}

static bool is_elf(const char *path)
{
	char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool elf = read(fd, magic, 4) == 4 && memcmp(magic, "\177ELF", 4) == 0;
	close(fd);
	return elf;
}

static struct dp_error *add_binary(struct builder *b)
{
	char exe[PATH_MAX];
	const char *bin = b->opts->binary ? b->opts->binary : "/proc/self/exe";
	if (!realpath(bin, exe))
		return dp_error_os(errno, "binary %s", bin);
	struct stat st;
	if (stat(exe, &st) != 0)
		return dp_error_os(errno, "binary %s", exe);
	char *why = xasprintf("binary (%s)", exe);
	struct dp_initramfs_entry *e = why ? add(b, DP_INITRAMFS_FILE,
						 "/bin/dontpanic", why) : NULL;
	free(why);
	if (!e || !(e->src = strdup(exe)))
		return &dp_enomem;
	e->size = (uint64_t)st.st_size;
	e->perm = 0755;
	e = add(b, DP_INITRAMFS_SYMLINK, "/init", "init (the capture command)");
	if (!e || !(e->target = strdup("bin/dontpanic")))
		return &dp_enomem;
	e->size = strlen(e->target);
	return add_libs(b, exe, "/bin/dontpanic");
}

/* An extra_bins word: a path, or a command searched in the usual PATH. */
static struct dp_error *add_extra_bin(struct builder *b, const char *bin)
{
	static const char *const dirs[] = {
		"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
		"/sbin", "/bin",
	};
	char path[MAX_PATH];
	snprintf(path, sizeof(path), "%s", bin);
	for (size_t i = 0; bin[0] != '/' && i < 6; i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], bin);
		if (access(path, X_OK) == 0)
			break;
	}
	if (path[0] != '/' || access(path, F_OK) != 0)
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "extra_bins %s: not found%s", bin,
				       bin[0] == '/' ? "" : " in PATH");
	struct dp_error *err = add_host_path(b, "", path,
					     "extra_bins (config)");
	if (!err && is_elf(path))
		err = add_libs(b, path, path);
	return err ? dp_error_prefix(err, "extra_bins %s", bin) : NULL;
}

static struct dp_error *add_extra_files(struct builder *b)
{
	struct dp_error *err = NULL;
	const struct dp_config *cfg = b->opts->config;
	for (size_t i = 0; cfg && i < cfg->extra_bins.n && !err; i++)
		err = add_extra_bin(b, cfg->extra_bins.v[i]);
	for (size_t i = 0; i < b->opts->nadd_files && !err; i++) {
		const char *f = b->opts->add_files[i];
		err = add_host_path(b, "", f, "added (--add)");
		if (!err && is_elf(f))
			err = add_libs(b, f, f);
		if (err)
			err = dp_error_prefix(err, "--add %s", f);
	}
	return err;
}

static struct dp_error *add_config(struct builder *b)
{
	const struct dp_config *cfg = b->opts->config;
	if (!cfg || !b->opts->config_file)
		return note(b, "no kdump configuration: the capture uses the defaults (dump to /var/crash on the root file system)");
	const char *dest = cfg->format == DP_CONFIG_KDUMP_TOOLS ?
		"/etc/default/kdump-tools" : "/etc/kdump.conf";
	struct stat st;
	if (stat(b->opts->config_file, &st) != 0)
		return dp_error_os(errno, "%s", b->opts->config_file);
	struct dp_initramfs_entry *e = add(b, DP_INITRAMFS_FILE, dest,
					   "config");
	if (!e || !(e->src = strdup(b->opts->config_file)))
		return &dp_enomem;
	e->size = (uint64_t)st.st_size;
	e->perm = 0644;
	return NULL;
}

static struct dp_error *add_target(struct builder *b,
				   struct dp_target **target_ret)
{
	struct dp_target *t;
	struct dp_error *err = dp_target_resolve(b->root, b->opts->config, &t);
	if (err)
		return dp_error_prefix(err, "dump target");
	// The capture looks the kind up in the same table (capability.c);
	// an image it could not use is not written.
	const struct dp_capability *cap =
		t->kind ? dp_capability_lookup(t->kind, NULL) : NULL;
	if (t->kind && (!cap || !cap->supported))
		err = dp_error_create(DP_ERR_UNSUPPORTED, "dump target %s: %s",
				      t->kind, cap ? cap->note :
				      "not a file system this build's capture mounts (ext2/3/4, xfs, btrfs) nor a raw device");
	for (size_t i = 0; i < t->nnotes && !err; i++)
		err = note(b, "target: %s", t->notes[i]);
	if (!err && !(b->plan->target_text = dp_target_format(t)))
		err = &dp_enomem;
	if (!err)
		err = add_data(b, "/etc/dontpanic/target",
			       b->plan->target_text, "dump target");
	if (err)
		dp_target_destroy(t);
	else
		*target_ret = t;
	return err;
}

/*
 * A module file: .ko copied, .ko.xz/.ko.zst/.ko.gz decompressed (the
 * capture's finit_module takes plain ELF). path is updated in place to
 * the name in the archive (suffix dropped).
 */
static struct dp_error *add_module_file(struct builder *b, char *path,
					const char *src, const char *why)
{
	size_t n = strlen(path);
	bool zst = n > 7 && !strcmp(path + n - 7, ".ko.zst");
	bool gz = n > 6 && !strcmp(path + n - 6, ".ko.gz");
	bool xz = n > 6 && !strcmp(path + n - 6, ".ko.xz");
	if (!zst && !gz && !xz)
		return add_copy(b, path, src, why);
	path[n - (zst ? 4 : 3)] = 0;
	char at[MAX_PATH];
	struct dp_error *err = archive_path(b, path, at);
	if (err || find(b->plan, at))
		return err;
	void *data;
	size_t len;
	if ((err = dp_kmod_decompress(src, &data, &len)))
		return err;
	char *w = xasprintf("%s, decompressed", why);
	struct dp_initramfs_entry *e = w ? add(b, DP_INITRAMFS_DATA, at, w) :
					   NULL;
	free(w);
	if (!e) {
		free(data);
		return &dp_enomem;
	}
	e->data = data;
	e->size = len;
	e->perm = 0644;
	return NULL;
}

/* Does root + dir + kver + tail exist? */
static bool exists_under(const char *root, const char *dir,
			 const char *kver, const char *tail)
{
	char path[MAX_PATH * 2];
	snprintf(path, sizeof(path), "%s%s%s%s", root, dir, kver, tail);
	return access(path, F_OK) == 0;
}

/*
 * A kernel without modules.dep. Every driver built in (CONFIG_MODULES=n
 * installs no /lib/modules/<kver>; a kernel with no loadable module has
 * only modules.builtin) is fine: no modules, a note. Not fine: no such
 * kernel at all, .ko files that depmod never indexed, or modules asked
 * for by name.
 */
static struct dp_error *add_no_modules(struct builder *b)
{
	const char *kver = b->plan->kver;
	const char *r = b->root;
	const struct dp_config *cfg = b->opts->config;
	bool dir = exists_under(r, "/lib/modules/", kver, "");
	if (!dir && !exists_under(r, "/boot/vmlinuz-", kver, ""))
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "no kernel %s: no %s/lib/modules/%s/modules.dep nor %s/boot/vmlinuz-%s",
				       kver, r, kver, r, kver);
	if (exists_under(r, "/lib/modules/", kver, "/kernel"))
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "%s/lib/modules/%s has modules but no modules.dep: run depmod %s",
				       r, kver, kver);
	const char *asked = cfg && cfg->extra_modules.n ?
		cfg->extra_modules.v[0] : b->opts->nadd_modules ?
		b->opts->add_modules[0] : NULL;
	if (asked)
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "module %s: kernel %s has no modules.dep (no loadable modules)",
				       asked, kver);
	struct dp_error *err = note(b, "modules: kernel %s has no %s/lib/modules/%s/modules.dep: no modules packed (every driver built in)",
				    kver, r, kver);
	if (!err && !(b->plan->modules_text = strdup("")))
		err = &dp_enomem;
	if (!err)
		err = add_data(b, "/etc/dontpanic/modules", "",
			       "module load order (none)");
	return err;
}

static struct dp_error *add_modules(struct builder *b,
				    const struct dp_target *t)
{
	if (!exists_under(b->root, "/lib/modules/", b->plan->kver,
			  "/modules.dep"))
		return add_no_modules(b);
	struct dp_kmod *k;
	struct dp_error *err = dp_kmod_open(b->root, b->plan->kver, &k);
	if (err)
		return err;
	struct dp_kmod_list list = { 0 };
	const struct dp_config *cfg = b->opts->config;
	if (!b->opts->no_target_modules)
		err = dp_target_modules(b->root, t, k, &list);
	for (size_t i = 0; cfg && !err && i < cfg->extra_modules.n; i++)
		err = dp_kmod_add(k, cfg->extra_modules.v[i],
				  "extra_modules (config)", &list);
	for (size_t i = 0; !err && i < b->opts->nadd_modules; i++)
		err = dp_kmod_add(k, b->opts->add_modules[i],
				  "--add-module", &list);
	size_t cap = 1, len = 0;
	char *text = calloc(1, 1);
	if (!text && !err)
		err = &dp_enomem;
	for (size_t i = 0; !err && i < list.n; i++) {
		const struct dp_kmod_entry *m = &list.v[i];
		char *why = xasprintf("module %s: %s", m->name, m->why);
		char *path = xasprintf("/lib/modules/%s/%s", b->plan->kver,
				       m->relpath);
		if (!why || !path)
			err = &dp_enomem;
		char *src = path ? xasprintf("%s/%s", dp_kmod_dir(k),
					     m->relpath) : NULL;
		if (!err && !src)
			err = &dp_enomem;
		if (!err)
			err = add_module_file(b, path, src, why);
		free(src);
		size_t need = len + (path ? strlen(path) : 0) + 2;
		if (!err && need > cap) {
			char *t2 = realloc(text, need * 2);
			if (!t2)
				err = &dp_enomem;
			else
				text = t2, cap = need * 2;
		}
		if (!err)
			len += (size_t)sprintf(text + len, "%s\n", path);
		free(why);
		free(path);
	}
	for (size_t i = 0; !err && i < list.nnotes; i++)
		err = note(b, "modules: %s", list.notes[i]);
	if (!err && !list.n)
		err = note(b, "modules: none needed (the target's drivers and file system are built into %s)",
			   b->plan->kver);
	if (!err) {
		b->plan->modules_text = text;
		b->plan->nmodules = list.n;
		err = add_data(b, "/etc/dontpanic/modules", text,
			       "module load order");
	} else {
		free(text);
	}
	dp_kmod_list_free(&list);
	dp_kmod_destroy(k);
	return err;
}

static struct dp_error *build(struct builder *b)
{
	struct dp_error *err = add_skeleton(b);
	struct dp_target *t = NULL;
	/* host paths (with their symlinks) first, then the files placed
	 * through those symlinks */
	if (!err)
		err = add_binary(b);
	if (!err)
		err = add_extra_files(b);
	if (!err)
		err = add_config(b);
	if (!err)
		err = add_target(b, &t);
	if (!err)
		err = add_modules(b, t);
	dp_target_destroy(t);
	return err;
}

struct dp_error *dp_initramfs_plan(const struct dp_initramfs_opts *opts,
				   struct dp_initramfs **ret)
{
	if (!opts->kver || !*opts->kver || strchr(opts->kver, '/'))
		return dp_error_create(DP_ERR_INVALID,
				       "initramfs: bad kernel release \"%s\"",
				       opts->kver ? opts->kver : "");
	struct builder b = { .opts = opts, .root = opts->root ? opts->root : "" };
	b.plan = calloc(1, sizeof(*b.plan));
	if (!b.plan)
		return &dp_enomem;
	struct dp_error *err = NULL;
	if (!(b.plan->kver = strdup(opts->kver)))
		err = &dp_enomem;
	if (!err)
		err = build(&b);
	if (err) {
		dp_initramfs_destroy(b.plan);
		return err;
	}
	*ret = b.plan;
	return NULL;
}

static struct dp_error *write_entry(struct dp_cpio *c,
				    const struct dp_initramfs_entry *e)
{
	switch (e->kind) {
	case DP_INITRAMFS_DIR:
		return dp_cpio_add_dir(c, e->path, e->perm);
	case DP_INITRAMFS_FILE:
		return dp_cpio_add_file(c, e->path, e->perm, e->src);
	case DP_INITRAMFS_DATA:
		return dp_cpio_add_data(c, e->path, e->perm, e->data,
					(size_t)e->size);
	case DP_INITRAMFS_SYMLINK:
		return dp_cpio_add_symlink(c, e->path, e->target);
	case DP_INITRAMFS_CDEV:
		return dp_cpio_add_cdev(c, e->path, e->perm, e->major,
					e->minor);
	}
	return dp_error_create(DP_ERR_INVALID, "initramfs: bad entry kind");
}

struct dp_error *dp_initramfs_write(const struct dp_initramfs *plan, int fd,
				    enum dp_initramfs_compress comp,
				    uint32_t mtime, uint64_t *size_ret)
{
	struct dp_cpio *c;
	struct dp_error *err = dp_cpio_open(fd, (enum dp_cpio_compress)comp,
					    mtime, &c);
	if (err)
		return err;
	for (size_t i = 0; i < plan->n && !err; i++)
		err = write_entry(c, &plan->v[i]);
	if (!err)
		err = dp_cpio_finish(c);
	if (!err && size_ret)
		*size_ret = dp_cpio_out_bytes(c);
	dp_cpio_destroy(c);
	return err;
}

void dp_initramfs_destroy(struct dp_initramfs *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->n; i++) {
		struct dp_initramfs_entry *e = &plan->v[i];
		free(e->path);
		free(e->src);
		free(e->target);
		free(e->data);
		free(e->why);
	}
	free(plan->v);
	free(plan->kver);
	free(plan->target_text);
	free(plan->modules_text);
	for (size_t i = 0; i < plan->nnotes; i++)
		free(plan->notes[i]);
	free(plan->notes);
	free(plan);
}
