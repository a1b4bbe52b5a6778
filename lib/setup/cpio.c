// SPDX-License-Identifier: MIT
// The newc cpio writer (see cpio.h), with optional gzip/zstd compression.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "setup/cpio.h"
#include "core/vector.h"

#define CPIO_BUF (128u * 1024)
#define CPIO_MAX_NAME 4095	/* PATH_MAX - 1: the kernel's limit too */

struct dp_cpio {
	int fd;
	enum dp_cpio_compress comp;
	uint32_t mtime;
	uint32_t next_ino;
	uint64_t raw_bytes, out_bytes;
	bool finished, failed;
	z_stream z;
	bool z_init;
	ZSTD_CCtx *zs;
	uint8_t *out;		/* compressor output buffer */
	char **names;		/* every name added, for parents and dups */
	size_t nnames, cap;
};

static struct dp_error *write_all(struct dp_cpio *c, const void *buf,
				  size_t len)
{
	const uint8_t *p = buf;
	while (len) {
		ssize_t n = write(c->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return dp_error_os(errno, "cpio: write");
		p += n;
		len -= (size_t)n;
		c->out_bytes += (uint64_t)n;
	}
	return NULL;
}

static struct dp_error *gzip_feed(struct dp_cpio *c, const void *buf,
				  size_t len, bool end)
{
	c->z.next_in = (Bytef *)buf;
	c->z.avail_in = (uInt)len;
	for (;;) {
		c->z.next_out = c->out;
		c->z.avail_out = CPIO_BUF;
		int rc = deflate(&c->z, end ? Z_FINISH : Z_NO_FLUSH);
		if (rc == Z_STREAM_ERROR)
			return dp_error_create(DP_ERR_INVALID,
					       "cpio: gzip: deflate failed");
		struct dp_error *err = write_all(c, c->out,
						 CPIO_BUF - c->z.avail_out);
		if (err)
			return err;
		if (end ? rc == Z_STREAM_END :
			  (c->z.avail_in == 0 && c->z.avail_out != 0))
			return NULL;
	}
}

static struct dp_error *zstd_feed(struct dp_cpio *c, const void *buf,
				  size_t len, bool end)
{
	ZSTD_inBuffer in = { buf, len, 0 };
	for (;;) {
		ZSTD_outBuffer out = { c->out, CPIO_BUF, 0 };
		size_t left = ZSTD_compressStream2(c->zs, &out, &in,
						   end ? ZSTD_e_end :
							 ZSTD_e_continue);
		if (ZSTD_isError(left))
			return dp_error_create(DP_ERR_INVALID, "cpio: zstd: %s",
					       ZSTD_getErrorName(left));
		struct dp_error *err = write_all(c, c->out, out.pos);
		if (err)
			return err;
		if (end ? left == 0 : in.pos == in.size)
			return NULL;
	}
}

/* Every byte of the uncompressed archive goes through here. */
static struct dp_error *emit(struct dp_cpio *c, const void *buf, size_t len)
{
	struct dp_error *err = NULL;
	if (c->failed)
		return dp_error_create(DP_ERR_INVALID,
				       "cpio: archive already failed");
	if (c->comp == DP_CPIO_GZIP) {
		/* deflate's avail_in is a uInt: feed in bounded pieces */
		for (size_t off = 0; off < len && !err; off += CPIO_BUF) {
			size_t n = len - off < CPIO_BUF ? len - off : CPIO_BUF;
			err = gzip_feed(c, (const uint8_t *)buf + off, n, false);
		}
	} else if (c->comp == DP_CPIO_ZSTD) {
		err = zstd_feed(c, buf, len, false);
	} else {
		err = write_all(c, buf, len);
	}
	if (err)
		c->failed = true;
	else
		c->raw_bytes += len;
	return err;
}

static struct dp_error *pad4(struct dp_cpio *c)
{
	static const uint8_t zeros[4];
	size_t n = (4 - (c->raw_bytes & 3)) & 3;
	return n ? emit(c, zeros, n) : NULL;
}

struct dp_error *dp_cpio_open(int fd, enum dp_cpio_compress comp,
			      uint32_t mtime, struct dp_cpio **ret)
{
	struct dp_cpio *c = calloc(1, sizeof(*c));
	if (!c)
		return &dp_enomem;
	c->fd = fd;
	c->comp = comp;
	c->mtime = mtime;
	c->next_ino = 1;
	if (comp != DP_CPIO_NONE && !(c->out = malloc(CPIO_BUF))) {
		free(c);
		return &dp_enomem;
	}
	if (comp == DP_CPIO_GZIP) {
		/* windowBits 15 + 16: a gzip wrapper; zlib writes mtime 0 */
		if (deflateInit2(&c->z, 6, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
			dp_cpio_destroy(c);
			return dp_error_create(DP_ERR_NOMEM,
					       "cpio: gzip: cannot initialize");
		}
		c->z_init = true;
	} else if (comp == DP_CPIO_ZSTD) {
		c->zs = ZSTD_createCCtx();
		if (!c->zs) {
			dp_cpio_destroy(c);
			return &dp_enomem;
		}
		/* Level 12: a window of 8 MiB at most, well inside what the
		 * kernel's lib/decompress_unzstd.c accepts, and a few seconds
		 * for a typical capture initramfs. */
		ZSTD_CCtx_setParameter(c->zs, ZSTD_c_compressionLevel, 12);
	} else if (comp != DP_CPIO_NONE) {
		dp_cpio_destroy(c);
		return dp_error_create(DP_ERR_INVALID,
				       "cpio: unknown compression %d", comp);
	}
	*ret = c;
	return NULL;
}

static const char *strip_name(const char *name)
{
	while (*name == '/')
		name++;
	return name;
}

bool dp_cpio_has(const struct dp_cpio *c, const char *name)
{
	name = strip_name(name);
	size_t len = strlen(name);
	while (len && name[len - 1] == '/')
		len--;
	for (size_t i = 0; i < c->nnames; i++)
		if (strlen(c->names[i]) == len &&
		    memcmp(c->names[i], name, len) == 0)
			return true;
	return false;
}

static struct dp_error *remember(struct dp_cpio *c, const char *name)
{
	if (!dp_array_reserve(c->names, c->cap, c->nnames + 1))
		return &dp_enomem;
	if (!(c->names[c->nnames] = strdup(name)))
		return &dp_enomem;
	c->nnames++;
	return NULL;
}

static struct dp_error *header(struct dp_cpio *c, const char *name,
			       uint32_t mode, uint32_t nlink, uint64_t size,
			       unsigned rmaj, unsigned rmin)
{
	if (size > UINT32_MAX)
		return dp_error_create(DP_ERR_UNSUPPORTED,
				       "cpio: %s: %llu bytes is more than newc's 4 GiB limit",
				       name, (unsigned long long)size);
	size_t nlen = strlen(name) + 1;
	char h[111];
	/* magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
	 * devminor, rdevmajor, rdevminor, namesize, check */
	snprintf(h, sizeof(h),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 c->next_ino++, mode, 0u, 0u, nlink, c->mtime, (uint32_t)size,
		 0u, 0u, rmaj, rmin, (uint32_t)nlen, 0u);
	struct dp_error *err = emit(c, h, 110);
	if (!err)
		err = emit(c, name, nlen);
	if (!err)
		err = pad4(c);
	return err;
}

static struct dp_error *add_parents(struct dp_cpio *c, const char *name);

/* Common start of every entry: check the name, add parents, remember. */
static struct dp_error *begin(struct dp_cpio *c, const char *name)
{
	if (c->finished)
		return dp_error_create(DP_ERR_INVALID,
				       "cpio: %s: archive already finished",
				       name);
	size_t len = strlen(name);
	if (!len || len > CPIO_MAX_NAME || name[len - 1] == '/')
		return dp_error_create(DP_ERR_INVALID,
				       "cpio: bad entry name \"%s\"", name);
	for (const char *p = name; *p; p++) {
		if ((p == name || p[-1] == '/') && p[0] == '.' &&
		    (p[1] == '/' || !p[1] ||
		     (p[1] == '.' && (p[2] == '/' || !p[2]))))
			return dp_error_create(DP_ERR_INVALID,
					       "cpio: entry name \"%s\" has . or .. components",
					       name);
		if (*p == '/' && p[1] == '/')
			return dp_error_create(DP_ERR_INVALID,
					       "cpio: entry name \"%s\" has an empty component",
					       name);
	}
	if (dp_cpio_has(c, name))
		return dp_error_create(DP_ERR_INVALID,
				       "cpio: %s added twice", name);
	struct dp_error *err = add_parents(c, name);
	return err ? err : remember(c, name);
}

static struct dp_error *add_parents(struct dp_cpio *c, const char *name)
{
	char buf[CPIO_MAX_NAME + 1];
	for (const char *s = strchr(name, '/'); s; s = strchr(s + 1, '/')) {
		size_t n = (size_t)(s - name);
		memcpy(buf, name, n);
		buf[n] = 0;
		if (dp_cpio_has(c, buf))
			continue;
		struct dp_error *err = remember(c, buf);
		if (!err)
			err = header(c, buf, S_IFDIR | 0755, 2, 0, 0, 0);
		if (err)
			return err;
	}
	return NULL;
}

struct dp_error *dp_cpio_add_dir(struct dp_cpio *c, const char *name,
				 unsigned perm)
{
	name = strip_name(name);
	struct dp_error *err = begin(c, name);
	return err ? err : header(c, name, S_IFDIR | (perm & 07777), 2, 0, 0, 0);
}

struct dp_error *dp_cpio_add_symlink(struct dp_cpio *c, const char *name,
				     const char *target)
{
	name = strip_name(name);
	size_t len = strlen(target);
	if (!len || len > CPIO_MAX_NAME)
		return dp_error_create(DP_ERR_INVALID,
				       "cpio: %s: bad symlink target", name);
	struct dp_error *err = begin(c, name);
	if (!err)
		err = header(c, name, S_IFLNK | 0777, 1, len, 0, 0);
	if (!err)
		err = emit(c, target, len);
	return err ? err : pad4(c);
}

struct dp_error *dp_cpio_add_cdev(struct dp_cpio *c, const char *name,
				  unsigned perm, unsigned major,
				  unsigned minor)
{
	name = strip_name(name);
	struct dp_error *err = begin(c, name);
	return err ? err : header(c, name, S_IFCHR | (perm & 07777), 1, 0,
				  major, minor);
}

struct dp_error *dp_cpio_add_data(struct dp_cpio *c, const char *name,
				  unsigned perm, const void *data, size_t len)
{
	name = strip_name(name);
	struct dp_error *err = begin(c, name);
	if (!err)
		err = header(c, name, S_IFREG | (perm & 07777), 1, len, 0, 0);
	if (!err && len)
		err = emit(c, data, len);
	return err ? err : pad4(c);
}

static struct dp_error *copy_body(struct dp_cpio *c, int fd, const char *src,
				  uint64_t size)
{
	static const size_t chunk = 64 * 1024;
	uint8_t *buf = malloc(chunk);
	if (!buf)
		return &dp_enomem;
	struct dp_error *err = NULL;
	uint64_t done = 0;
	while (done < size && !err) {
		size_t want = size - done < chunk ? (size_t)(size - done) : chunk;
		ssize_t n = read(fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = dp_error_os(errno, "cpio: read %s", src);
		else if (n == 0)
			err = dp_error_create(DP_ERR_BAD_DATA,
					      "cpio: %s shrank while being copied (%llu of %llu bytes)",
					      src, (unsigned long long)done,
					      (unsigned long long)size);
		else
			err = emit(c, buf, (size_t)n);
		if (!err)
			done += (uint64_t)n;
	}
	free(buf);
	if (err)
		c->failed = true;	/* the header promised size bytes */
	return err;
}

struct dp_error *dp_cpio_add_file(struct dp_cpio *c, const char *name,
				  unsigned perm, const char *src)
{
	name = strip_name(name);
	int fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dp_error_os(errno, "cpio: open %s", src);
	struct stat st;
	struct dp_error *err = NULL;
	if (fstat(fd, &st) < 0)
		err = dp_error_os(errno, "cpio: stat %s", src);
	else if (!S_ISREG(st.st_mode))
		err = dp_error_create(DP_ERR_INVALID,
				      "cpio: %s is not a regular file", src);
	if (!err)
		err = begin(c, name);
	if (!err)
		err = header(c, name, S_IFREG | (perm & 07777), 1,
			     (uint64_t)st.st_size, 0, 0);
	if (!err)
		err = copy_body(c, fd, src, (uint64_t)st.st_size);
	close(fd);
	return err ? err : pad4(c);
}

struct dp_error *dp_cpio_finish(struct dp_cpio *c)
{
	if (c->finished)
		return NULL;
	struct dp_error *err = header(c, "TRAILER!!!", 0, 1, 0, 0, 0);
	c->finished = true;
	if (err)
		return err;
	/* The kernel accepts zero padding after the trailer; keep 512-byte
	 * blocks like cpio(1) so concatenated archives line up. */
	static const uint8_t zeros[512];
	size_t n = (512 - (c->raw_bytes & 511)) & 511;
	if (n && (err = emit(c, zeros, n)))
		return err;
	if (c->comp == DP_CPIO_GZIP)
		err = gzip_feed(c, NULL, 0, true);
	else if (c->comp == DP_CPIO_ZSTD)
		err = zstd_feed(c, NULL, 0, true);
	return err;
}

uint64_t dp_cpio_raw_bytes(const struct dp_cpio *c)
{
	return c->raw_bytes;
}

uint64_t dp_cpio_out_bytes(const struct dp_cpio *c)
{
	return c->out_bytes;
}

void dp_cpio_destroy(struct dp_cpio *c)
{
	if (!c)
		return;
	if (c->z_init)
		deflateEnd(&c->z);
	ZSTD_freeCCtx(c->zs);
	for (size_t i = 0; i < c->nnames; i++)
		free(c->names[i]);
	free(c->names);
	free(c->out);
	free(c);
}

const char *dp_cpio_compress_name(enum dp_cpio_compress comp)
{
	switch (comp) {
	case DP_CPIO_NONE: return "none";
	case DP_CPIO_GZIP: return "gzip";
	case DP_CPIO_ZSTD: return "zstd";
	}
	return "?";
}

bool dp_cpio_compress_parse(const char *s, enum dp_cpio_compress *ret)
{
	static const enum dp_cpio_compress all[] = {
		DP_CPIO_NONE, DP_CPIO_GZIP, DP_CPIO_ZSTD,
	};
	for (size_t i = 0; i < 3; i++) {
		if (strcmp(s, dp_cpio_compress_name(all[i])) == 0) {
			*ret = all[i];
			return true;
		}
	}
	return false;
}
