// SPDX-License-Identifier: MIT
// Text to number for every caller (parse.h).
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "parse.h"

bool dp_parse_u64(const char *s, int base, uint64_t *ret)
{
	if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	// strtoull() would skip blanks and accept a sign; a number here
	// starts with a digit.
	if (base == 16 ? !isxdigit((unsigned char)*s) :
			 !isdigit((unsigned char)*s))
		return false;
	// Nor a second prefix, which strtoull() would take in base 16.
	if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || *end)
		return false;
	*ret = v;
	return true;
}
