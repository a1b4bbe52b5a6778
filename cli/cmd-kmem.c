// SPDX-License-Identifier: MIT
// dontpanic kmem -i: crash's memory usage summary, from the dump alone.
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "session.h"

static const char usage_text[] =
	"usage: dontpanic kmem -i [--json] [--vmlinux FILE] DUMP...\n"
	"\n"
	"Print the memory summary of crash's kmem -i: TOTAL MEM, FREE, USED,\n"
	"SHARED, BUFFERS, CACHED, SLAB, hugetlb, swap and overcommit, in\n"
	"pages, as a size, and as a percentage (rounded down, like crash).\n"
	"Counters come from vm_zone_stat/vm_node_stat with BTF enum indices.\n"
	"\n"
	"  -i            the memory summary (the only mode for now)\n"
	"  --json        the same numbers in pages as a JSON object\n"
	"  -h, --help    show this help\n";

// crash's size column: "0", "384 KB", "7.5 MB", "781 MB", "1.2 GB".
static void format_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes == 0) {
		snprintf(buf, len, "0");
		return;
	}
	if (bytes < (1u << 20)) {
		snprintf(buf, len, "%" PRIu64 " KB", bytes >> 10);
		return;
	}
	double v = (double)bytes / (1 << 20);
	const char *unit = "MB";
	if (bytes >= (1ull << 30)) {
		v /= 1024;
		unit = "GB";
	}
	snprintf(buf, len, "%.1f", v);
	size_t l = strlen(buf);
	if (l > 2 && !strcmp(buf + l - 2, ".0"))
		buf[l - 2] = '\0';
	snprintf(buf + strlen(buf), len - strlen(buf), " %s", unit);
}

static void line(const char *label, uint64_t pages, uint64_t page_size,
		 const char *of, uint64_t total)
{
	char size[32];
	if (pages == UINT64_MAX) {
		printf("%13s %8s %12s\n", label, "?", "?");
		return;
	}
	format_size(pages * page_size, size, sizeof(size));
	printf("%13s %8" PRIu64 " %12s", label, pages, size);
	if (!of) {
		printf("         ----\n");
		return;
	}
	uint64_t pct = total && total != UINT64_MAX ? pages * 100 / total : 0;
	printf("  %3" PRIu64 "%% of %s\n", pct, of);
}

static uint64_t sub(uint64_t a, uint64_t b)
{
	return a == UINT64_MAX || b == UINT64_MAX ? UINT64_MAX :
	       a > b ? a - b : 0;
}

static void print_text(const struct dp_meminfo *m, uint64_t ps)
{
	printf("                 PAGES        TOTAL      PERCENTAGE\n");
	line("TOTAL MEM", m->total, ps, NULL, 0);
	line("FREE", m->free, ps, "TOTAL MEM", m->total);
	line("USED", sub(m->total, m->free), ps, "TOTAL MEM", m->total);
	line("SHARED", m->shared, ps, "TOTAL MEM", m->total);
	line("BUFFERS", m->buffers, ps, "TOTAL MEM", m->total);
	line("CACHED", m->cached, ps, "TOTAL MEM", m->total);
	line("SLAB", m->slab, ps, "TOTAL MEM", m->total);
	printf("\n");
	line("TOTAL HUGE", m->total_huge, ps, NULL, 0);
	line("HUGE FREE", m->huge_free, ps, "TOTAL HUGE", m->total_huge);
	printf("\n");
	line("TOTAL SWAP", m->swap_total, ps, NULL, 0);
	line("SWAP USED", sub(m->swap_total, m->swap_free), ps, "TOTAL SWAP",
	     m->swap_total);
	line("SWAP FREE", m->swap_free, ps, "TOTAL SWAP", m->swap_total);
	printf("\n");
	line("COMMIT LIMIT", m->commit_limit, ps, NULL, 0);
	line("COMMITTED", m->committed, ps, "TOTAL LIMIT", m->commit_limit);
}

// A count, or null when the dump does not say (UINT64_MAX).
static void json_field(struct dp_json *j, const char *k, uint64_t v)
{
	dp_json_ku64_or_null(j, k, v != UINT64_MAX, v);
}

static void print_json(const struct dp_meminfo *m, uint64_t ps)
{
	struct dp_json j;
	dp_json_init(&j, stdout);
	dp_json_object(&j, &dp_json_lines2);
	dp_json_ku64(&j, "page_size", ps);
	json_field(&j, "total", m->total);
	json_field(&j, "free", m->free);
	json_field(&j, "used", sub(m->total, m->free));
	json_field(&j, "shared", m->shared);
	json_field(&j, "buffers", m->buffers);
	json_field(&j, "cached", m->cached);
	json_field(&j, "slab", m->slab);
	json_field(&j, "total_huge", m->total_huge);
	json_field(&j, "huge_free", m->huge_free);
	json_field(&j, "swap_total", m->swap_total);
	json_field(&j, "swap_free", m->swap_free);
	json_field(&j, "commit_limit", m->commit_limit);
	json_field(&j, "committed", m->committed);
	dp_json_end(&j);
	putchar('\n');
}

int cmd_kmem(int argc, char **argv)
{
	struct dp_kcmd_opts o;
	struct dp_session s;
	int rc = dp_kcmd_open(argc, argv, 'i', usage_text, &o, &s);
	if (rc >= 0)
		return rc;
	if (!o.flag) {
		dp_session_close(&s);
		dp_cli_errorf(argv[0], "only kmem -i is supported");
		return dp_cli_usage('?', usage_text);
	}
	bool json = o.json;
	struct dp_meminfo m;
	struct dp_error *err = dp_kernel_meminfo(s.k, &m);
	if (err) {
		dp_cli_error(argv[0], err);
		dp_session_close(&s);
		return DP_EXIT_FAILURE;
	}
	uint64_t ps = dp_dump_page_size(s.dump);
	if (json)
		print_json(&m, ps);
	else
		print_text(&m, ps);
	dp_session_close(&s);
	return DP_EXIT_OK;
}
