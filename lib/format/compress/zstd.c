// SPDX-License-Identifier: MIT
// zstd codec: one frame per page, one context per thread. Level 1 is
// makedumpfile's ZSTD_compressCCtx(..., 1); our default is 2 (codec.h).
#include <stdlib.h>
#include <zstd.h>

#include "codec.h"

struct zstd_state {
	ZSTD_CCtx *c;
	ZSTD_DCtx *d;
	int level;
};

static size_t zstd_bound(size_t len)
{
	return ZSTD_compressBound(len);
}

static struct dp_error *zstd_create(int level, void **ret)
{
	struct zstd_state *s = calloc(1, sizeof(*s));
	if (!s)
		return &dp_enomem;
	if (level != DP_CODEC_DECODE_ONLY && !(s->c = ZSTD_createCCtx())) {
		free(s);
		return &dp_enomem;
	}
	s->level = level ? level : DP_ZSTD_DEFAULT_LEVEL;
	*ret = s;
	return NULL;
}

static void zstd_destroy(void *state)
{
	struct zstd_state *s = state;
	if (!s)
		return;
	ZSTD_freeCCtx(s->c);
	ZSTD_freeDCtx(s->d);
	free(s);
}

static size_t zstd_compress(void *state, const void *src, size_t len,
			    void *dst, size_t cap)
{
	struct zstd_state *s = state;
	size_t n = ZSTD_compressCCtx(s->c, dst, cap, src, len, s->level);
	return ZSTD_isError(n) ? 0 : n;
}

static struct dp_error *zstd_decompress(void *state, const void *src,
					size_t len, void *out, size_t out_len)
{
	struct zstd_state *s = state;
	if (!s->d && !(s->d = ZSTD_createDCtx()))
		return &dp_enomem;
	size_t n = ZSTD_decompressDCtx(s->d, out, out_len, src, len);
	if (ZSTD_isError(n))
		return dp_error_create(DP_ERR_BAD_DATA, "%s",
				       ZSTD_getErrorName(n));
	return n == out_len ? NULL : dp_codec_bad_length(n, out_len);
}

const struct dp_codec_ops dp_codec_zstd = {
	.name = "zstd",
	.id = DP_COMPRESS_ZSTD,
	.flag = KDUMP_STATUS_ZSTD,
	.bound = zstd_bound,
	.create = zstd_create,
	.destroy = zstd_destroy,
	.compress = zstd_compress,
	.decompress = zstd_decompress,
};
