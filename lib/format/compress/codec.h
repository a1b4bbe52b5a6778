/* SPDX-License-Identifier: MIT */
/*
 * Per-page codecs of the kdump-compressed format, for its reader
 * (format/kdump.c) and its writer (writer/kdump.c, writer/pool.c): one
 * const ops table per codec (zlib, lzo, snappy, zstd), instead of
 * makedumpfile's #ifdef branches. The settings follow makedumpfile so that output is readable by
 * crash and libkdumpfile: zlib compress2-compatible stream at Z_BEST_SPEED,
 * LZO1X-1, raw (unframed) snappy, one zstd frame per page (FORMATS.md
 * §2.4). zstd defaults to level 2, not makedumpfile's 1: per 4 KiB page,
 * level 1 is about 0.5% larger than zlib's Z_BEST_SPEED, level 2 is
 * smaller than zlib at level 1's speed (~8x faster than zlib; level 3 is
 * 1% smaller again but 20% slower), measured on the 1 GiB sysrq dump;
 * readers decode any level.
 *
 * Threading: a codec state belongs to one thread; make one per worker.
 */
#ifndef DP_FORMAT_CODEC_H
#define DP_FORMAT_CODEC_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/dump.h>
#include <dontpanic/error.h>

#include "format/kdump-def.h"

#define DP_ZSTD_DEFAULT_LEVEL	2

/* create() level for a state that only decompresses (the dump reader):
 * no compressor work memory is set up, compress() must not be called.
 * INT_MIN, as zstd gives meaning to negative levels. */
#define DP_CODEC_DECODE_ONLY	INT_MIN

struct dp_codec_ops {
	const char *name;		/* "zlib", "lzo", "snappy", "zstd" */
	enum dp_compression id;
	uint32_t flag;			/* KDUMP_STATUS_* bit (kdump-def.h) */
	/* Worst-case output size for len input bytes. */
	size_t (*bound)(size_t len);
	/*
	 * Per-thread state (work memory, contexts). level: codec level, 0 =
	 * the codec's default (only zstd has levels here), or
	 * DP_CODEC_DECODE_ONLY. The state may be NULL (snappy).
	 */
	struct dp_error *(*create)(int level, void **ret);
	void (*destroy)(void *state);
	/*
	 * Compress src into dst (capacity cap >= bound(len)). Returns the
	 * compressed length, or 0 when the codec failed: the caller then
	 * stores the page raw.
	 */
	size_t (*compress)(void *state, const void *src, size_t len, void *dst,
			   size_t cap);
	/*
	 * Decompress exactly out_len bytes (a page). DP_ERR_BAD_DATA if the
	 * input is corrupt or decodes to another length; the message is the
	 * bare reason ("truncated stream", "decompressed to 0x800 bytes, not
	 * 0x1000"), for the reader to put after the page it names.
	 */
	struct dp_error *(*decompress)(void *state, const void *src,
				       size_t len, void *out, size_t out_len);
};

extern const struct dp_codec_ops dp_codec_zlib;
extern const struct dp_codec_ops dp_codec_lzo;
extern const struct dp_codec_ops dp_codec_snappy;
extern const struct dp_codec_ops dp_codec_zstd;

/* The codec for id, or NULL for DP_COMPRESS_NONE / unknown. */
const struct dp_codec_ops *dp_codec_get(enum dp_compression id);

/* The codec whose kdump flag is exactly flag, or NULL (0 = raw). */
const struct dp_codec_ops *dp_codec_by_flag(uint32_t flag);

/*
 * The codec a kdump header's status names (the first set codec bit, in
 * zlib, lzo, snappy, zstd order), or NULL.
 */
const struct dp_codec_ops *dp_codec_by_status(uint32_t status);

/* The length error every decompress returns: "decompressed to ...". */
struct dp_error *dp_codec_bad_length(size_t got, size_t want);

/* The codec named name ("zlib"...), or NULL. */
const struct dp_codec_ops *dp_codec_by_name(const char *name);

/*
 * Compress one page with ops/state into dst (capacity >= page_size +
 * ops->bound(page_size)) following makedumpfile's rule: if the codec fails
 * or the result is not strictly smaller than the page, copy the page raw.
 * Returns the stored length; *flag gets the page_desc flags (0 = raw).
 * ops may be NULL (no compression).
 */
size_t dp_codec_page(const struct dp_codec_ops *ops, void *state,
		     const void *page, size_t page_size, void *dst, size_t cap,
		     uint32_t *flag);

#endif /* DP_FORMAT_CODEC_H */
