/* SPDX-License-Identifier: MIT */
/**
 * @file initramfs.h
 * The capture initramfs: what goes in (a plan, which can be listed
 * without writing anything) and the newc cpio archive written from it.
 *
 * Layout (the contract with the `capture` command, docs/service.md):
 * /bin/dontpanic and /init -> bin/dontpanic; the shared libraries the
 * binary needs at their host paths (symlinks kept, with their targets);
 * kernel modules at /lib/modules/<kver>/<path> with /etc/dontpanic/modules
 * listing them in load order; the kdump configuration file as is;
 * /etc/dontpanic/target (key=value: kind, device, uuid, fstype, path);
 * /dev/console, /dev/null; empty /dev /proc /sys /mnt /tmp /run.
 */
#ifndef DONTPANIC_INITRAMFS_H
#define DONTPANIC_INITRAMFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dp_config;

/** What to build. Only kver is required. */
struct dp_initramfs_opts {
	/** Root of /etc, /sys, /dev, /proc and /lib/modules ("" or NULL:
	 * this machine). The binary and its libraries are the host's. */
	const char *root;
	const char *binary;	/**< NULL: the running one (/proc/self/exe) */
	const char *kver;	/**< kernel release of the capture kernel */
	/** The configuration (may be NULL: the defaults, no file copied)
	 * and the file it was read from, copied as is. */
	const struct dp_config *config;
	const char *config_file;
	const char *const *add_files;	/**< extra host files, same path */
	size_t nadd_files;
	const char *const *add_modules;	/**< extra module names */
	size_t nadd_modules;
	bool no_target_modules;	/**< skip the target's modules (tests) */
};

/** Kinds of entries. */
enum dp_initramfs_kind {
	DP_INITRAMFS_DIR,
	DP_INITRAMFS_FILE,	/**< copied from src */
	DP_INITRAMFS_DATA,	/**< generated text (data) */
	DP_INITRAMFS_SYMLINK,	/**< pointing at target */
	DP_INITRAMFS_CDEV,
};

/** One entry of the archive. */
struct dp_initramfs_entry {
	enum dp_initramfs_kind kind;
	char *path;		/**< absolute path inside the initramfs */
	char *src;		/**< FILE: host path */
	char *target;		/**< SYMLINK */
	char *data;		/**< DATA */
	uint64_t size;		/**< FILE/DATA bytes; SYMLINK target length */
	unsigned perm;
	unsigned major, minor;	/**< CDEV */
	char *why;		/**< "binary", "library of /bin/dontpanic"... */
};

/** The plan: entries in archive order, plus what was resolved. */
struct dp_initramfs {
	struct dp_initramfs_entry *v;
	size_t n;
	char *kver;
	char *target_text;	/**< the /etc/dontpanic/target file */
	char *modules_text;	/**< the /etc/dontpanic/modules file */
	size_t nmodules;
	char **notes;		/**< things the user should know (warnings) */
	size_t nnotes;
};

/** Compute what goes in, reading the host; writes nothing. */
struct dp_error *dp_initramfs_plan(const struct dp_initramfs_opts *opts,
				   struct dp_initramfs **ret);

/** Compression of the archive. */
enum dp_initramfs_compress {
	DP_INITRAMFS_NONE = 0,
	DP_INITRAMFS_GZIP,
	DP_INITRAMFS_ZSTD,
};

/**
 * Write the archive to fd (newc cpio, deterministic: mtime @p mtime for
 * every entry, uid/gid 0). Returns the bytes written through @p size_ret
 * (may be NULL).
 */
struct dp_error *dp_initramfs_write(const struct dp_initramfs *plan, int fd,
				    enum dp_initramfs_compress comp,
				    uint32_t mtime, uint64_t *size_ret);

/** Free a plan. Accepts NULL. */
void dp_initramfs_destroy(struct dp_initramfs *plan);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_INITRAMFS_H */
