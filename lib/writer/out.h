/* SPDX-License-Identifier: MIT */
/*
 * Output sink for the writers: positioned writes to a file, or records of
 * a makedumpfile flattened stream (FORMATS.md §3) for -F. A full disk
 * (ENOSPC, EDQUOT, EFBIG, a short write) or the -L size limit makes the
 * sink "full": the write reports how many bytes landed and the writer then
 * finishes an incomplete dump.
 */
#ifndef DP_WRITER_OUT_H
#define DP_WRITER_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/error.h>

struct dp_out {
	int fd;
	const char *name;	/* for messages */
	bool flat;		/* write flattened records (sequential) */
	uint64_t limit;		/* max bytes of dump data (0 = none) */
	uint64_t fail_after;	/* testing: act as if the disk is full */
	uint64_t written;	/* bytes of dump data written */
	uint64_t file_bytes;	/* bytes really written to fd */
	uint64_t end;		/* highest offset written (file size) */
	bool full;		/* out of space: stop writing data */
	int full_errno;		/* ENOSPC..., or 0 for the -L limit */
};

void dp_out_init(struct dp_out *o, int fd, const char *name, bool flat);

/* Flattened: write the 4096-byte start block. No-op for files. */
struct dp_error *dp_out_begin(struct dp_out *o);

/*
 * Write len bytes at offset off. On a full disk (or limit) *done tells how
 * many bytes landed, o->full is set and NULL is returned; other I/O errors
 * are returned. done may be NULL.
 */
struct dp_error *dp_out_write(struct dp_out *o, uint64_t off, const void *buf,
			      size_t len, size_t *done);

/*
 * Write metadata that must land even when the data area is full (header
 * flags): ignores limit/fail_after. Errors are returned.
 */
struct dp_error *dp_out_write_meta(struct dp_out *o, uint64_t off,
				   const void *buf, size_t len);

/* Reserve [off, off + len) so later writes there cannot fail for space. */
struct dp_error *dp_out_reserve(struct dp_out *o, uint64_t off, uint64_t len);

/* Flattened: write the end marker. Files: fsync-free no-op. */
struct dp_error *dp_out_end(struct dp_out *o);

#endif /* DP_WRITER_OUT_H */
