/* SPDX-License-Identifier: MIT */
/*
 * Bounds-checked little/big-endian byte reader. Every parser of untrusted
 * input (dump headers, notes, VMCOREINFO, kallsyms, BTF, ORC...) reads
 * through this, so no read can go past its buffer. A failed read sets
 * r->bad and returns false; later reads keep failing, so a parser may check
 * once at the end (like a stream's fail bit).
 */
#ifndef DP_CORE_READER_H
#define DP_CORE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct dp_reader {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	bool big_endian;
	bool bad;
};

static inline void dp_reader_init(struct dp_reader *r, const void *buf,
				  size_t len, bool big_endian)
{
	r->buf = buf;
	r->len = len;
	r->pos = 0;
	r->big_endian = big_endian;
	r->bad = false;
}

/** Bytes left to read. */
static inline size_t dp_reader_left(const struct dp_reader *r)
{
	return r->bad ? 0 : r->len - r->pos;
}

/** Move to absolute position pos (<= len). */
static inline bool dp_reader_seek(struct dp_reader *r, size_t pos)
{
	if (r->bad || pos > r->len)
		return !(r->bad = true);
	r->pos = pos;
	return true;
}

static inline bool dp_reader_skip(struct dp_reader *r, size_t n)
{
	if (n > dp_reader_left(r))
		return !(r->bad = true);
	r->pos += n;
	return true;
}

/** Return a pointer to the next n bytes and consume them, or NULL. */
static inline const void *dp_reader_take(struct dp_reader *r, size_t n)
{
	if (n > dp_reader_left(r)) {
		r->bad = true;
		return NULL;
	}
	const void *p = r->buf + r->pos;
	r->pos += n;
	return p;
}

static inline bool dp_reader_bytes(struct dp_reader *r, void *out, size_t n)
{
	const void *p = dp_reader_take(r, n);
	if (!p)
		return false;
	memcpy(out, p, n);
	return true;
}

// Read an n-byte unsigned integer in the reader's byte order.
static inline bool dp_reader_uint(struct dp_reader *r, size_t n, uint64_t *ret)
{
	const uint8_t *p = dp_reader_take(r, n);
	uint64_t v = 0;
	if (!p) {
		*ret = 0;
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		size_t idx = r->big_endian ? i : n - 1 - i;
		v = (v << 8) | p[idx];
	}
	*ret = v;
	return true;
}

static inline bool dp_reader_u8(struct dp_reader *r, uint8_t *ret)
{
	uint64_t v;
	bool ok = dp_reader_uint(r, 1, &v);
	*ret = (uint8_t)v;
	return ok;
}

static inline bool dp_reader_u16(struct dp_reader *r, uint16_t *ret)
{
	uint64_t v;
	bool ok = dp_reader_uint(r, 2, &v);
	*ret = (uint16_t)v;
	return ok;
}

static inline bool dp_reader_u32(struct dp_reader *r, uint32_t *ret)
{
	uint64_t v;
	bool ok = dp_reader_uint(r, 4, &v);
	*ret = (uint32_t)v;
	return ok;
}

static inline bool dp_reader_u64(struct dp_reader *r, uint64_t *ret)
{
	return dp_reader_uint(r, 8, ret);
}

static inline bool dp_reader_s32(struct dp_reader *r, int32_t *ret)
{
	uint32_t v;
	bool ok = dp_reader_u32(r, &v);
	*ret = (int32_t)v;
	return ok;
}

static inline bool dp_reader_s64(struct dp_reader *r, int64_t *ret)
{
	uint64_t v;
	bool ok = dp_reader_u64(r, &v);
	*ret = (int64_t)v;
	return ok;
}

/* Overflow-checked arithmetic for sizes taken from untrusted fields. */
static inline bool dp_add_overflow(uint64_t a, uint64_t b, uint64_t *ret)
{
	return __builtin_add_overflow(a, b, ret);
}

static inline bool dp_mul_overflow(uint64_t a, uint64_t b, uint64_t *ret)
{
	return __builtin_mul_overflow(a, b, ret);
}

#endif /* DP_CORE_READER_H */
