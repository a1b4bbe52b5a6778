// SPDX-License-Identifier: MIT
// dontpanic info: what kind of dump this is and what it contains.
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static const char *compression_name(enum dp_compression c)
{
	switch (c) {
	case DP_COMPRESS_NONE: return "none";
	case DP_COMPRESS_ZLIB: return "zlib";
	case DP_COMPRESS_LZO: return "lzo";
	case DP_COMPRESS_SNAPPY: return "snappy";
	case DP_COMPRESS_ZSTD: return "zstd";
	}
	return "unknown";
}

struct facts {
	struct dp_dump_info info;
	const char *osrelease, *build_id;
	size_t cpus;
	bool have_kaslr;
	int64_t kaslr;
	size_t vmcoreinfo_len;
	char time_utc[64];
	const char *kallsyms_source;	/* NULL: see kallsyms_why */
	char *kallsyms_why;
};

// Where the symbols come from (VMCOREINFO or a scan of the kernel image);
// this loads them, so a dump they cannot be read from says why.
static void kallsyms_source(struct dp_dump *dump, struct facts *f)
{
	struct dp_program_opts opts = { 0 };
	struct dp_program *prog = NULL;
	uint64_t stext;
	struct dp_error *err = dp_program_create(dump, &opts, &prog);
	if (!err && !(f->kallsyms_source = dp_program_kallsyms_source(prog)))
		err = dp_program_symbol_address(prog, "_stext", &stext);
	if (err && !(f->kallsyms_why = strdup(err->message)))
		f->kallsyms_why = NULL;
	dp_error_destroy(err);
	dp_program_destroy(prog);
}

static void gather(struct dp_dump *dump, struct facts *f)
{
	f->osrelease = dp_dump_vmcoreinfo_get(dump, "OSRELEASE");
	f->build_id = dp_dump_vmcoreinfo_get(dump, "BUILD-ID");
	f->cpus = dp_dump_num_cpu_notes(dump);
	dp_dump_vmcoreinfo(dump, &f->vmcoreinfo_len);
	struct dp_error *err = dp_dump_vmcoreinfo_number(dump, "KERNELOFFSET",
							 &f->kaslr);
	f->have_kaslr = !err;
	dp_error_destroy(err);
	f->time_utc[0] = '\0';
	if (f->info.crash_time) {
		time_t t = (time_t)f->info.crash_time;
		struct tm tm;
		if (gmtime_r(&t, &tm))
			strftime(f->time_utc, sizeof(f->time_utc),
				 "%Y-%m-%d %H:%M:%S UTC", &tm);
	}
}

static void print_cpus_json(struct dp_json *j, struct dp_dump *dump)
{
	static const struct dp_json_layout notes =
		DP_JSON_LINES_OPEN("    ", "  ");
	size_t n = dp_dump_num_cpu_notes(dump);
	dp_json_key(j, "cpu_notes");
	dp_json_array(j, &notes);
	for (size_t k = 0; k < n; k++) {
		const struct dp_cpu_note *c = dp_dump_cpu_note(dump, k);
		dp_json_object(j, &dp_json_inline);
		dp_json_ku64(j, "index", c->index);
		dp_json_ki64(j, "pid", c->pid);
		dp_json_kbool(j, "from_qemu", c->from_qemu);
		dp_json_khex(j, "rip", c->regs.rip);
		dp_json_khex(j, "rsp", c->regs.rsp);
		dp_json_ku64(j, "cs", c->regs.cs);
		dp_json_end(j);
	}
	dp_json_end(j);
}

static void print_json(struct dp_dump *dump, const struct facts *f)
{
	const struct dp_dump_info *i = &f->info;
	struct dp_json j;
	dp_json_init(&j, stdout);
	dp_json_object(&j, &dp_json_lines2);
	dp_json_kstr(&j, "format", i->format);
	dp_json_kstr(&j, "producer", i->producer);
	dp_json_kstr(&j, "compression", compression_name(i->compression));
	dp_json_ki64_or_null(&j, "dump_level", i->dump_level >= 0,
			     i->dump_level);
	dp_json_kbool(&j, "flattened", i->flattened);
	dp_json_kbool(&j, "incomplete", i->incomplete);
	dp_json_kbool(&j, "truncated", i->truncated);
	dp_json_ku64(&j, "files", i->nfiles);
	dp_json_ku64(&j, "header_version", i->header_version);
	dp_json_ku64(&j, "page_size", i->page_size);
	dp_json_ku64(&j, "max_pfn", i->max_pfn);
	dp_json_ku64(&j, "pages_present", i->pages_present);
	dp_json_ku64(&j, "pages_excluded", i->pages_excluded);
	dp_json_ku64(&j, "pages_zero", i->pages_zero);
	dp_json_ku64(&j, "pages_lost", i->pages_lost);
	dp_json_kstr(&j, "osrelease", f->osrelease);
	dp_json_kstr(&j, "build_id", f->build_id);
	dp_json_ku64(&j, "cpus", f->cpus);
	print_cpus_json(&j, dump);
	dp_json_ki64_or_null(&j, "crash_time", i->crash_time != 0,
			     i->crash_time);
	dp_json_kstr(&j, "crash_time_utc", f->time_utc[0] ? f->time_utc : NULL);
	dp_json_ku64_or_null(&j, "kaslr_offset", f->have_kaslr,
			     (uint64_t)f->kaslr);
	dp_json_kstr(&j, "kallsyms_source", f->kallsyms_source);
	dp_json_end(&j);
	putchar('\n');
}

