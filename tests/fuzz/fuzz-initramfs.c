// SPDX-License-Identifier: MIT
// Fuzz what `dontpanic initramfs` and `capture` read from a system image:
// the depmod files (modules.dep/.builtin/.alias/.softdep) and the module
// walk, ELF executables and libraries with /etc/ld.so.conf (the library
// closure), file system superblocks, compressed modules, and the target
// file the capture kernel's /init reads. These readers
// take paths, so each input is written as files into a private directory
// under /dev/shm (or $TMPDIR) and the reader is run on that root.
//
// Input: one mode byte, then parts separated by "@@@@":
//   mode 0  modules.dep, modules.builtin, modules.alias, modules.softdep,
//           then module names to add (one per line)
//   mode 1  /bin/x, /lib/liba.so, /lib/libb.so, /etc/ld.so.conf,
//           /lib64/ld-linux-x86-64.so.2
//   mode 2  a block device image (the whole rest)
//   mode 3  a module compressed with zstd (.ko.zst)
//   mode 4  a module compressed with gzip (.ko.gz)
//   mode 5  the capture kernel's target file (/etc/dontpanic/target)
//   mode 6  a module compressed with xz (.ko.xz)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/capture.h>

#include "setup/elfdeps.h"
#include "setup/kmod.h"
#include "setup/target.h"

#include "fuzz-tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PARTS 6

static void check_list(const struct dp_kmod_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (!l->v[i].name || !l->v[i].relpath || !l->v[i].why)
			__builtin_trap();
		for (size_t j = 0; j < i; j++)	// each module once
			if (!strcmp(l->v[i].name, l->v[j].name))
				__builtin_trap();
	}
	for (size_t i = 0; i < l->nnotes; i++)
		if (!l->notes[i] || !l->notes[i][0])
			__builtin_trap();
}

static void add_names(const struct dp_kmod *k, const struct fuzz_part *names)
{
	struct dp_kmod_list list = { 0 };
	char name[128];
	size_t count = 0;
	for (size_t i = 0; names && i < names->n && count < 16;) {
		size_t j = i, len = 0;
		while (j < names->n && names->p[j] != '\n') {
			if (len < sizeof(name) - 1)
				name[len++] = (char)names->p[j];
			j++;
		}
		name[len] = 0;
		i = j + 1;
		if (!len || memchr(name, 0, len))
			continue;
		count++;
		struct dp_error *err = dp_kmod_add(k, name, "fuzz", &list);
		if (err)
			dp_error_destroy(err);
		(void)dp_kmod_is_builtin(k, name);
		(void)dp_kmod_exists(k, name);
	}
	check_list(&list);
	dp_kmod_list_free(&list);
}

static void run_kmod(const struct fuzz_part *pt, size_t n)
{
	static const char *const files[] = {
		"/lib/modules/k/modules.dep", "/lib/modules/k/modules.builtin",
		"/lib/modules/k/modules.alias", "/lib/modules/k/modules.softdep",
	};
	fuzz_tree_put_parts(files, sizeof(files) / sizeof(files[0]), pt, n);
	struct dp_kmod *k;
	struct dp_error *err = dp_kmod_open(fuzz_root, "k", &k);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	add_names(k, n > 4 ? &pt[4] : NULL);
	dp_kmod_destroy(k);
}

static void run_elfdeps(const struct fuzz_part *pt, size_t n)
{
	static const char *const files[] = {
		"/bin/x", "/lib/liba.so", "/lib/libb.so", "/etc/ld.so.conf",
		"/lib64/ld-linux-x86-64.so.2",
	};
	fuzz_tree_put_parts(files, sizeof(files) / sizeof(files[0]), pt, n);
	struct dp_elfdeps *deps;
	struct dp_error *err = dp_elfdeps_resolve(fuzz_root, "/bin/x", &deps);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	if (deps->n > DP_ELFDEPS_MAX_OBJECTS)
		__builtin_trap();
	for (size_t i = 0; i < deps->n; i++)
		if (!deps->v[i].path || deps->v[i].path[0] != '/' ||
		    !deps->v[i].name)
			__builtin_trap();
	dp_elfdeps_destroy(deps);
}

static void run_fsprobe(const struct fuzz_part *pt)
{
	char path[512];
	fuzz_tree_put("/dev-image", pt);
	snprintf(path, sizeof(path), "%s/dev-image", fuzz_root);
	char *type = NULL, *uuid = NULL;
	struct dp_error *err = dp_fsprobe(path, &type, &uuid);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	if (!type || !uuid || strlen(uuid) != 36)
		__builtin_trap();
	free(type);
	free(uuid);
}

static void run_decompress(const struct fuzz_part *pt, const char *rel)
{
	char path[512];
	fuzz_tree_put(rel, pt);
	snprintf(path, sizeof(path), "%s%s", fuzz_root, rel);
	void *out;
	size_t len;
	struct dp_error *err = dp_kmod_decompress(path, &out, &len);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	if (len < 4 || memcmp(out, "\177ELF", 4))
		__builtin_trap();
	free(out);
}

static void run_target_file(const uint8_t *p, size_t n)
{
	struct dp_capture_target t;
	struct dp_error *err = dp_capture_target_parse((const char *)p, n, &t);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	// every field is a terminated string within its array
	if (!t.kind[0] || strnlen(t.device, sizeof(t.device)) == sizeof(t.device) ||
	    strnlen(t.uuid, sizeof(t.uuid)) == sizeof(t.uuid) ||
	    strnlen(t.label, sizeof(t.label)) == sizeof(t.label) ||
	    strnlen(t.fstype, sizeof(t.fstype)) == sizeof(t.fstype) ||
	    strnlen(t.path, sizeof(t.path)) == sizeof(t.path))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const dirs[] = {
		"/bin", "/lib", "/lib64", "/etc", "/lib/modules",
		"/lib/modules/k",
	};
	if (!fuzz_root[0])
		fuzz_tree_init("initramfs", dirs, sizeof(dirs) / sizeof(dirs[0]));
	if (size < 1)
		return 0;
	uint8_t mode = data[0] % 7;
	struct fuzz_part parts[MAX_PARTS];
	size_t n;
	switch (mode) {
	case 0:
		n = fuzz_split(data + 1, size - 1, parts, MAX_PARTS);
		run_kmod(parts, n);
		break;
	case 1:
		n = fuzz_split(data + 1, size - 1, parts, MAX_PARTS);
		run_elfdeps(parts, n);
		break;
	case 2:
		parts[0] = (struct fuzz_part){ data + 1, size - 1 };
		run_fsprobe(&parts[0]);
		break;
	case 5:
		run_target_file(data + 1, size - 1);
		break;
	default:
		parts[0] = (struct fuzz_part){ data + 1, size - 1 };
		run_decompress(&parts[0], mode == 3 ? "/m.ko.zst" :
				   mode == 4 ? "/m.ko.gz" : "/m.ko.xz");
		break;
	}
	return 0;
}
