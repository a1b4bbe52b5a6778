// SPDX-License-Identifier: MIT
// dontpanic initramfs: build the capture initramfs (the newc cpio archive
// the capture kernel boots with), written atomically.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <dontpanic/config.h>
#include <dontpanic/fingerprint.h>
#include <dontpanic/initramfs.h>

#include "cli.h"
#include "core/file.h"

#define DEFAULT_DIR "/var/lib/dontpanic"
#define MAX_EXTRA 256

static const char usage_text[] =
	"usage: dontpanic initramfs [-o FILE] [--kver=KVER] [--config=FILE]\n"
	"                           [--root=DIR] [--compress=gzip|zstd|none]\n"
	"                           [--add-module=M]... [--add=FILE]...\n"
	"                           [--binary=FILE] [--list] [--dry-run]\n"
	"                           [--if-changed] [--quiet]\n"
	"\n"
	"Build the capture initramfs: a newc cpio archive holding dontpanic-capture\n"
	"(the capture build: capture, collect and log only, statically linked; found\n"
	"beside this binary, or in the libexec directory for an installed dontpanic;\n"
	"else this binary) as /bin/dontpanic (and /init), the shared libraries it\n"
	"needs (found as the dynamic loader finds them, without running ldd), the\n"
	"kernel modules that reach the dump target (the drivers of its block device\n"
	"from sysfs, its file system) and the config's extra_modules, in load order\n"
	"with their dependencies, listed in /etc/dontpanic/modules (.ko.xz, .ko.zst\n"
	"and .ko.gz are decompressed; a kernel without modules.dep and with no\n"
	"module files gets none, with a note); the kdump configuration file as is,\n"
	"and /etc/dontpanic/target with the target resolved on this machine (kind,\n"
	"device, uuid and fstype read from the superblock, path). Each entry is\n"
	"printed with its size and why it is there. The same input gives the same\n"
	"bytes (mtime 0 or $SOURCE_DATE_EPOCH, uid/gid 0).\n"
	"A configuration with errors is refused, \"not supported by this build\"\n"
	"ones included (nfs, ssh, hooks, extra_bins, failure_action shell...: see\n"
	"'dontpanic config'), as is a target the capture cannot mount.\n"
	"Beside the image, IMAGE.fingerprint records what it was built from (the\n"
	"kernel's vmlinuz and modules.dep, the config, the packed binary and\n"
	"dontpanic's version, by content); --if-changed rebuilds only when one of\n"
	"them changed (dontpanic.service runs it at boot).\n"
	"Exit status: 0 written or up to date, 1 failed (missing library or\n"
	"module, config errors, unsupported target, write error), 2 usage.\n"
	"\n"
	"  -o, --output=FILE    where to write (default: " DEFAULT_DIR "/\n"
	"                       initrd-KVER.img); written to a temporary file\n"
	"                       and renamed\n"
	"  -k, --kver=KVER      kernel release of the capture kernel, whose\n"
	"                       /lib/modules/KVER is used (default: uname -r)\n"
	"  -c, --config=FILE    kdump configuration (default: ROOT/etc/kdump.conf,\n"
	"                       else ROOT/etc/default/kdump-tools, else none: the\n"
	"                       capture's defaults)\n"
	"  -r, --root=DIR       read etc, sys, dev, proc and lib/modules under DIR\n"
	"                       (default: $DP_SYSROOT, else /); the binary and its\n"
	"                       libraries are always this machine's\n"
	"  -z, --compress=C     gzip, zstd (default) or none\n"
	"  -m, --add-module=M   add module M (name or alias) and its dependencies\n"
	"  -a, --add=FILE       add a file of this machine at the same path (an ELF\n"
	"                       executable brings its libraries)\n"
	"  -b, --binary=FILE    the dontpanic binary to pack (default:\n"
	"                       dontpanic-capture, else this one)\n"
	"  -l, --list           print the entries (tab-separated: kind, size, path,\n"
	"                       why) and write nothing\n"
	"  -n, --dry-run        print what would be written, write nothing\n"
	"  -u, --if-changed     write only if the image is missing or its\n"
	"                       fingerprint differs (saying which input changed)\n"
	"  -q, --quiet          print only notes and the result, not the entries\n"
	"  -h, --help           show this help\n";

struct args {
	const char *output, *kver, *config, *root, *binary;
	const char *add[MAX_EXTRA], *mods[MAX_EXTRA];
	size_t nadd, nmods;
	enum dp_initramfs_compress comp;
	bool list, dry, quiet, if_changed;
};

static const char *kind_name(enum dp_initramfs_kind k)
{
	switch (k) {
	case DP_INITRAMFS_DIR: return "dir";
	case DP_INITRAMFS_FILE: return "file";
	case DP_INITRAMFS_DATA: return "file";
	case DP_INITRAMFS_SYMLINK: return "symlink";
	case DP_INITRAMFS_CDEV: return "chardev";
	}
	return "?";
}

