// SPDX-License-Identifier: MIT
// Codec lookup and the store-raw-unless-smaller rule (FORMATS.md §2.5).
#include <string.h>

#include <dontpanic/error.h>

#include "codec.h"

static const struct dp_codec_ops *const codecs[] = {
	&dp_codec_zlib, &dp_codec_lzo, &dp_codec_snappy, &dp_codec_zstd,
};

const struct dp_codec_ops *dp_codec_get(enum dp_compression id)
{
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (codecs[i]->id == id)
			return codecs[i];
	return NULL;
}

const struct dp_codec_ops *dp_codec_by_flag(uint32_t flag)
{
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (codecs[i]->flag == flag)
			return codecs[i];
	return NULL;
}

const struct dp_codec_ops *dp_codec_by_status(uint32_t status)
{
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (codecs[i]->flag & status)
			return codecs[i];
	return NULL;
}

struct dp_error *dp_codec_bad_length(size_t got, size_t want)
{
	return dp_error_create(DP_ERR_BAD_DATA,
			       "decompressed to 0x%zx bytes, not 0x%zx", got, want);
}

const struct dp_codec_ops *dp_codec_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (strcmp(codecs[i]->name, name) == 0)
			return codecs[i];
	return NULL;
}

size_t dp_codec_page(const struct dp_codec_ops *ops, void *state,
		     const void *page, size_t page_size, void *dst, size_t cap,
		     uint32_t *flag)
{
	if (ops) {
		size_t n = ops->compress(state, page, page_size, dst, cap);
		if (n > 0 && n < page_size) {
			*flag = ops->flag;
			return n;
		}
	}
	memcpy(dst, page, page_size);
	*flag = 0;
	return page_size;
}
