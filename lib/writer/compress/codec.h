/* SPDX-License-Identifier: MIT */
/*
 * Per-page compressors for the kdump-compressed writer: one const ops table
 * per codec (zlib, lzo, snappy, zstd), instead of makedumpfile's #ifdef
 * branches. The settings follow makedumpfile so that output is readable by
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
#ifndef DP_WRITER_CODEC_H
#define DP_WRITER_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include <dontpanic/dump.h>
#include <dontpanic/error.h>

/* kdump page_desc.flags / header status bits (FORMATS.md §2.4). */
#define DP_KDUMP_ZLIB		0x01
#define DP_KDUMP_LZO		0x02
#define DP_KDUMP_SNAPPY		0x04
#define DP_KDUMP_INCOMPLETE	0x08
#define DP_KDUMP_EXCLUDED_VMEMMAP 0x10
#define DP_KDUMP_ZSTD		0x20

#define DP_ZSTD_DEFAULT_LEVEL	2

struct dp_codec_ops {
	const char *name;		/* "zlib", "lzo", "snappy", "zstd" */
	enum dp_compression id;
	uint32_t flag;			/* DP_KDUMP_* bit */
	/* Worst-case output size for len input bytes. */
	size_t (*bound)(size_t len);
	/*
	 * Per-thread state (work memory, contexts). level: codec level, 0 =
	 * the codec's default (only zstd has levels here).
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
	 * Decompress exactly out_len bytes (for self-checks and tests).
	 * DP_ERR_BAD_DATA if the input is corrupt or the length differs.
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

#endif /* DP_WRITER_CODEC_H */
