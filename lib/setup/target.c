// SPDX-License-Identifier: MIT
// The dump target of a configuration, resolved on this machine (target.h):
// the block device behind UUID=/LABEL=/PARTUUID=/PARTLABEL=//dev/...,
// its file system type and UUID from the superblock.
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <dontpanic/config.h>

#include "setup/target.h"

#define MAX_BLOCKDEVS 1024	/* devices scanned for a UUID or label */

static struct dp_error *tnote(struct dp_target *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static struct dp_error *tnote(struct dp_target *t, const char *fmt, ...)
{
	char **v = realloc(t->notes, (t->nnotes + 1) * sizeof(*v));
	if (!v)
		return &dp_enomem;
	t->notes = v;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&t->notes[t->nnotes], fmt, ap);
	va_end(ap);
	if (n < 0)
		return &dp_enomem;
	t->nnotes++;
	return NULL;
}

static int set(char **field, const char *value)
{
	free(*field);
	*field = value ? strdup(value) : NULL;
	return !value || *field ? 0 : -1;
}

/* realpath of root+path, returned without root. */
static char *resolve_under(const char *root, const char *path)
{
	char full[PATH_MAX], rroot[PATH_MAX], out[PATH_MAX];
	snprintf(full, sizeof(full), "%s%s", root, path);
	if (!realpath(full, out))
		return NULL;
	if (!*root)
		return strdup(out);
	if (!realpath(root, rroot))
		return NULL;
	size_t n = strlen(rroot);
	if (strncmp(out, rroot, n) != 0 || (out[n] && out[n] != '/'))
		return NULL;	/* a link out of the tree */
	return strdup(out[n] ? out + n : "/");
}

/* The mount holding path, from root/proc/self/mounts. */
static struct dp_error *find_mount(const char *root, const char *path,
				   struct dp_target *t)
{
	char file[PATH_MAX];
	snprintf(file, sizeof(file), "%s/proc/self/mounts", root);
	FILE *f = fopen(file, "re");
	if (!f)
		return tnote(t, "cannot read %s: %s", file, strerror(errno));
	char line[4096], best_dev[4096] = "", best_type[256] = "";
	size_t best = 0;
	while (fgets(line, sizeof(line), f)) {
		char dev[4096], mnt[4096], type[256];
		if (sscanf(line, "%4095s %4095s %255s", dev, mnt, type) != 3)
			continue;
		size_t n = strlen(mnt);
		bool under = strncmp(path, mnt, n) == 0 &&
			     (path[n] == '/' || !path[n] || n == 1);
		if (under && n >= best && strcmp(type, "rootfs") != 0) {
			best = n;
			snprintf(best_dev, sizeof(best_dev), "%s", dev);
			snprintf(best_type, sizeof(best_type), "%s", type);
		}
	}
	fclose(f);
	if (!best)
		return tnote(t, "no mount holds %s in %s", path, file);
	if (set(&t->device, best_dev) || set(&t->kind, best_type))
		return &dp_enomem;
	return NULL;
}

/* Scan the block devices for a superblock UUID (no /dev/disk/by-uuid:
 * no udev, as on minimal VMs). */
static char *scan_uuid(const char *root, const char *uuid)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/sys/class/block", root);
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char *found = NULL;
	struct dirent *de;
	for (int i = 0; !found && i < MAX_BLOCKDEVS && (de = readdir(d)); i++) {
		if (de->d_name[0] == '.')
			continue;
		char node[PATH_MAX];
		snprintf(node, sizeof(node), "%s/dev/%s", root, de->d_name);
		char *type = NULL, *u = NULL;
		struct dp_error *err = dp_fsprobe(node, &type, &u);
		if (!err && strcasecmp(u, uuid) == 0 &&
		    asprintf(&found, "/dev/%s", de->d_name) < 0)
			found = NULL;
		dp_error_destroy(err);
		free(type);
		free(u);
	}
	closedir(d);
	return found;
}