static void print_plan(const struct dp_initramfs *p, bool tabs)
{
	uint64_t total = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct dp_initramfs_entry *e = &p->v[i];
		total += e->size;
		if (tabs) {
			printf("%s\t%llu\t%s\t%s\n", kind_name(e->kind),
			       (unsigned long long)e->size, e->path, e->why);
			continue;
		}
		char extra[4200] = "";
		if (e->kind == DP_INITRAMFS_SYMLINK)
			snprintf(extra, sizeof(extra), " -> %s", e->target);
		else if (e->kind == DP_INITRAMFS_CDEV)
			snprintf(extra, sizeof(extra), " (%u,%u)", e->major,
				 e->minor);
		printf("%-7s %9llu  %s%s  [%s]\n", kind_name(e->kind),
		       (unsigned long long)e->size, e->path, extra, e->why);
	}
	if (tabs)
		return;
	printf("\n%zu entries, %llu bytes of content, %zu module%s\n", p->n,
	       (unsigned long long)total, p->nmodules,
	       p->nmodules == 1 ? "" : "s");
	printf("target:");
	for (const char *s = p->target_text; s && *s;) {
		size_t n = strcspn(s, "\n");
		printf(" %.*s", (int)n, s);
		s += n + (s[n] == '\n');
	}
	printf("\n");
	for (size_t i = 0; i < p->nnotes; i++)
		printf("note: %s\n", p->notes[i]);
}

static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "kver", required_argument, NULL, 'k' },
		{ "config", required_argument, NULL, 'c' },
		{ "root", required_argument, NULL, 'r' },
		{ "compress", required_argument, NULL, 'z' },
		{ "add-module", required_argument, NULL, 'm' },
		{ "add", required_argument, NULL, 'a' },
		{ "binary", required_argument, NULL, 'b' },
		{ "list", no_argument, NULL, 'l' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "if-changed", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	a->comp = DP_INITRAMFS_ZSTD;
	int c;
	while ((c = getopt_long(argc, argv, "o:k:c:r:z:m:a:b:lnquh", opts,
				NULL)) != -1) {
		switch (c) {
		case 'o': a->output = optarg; break;
		case 'k': a->kver = optarg; break;
		case 'c': a->config = optarg; break;
		case 'r': a->root = optarg; break;
		case 'b': a->binary = optarg; break;
		case 'l': a->list = true; break;
		case 'n': a->dry = true; break;
		case 'q': a->quiet = true; break;
		case 'u': a->if_changed = true; break;
		case 'z':
			if (!strcmp(optarg, "gzip"))
				a->comp = DP_INITRAMFS_GZIP;
			else if (!strcmp(optarg, "zstd"))
				a->comp = DP_INITRAMFS_ZSTD;
			else if (!strcmp(optarg, "none"))
				a->comp = DP_INITRAMFS_NONE;
			else {
				dp_cli_errorf(argv[0], "--compress: gzip, zstd or none, not \"%s\"",
					      optarg);
				return DP_EXIT_USAGE;
			}
			break;
		case 'm':
		case 'a':
			if ((c == 'm' ? a->nmods : a->nadd) >= MAX_EXTRA) {
				dp_cli_errorf(argv[0], "more than %d --add/--add-module",
					      MAX_EXTRA);
				return DP_EXIT_USAGE;
			}
			if (c == 'm')
				a->mods[a->nmods++] = optarg;
			else
				a->add[a->nadd++] = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		default:
			return dp_cli_usage('?', usage_text);
		}
	}
	if (optind < argc) {
		dp_cli_errorf(argv[0], "unexpected argument \"%s\"",
			      argv[optind]);
		return dp_cli_usage('?', usage_text);
	}
	for (size_t i = 0; i < a->nadd; i++) {
		if (a->add[i][0] != '/') {
			dp_cli_errorf(argv[0], "--add %s: need an absolute path",
				      a->add[i]);
			return DP_EXIT_USAGE;
		}
	}
	return DP_EXIT_OK;
}

