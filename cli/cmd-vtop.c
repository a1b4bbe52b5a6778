// SPDX-License-Identifier: MIT
// dontpanic vtop / ptov: kernel virtual <-> physical, in crash's layout.
// vtop always walks the page tables (init_top_pgt) and shows each level.
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/parse.h"

static const char vtop_usage[] =
	"usage: dontpanic vtop ADDR... DUMP...\n"
	"\n"
	"Translate kernel virtual addresses (hex) with a walk of the kernel\n"
	"page tables, printing every level like crash's vtop: the top-level\n"
	"directory, each entry's physical address and value, the page and\n"
	"the leaf entry's flags, then the page's struct page (vmemmap address,\n"
	"mapping, index, count, flags; needs kallsyms and BTF). The last\n"
	"arguments that are not hex numbers are the dump file(s).\n"
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
	       dp_parse_u64(argv[optind], 16, &addrs[*naddrs])) {
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

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int k = n - 1; k >= 0; k--)
		v = (v << 8) | p[k];
	return v;
}

static struct dp_error *vmci_off(struct dp_program *prog, const char *key,
				 uint64_t *ret)
{
	int64_t v;
	struct dp_error *err = dp_dump_vmcoreinfo_number(dp_program_dump(prog),
							 key, &v);
	if (!err && (v < 0 || v > 4096))
		err = dp_error_create(DP_ERR_BAD_DATA, "VMCOREINFO %s=%lld "
				      "is implausible", key, (long long)v);
	if (!err)
		*ret = (uint64_t)v;
	return err;
}

// Names of the set flags from the kernel's pageflag_names[] table
// ({unsigned long mask; const char *name}, NULL-terminated), as crash does.
static void print_flag_names(struct dp_program *prog, uint64_t flags)
{
	uint64_t tab;
	const char *sep = "";
	if (dp_program_symbol_address(prog, "pageflag_names", &tab))
		return;	// (the error is dropped: the names are an extra)
	for (int i = 0; i < 64; i++) {
		uint8_t e[16];
		char name[32];
		if (dp_program_read(prog, tab + 16 * (uint64_t)i, e, 16))
			break;
		uint64_t mask = le(e, 8), np = le(e + 8, 8);
		if (!np || dp_program_read_string(prog, np, name, sizeof(name)))
			break;
		if (mask && (flags & mask) == mask) {
			printf("%s%s", sep, name);
			sep = ",";
		}
	}
}

/*
 * crash's struct page line: address in the vmemmap, physical address,
 * mapping, index, reference count and flags. Offsets from VMCOREINFO
 * (page.index from BTF); vmemmap_base is a kernel variable (kallsyms).
 * Prints nothing when any of that is unavailable.
 */
static void print_page(struct dp_program *prog, uint64_t paddr)
{
	uint64_t vmemmap = 0, sym, size = 0, o_flags, o_map, o_ref, o_index;
	uint8_t pg[4096];
	struct dp_error *err = dp_program_symbol_address(prog, "vmemmap_base",
							 &sym);
	if (!err)
		err = dp_program_read_u64(prog, sym, &vmemmap);
	if (!err)
		err = vmci_off(prog, "SIZE(page)", &size);
	if (!err)
		err = vmci_off(prog, "OFFSET(page.flags)", &o_flags);
	if (!err)
		err = vmci_off(prog, "OFFSET(page.mapping)", &o_map);
	if (!err)
		err = vmci_off(prog, "OFFSET(page._refcount)", &o_ref);
	if (!err)
		err = dp_program_member_offset(prog, "page", "index", &o_index);
	if (!err && (o_flags + 8 > size || o_map + 8 > size ||
		     o_ref + 4 > size || o_index + 8 > size))
		err = dp_error_create(DP_ERR_BAD_DATA, "struct page layout");
	uint64_t page = vmemmap + (paddr >> 12) * size;
	if (!err)
		err = dp_program_read(prog, page, pg, (size_t)size);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	uint64_t flags = le(pg + o_flags, 8);
	printf("      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS\n");
	printf("%16" PRIx64 " %-8" PRIx64 " %16" PRIx64 " %8" PRIx64 " %2d %"
	       PRIx64 " ", page, paddr & ~(uint64_t)4095, le(pg + o_map, 8),
	       le(pg + o_index, 8), (int)(int32_t)le(pg + o_ref, 4), flags);
	print_flag_names(prog, flags);
	printf("\n");
}

static void print_walk(struct dp_program *prog, const struct dp_vtop_walk *w)
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
	print_page(prog, w->paddr);
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
		print_walk(prog, &w);
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
