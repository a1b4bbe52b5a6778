// SPDX-License-Identifier: MIT
// Kernel taint flags. Bit numbers and letters follow include/linux/panic.h
// (TAINT_*) and the taint_flags[] table in kernel/panic.c; they have been
// stable since they were added, new flags only append.
#include <string.h>

#include "internal.h"

struct taint_flag {
	char letter;
	const char *desc;
};

static const struct taint_flag taint_flags[] = {
	{ 'P', "proprietary module loaded" },		/* 0 */
	{ 'F', "module force-loaded" },			/* 1 */
	{ 'S', "CPU out of specification" },		/* 2 */
	{ 'R', "module force-unloaded" },		/* 3 */
	{ 'M', "machine check exception seen" },	/* 4 */
	{ 'B', "bad page referenced" },			/* 5 */
	{ 'U', "tainted by user request" },		/* 6 */
	{ 'D', "kernel died recently (Oops or BUG)" },	/* 7 */
	{ 'A', "ACPI table overridden" },		/* 8 */
	{ 'W', "kernel issued a warning" },		/* 9 */
	{ 'C', "staging driver loaded" },		/* 10 */
	{ 'I', "firmware bug workaround applied" },	/* 11 */
	{ 'O', "out-of-tree module loaded" },		/* 12 */
	{ 'E', "unsigned module loaded" },		/* 13 */
	{ 'L', "soft lockup occurred" },		/* 14 */
	{ 'K', "kernel live patched" },			/* 15 */
	{ 'X', "auxiliary (distribution) taint" },	/* 16 */
	{ 'T', "built with struct randomization" },	/* 17 */
	{ 'N', "in-kernel test run" },			/* 18 */
};

#define NTAINT (sizeof(taint_flags) / sizeof(taint_flags[0]))

void dp_triage_taint_letters(uint64_t mask, char *buf, size_t size)
{
	size_t n = 0;
	if (!size)
		return;
	for (unsigned int i = 0; i < 64 && n + 1 < size; i++) {
		if (!(mask & (1ull << i)))
			continue;
		buf[n++] = i < NTAINT ? taint_flags[i].letter : '?';
	}
	buf[n] = '\0';
}

const char *dp_triage_taint_description(unsigned int bit)
{
	return bit < NTAINT ? taint_flags[bit].desc : NULL;
}

uint64_t dp_triage_taint_from_letters(const char *letters)
{
	uint64_t mask = 0;
	for (const char *p = letters; p && *p; p++) {
		// 'G' is what print_tainted() shows for "no proprietary
		// module" in the first column; it is not a flag.
		for (unsigned int i = 0; i < NTAINT; i++)
			if (*p == taint_flags[i].letter)
				mask |= 1ull << i;
	}
	return mask;
}
