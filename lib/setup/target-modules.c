// SPDX-License-Identifier: MIT
// The kernel modules needed to reach a dump target (target.h): walk the
// sysfs device of its block device up to the root of the device tree and
// take each bound driver's module (the driver/module link, else the
// driver's name, else the device's modalias matched against the capture
// kernel's modules.alias: the running kernel may have the driver built in
// while the capture kernel has it as a module), then the file system, and
// for network targets the network drivers and the NFS client.
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dontpanic/error.h>

#include "setup/target.h"

#define MAX_SLAVE_DEPTH 8	/* dm on md on ... */
#define MAX_DEVS 64		/* driver names collected for one device */
#define MAX_NETDEVS 256

struct names {
	char *v[MAX_DEVS];
	size_t n;
};

static void names_free(struct names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i]);
	n->n = 0;
}

static void names_add(struct names *n, const char *s)
{
	for (size_t i = 0; i < n->n; i++)
		if (!strcmp(n->v[i], s))
			return;
	if (n->n < MAX_DEVS && (n->v[n->n] = strdup(s)))
		n->n++;
}

static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = 0;
	return ok && *buf;
}

static const char *link_base(const char *link, char *buf, size_t len)
{
	ssize_t n = readlink(link, buf, len - 1);
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	const char *b = strrchr(buf, '/');
	return b ? b + 1 : buf;
}

/*
 * Driver names (module names when known) of dir and its parents up to
 * root/sys/devices, the root-most first, as "m:NAME" (a module) or
 * "a:MODALIAS" (to match against the capture kernel's aliases).
 */
static void walk_device(const char *sysdevices, const char *dir,
			struct names *out)
{
	char p[PATH_MAX], link[PATH_MAX + 16], buf[PATH_MAX];
	struct names up = { 0 };
	snprintf(p, sizeof(p), "%s", dir);
	size_t rlen = strlen(sysdevices);
	while (strlen(p) > rlen && !strncmp(p, sysdevices, rlen)) {
		snprintf(link, sizeof(link), "%s/driver", p);
		struct stat st;
		if (lstat(link, &st) == 0) {
			/* the alias first: the list is reversed below and
			 * the driver's own name should be tried first */
			char item[PATH_MAX + 2];
			snprintf(link, sizeof(link), "%s/modalias", p);
			if (read_line(link, buf, sizeof(buf))) {
				snprintf(item, sizeof(item), "a:%s", buf);
				names_add(&up, item);
			}
			const char *mod = NULL, *drv = NULL;
			snprintf(link, sizeof(link), "%s/driver/module", p);
			mod = link_base(link, buf, sizeof(buf));
			if (!mod) {
				snprintf(link, sizeof(link), "%s/driver", p);
				drv = link_base(link, buf, sizeof(buf));
			}
			if (mod || drv) {
				snprintf(item, sizeof(item), "m:%s",
					 mod ? mod : drv);
				names_add(&up, item);
			}
		}
		char *slash = strrchr(p, '/');
		if (!slash)
			break;
		*slash = 0;
	}
	for (size_t i = up.n; i-- > 0;)
		names_add(out, up.v[i]);
	names_free(&up);
}

static void walk_block(const char *root, const char *sysdevices,
		       const char *name, int depth, struct names *out)
{
	char path[PATH_MAX], real[PATH_MAX];
	snprintf(path, sizeof(path), "%s/sys/class/block/%s", root, name);
	if (depth > MAX_SLAVE_DEPTH || !realpath(path, real))
		return;
	/* what a dm or md device is built on comes first */
	char slaves[PATH_MAX + 8];
	snprintf(slaves, sizeof(slaves), "%s/slaves", real);
	DIR *d = opendir(slaves);
	struct dirent *de;
	for (int i = 0; d && i < MAX_DEVS && (de = readdir(d)); i++)
		if (de->d_name[0] != '.')
			walk_block(root, sysdevices, de->d_name, depth + 1,
				   out);
	if (d)
		closedir(d);
	snprintf(slaves, sizeof(slaves), "%s/dm", real);
	struct stat st;
	if (stat(slaves, &st) == 0)
		names_add(out, "m:dm_mod");
	walk_device(sysdevices, real, out);
}

/* Add one collected name; unknown ones (a driver built into the running
 * kernel, an alias no capture module matches) are skipped. */
