// SPDX-License-Identifier: MIT
// dontpanic vtop / ptov: kernel virtual <-> physical, in crash's layout.
// vtop always walks the page tables (init_top_pgt) and shows each level.
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char vtop_usage[] =
	"usage: dontpanic vtop ADDR... DUMP...\n"
	"\n"
	"Translate kernel virtual addresses (hex) with a walk of the kernel\n"
	"page tables, printing every level like crash's vtop: the top-level\n"
	"directory, each entry's physical address and value, the page and\n"
	"the leaf entry's flags. The last arguments that are not hex numbers\n"
	"are the dump file(s).\n"
	"\n"
	"  -h, --help    show this help\n";

static const char ptov_usage[] =
	"usage: dontpanic ptov PADDR... DUMP...\n"
	"\n"
	"Print the direct-map virtual address of physical addresses (hex),\n"
	"like crash's ptov.\n"
	"\n"
	"  -h, --help    show this help\n";

// Split argv into leading hex addresses and trailing dump paths.
static int split_args(const char *cmd, const char *usage, int argc,
		      char **argv, uint64_t *addrs, int *naddrs)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return -1;
		}
		fputs(usage, stderr);
		return -2;
	}
	*naddrs = 0;
	while (optind < argc && *naddrs < 64 &&
	       dp_cli_parse_hex(argv[optind], &addrs[*naddrs])) {
		(*naddrs)++;
		optind++;
	}
	if (!*naddrs || optind >= argc) {
		dp_cli_errorf(cmd, "need at least one address and a dump");
		fputs(usage, stderr);
		return -2;
	}
	return 0;
}

static void print_flags(uint64_t e)
{
	static const struct { uint64_t bit; const char *name; } flags[] = {
		{ 1ULL << 0, "PRESENT" }, { 1ULL << 1, "RW" },
		{ 1ULL << 2, "USER" }, { 1ULL << 3, "PWT" },
		{ 1ULL << 4, "PCD" }, { 1ULL << 5, "ACCESSED" },
		{ 1ULL << 6, "DIRTY" }, { 1ULL << 7, "PSE" },
		{ 1ULL << 8, "GLOBAL" }, { 1ULL << 63, "NX" },
	};
	const char *sep = "";
	putchar('(');
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (e & flags[i].bit) {
			printf("%s%s", sep, flags[i].name);
			sep = "|";
		}
	putchar(')');
}

// Centre s in a field of width w (crash's column headers).
static void centered(const char *s, int w)
{
	int len = (int)strlen(s), left = (w - len) / 2;
	printf("%*s%s%*s", left, "", s, w - len - left, "");
}

static void print_walk(const struct dp_vtop_walk *w)
{
	printf("VIRTUAL           PHYSICAL        \n");
	if (w->mapped)
		printf("%-16" PRIx64 "  %-16" PRIx64 "\n", w->vaddr, w->paddr);
	else
		printf("%-16" PRIx64 "  (not mapped)\n", w->vaddr);
	printf("\nPGD DIRECTORY: %" PRIx64 "\n", w->pgd_vaddr);
	printf("PAGE DIRECTORY: %" PRIx64 "\n", w->levels[0].entry);
	for (unsigned int i = 1; i < w->nlevels; i++)
		printf("   %s: %" PRIx64 " => %" PRIx64 "\n", w->levels[i].name,
		       w->levels[i].entry_paddr, w->levels[i].entry);
	if (!w->mapped) {
		putchar('\n');
		return;
	}
	printf("  PAGE: %" PRIx64, w->page_paddr);
	if (w->page_size == (1ULL << 30))
		printf("  (1GB)");
	else if (w->page_size == (1ULL << 21))
		printf("  (2MB)");
	printf("\n\n");
	uint64_t e = w->levels[w->nlevels - 1].entry;
	char ebuf[32], pbuf[32];
	int ew = snprintf(ebuf, sizeof(ebuf), "%" PRIx64, e);
	int pw = snprintf(pbuf, sizeof(pbuf), "%" PRIx64, w->page_paddr);
	if (pw < 8)
		pw = 8;
	centered("PTE", ew);
	fputs("  ", stdout);
	centered("PHYSICAL", pw);
	printf("  FLAGS\n%s  %-*s  ", ebuf, pw, pbuf);
	print_flags(e);
	printf("\n\n");
}

int cmd_vtop(int argc, char **argv)
{
	uint64_t addrs[64];
	int n, rc = split_args("vtop", vtop_usage, argc, argv, addrs, &n);
	if (rc)
		return rc == -1 ? DP_EXIT_OK : DP_EXIT_USAGE;
	struct dp_dump *dump;
	struct dp_program *prog;
	rc = dp_cli_open_program("vtop", (const char *const *)argv + optind,
				 (size_t)(argc - optind), &dump, &prog);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++) {
		struct dp_vtop_walk w;
		struct dp_error *err = dp_program_vtop_walk(prog, addrs[i], &w);
		if (err) {
			fflush(stdout);
			dp_cli_error("vtop", err);
			rc = DP_EXIT_FAILURE;
			continue;
		}
		print_walk(&w);
	}
	dp_cli_close_program(dump, prog);
	return rc;
}

int cmd_ptov(int argc, char **argv)
{
	uint64_t addrs[64];
	int n, rc = split_args("ptov", ptov_usage, argc, argv, addrs, &n);
	if (rc)
		return rc == -1 ? DP_EXIT_OK : DP_EXIT_USAGE;
	struct dp_dump *dump;
	struct dp_program *prog;
	rc = dp_cli_open_program("ptov", (const char *const *)argv + optind,
				 (size_t)(argc - optind), &dump, &prog);
	if (rc)
		return rc;
	printf("VIRTUAL           PHYSICAL        \n");
	for (int i = 0; i < n; i++) {
		uint64_t va;
		struct dp_error *err = dp_program_ptov(prog, addrs[i], &va);
		if (err) {
			fflush(stdout);
			dp_cli_error("ptov", err);
			rc = DP_EXIT_FAILURE;
			continue;
		}
		printf("%-16" PRIx64 "  %-16" PRIx64 "\n", va, addrs[i]);
	}
	dp_cli_close_program(dump, prog);
	return rc;
}
