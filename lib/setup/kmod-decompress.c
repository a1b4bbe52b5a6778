// SPDX-License-Identifier: MIT
// Decompress a .ko.xz, .ko.zst or .ko.gz module for the initramfs: the
// capture loads modules with finit_module(fd, "", 0), which takes an ELF
// file (a compressed one needs MODULE_INIT_COMPRESSED_FILE and a kernel
// built with CONFIG_MODULE_DECOMPRESS), so they are packed uncompressed.
// Debian's 6.12 kernels ship .ko.xz (scripts/Makefile.modinst: xz
// --check=crc32 --lzma2=dict=1MiB, one .xz stream).
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "core/file.h"
#include "setup/kmod.h"

#define MAX_IN (256u << 20)	/* a compressed module */
#define MAX_OUT (1u << 30)	/* a decompressed module */

/* Grow out so that at least one more byte fits. */
static bool grow(uint8_t **out, size_t *cap, size_t used)
{
	if (used < *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 1 << 20;
	if (c > MAX_OUT)
		return false;
	uint8_t *p = realloc(*out, c);
	if (!p)
		return false;
	*out = p;
	*cap = c;
	return true;
}

static const char *xz_message(lzma_ret rc)
{
	switch (rc) {
	case LZMA_BUF_ERROR: return "truncated";
	case LZMA_FORMAT_ERROR: return "not an .xz stream";
	case LZMA_DATA_ERROR: return "corrupt data";
	case LZMA_MEMLIMIT_ERROR: return "dictionary too large";
	case LZMA_MEM_ERROR: return "out of memory";
	case LZMA_OPTIONS_ERROR: return "unsupported options";
	default: return "error";
	}
}

static struct dp_error *unzstd(const char *path, const uint8_t *in,
			       size_t len, uint8_t **out, size_t *olen)
{
	ZSTD_DCtx *d = ZSTD_createDCtx();
	if (!d)
		return &dp_enomem;
	ZSTD_inBuffer ib = { in, len, 0 };
	size_t cap = 0, used = 0, rc = 1;
	struct dp_error *err = NULL;
	while (!err && rc != 0) {
		if (!grow(out, &cap, used)) {
			err = dp_error_create(DP_ERR_BAD_DATA,
					      "%s: decompresses to more than %u bytes (or no memory)",
					      path, MAX_OUT);
			break;
		}
		ZSTD_outBuffer ob = { *out, cap, used };
		rc = ZSTD_decompressStream(d, &ob, &ib);
		used = ob.pos;
		if (ZSTD_isError(rc))
			err = dp_error_create(DP_ERR_BAD_DATA, "%s: zstd: %s",
					      path, ZSTD_getErrorName(rc));
		else if (rc && ib.pos == ib.size && ob.pos < ob.size)
			err = dp_error_create(DP_ERR_BAD_DATA,
					      "%s: zstd: truncated", path);
	}
	ZSTD_freeDCtx(d);
	*olen = used;
	return err;
}

static struct dp_error *ungzip(const char *path, const uint8_t *in,
			       size_t len, uint8_t **out, size_t *olen)
{
	z_stream z = { 0 };
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return &dp_enomem;
	z.next_in = (Bytef *)in;
	z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	size_t cap = 0, used = 0;
	struct dp_error *err = NULL;
	int rc = Z_OK;
	while (!err && rc != Z_STREAM_END) {
		if (!grow(out, &cap, used)) {
			err = dp_error_create(DP_ERR_BAD_DATA,
					      "%s: decompresses to more than %u bytes (or no memory)",
					      path, MAX_OUT);
			break;
		}
		z.next_out = *out + used;
		size_t room = cap - used;
		z.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
		rc = inflate(&z, Z_NO_FLUSH);
		used = (size_t)(z.next_out - *out);
		if (rc != Z_OK && rc != Z_STREAM_END)
			err = dp_error_create(DP_ERR_BAD_DATA,
					      "%s: gzip: %s", path,
					      rc == Z_BUF_ERROR ? "truncated" :
					      z.msg ? z.msg : "corrupt");
	}
	inflateEnd(&z);
	*olen = used;
	return err;
}

/* One .xz stream (what the kernel's build writes); trailing data after
 * it is an error, as in the kernel's own module_decompress. */
static struct dp_error *unxz(const char *path, const uint8_t *in,
			     size_t len, uint8_t **out, size_t *olen)
{
	lzma_stream z = LZMA_STREAM_INIT;
	/* 1 MiB dictionary in practice; the limit only bounds a hostile
	 * header */
	if (lzma_stream_decoder(&z, 256u << 20, 0) != LZMA_OK)
		return &dp_enomem;
	z.next_in = in;
	z.avail_in = len;
	size_t cap = 0, used = 0;
	struct dp_error *err = NULL;
	lzma_ret rc = LZMA_OK;
	while (!err && rc != LZMA_STREAM_END) {
		if (!grow(out, &cap, used)) {
			err = dp_error_create(DP_ERR_BAD_DATA,
					      "%s: decompresses to more than %u bytes (or no memory)",
					      path, MAX_OUT);
			break;
		}
		z.next_out = *out + used;
		z.avail_out = cap - used;
		/* LZMA_FINISH: all input is there, so running out of it
		 * is LZMA_BUF_ERROR (truncated), not a wait for more */
		rc = lzma_code(&z, LZMA_FINISH);
		used = (size_t)(z.next_out - *out);
		if (rc != LZMA_OK && rc != LZMA_STREAM_END)
			err = dp_error_create(DP_ERR_BAD_DATA, "%s: xz: %s",
					      path, xz_message(rc));
	}
	if (!err && z.avail_in)
		err = dp_error_create(DP_ERR_BAD_DATA,
				      "%s: xz: %zu bytes after the stream",
				      path, (size_t)z.avail_in);
	lzma_end(&z);
	*olen = used;
	return err;
}

struct dp_error *dp_kmod_decompress(const char *path, void **ret,
				    size_t *len_ret)
{
	size_t n = strlen(path);
	bool zst = n > 4 && !strcmp(path + n - 4, ".zst");
	bool gz = n > 3 && !strcmp(path + n - 3, ".gz");
	bool xz = n > 3 && !strcmp(path + n - 3, ".xz");
	if (!zst && !gz && !xz)
		return dp_error_create(DP_ERR_UNSUPPORTED,
				       "%s: only .xz, .zst and .gz modules are decompressed",
				       path);
	char *in = NULL;
	uint8_t *out = NULL;
	size_t len = 0, olen = 0;
	struct dp_error *err = dp_file_read(NULL, path, MAX_IN, &in, &len);
	if (err)
		return err;
	const uint8_t *bytes = (const uint8_t *)in;
	if (zst)
		err = unzstd(path, bytes, len, &out, &olen);
	else if (gz)
		err = ungzip(path, bytes, len, &out, &olen);
	else
		err = unxz(path, bytes, len, &out, &olen);
	free(in);
	if (!err && (olen < 4 || memcmp(out, "\177ELF", 4) != 0))
		err = dp_error_create(DP_ERR_BAD_DATA,
				      "%s: does not decompress to an ELF file",
				      path);
	if (err) {
		free(out);
		return err;
	}
	*ret = out;
	*len_ret = olen;
	return NULL;
}
