// SPDX-License-Identifier: MIT
// dontpanic rd: hex + ASCII dump of physical memory, in crash's `rd`
// layout: "%16lx:  " then the words, then the bytes as ASCII.
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/parse.h"

#define LINE_BYTES 16
#define MAX_COUNT (1ull << 32)

static const char usage_text[] =
	"usage: dontpanic rd [-8|-16|-32|-64] -p ADDR [COUNT] DUMP...\n"
	"\n"
	"Display COUNT (default 1) words of physical memory from ADDR in the\n"
	"layout of crash's rd command: 16 bytes per line, address, words in\n"
	"hex, bytes as ASCII. ADDR is hex (0x optional), COUNT decimal.\n"
	"A page missing from the dump stops the output with the reason\n"
	"(excluded by the dump level, not in the dump, lost).\n"
	"\n"
	"  -p            ADDR is a physical address (required for now)\n"
	"  -8 -16 -32 -64  word size in bits (default 64)\n"
	"  -h, --help    show this help\n";

// Take -8/-16/-32/-64 out of argv before getopt sees them.
static int take_size_opts(int *argc, char **argv, unsigned int *bytes)
{
	int out = 1;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			for (; i < *argc; i++)
				argv[out++] = argv[i];
			break;
		}
		if (!strcmp(a, "-8") || !strcmp(a, "-16") ||
		    !strcmp(a, "-32") || !strcmp(a, "-64")) {
			*bytes = (unsigned int)atoi(a + 1) / 8;
			continue;
		}
		argv[out++] = argv[i];
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

static void print_line(uint64_t addr, const uint8_t *b, size_t n,
		       unsigned int wsize)
{
	printf("%16" PRIx64 ":  ", addr);
	for (size_t off = 0; off < LINE_BYTES; off += wsize) {
		if (off >= n) {
			printf("%*s", (int)wsize * 2 + 1, "");
			continue;
		}
		uint64_t v = 0;
		for (unsigned int k = 0; k < wsize; k++)
			v |= (uint64_t)b[off + k] << (8 * k);
		printf("%0*" PRIx64 " ", (int)wsize * 2, v);
	}
	fputs("  ", stdout);
	for (size_t k = 0; k < n; k++)
		putchar(b[k] >= 0x20 && b[k] < 0x7f ? b[k] : '.');
	putchar('\n');
}

// Like crash, print the words of a line that can be read, then the error
// for the first one that cannot.
static int partial_line(const char *cmd, struct dp_dump *dump, uint64_t addr,
			size_t n, unsigned int wsize)
{
	uint8_t w[8];
	size_t off = 0;
	struct dp_error *err = NULL;
	for (; off < n; off += wsize) {
		err = dp_dump_read_phys(dump, addr + off, w, wsize);
		if (err)
			break;
		if (off == 0)
			printf("%16" PRIx64 ":  ", addr);
		uint64_t v = 0;
		for (unsigned int k = 0; k < wsize; k++)
			v |= (uint64_t)w[k] << (8 * k);
		printf("%0*" PRIx64 " ", (int)wsize * 2, v);
	}
	if (off)
		putchar('\n');
	fflush(stdout);
	if (err)
		dp_cli_error(cmd, err);
	return DP_EXIT_FAILURE;
}

static int dump_words(const char *cmd, struct dp_dump *dump, uint64_t addr,
		      uint64_t count, unsigned int wsize)
{
	uint64_t left = count * wsize;
	while (left) {
		uint8_t b[LINE_BYTES];
		size_t n = left < LINE_BYTES ? (size_t)left : LINE_BYTES;
		struct dp_error *err = dp_dump_read_phys(dump, addr, b, n);
		if (err) {
			dp_error_destroy(err);
			return partial_line(cmd, dump, addr, n, wsize);
		}
		print_line(addr, b, n, wsize);
		addr += n;
		left -= n;
	}
	return DP_EXIT_OK;
}

int cmd_rd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "physical", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	unsigned int wsize = 8;
	bool phys = false;
	int c;
	take_size_opts(&argc, argv, &wsize);
	while ((c = getopt_long(argc, argv, "ph", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			phys = true;
			break;
		default:	/* -h, or a bad option */
			return dp_cli_usage(c, usage_text);
		}
	}
	uint64_t addr, count = 1;
	int nargs = argc - optind;
	if (nargs < 2 || !dp_parse_u64(argv[optind], 16, &addr))
		return dp_cli_usage('?', usage_text);
	int first_dump = optind + 1;
	// "ADDR COUNT DUMP...": a number followed by more arguments is COUNT.
	if (nargs >= 3 && dp_parse_u64(argv[first_dump], 10, &count))
		first_dump++;
	if (count == 0 || count > MAX_COUNT) {
		dp_cli_errorf(argv[0], "bad COUNT %" PRIu64, count);
		return DP_EXIT_USAGE;
	}
	if (!phys) {
		dp_cli_errorf(argv[0], "only physical addresses are supported "
			      "(use -p)");
		return DP_EXIT_USAGE;
	}
	struct dp_dump *dump = dp_cli_open_dump(
		argv[0], (const char *const *)argv + first_dump,
		(size_t)(argc - first_dump));
	if (!dump)
		return DP_EXIT_BAD_DUMP;
	int rc = dump_words(argv[0], dump, addr, count, wsize);
	dp_dump_destroy(dump);
	return rc;
}
