// SPDX-License-Identifier: MIT
// snappy codec: raw snappy blocks (snappy-c), not the framing format.
#include <snappy-c.h>

#include "codec.h"

static size_t snappy_bound(size_t len)
{
	return snappy_max_compressed_length(len);
}

static struct dp_error *snappy_create(int level, void **ret)
{
	*ret = NULL;
	return NULL;
}

static void snappy_destroy(void *state)
{
}

static size_t snappy_compress_page(void *state, const void *src, size_t len,
				   void *dst, size_t cap)
{
	size_t out = cap;
	if (cap < snappy_max_compressed_length(len))
		return 0;
	if (snappy_compress(src, len, dst, &out) != SNAPPY_OK)
		return 0;
	return out;
}

static struct dp_error *snappy_decompress(void *state, const void *src,
					  size_t len, void *out,
					  size_t out_len)
{
	size_t n;
	if (snappy_uncompressed_length(src, len, &n) != SNAPPY_OK)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "bad snappy length header");
	if (n != out_len)
		return dp_codec_bad_length(n, out_len);
	if (snappy_uncompress(src, len, out, &n) != SNAPPY_OK)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "snappy_uncompress failed");
	return n == out_len ? NULL : dp_codec_bad_length(n, out_len);
}

const struct dp_codec_ops dp_codec_snappy = {
	.name = "snappy",
	.id = DP_COMPRESS_SNAPPY,
	.flag = KDUMP_STATUS_SNAPPY,
	.bound = snappy_bound,
	.create = snappy_create,
	.destroy = snappy_destroy,
	.compress = snappy_compress_page,
	.decompress = snappy_decompress,
};
