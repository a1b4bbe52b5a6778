// SPDX-License-Identifier: MIT
// Output sink: pwrite or flattened records (FORMATS.md §3).
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/flat-def.h"
#include "out.h"


void dp_out_init(struct dp_out *o, int fd, const char *name, bool flat)
{
	memset(o, 0, sizeof(*o));
	o->fd = fd;
	o->name = name;
	o->flat = flat;
}

static bool is_full_errno(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EFBIG;
}

// Write all of buf sequentially (flat) or at off; returns bytes written
// and sets *eno on failure.
static size_t raw_write(struct dp_out *o, uint64_t off, const void *buf,
			size_t len, int *eno)
{
	const uint8_t *p = buf;
	size_t done = 0;
	*eno = 0;
	while (done < len) {
		ssize_t n = o->flat ? write(o->fd, p + done, len - done) :
				      pwrite(o->fd, p + done, len - done,
					     (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*eno = n < 0 ? errno : ENOSPC;	// 0 bytes: no room
			break;
		}
		done += (size_t)n;
	}
	o->file_bytes += done;
	if (!o->flat && off + done > o->end)
		o->end = off + done;
	return done;
}

struct dp_error *dp_out_begin(struct dp_out *o)
{
	if (!o->flat)
		return NULL;
	uint8_t *h = calloc(1, FLAT_HEADER_SIZE);
	if (!h)
		return &dp_enomem;
	dp_flat_put_header(h);
	int eno;
	size_t n = raw_write(o, 0, h, FLAT_HEADER_SIZE, &eno);
	free(h);
	if (n != FLAT_HEADER_SIZE)
		return dp_error_os(eno, "%s: writing the flattened header",
				   o->name);
	return NULL;
}

// One flattened record: BE offset, BE size, then the data. A record is
// all-or-nothing for the reader, so a short one ends the stream.
static struct dp_error *flat_record(struct dp_out *o, uint64_t off,
				    const void *buf, size_t len, size_t *done)
{
	uint8_t h[sizeof(struct flat_record)];
	int eno;
	dp_flat_put_record(h, off, len);
	*done = 0;
	if (raw_write(o, 0, h, sizeof(h), &eno) != sizeof(h))
		goto fail;
	*done = raw_write(o, 0, buf, len, &eno);
	if (*done == len)
		return NULL;
fail:
	if (is_full_errno(eno) || eno == EPIPE) {
		o->full = true;
		o->full_errno = eno;
		*done = 0;
		return NULL;
	}
	return dp_error_os(eno, "%s: write", o->name);
}

struct dp_error *dp_out_write(struct dp_out *o, uint64_t off, const void *buf,
			      size_t len, size_t *done)
{
	size_t dummy;
	if (!done)
		done = &dummy;
	*done = 0;
	if (o->full)
		return NULL;
	size_t want = len;
	// -L bounds the file size (flattened: the stream so far plus this
	// record); fail_after counts page-data bytes only.
	if (o->limit) {
		uint64_t end = o->flat ?
			o->file_bytes + sizeof(struct flat_record) + len :
			off + len;
		if (end > o->limit) {
			uint64_t over = end - o->limit;
			want = over < len ? len - (size_t)over : 0;
		}
	}
	if (o->fail_after && o->written + want > o->fail_after)
		want = o->fail_after > o->written ?
			       (size_t)(o->fail_after - o->written) : 0;
	struct dp_error *err;
	if (o->flat) {
		if (want < len) {
			// A partial record would be useless: stop here.
			o->full = true;
			o->full_errno = o->fail_after &&
					o->written + len > o->fail_after ? ENOSPC : 0;
			return NULL;
		}
		err = flat_record(o, off, buf, len, done);
	} else {
		int eno = 0;
		*done = raw_write(o, off, buf, want, &eno);
		err = NULL;
		if (*done < want) {
			if (!is_full_errno(eno))
				return dp_error_os(eno, "%s: write at 0x%" PRIx64,
						   o->name, off + *done);
			o->full = true;
			o->full_errno = eno;
		} else if (want < len) {
			o->full = true;
			o->full_errno = (o->fail_after && o->written + len >
					 o->fail_after) ? ENOSPC : 0;
		}
	}
	o->written += *done;
	return err;
}

struct dp_error *dp_out_write_meta(struct dp_out *o, uint64_t off,
				   const void *buf, size_t len)
{
	int eno;
	if (o->flat) {
		uint8_t h[sizeof(struct flat_record)];
		dp_flat_put_record(h, off, len);
		if (raw_write(o, 0, h, sizeof(h), &eno) != sizeof(h) ||
		    raw_write(o, 0, buf, len, &eno) != len)
			return dp_error_os(eno, "%s: write", o->name);
		return NULL;
	}
	if (raw_write(o, off, buf, len, &eno) != len)
		return dp_error_os(eno, "%s: write at 0x%" PRIx64, o->name, off);
	return NULL;
}

struct dp_error *dp_out_reserve(struct dp_out *o, uint64_t off, uint64_t len)
{
	if (o->flat || len == 0)
		return NULL;
	int rc = posix_fallocate(o->fd, (off_t)off, (off_t)len);
	if (rc == 0)
		return NULL;
	if (is_full_errno(rc)) {
		o->full = true;
		o->full_errno = rc;
		return NULL;
	}
	// Not a regular file (a pipe, a device): nothing to reserve.
	if (rc == EINVAL || rc == EOPNOTSUPP || rc == ESPIPE || rc == ENODEV)
		return NULL;
	return dp_error_os(rc, "%s: reserving 0x%" PRIx64 " bytes", o->name, len);
}

struct dp_error *dp_out_end(struct dp_out *o)
{
	if (!o->flat)
		return NULL;
	uint8_t h[sizeof(struct flat_record)];
	int eno;
	dp_flat_put_record(h, UINT64_MAX, UINT64_MAX);	// the end marker
	if (raw_write(o, 0, h, sizeof(h), &eno) != sizeof(h))
		return dp_error_os(eno, "%s: writing the end marker", o->name);
	return NULL;
}
