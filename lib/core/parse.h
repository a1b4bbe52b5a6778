/* SPDX-License-Identifier: MIT */
/*
 * The one parser of numbers written as text: VMCOREINFO values, command
 * arguments (addresses, counts). Strict: the whole string is the number,
 * with no sign, no leading blank and no overflow, so "-1" or " 5" are
 * rejected rather than wrapped or skipped as strtoull() would.
 */
#ifndef DP_CORE_PARSE_H
#define DP_CORE_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Parse all of s as an unsigned number in base 10 or 16 into *ret. Base
 * 16 takes an optional 0x/0X prefix. False (and *ret untouched) when s
 * is empty, starts with anything but a digit of the base, has trailing
 * characters or does not fit in 64 bits.
 */
bool dp_parse_u64(const char *s, int base, uint64_t *ret);

#endif /* DP_CORE_PARSE_H */
