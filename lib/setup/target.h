/* SPDX-License-Identifier: MIT */
/*
 * The dump target resolved on this machine, for the capture initramfs:
 * which block device and file system (read from the superblock, as
 * blkid does), and the kernel modules needed to reach it.
 */
#ifndef DP_SETUP_TARGET_H
#define DP_SETUP_TARGET_H

#include <stddef.h>

#include <dontpanic/error.h>

#include "setup/kmod.h"

struct dp_config;

struct dp_target {
	char *kind;	/* "ext4", "xfs"... "raw", "nfs", "ssh", "ftp" */
	char *device;	/* as written in the config (or the mount source) */
	char *node;	/* the device node found: "/dev/vda1" */
	char *blockdev;	/* its kernel name: "vda1" */
	char *uuid;	/* from the superblock */
	char *fstype;	/* from the superblock */
	char *path;	/* dump directory */
	char **notes;	/* what could not be found, and why */
	size_t nnotes;
};

/*
 * Resolve the target of cfg (NULL: the defaults) on the system under root.
 * What cannot be found is a note, not an error (the capture may still
 * find it); only memory exhaustion fails.
 */
struct dp_error *dp_target_resolve(const char *root,
				   const struct dp_config *cfg,
				   struct dp_target **ret);

/* The /etc/dontpanic/target text: key=value lines. NULL: no memory. */
char *dp_target_format(const struct dp_target *t);

void dp_target_destroy(struct dp_target *t);

/*
 * Probe a file system superblock in the file or device at path: fstype
 * ("ext2", "ext3", "ext4", "xfs", "btrfs") and UUID (lowercase, dashed).
 * DP_ERR_NOT_FOUND when no known superblock is there.
 */
struct dp_error *dp_fsprobe(const char *path, char **fstype_ret,
			    char **uuid_ret);

/*
 * The modules needed to reach t: the drivers of its block device and of
 * the devices above it (sysfs driver/module links), its file system, and
 * for nfs/ssh the network drivers and the NFS client. Appended to list.
 */
struct dp_error *dp_target_modules(const char *root,
				   const struct dp_target *t,
				   const struct dp_kmod *k,
				   struct dp_kmod_list *list);

#endif /* DP_SETUP_TARGET_H */
