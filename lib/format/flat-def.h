/* SPDX-License-Identifier: MIT */
/*
 * On-disk layout of makedumpfile's flattened format (-F), for the reader
 * (format/file.c reads it in place), -R (writer/flat.c rearranges it)
 * and the writer (writer/out.c). Facts: FORMATS.md section 3 (from
 * makedumpfile.h: struct makedumpfile_header, makedumpfile_data_header).
 * All numbers are big-endian, whatever the dumped machine.
 *
 * Layout: a FLAT_HEADER_SIZE block starting with struct flat_header, then
 * records (struct flat_record, then size bytes for file offset offset),
 * then an end marker record with offset = size = -1.
 */
#ifndef DP_FORMAT_FLAT_DEF_H
#define DP_FORMAT_FLAT_DEF_H

#include <assert.h>
#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <core/reader.h>

#define FLAT_SIGNATURE		"makedumpfile"	/* NUL-padded to 16 */
#define FLAT_SIG_LEN		16
#define FLAT_TYPE		1	/* TYPE_FLAT_HEADER */
#define FLAT_VERSION		1	/* VERSION_FLAT_HEADER */
#define FLAT_HEADER_SIZE	4096	/* the header block */

struct flat_header {
	char signature[FLAT_SIG_LEN];
	uint64_t type;			/* BE */
	uint64_t version;		/* BE */
};
static_assert(sizeof(struct flat_header) == 32, "makedumpfile_header");

struct flat_record {
	int64_t offset;			/* BE; -1 in the end marker */
	int64_t size;			/* BE; -1 in the end marker */
};
static_assert(sizeof(struct flat_record) == 16, "makedumpfile_data_header");

/* Does the block at b (len bytes) start with a flattened header? */
static inline bool dp_flat_is_header(const uint8_t *b, size_t len)
{
	struct dp_reader r;
	uint64_t type;
	if (len < sizeof(struct flat_header) ||
	    memcmp(b, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE)))
		return false;
	dp_reader_init(&r, b + offsetof(struct flat_header, type),
		       sizeof(type), true);
	dp_reader_u64(&r, &type);
	return type == FLAT_TYPE;
}

/* The header block's first bytes, for a writer (the rest is zero). */
static inline void dp_flat_put_header(uint8_t *b)
{
	struct flat_header h = {
		.type = htobe64(FLAT_TYPE),
		.version = htobe64(FLAT_VERSION),
	};
	memcpy(h.signature, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE));
	memcpy(b, &h, sizeof(h));
}

/* Parse a record header (16 bytes); the end marker gives UINT64_MAX. */
static inline void dp_flat_parse_record(const uint8_t *b, uint64_t *off,
					uint64_t *size)
{
	struct dp_reader r;
	dp_reader_init(&r, b, sizeof(struct flat_record), true);
	dp_reader_u64(&r, off);
	dp_reader_u64(&r, size);
}

static inline void dp_flat_put_record(uint8_t *b, uint64_t off, uint64_t size)
{
	struct flat_record rec = {
		.offset = (int64_t)htobe64(off),
		.size = (int64_t)htobe64(size),
	};
	memcpy(b, &rec, sizeof(rec));
}

#endif /* DP_FORMAT_FLAT_DEF_H */