static struct dp_error *find_node(const char *root, struct dp_target *t)
{
	static const struct {
		const char *prefix, *dir;
	} tags[] = {
		{ "UUID=", "by-uuid" }, { "LABEL=", "by-label" },
		{ "PARTUUID=", "by-partuuid" },
		{ "PARTLABEL=", "by-partlabel" },
	};
	const char *spec = t->device;
	char link[PATH_MAX];
	if (spec[0] == '/') {
		snprintf(link, sizeof(link), "%s", spec);
	} else {
		size_t i;
		for (i = 0; i < 4; i++)
			if (!strncmp(spec, tags[i].prefix,
				     strlen(tags[i].prefix)))
				break;
		if (i == 4)
			return tnote(t, "device \"%s\" is neither a path nor UUID=, LABEL=, PARTUUID=, PARTLABEL=",
				     spec);
		const char *v = spec + strlen(tags[i].prefix);
		if (*v == '"' && strlen(v) >= 2)
			v++;
		snprintf(link, sizeof(link), "/dev/disk/%s/%.*s", tags[i].dir,
			 (int)strcspn(v, "\""), v);
	}
	t->node = resolve_under(root, link);
	if (!t->node && !strncmp(spec, "UUID=", 5))
		t->node = scan_uuid(root, link + strlen("/dev/disk/by-uuid/"));
	if (!t->node)
		return tnote(t, "device %s not found on this machine (no %s%s)",
			     spec, root, link);
	const char *base = strrchr(t->node, '/');
	char sys[PATH_MAX];
	snprintf(sys, sizeof(sys), "%s/sys/class/block/%s", root,
		 base ? base + 1 : t->node);
	struct stat st;
	if (base && stat(sys, &st) == 0 && set(&t->blockdev, base + 1))
		return &dp_enomem;
	return NULL;
}

static struct dp_error *probe(const char *root, struct dp_target *t,
			      bool want_fs)
{
	char node[PATH_MAX];
	snprintf(node, sizeof(node), "%s%s", root, t->node);
	struct dp_error *err = dp_fsprobe(node, &t->fstype, &t->uuid);
	if (!err) {
		if (want_fs && strcmp(t->kind, t->fstype) != 0)
			return tnote(t, "the config says %s but %s holds %s",
				     t->kind, t->node, t->fstype);
		return NULL;
	}
	if (err == &dp_enomem)
		return err;
	struct dp_error *e2 = want_fs ?
		tnote(t, "no uuid/fstype: cannot read the superblock: %s",
		      err->message) : NULL;
	dp_error_destroy(err);
	return e2;
}

struct dp_error *dp_target_resolve(const char *root,
				   const struct dp_config *cfg,
				   struct dp_target **ret)
{
	root = root ? root : "";
	struct dp_target *t = calloc(1, sizeof(*t));
	if (!t)
		return &dp_enomem;
	enum dp_target_kind kind = cfg ? cfg->target : DP_TARGET_LOCAL;
	const char *path = cfg && cfg->path ? cfg->path : "/var/crash";
	static const char *const names[] = {
		[DP_TARGET_RAW] = "raw", [DP_TARGET_NFS] = "nfs",
		[DP_TARGET_SSH] = "ssh", [DP_TARGET_FTP] = "ftp",
		[DP_TARGET_DRACUT] = "dracut", [DP_TARGET_VIRTIOFS] = "virtiofs",
	};
	struct dp_error *err = NULL;
	if (set(&t->path, path))
		err = &dp_enomem;
	if (!err && kind == DP_TARGET_LOCAL) {
		err = find_mount(root, path, t);
	} else if (!err) {
		const char *k = kind == DP_TARGET_FS ? cfg->fstype :
			names[kind];
		if (set(&t->kind, k) || set(&t->device, cfg->target_spec))
			err = &dp_enomem;
		if (!err && kind == DP_TARGET_DRACUT)
			err = tnote(t, "dracut_args --mount targets are not resolved; the capture must handle them");
	}
	bool block = kind == DP_TARGET_RAW || kind == DP_TARGET_FS ||
		     (kind == DP_TARGET_LOCAL && t->device &&
		      (t->device[0] == '/' || strchr(t->device, '=')));
	if (!err && block && t->device)
		err = find_node(root, t);
	if (!err && t->node)
		err = probe(root, t, kind != DP_TARGET_RAW);
	if (err) {
		dp_target_destroy(t);
		return err;
	}
	*ret = t;
	return NULL;
}

char *dp_target_format(const struct dp_target *t)
{
	char *s = NULL;
	int n = asprintf(&s, "kind=%s\n%s%s%s%s%s%s%s%s%s%s%s%s",
			 t->kind ? t->kind : "unknown",
			 t->device ? "device=" : "", t->device ? t->device : "",
			 t->device ? "\n" : "",
			 t->uuid ? "uuid=" : "", t->uuid ? t->uuid : "",
			 t->uuid ? "\n" : "",
			 t->fstype ? "fstype=" : "", t->fstype ? t->fstype : "",
			 t->fstype ? "\n" : "",
			 t->path ? "path=" : "", t->path ? t->path : "",
			 t->path ? "\n" : "");
	return n < 0 ? NULL : s;
}

void dp_target_destroy(struct dp_target *t)
{
	if (!t)
		return;
	free(t->kind);
	free(t->device);
	free(t->node);
	free(t->blockdev);
	free(t->uuid);
	free(t->fstype);
	free(t->path);
	for (size_t i = 0; i < t->nnotes; i++)
		free(t->notes[i]);
	free(t->notes);
	free(t);
}
