// SPDX-License-Identifier: MIT
// ELF output (-E), makedumpfile's layout (FORMATS.md §2.9).
#include "collect-int.h"

struct dp_error *dp_elf_write(struct dp_collect *c, struct dp_out *o)
{
	return dp_error_create(DP_ERR_UNSUPPORTED, "-E is not implemented yet");
}