static void print_text(struct dp_dump *dump, const struct facts *f)
{
	const struct dp_dump_info *i = &f->info;
	// kdump already names it "flattened-kdump".
	printf("%-15s %s%s\n", "format:", i->format,
	       i->flattened && !strstr(i->format, "flat") ?
	       " (flattened stream)" : "");
	printf("%-15s %s\n", "producer:", i->producer ? i->producer : "unknown");
	printf("%-15s %s\n", "compression:", compression_name(i->compression));
	if (i->dump_level >= 0)
		printf("%-15s %d\n", "dump level:", i->dump_level);
	else
		printf("%-15s unknown\n", "dump level:");
	if (i->header_version)
		printf("%-15s %" PRIu32 "\n", "header version:",
		       i->header_version);
	if (i->nfiles > 1)
		printf("%-15s %u (split set)\n", "files:", i->nfiles);
	printf("%-15s %s\n", "incomplete:", i->incomplete ? "YES" : "no");
	if (i->truncated)
		printf("%-15s YES: the file ends before its last page; "
		       "the pages past the end are lost\n", "truncated:");
	printf("%-15s %" PRIu32 "\n", "page size:", i->page_size);
	printf("%-15s 0x%" PRIx64 "\n", "max pfn:", i->max_pfn);
	printf("%-15s %" PRIu64 " present (%" PRIu64 " zero), %" PRIu64
	       " excluded, %" PRIu64 " lost\n", "pages:", i->pages_present,
	       i->pages_zero, i->pages_excluded, i->pages_lost);
	printf("%-15s %s\n", "osrelease:", f->osrelease ? f->osrelease : "-");
	printf("%-15s %s\n", "build-id:", f->build_id ? f->build_id : "-");
	printf("%-15s %zu\n", "cpus:", f->cpus);
	for (size_t k = 0; k < f->cpus; k++) {
		const struct dp_cpu_note *c = dp_dump_cpu_note(dump, k);
		printf("  note %-7" PRIu32 " pid %-6" PRId32 " rip 0x%016" PRIx64
		       " rsp 0x%016" PRIx64 "%s%s\n", c->index, c->pid,
		       c->regs.rip, c->regs.rsp,
		       (c->regs.cs & 3) ? " (user mode)" : "",
		       c->from_qemu ? " (QEMU note)" : "");
	}
	if (i->crash_time)
		printf("%-15s %" PRId64 " (%s)\n", "crash time:", i->crash_time,
		       f->time_utc);
	else
		printf("%-15s -\n", "crash time:");
	if (f->have_kaslr)
		printf("%-15s 0x%" PRIx64 "\n", "kaslr offset:",
		       (uint64_t)f->kaslr);
	else
		printf("%-15s -\n", "kaslr offset:");
	if (f->vmcoreinfo_len)
		printf("%-15s %zu bytes\n", "vmcoreinfo:", f->vmcoreinfo_len);
	else
		printf("%-15s none\n", "vmcoreinfo:");
	if (f->kallsyms_source)
		printf("%-15s %s\n", "kallsyms:", f->kallsyms_source);
	else
		printf("%-15s unavailable: %s\n", "kallsyms:",
		       f->kallsyms_why ? f->kallsyms_why : "-");
}

static const char usage_text[] =
	"usage: dontpanic info [--json] DUMP...\n"
	"\n"
	"Describe a crash dump: format, producer, compression, dump level,\n"
	"page counts, kernel release and build id, CPU notes, crash time\n"
	"and KASLR offset, and where the kernel's symbols come from\n"
	"(VMCOREINFO, or a scan of the kernel image when it has no\n"
	"SYMBOL(kallsyms_*) lines, as before Linux 6.0). Several DUMP files\n"
	"are one --split set.\n"
	"\n"
	"  -j, --json    print a JSON object\n"
	"  -h, --help    show this help\n";

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		default:	/* -h, or a bad option */
			return dp_cli_usage(c, usage_text);
		}
	}
	if (optind >= argc)
		return dp_cli_usage('?', usage_text);
	struct dp_dump *dump = dp_cli_open_dump(
		argv[0], (const char *const *)argv + optind,
		(size_t)(argc - optind));
	if (!dump)
		return DP_EXIT_BAD_DUMP;
	struct facts f = { 0 };
	struct dp_error *err = dp_dump_get_info(dump, &f.info);
	if (err) {
		dp_cli_error(argv[0], err);
		dp_dump_destroy(dump);
		return DP_EXIT_BAD_DUMP;
	}
	gather(dump, &f);
	kallsyms_source(dump, &f);
	if (json)
		print_json(dump, &f);
	else
		print_text(dump, &f);
	free(f.kallsyms_why);
	dp_dump_destroy(dump);
	return DP_EXIT_OK;
}