/* The config: --config, else the default files under root, else none. */
static int load_config(const char *cmd, const struct args *a,
		       const char *root, struct dp_config **cfg,
		       char **file)
{
	static const char *const defaults[] = {
		"/etc/kdump.conf", "/etc/default/kdump-tools",
	};
	char path[4096];
	const char *f = a->config;
	for (size_t i = 0; i < 2 && !f; i++) {
		snprintf(path, sizeof(path), "%s%s", root, defaults[i]);
		if (access(path, F_OK) == 0)
			f = path;
	}
	*cfg = NULL;
	*file = NULL;
	if (!f)
		return DP_EXIT_OK;
	int rc = dp_cli_load_config(cmd, root, f, DP_CONFIG_AUTO, cfg);
	if (rc)
		return rc;
	if ((*cfg)->nerrors) {
		dp_cli_print_diags(*cfg);
		dp_cli_errorf(cmd, "%s has errors: fix them first (dontpanic config %s)",
			      f, f);
		dp_config_destroy(*cfg);
		*cfg = NULL;
		return DP_EXIT_FAILURE;
	}
	if (!(*file = strdup(f))) {
		dp_config_destroy(*cfg);
		*cfg = NULL;
		dp_cli_errorf(cmd, "out of memory");
		return DP_EXIT_FAILURE;
	}
	return DP_EXIT_OK;
}

static uint32_t archive_mtime(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	if (!s || !*s)
		return 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	return *end || v > UINT32_MAX ? 0 : (uint32_t)v;
}

/* Write to a temporary file next to out, then rename over it. */
static int write_atomic(const char *cmd, const struct dp_initramfs *plan,
			const char *out, enum dp_initramfs_compress comp,
			uint64_t *size)
{
	char tmp[4200];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", out) >=
	    (int)sizeof(tmp)) {
		dp_cli_errorf(cmd, "%s: name too long", out);
		return DP_EXIT_FAILURE;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		dp_cli_errorf(cmd, "cannot create %s: %s", tmp,
			      strerror(errno));
		return DP_EXIT_FAILURE;
	}
	struct dp_error *err = dp_initramfs_write(plan, fd, comp,
						  archive_mtime(), size);
	if (!err && fchmod(fd, 0644) != 0)
		err = dp_error_os(errno, "chmod %s", tmp);
	if (!err && fsync(fd) != 0)
		err = dp_error_os(errno, "fsync %s", tmp);
	if (close(fd) != 0 && !err)
		err = dp_error_os(errno, "close %s", tmp);
	if (!err && rename(tmp, out) != 0)
		err = dp_error_os(errno, "rename %s to %s", tmp, out);
	if (err) {
		unlink(tmp);
		dp_cli_error(cmd, err);
		return DP_EXIT_FAILURE;
	}
	return DP_EXIT_OK;
}

/*
 * The binary to pack by default: dontpanic-capture (the capture build,
 * without the analysis libraries) beside this binary (a build tree), or
 * in DP_LIBEXECDIR when this one is the installed DP_BINDIR/dontpanic;
 * else this binary, with a note. Never another install's capture binary:
 * it must be the same version as the dontpanic that built the image.
 */
static const char *default_binary(char *buf, size_t len)
{
	char exe[PATH_MAX];
	if (!realpath("/proc/self/exe", exe))
		return NULL;
	char *slash = strrchr(exe, '/');
	*slash = 0;
	if (!strcmp(exe, DP_BINDIR))
		snprintf(buf, len, "%s/dontpanic-capture", DP_LIBEXECDIR);
	else
		snprintf(buf, len, "%s/dontpanic-capture", exe);
	if (access(buf, X_OK) == 0)
		return buf;
	fprintf(stderr, "dontpanic initramfs: note: no %s: packing this dontpanic, with its analysis-only libraries\n",
		buf);
	return NULL;
}

/* The default output, DEFAULT_DIR made if needed; NULL on failure. */
static const char *output_path(const char *cmd, const struct args *a,
			       char *buf, size_t len)
{
	if (a->output)
		return a->output;
	if (mkdir(DEFAULT_DIR, 0755) != 0 && errno != EEXIST) {
		dp_cli_errorf(cmd, "cannot create %s: %s", DEFAULT_DIR,
			      strerror(errno));
		return NULL;
	}
	snprintf(buf, len, DEFAULT_DIR "/initrd-%s.img", a->kver);
	return buf;
}

/* This build's fingerprint for out (NULL after an error message). */
static char *make_fingerprint(const char *cmd, const struct args *a,
			      const char *root, const char *cfg_file)
{
	char self[PATH_MAX];
	const char *bin = a->binary;
	if (!bin && !(bin = realpath("/proc/self/exe", self))) {
		dp_cli_errorf(cmd, "/proc/self/exe: %s", strerror(errno));
		return NULL;
	}
	struct dp_fingerprint_opts fo = {
		.root = root, .kver = a->kver, .config_file = cfg_file,
		.binary = bin, .version = DP_VERSION,
	};
	char *fp;
	struct dp_error *err = dp_fingerprint_make(&fo, &fp);
	if (err) {
		dp_cli_error(cmd, err);
		return NULL;
	}
	return fp;
}

/*
 * --if-changed: is out there, built from the same inputs? Says why
 * not (or that it is current). 1 current, 0 build it, -1 no memory.
 */
