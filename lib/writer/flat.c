// SPDX-License-Identifier: MIT
// makedumpfile -R: replay a flattened stream into a regular file
// (FORMATS.md §3). Records are applied in stream order, so a later
// record for the same range wins (our final header rewrite relies on it).
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dontpanic/collect.h>

#include "format/flat-def.h"

#define COPY_CHUNK (1u << 20)

static struct dp_error *read_full(int fd, void *buf, size_t len, size_t *got)
{
	uint8_t *p = buf;
	*got = 0;
	while (*got < len) {
		ssize_t n = read(fd, p + *got, len - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return dp_error_os(errno, "reading the flattened stream");
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return NULL;
}

struct dp_error *dp_flat_rearrange(int in_fd, int out_fd,
				   const char *out_name, uint64_t *bytes)
{
	uint8_t *buf = malloc(COPY_CHUNK > FLAT_HEADER_SIZE ? COPY_CHUNK : FLAT_HEADER_SIZE);
	if (!buf)
		return &dp_enomem;
	struct dp_error *err;
	size_t got;
	uint64_t pos = FLAT_HEADER_SIZE, nrec = 0;
	*bytes = 0;
	err = read_full(in_fd, buf, FLAT_HEADER_SIZE, &got);
	if (err)
		goto out;
	if (!dp_flat_is_header(buf, got)) {
		err = dp_error_create(DP_ERR_BAD_DATA,
				      "input is not a makedumpfile flattened stream (no \"makedumpfile\" type-1 header)");
		goto out;
	}
	for (;;) {
		uint8_t h[sizeof(struct flat_record)];
		err = read_full(in_fd, h, sizeof(h), &got);
		if (err)
			goto out;
		if (got < sizeof(h)) {
			err = dp_error_create(DP_ERR_BAD_DATA,
					      "flattened stream truncated at byte 0x%" PRIx64 " after %" PRIu64 " records (no end marker); the records before it were applied",
					      pos, nrec);
			goto out;
		}
		uint64_t uoff, usize;
		dp_flat_parse_record(h, &uoff, &usize);
		int64_t off = (int64_t)uoff, size = (int64_t)usize;
		pos += sizeof(h);
		if (off == -1 && size == -1)
			break;
		if (off < 0 || size < 0) {
			err = dp_error_create(DP_ERR_BAD_DATA,
					      "flattened record at byte 0x%" PRIx64 ": bad offset %" PRId64 " or size %" PRId64,
					      pos - sizeof(h), off, size);
			goto out;
		}
		uint64_t left = (uint64_t)size, at = (uint64_t)off;
		while (left) {
			size_t n = left < COPY_CHUNK ? (size_t)left : COPY_CHUNK;
			err = read_full(in_fd, buf, n, &got);
			if (!err && got < n)
				err = dp_error_create(DP_ERR_BAD_DATA,
						      "flattened stream truncated inside a record at byte 0x%" PRIx64,
						      pos + got);
			if (err)
				goto out;
			for (size_t w = 0; w < n;) {
				ssize_t k = pwrite(out_fd, buf + w, n - w, (off_t)(at + w));
				if (k < 0 && errno == EINTR)
					continue;
				if (k <= 0) {
					err = dp_error_os(k < 0 ? errno : ENOSPC,
							  "%s: write at 0x%" PRIx64,
							  out_name, at + w);
					goto out;
				}
				w += (size_t)k;
			}
			*bytes += n;
			pos += n;
			at += n;
			left -= n;
		}
		nrec++;
	}
out:
	free(buf);
	return err;
}
