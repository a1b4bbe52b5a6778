// SPDX-License-Identifier: MIT
// zlib codec: a zlib-wrapped deflate stream at Z_BEST_SPEED, the same
// bytes compress2() makes, but with one z_stream per thread that is reset
// per page (makedumpfile commit aa5ee50 measured per-call allocation as
// ~30% of the time).
#include <stdlib.h>
#include <zlib.h>

#include "codec.h"

struct zstate {
	z_stream def;
	z_stream inf;
	int def_ready, inf_ready;
};

static size_t zlib_bound(size_t len)
{
	return compressBound(len);
}

static struct dp_error *zlib_create(int level, void **ret)
{
	struct zstate *s = calloc(1, sizeof(*s));
	if (!s)
		return &dp_enomem;
	if (level != DP_CODEC_DECODE_ONLY) {
		if (deflateInit(&s->def, Z_BEST_SPEED) != Z_OK) {
			free(s);
			return dp_error_create(DP_ERR_NOMEM,
					       "zlib: deflateInit failed");
		}
		s->def_ready = 1;
	}
	*ret = s;
	return NULL;
}

static void zlib_destroy(void *state)
{
	struct zstate *s = state;
	if (!s)
		return;
	if (s->def_ready)
		deflateEnd(&s->def);
	if (s->inf_ready)
		inflateEnd(&s->inf);
	free(s);
}

static size_t zlib_compress(void *state, const void *src, size_t len,
			    void *dst, size_t cap)
{
	struct zstate *s = state;
	if (deflateReset(&s->def) != Z_OK)
		return 0;
	s->def.next_in = (Bytef *)src;
	s->def.avail_in = (uInt)len;
	s->def.next_out = dst;
	s->def.avail_out = (uInt)cap;
	if (deflate(&s->def, Z_FINISH) != Z_STREAM_END)
		return 0;
	return s->def.total_out;
}

static struct dp_error *zlib_decompress(void *state, const void *src,
					size_t len, void *out, size_t out_len)
{
	struct zstate *s = state;
	if (!s->inf_ready) {
		if (inflateInit(&s->inf) != Z_OK)
			return dp_error_create(DP_ERR_NOMEM,
					       "zlib: inflateInit failed");
		s->inf_ready = 1;
	} else if (inflateReset(&s->inf) != Z_OK) {
		return dp_error_create(DP_ERR_BAD_DATA, "zlib: reset failed");
	}
	s->inf.next_in = (Bytef *)src;
	s->inf.avail_in = (uInt)len;
	s->inf.next_out = out;
	s->inf.avail_out = (uInt)out_len;
	int rc = inflate(&s->inf, Z_FINISH);
	if (rc == Z_STREAM_END)
		return s->inf.total_out == out_len ? NULL :
		       dp_codec_bad_length(s->inf.total_out, out_len);
	if (rc == Z_BUF_ERROR || rc == Z_OK)
		return dp_error_create(DP_ERR_BAD_DATA, "%s", s->inf.avail_out ?
				       "truncated stream" : "longer than a page");
	return dp_error_create(DP_ERR_BAD_DATA, "%s",
			       s->inf.msg ? s->inf.msg : zError(rc));
}

const struct dp_codec_ops dp_codec_zlib = {
	.name = "zlib",
	.id = DP_COMPRESS_ZLIB,
	.flag = KDUMP_STATUS_ZLIB,
	.bound = zlib_bound,
	.create = zlib_create,
	.destroy = zlib_destroy,
	.compress = zlib_compress,
	.decompress = zlib_decompress,
};