static int current(const char *out, const char *fp)
{
	char path[4200], *old = NULL;
	size_t len;
	if (snprintf(path, sizeof(path), "%s.fingerprint", out) >=
	    (int)sizeof(path))
		return 0;	/* too long: building says so */
	struct dp_error *err = dp_file_read(NULL, path, 65536, &old, &len);
	dp_error_destroy(err);
	bool nomem;
	char *why = dp_fingerprint_diff(err ? NULL : old, fp, &nomem);
	free(old);
	if (nomem)
		return -1;
	if (!why && access(out, F_OK) == 0) {
		printf("%s is up to date (same kernel, config and dontpanic as its %s)\n",
		       out, path);
		return 1;
	}
	printf("building %s: %s\n", out, why ? why : "no image");
	free(why);
	return 0;
}

/* Record fp beside out, atomically as the image. */
static int write_fingerprint(const char *cmd, const char *out,
			     const char *fp)
{
	char path[4200], tmp[4300];
	if (snprintf(path, sizeof(path), "%s.fingerprint", out) >=
	    (int)sizeof(path)) {
		dp_cli_errorf(cmd, "%s: name too long", out);
		return DP_EXIT_FAILURE;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp);
	size_t n = strlen(fp);
	bool ok = fd >= 0 && write(fd, fp, n) == (ssize_t)n &&
		  fchmod(fd, 0644) == 0 && fsync(fd) == 0;
	int e = errno;
	if (fd >= 0 && close(fd) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		if (fd >= 0)
			unlink(tmp);
		dp_cli_errorf(cmd, "cannot write %s: %s", path, strerror(e));
		return DP_EXIT_FAILURE;
	}
	return DP_EXIT_OK;
}

static int build_and_write(const char *cmd, const struct args *a,
			   const struct dp_initramfs_opts *o, const char *out,
			   const char *fp)
{
	struct dp_initramfs *plan = NULL;
	struct dp_error *err = dp_initramfs_plan(o, &plan);
	if (err) {
		dp_cli_error(cmd, err);
		return DP_EXIT_FAILURE;
	}
	if (a->quiet) {
		for (size_t i = 0; i < plan->nnotes; i++)
			printf("note: %s\n", plan->notes[i]);
	} else {
		print_plan(plan, a->list);
	}
	int rc = DP_EXIT_OK;
	uint64_t size = 0;
	if (out)
		rc = write_atomic(cmd, plan, out, a->comp, &size);
	if (out && !rc)
		rc = write_fingerprint(cmd, out, fp);
	if (out && !rc)
		printf("wrote %s: %llu bytes (%s), %zu module%s\n", out,
		       (unsigned long long)size,
		       a->comp == DP_INITRAMFS_GZIP ? "gzip" :
		       a->comp == DP_INITRAMFS_ZSTD ? "zstd" : "uncompressed",
		       plan->nmodules, plan->nmodules == 1 ? "" : "s");
	dp_initramfs_destroy(plan);
	return rc;
}

static int run(const char *cmd, struct args *a)
{
	struct utsname u;
	if (!a->kver) {
		if (uname(&u) != 0) {
			dp_cli_errorf(cmd, "uname: %s", strerror(errno));
			return DP_EXIT_FAILURE;
		}
		a->kver = u.release;
	}
	const char *root = dp_cli_sysroot(a->root);
	struct dp_config *cfg;
	char *cfg_file;
	int rc = load_config(cmd, a, root, &cfg, &cfg_file);
	if (rc)
		return rc;
	char capture_bin[PATH_MAX + 32], def[4200];
	if (!a->binary)
		a->binary = default_binary(capture_bin, sizeof(capture_bin));
	struct dp_initramfs_opts o = {
		.root = root, .binary = a->binary, .kver = a->kver,
		.config = cfg, .config_file = cfg_file,
		.add_files = a->add, .nadd_files = a->nadd,
		.add_modules = a->mods, .nadd_modules = a->nmods,
	};
	bool writes = !a->list && !a->dry;
	const char *out = writes ? output_path(cmd, a, def, sizeof(def)) :
				   NULL;
	char *fp = out ? make_fingerprint(cmd, a, root, cfg_file) : NULL;
	int cur = fp && a->if_changed ? current(out, fp) : 0;
	if (writes && (!out || !fp || cur < 0)) {
		if (cur < 0)
			dp_cli_errorf(cmd, "out of memory");
		rc = DP_EXIT_FAILURE;
	} else if (cur == 0) {
		rc = build_and_write(cmd, a, &o, out, fp);
	}
	free(fp);
	dp_config_destroy(cfg);
	free(cfg_file);
	return rc;
}

int cmd_initramfs(int argc, char **argv)
{
	struct args a = { 0 };
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? DP_EXIT_OK : rc;
	return run(argv[0], &a);
}
