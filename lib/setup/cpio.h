/* SPDX-License-Identifier: MIT */
/*
 * A writer for "newc" cpio archives (the initramfs format the kernel
 * unpacks: init/initramfs.c, Documentation/driver-api/early-userspace/
 * buffer-format.rst): 110-byte "070701" ASCII-hex headers, name and data
 * each padded to 4 bytes, "TRAILER!!!" at the end.
 *
 * The output is deterministic: uid/gid 0, one fixed mtime, inode numbers
 * given in order of addition, so the same input gives the same bytes.
 * Missing parent directories are added before an entry (the kernel creates
 * files with open(O_CREAT), which needs the parent), and a name given twice
 * is an error. The whole archive can be compressed (gzip or zstd: the
 * kernel's CONFIG_RD_GZIP / CONFIG_RD_ZSTD).
 */
#ifndef DP_SETUP_CPIO_H
#define DP_SETUP_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/error.h>

enum dp_cpio_compress {
	DP_CPIO_NONE = 0,
	DP_CPIO_GZIP,
	DP_CPIO_ZSTD,
};

struct dp_cpio;

/*
 * Start an archive written to fd (not closed by the writer). mtime is the
 * modification time of every entry (0, or SOURCE_DATE_EPOCH).
 */
struct dp_error *dp_cpio_open(int fd, enum dp_cpio_compress comp,
			      uint32_t mtime, struct dp_cpio **ret);

/* Entries. Names are paths inside the archive ("bin/x" or "/bin/x"; the
 * leading slash is dropped). perm holds the permission bits only. */
struct dp_error *dp_cpio_add_dir(struct dp_cpio *c, const char *name,
				 unsigned perm);
struct dp_error *dp_cpio_add_symlink(struct dp_cpio *c, const char *name,
				     const char *target);
struct dp_error *dp_cpio_add_cdev(struct dp_cpio *c, const char *name,
				  unsigned perm, unsigned major,
				  unsigned minor);
struct dp_error *dp_cpio_add_data(struct dp_cpio *c, const char *name,
				  unsigned perm, const void *data, size_t len);
/* A regular file copied from src (streamed; fails if src changes size). */
struct dp_error *dp_cpio_add_file(struct dp_cpio *c, const char *name,
				  unsigned perm, const char *src);

/* Is name already in the archive (as anything)? */
bool dp_cpio_has(const struct dp_cpio *c, const char *name);

/* Write the trailer and flush the compressor. */
struct dp_error *dp_cpio_finish(struct dp_cpio *c);

/* Bytes of uncompressed archive and of output written so far. */
uint64_t dp_cpio_raw_bytes(const struct dp_cpio *c);
uint64_t dp_cpio_out_bytes(const struct dp_cpio *c);

/* Free the writer (does not close fd). Accepts NULL. */
void dp_cpio_destroy(struct dp_cpio *c);

/* "none", "gzip", "zstd"; parse returns false for an unknown name. */
const char *dp_cpio_compress_name(enum dp_cpio_compress comp);
bool dp_cpio_compress_parse(const char *s, enum dp_cpio_compress *ret);

#endif /* DP_SETUP_CPIO_H */
