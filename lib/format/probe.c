// SPDX-License-Identifier: MIT
// The formats, in probe order. The first probe that does not answer
// DP_ERR_NOT_MINE wins. Add one line per format reader.
#include "format.h"

const struct dp_format_ops *const dp_formats[] = {
	&dp_format_elf,
	&dp_format_kdump,
};

const size_t dp_nformats = sizeof(dp_formats) / sizeof(dp_formats[0]);
