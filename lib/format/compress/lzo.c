// SPDX-License-Identifier: MIT
// LZO codec: lzo1x_1_compress, read back with lzo1x_decompress_safe.
#include <lzo/lzo1x.h>
#include <stdlib.h>

#include "codec.h"

static size_t lzo_bound(size_t len)
{
	// Worst case from the LZO documentation for lzo1x_1.
	return len + len / 16 + 64 + 3;
}

static struct dp_error *lzo_create(int level, void **ret)
{
	if (lzo_init() != LZO_E_OK)
		return dp_error_create(DP_ERR_UNSUPPORTED, "lzo: lzo_init failed");
	*ret = NULL;	// decompression needs no work memory
	if (level == DP_CODEC_DECODE_ONLY)
		return NULL;
	void *wrk = malloc(LZO1X_1_MEM_COMPRESS);
	if (!wrk)
		return &dp_enomem;
	*ret = wrk;
	return NULL;
}

static void lzo_destroy(void *state)
{
	free(state);
}

static size_t lzo_compress(void *state, const void *src, size_t len,
			   void *dst, size_t cap)
{
	lzo_uint out = cap;
	if (cap < lzo_bound(len))
		return 0;
	if (lzo1x_1_compress(src, len, dst, &out, state) != LZO_E_OK)
		return 0;
	return out;
}

static struct dp_error *lzo_decompress(void *state, const void *src,
				       size_t len, void *out, size_t out_len)
{
	lzo_uint n = out_len;
	int rc = lzo1x_decompress_safe(src, len, out, &n, NULL);
	if (rc != LZO_E_OK)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "lzo1x_decompress_safe failed");
	return n == out_len ? NULL : dp_codec_bad_length(n, out_len);
}

const struct dp_codec_ops dp_codec_lzo = {
	.name = "lzo",
	.id = DP_COMPRESS_LZO,
	.flag = KDUMP_STATUS_LZO,
	.bound = lzo_bound,
	.create = lzo_create,
	.destroy = lzo_destroy,
	.compress = lzo_compress,
	.decompress = lzo_decompress,
};