static struct dp_error *add_name(const struct dp_kmod *k, const char *item,
				 const char *why, struct dp_kmod_list *list)
{
	const char *name = item + 2;
	if (item[0] == 'm' && !dp_kmod_exists(k, name))
		return NULL;	/* built in, or another kernel's driver */
	struct dp_error *err = dp_kmod_add(k, name, why, list);
	if (err && err->code == DP_ERR_NOT_FOUND) {
		dp_error_destroy(err);
		return NULL;
	}
	return err;
}

static struct dp_error *add_names(const struct dp_kmod *k,
				  struct names *n, const char *what,
				  struct dp_kmod_list *list)
{
	struct dp_error *err = NULL;
	for (size_t i = 0; i < n->n && !err; i++) {
		char why[PATH_MAX];
		snprintf(why, sizeof(why), "for %s (%s %s)", what,
			 n->v[i][0] == 'a' ? "modalias" : "driver",
			 n->v[i] + 2);
		err = add_name(k, n->v[i], why, list);
	}
	return err;
}

static struct dp_error *add_net(const char *root, const char *sysdevices,
				const struct dp_kmod *k,
				struct dp_kmod_list *list)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/sys/class/net", root);
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	struct dp_error *err = NULL;
	struct dirent *de;
	for (int i = 0; !err && i < MAX_NETDEVS && (de = readdir(d)); i++) {
		char path[PATH_MAX + 512], real[PATH_MAX];
		if (de->d_name[0] == '.')
			continue;
		/* only interfaces with a device: no lo, bridges, tunnels */
		snprintf(path, sizeof(path), "%s/%s/device", dir, de->d_name);
		if (!realpath(path, real))
			continue;
		struct names n = { 0 };
		walk_device(sysdevices, real, &n);
		err = add_names(k, &n, de->d_name, list);
		names_free(&n);
	}
	closedir(d);
	return err;
}

static struct dp_error *add_fs(const struct dp_kmod *k, const char *fs,
			       struct dp_kmod_list *list)
{
	char why[128];
	snprintf(why, sizeof(why), "file system %s", fs);
	if (dp_kmod_exists(k, fs))
		return dp_kmod_add(k, fs, why, list);
	if (dp_kmod_is_builtin(k, fs))
		return NULL;
	/* request_module("fs-%s") is what the kernel asks for */
	char alias[128];
	snprintf(alias, sizeof(alias), "fs-%s", fs);
	struct dp_error *err = dp_kmod_add(k, alias, why, list);
	if (err && err->code == DP_ERR_NOT_FOUND) {
		dp_error_destroy(err);
		char **v = realloc(list->notes, (list->nnotes + 1) *
				   sizeof(*v));
		if (!v)
			return &dp_enomem;
		list->notes = v;
		if (asprintf(&v[list->nnotes], "no module for file system %s in %s (assumed built in)",
			     fs, dp_kmod_dir(k)) < 0)
			return &dp_enomem;
		list->nnotes++;
		return NULL;
	}
	return err;
}

struct dp_error *dp_target_modules(const char *root,
				   const struct dp_target *t,
				   const struct dp_kmod *k,
				   struct dp_kmod_list *list)
{
	root = root ? root : "";
	char sysdevices[PATH_MAX], tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s/sys/devices", root);
	if (!realpath(tmp, sysdevices))
		snprintf(sysdevices, sizeof(sysdevices), "%s", tmp);
	struct dp_error *err = NULL;
	if (t->blockdev) {
		struct names n = { 0 };
		walk_block(root, sysdevices, t->blockdev, 0, &n);
		err = add_names(k, &n, t->blockdev, list);
		names_free(&n);
	}
	const char *kind = t->kind ? t->kind : "";
	bool net = !strcmp(kind, "nfs") || !strcmp(kind, "ssh") ||
		   !strcmp(kind, "ftp");
	const char *fs = t->fstype ? t->fstype :
		(!net && strcmp(kind, "raw") && *kind &&
		 strcmp(kind, "dracut") ? kind : NULL);
	if (!err && fs)
		err = add_fs(k, fs, list);
	if (!err && net)
		err = add_net(root, sysdevices, k, list);
	if (!err && !strcmp(kind, "nfs")) {
		static const char *const nfs[] = { "nfs", "nfsv3", "nfsv4" };
		for (size_t i = 0; i < 3 && !err; i++)
			if (dp_kmod_exists(k, nfs[i]))
				err = dp_kmod_add(k, nfs[i], "NFS client",
						  list);
	}
	return err;
}
