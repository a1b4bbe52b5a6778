// SPDX-License-Identifier: MIT
// Dump input files: exact reads, and makedumpfile flattened streams read in
// place through an index of their records (FORMATS §3), so the format
// readers never see the difference.
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <core/reader.h>
#include <core/vector.h>

#include "flat-def.h"
#include "format.h"

// FORMATS §3: a 4096-byte start block, then 16-byte BE record headers.
#define FLAT_RECORD_HDR sizeof(struct flat_record)

enum { EXT_DATA = 1 };

struct dp_flat_index {
	struct dp_extent *ext;	// logical [start,end) -> physical file off
	size_t n;
	uint64_t nrecords;
};

static struct dp_error *raw_pread(const struct dp_file *file, void *buf,
				  size_t len, uint64_t off, size_t *got)
{
	size_t done = 0;
	while (done < len) {
		ssize_t r = pread(file->fd, (char *)buf + done, len - done,
				  (off_t)(off + done));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return dp_error_os(errno, "%s: read at offset 0x%" PRIx64,
					   file->path, off + done);
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	*got = done;
	return NULL;
}

static struct dp_error *truncated(const struct dp_file *file, size_t len,
				  uint64_t off)
{
	return dp_error_create(DP_ERR_BAD_DATA,
			       "%s: truncated: need %zu bytes at offset 0x%"
			       PRIx64 ", file is 0x%" PRIx64 " bytes",
			       file->path, len, off, file->size);
}

static struct dp_error *flat_pread(struct dp_file *file, uint8_t *buf,
				   size_t len, uint64_t off)
{
	const struct dp_flat_index *fi = file->flat;
	size_t i = dp_extents_lower(fi->ext, fi->n, off);
	while (len) {
		if (i >= fi->n || fi->ext[i].start > off) {
			// A gap the stream never wrote reads as zero (§3).
			uint64_t gap = i < fi->n ? fi->ext[i].start - off : len;
			size_t n = gap < len ? (size_t)gap : len;
			memset(buf, 0, n);
			buf += n;
			off += n;
			len -= n;
			continue;
		}
		const struct dp_extent *e = &fi->ext[i];
		uint64_t avail = e->end - off;
		size_t n = avail < len ? (size_t)avail : len, got;
		struct dp_error *err = raw_pread(file, buf, n,
						 e->off + (off - e->start), &got);
		if (err)
			return err;
		if (got != n)
			return dp_error_create(DP_ERR_BAD_DATA,
				"%s: flattened record data at 0x%" PRIx64
				" is cut short", file->path, e->off);
		buf += n;
		off += n;
		len -= n;
		i++;
	}
	return NULL;
}

struct dp_error *dp_file_pread(struct dp_file *file, void *buf, size_t len,
			       uint64_t off)
{
	uint64_t end;
	if (dp_add_overflow(off, len, &end) || end > file->size)
		return truncated(file, len, off);
	if (file->flat)
		return flat_pread(file, buf, len, off);
	size_t got;
	struct dp_error *err = raw_pread(file, buf, len, off, &got);
	if (!err && got != len)
		err = truncated(file, len, off);
	return err;
}

// Read all record headers. Each record takes >= 16 bytes of the file, so
// the count is bounded by the file size.
static struct dp_error *flat_scan(struct dp_file *file, uint64_t phys_size,
				  struct dp_extent **ret, size_t *nret)
{
	size_t cap = 0, n = 0;
	struct dp_extent *v = NULL;
	uint64_t pos = FLAT_HEADER_SIZE;
	struct dp_error *err = NULL;
	for (;;) {
		uint8_t h[FLAT_RECORD_HDR];
		size_t got;
		uint64_t off, size, end;
		err = raw_pread(file, h, sizeof(h), pos, &got);
		if (err)
			break;
		if (got != sizeof(h)) {
			err = dp_error_create(DP_ERR_BAD_DATA,
				"%s: flattened stream: truncated at offset 0x%"
				PRIx64 " (no end marker)", file->path, pos);
			break;
		}
		dp_flat_parse_record(h, &off, &size);
		if (off == UINT64_MAX && size == UINT64_MAX)
			break;	// end marker
		pos += FLAT_RECORD_HDR;
		if ((int64_t)off < 0 || (int64_t)size < 0 ||
		    dp_add_overflow(off, size, &end) ||
		    size > phys_size - pos) {
			err = dp_error_create(DP_ERR_BAD_DATA,
				"%s: flattened stream: bad record at offset 0x%"
				PRIx64 " (offset 0x%" PRIx64 " size 0x%" PRIx64
				", file is 0x%" PRIx64 " bytes)", file->path,
				pos - FLAT_RECORD_HDR, off, size, phys_size);
			break;
		}
		if (!dp_array_reserve(v, cap, n + 1)) {
			err = &dp_enomem;
			break;
		}
		// prio = record number mod 2^32 is not enough for huge
		// streams; the resolver breaks ties by input order, so
		// equal prio everywhere gives "later wins".
		v[n++] = (struct dp_extent){ off, end, pos, EXT_DATA, 0 };
		pos += size;
	}
	if (err) {
		free(v);
		return err;
	}
	*ret = v;
	*nret = n;
	return NULL;
}

static struct dp_error *flat_open(struct dp_file *file, uint64_t phys_size)
{
	struct dp_extent *recs, *ext;
	size_t nrecs, next;
	struct dp_error *err = flat_scan(file, phys_size, &recs, &nrecs);
	if (err)
		return err;
	err = dp_extents_resolve(recs, nrecs, &ext, &next);
	free(recs);
	if (err)
		return err;
	struct dp_flat_index *fi = calloc(1, sizeof(*fi));
	if (!fi) {
		free(ext);
		return &dp_enomem;
	}
	fi->ext = ext;
	fi->n = next;
	fi->nrecords = nrecs;
	file->flat = fi;
	file->size = next ? ext[next - 1].end : 0;
	return NULL;
}

struct dp_error *dp_file_open(const char *path, struct dp_file *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->fd = -1;
	ret->path = strdup(path);
	if (!ret->path)
		return &dp_enomem;
	ret->fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	struct dp_error *err = NULL;
	if (ret->fd < 0)
		err = dp_error_os(errno, "%s", path);
	else if (fstat(ret->fd, &st) < 0)
		err = dp_error_os(errno, "%s: stat", path);
	else if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		err = dp_error_create(DP_ERR_INVALID, "%s: not a regular file",
				      path);
	if (err) {
		dp_file_close(ret);
		return err;
	}
	ret->size = (uint64_t)st.st_size;
	if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(ret->fd, 0, SEEK_END);
		ret->size = end > 0 ? (uint64_t)end : 0;
	}
	uint8_t hdr[32];
	size_t got;
	err = raw_pread(ret, hdr, sizeof(hdr), 0, &got);
	if (!err && dp_flat_is_header(hdr, got))
		err = flat_open(ret, ret->size);
	if (err)
		dp_file_close(ret);
	return err;
}

void dp_file_close(struct dp_file *file)
{
	if (file->fd >= 0)
		close(file->fd);
	if (file->flat)
		free(file->flat->ext);
	free(file->flat);
	free(file->path);
	file->fd = -1;
	file->flat = NULL;
	file->path = NULL;
}
