// SPDX-License-Identifier: MIT
// dontpanic collect: a makedumpfile-compatible collector. Invoked as
// `makedumpfile` (argv[0]) it is the same command with makedumpfile's
// exit codes (1 for any failure, bad options included).
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <dontpanic/collect.h>

#include "cli.h"

enum {
	OPT_SPLIT = 256, OPT_NUM_THREADS, OPT_MESSAGE_LEVEL, OPT_DUMP_DMESG,
	OPT_CYCLIC, OPT_JSON, OPT_FAIL_AFTER, OPT_NON_MMAP, OPT_WORK_DIR,
	OPT_SHOW_STATS, OPT_REASSEMBLE, OPT_PARTIAL_DMESG, OPT_SPLITBLOCK,
	OPT_ZSTD_LEVEL, OPT_NO_LOG_FIRST, OPT_CHECK_PARAMS,
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "split", no_argument, NULL, OPT_SPLIT },
	{ "num-threads", required_argument, NULL, OPT_NUM_THREADS },
	{ "message-level", required_argument, NULL, OPT_MESSAGE_LEVEL },
	{ "dump-dmesg", no_argument, NULL, OPT_DUMP_DMESG },
	{ "partial-dmesg", no_argument, NULL, OPT_PARTIAL_DMESG },
	{ "cyclic-buffer", required_argument, NULL, OPT_CYCLIC },
	{ "splitblock-size", required_argument, NULL, OPT_SPLITBLOCK },
	{ "non-mmap", no_argument, NULL, OPT_NON_MMAP },
	{ "work-dir", required_argument, NULL, OPT_WORK_DIR },
	{ "show-stats", no_argument, NULL, OPT_SHOW_STATS },
	{ "reassemble", no_argument, NULL, OPT_REASSEMBLE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "zstd-level", required_argument, NULL, OPT_ZSTD_LEVEL },
	{ "no-log-first", no_argument, NULL, OPT_NO_LOG_FIRST },
	{ "check-params", no_argument, NULL, OPT_CHECK_PARAMS },
	// Testing only: behave as if the disk filled up after N bytes.
	{ "fail-after", required_argument, NULL, OPT_FAIL_AFTER },
	{ NULL, 0, NULL, 0 },
};

#define ML_PROGRESS 1
#define ML_COMMON 2
#define ML_ERROR 4
#define ML_REPORT 16

struct cfg {
	const char *cmd;		/* "collect" or "makedumpfile" */
	bool as_makedumpfile;
	struct dp_collect_opts o;
	int message_level;
	bool force, split, rearrange, json, dmesg, have_level, reassemble;
	bool have_codec, check_params;
	FILE *msg;			/* stdout, or stderr with -F */
	struct timespec t0;
	double last_progress;
};

static void usage(FILE *f, const char *cmd)
{
	fprintf(f,
"usage: %s [-c|-l|-p|-z] [-d LEVEL] [-E] [-L SIZE] [options] VMCORE DUMPFILE\n"
"       %s -F [-c|-l|-p|-z] [-d LEVEL] VMCORE > STREAM\n"
"       %s -R DUMPFILE < STREAM\n"
"       %s --split [-c|-l|-p|-z] [-d LEVEL] VMCORE DUMPFILE1 DUMPFILE2...\n"
"       %s --reassemble [-c|-l|-p|-z] [-d LEVEL] PART1 PART2... DUMPFILE\n"
"\n"
"Copy a crash dump (/proc/vmcore) into a smaller file, dropping the pages\n"
"the dump level names, like makedumpfile.\n"
"\n"
"VMCORE may also be any dump dontpanic reads: an ELF vmcore (a copy of\n"
"/proc/vmcore, makedumpfile -E, QEMU dump-guest-memory with VMCOREINFO),\n"
"a kdump-compressed or a flattened file. Such a dump is converted and\n"
"re-filtered: the level used is LEVEL plus the level the input records,\n"
"and pages the input lacks stay out of the output (never written as\n"
"zeros; in ELF output no PT_LOAD covers them).\n"
"\n"
"  -c, -l, -p, -z     compress pages with zlib, lzo, snappy or zstd\n"
"  --zstd-level N     zstd level (default 2; makedumpfile uses 1)\n"
"  -d LEVEL           dump level 0-31, the sum of: 1 zero pages, 2 page\n"
"                     cache, 4 private page cache, 8 user data, 16 free\n"
"                     pages (hwpoison and offline pages are always dropped)\n"
"  -E                 write ELF (uncompressed) instead of kdump-compressed\n"
"  -F                 write a flattened stream to standard output\n"
"  -R                 rebuild DUMPFILE from a flattened stream on stdin\n"
"  --split            spread the pages over the DUMPFILEs\n"
"  --reassemble       read a --split set (PART1...) into one DUMPFILE;\n"
"                     the parts' codec unless -c/-l/-p/-z is given\n"
"  --no-log-first     kdump output: write page data in pfn order, as\n"
"                     makedumpfile does (byte-identical files); by default\n"
"                     the pages the kernel log needs go first, so a dump\n"
"                     cut short still has the whole log\n"
"  -L SIZE            stop at SIZE bytes (K, M, G suffixes); the dump is\n"
"                     then flagged incomplete\n"
"  --num-threads N    compression threads (default: all online CPUs)\n"
"  --message-level N  bits: 1 progress, 2 messages, 4 errors, 16 report\n"
"                     (default 7)\n"
"  --show-stats       print the report (like --message-level 31)\n"
"  --json             print the report as JSON on standard output\n"
"  -f                 overwrite DUMPFILE if it exists\n"
"  --check-params     check the options and the number of files, read and\n"
"                     write nothing (exit 0 valid, 1 not), as makedumpfile\n"
"                     does for kdumpctl's mkdumprd\n"
"  --cyclic-buffer KB bitmap window in KiB (memory stays bounded anyway)\n"
"  --dump-dmesg       write the kernel log to DUMPFILE (makedumpfile's\n"
"                     layout, read with VMCOREINFO only)\n"
"  --non-mmap         read an ELF input with read() only (default: mmap\n"
"                     in 4 MiB windows, read() where mmap fails)\n"
"  -x, -i, --work-dir DIR, -b, -D\n"
"                     accepted for compatibility (-x/-i: not needed, refused)\n"
"\n"
"Exit status: 0 ok, 1 failed (bad options too when run as makedumpfile),\n"
"2 usage error (as dontpanic collect), 3 input unreadable.\n",
		cmd, cmd, cmd, cmd, cmd);
}

static double now(const struct cfg *c)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - c->t0.tv_sec) +
	       (double)(t.tv_nsec - c->t0.tv_nsec) / 1e9;
}

static void progress(void *arg, uint64_t done, uint64_t total)
{
	struct cfg *c = arg;
	static const char spin[] = "/|\\-";
	double t = now(c);
	if (done < total && t - c->last_progress < 1.0)
		return;
	c->last_progress = t;
	double pct = total ? 100.0 * (double)done / (double)total : 100.0;
	double eta = done ? t * (double)(total - done) / (double)done : 0;
	fprintf(stderr, "\rCopying data                      : [%5.1f %%] %c  eta: %.0fs ",
		pct, spin[(int)t % 4], eta);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

static int fail_code(const struct cfg *c, int code)
{
	return c->as_makedumpfile ? DP_EXIT_FAILURE : code;
}

static void errmsg(const struct cfg *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void errmsg(const struct cfg *c, const char *fmt, ...)
{
	va_list ap;
	if (!(c->message_level & ML_ERROR))
		return;
	fprintf(stderr, "%s%s: ", c->as_makedumpfile ? "" : "dontpanic ",
		c->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static bool parse_size(const char *s, uint64_t *ret)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		return false;
	int shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return false;
	*ret = (uint64_t)v << shift;
	return true;
}

static bool parse_int(const char *s, long lo, long hi, long *ret)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*ret = v;
	return true;
}

static void print_report(struct cfg *c, const struct dp_collect_stats *s,
			 double secs)
{
	static const char *const names[DP_CNT_NR] = {
		"Pages filled with zero  ", "Non-private cache pages ",
		"Private cache pages     ", "User process data pages ",
		"Free pages              ", "Hwpoison pages          ",
		"Offline pages           ",
	};
	FILE *f = c->msg;
	fprintf(f, "\nOriginal pages  : 0x%016" PRIx64 "\n", s->present);
	fprintf(f, "  Excluded pages   : 0x%016" PRIx64 "\n", s->excluded_total);
	for (int i = 0; i < DP_CNT_NR; i++)
		fprintf(f, "    %s: 0x%016" PRIx64 "\n", names[i], s->excluded[i]);
	if (s->not_in_input)
		fprintf(f, "    Not in the input        : 0x%016" PRIx64 "\n",
			s->not_in_input);
	fprintf(f, "  Remaining pages  : 0x%016" PRIx64 "\n", s->remaining);
	if (s->present)
		fprintf(f, "  (The number of pages is reduced to %" PRIu64 "%%.)\n",
			s->remaining * 100 / s->present);
	fprintf(f, "Memory Hole     : 0x%016" PRIx64 "\n", s->hole);
	fprintf(f, "--------------------------------------------------\n");
	fprintf(f, "Total pages     : 0x%016" PRIx64 "\n", s->max_pfn);
	fprintf(f, "Write bytes     : %" PRIu64 "\n", s->bytes_written);
	if (s->rescued)
		fprintf(f, "Kept by the kernel-image guard: 0x%016" PRIx64 "\n",
			s->rescued);
	uint64_t in = s->present * s->page_size;
	if (s->bytes_written)
		fprintf(f, "Ratio           : %.2f (input %" PRIu64 " bytes)\n",
			(double)in / (double)s->bytes_written, in);
	fprintf(f, "Time            : %.3f seconds\n\n", secs);
}

static void print_json(const struct cfg *c, const struct dp_collect_stats *s,
		       double secs, const char *status)
{
	static const char *const keys[DP_CNT_NR] = {
		"zero", "cache", "cache_private", "user", "free", "hwpoison",
		"offline",
	};
	struct dp_json j;
	dp_json_init(&j, stdout);
	dp_json_object(&j, &dp_json_compact);
	dp_json_kstr(&j, "status", status);
	dp_json_ki64(&j, "dump_level", c->o.dump_level);
	dp_json_ku64(&j, "page_size", s->page_size);
	dp_json_ku64(&j, "total_pages", s->max_pfn);
	dp_json_ku64(&j, "original_pages", s->present);
	dp_json_ku64(&j, "memory_hole", s->hole);
	dp_json_key(&j, "excluded");
	dp_json_object(&j, &dp_json_compact);
	for (int i = 0; i < DP_CNT_NR; i++)
		dp_json_ku64(&j, keys[i], s->excluded[i]);
	dp_json_end(&j);
	dp_json_ku64(&j, "not_in_input", s->not_in_input);
	dp_json_kstr(&j, "input_format",
		     s->input_format ? s->input_format : "");
	dp_json_ki64(&j, "input_dump_level", s->input_level);
	dp_json_ki64(&j, "effective_dump_level", s->dump_level);
	dp_json_ku64(&j, "excluded_total", s->excluded_total);
	dp_json_ku64(&j, "remaining_pages", s->remaining);
	dp_json_ku64(&j, "kernel_image_guard_pages", s->rescued);
	dp_json_ku64(&j, "log_first_pages", s->log_pages);
	dp_json_ku64(&j, "pages_written", s->pages_written);
	dp_json_ku64(&j, "pages_lost", s->pages_lost);
	dp_json_ku64(&j, "bytes_written", s->bytes_written);
	dp_json_ku64(&j, "files", s->nfiles);
	dp_json_kbool(&j, "incomplete", s->incomplete);
	dp_json_key(&j, "seconds");
	dp_json_printf(&j, "%.3f", secs);
	dp_json_end(&j);
	putchar('\n');
}

static int open_out(struct cfg *c, const char *path)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (c->force ? O_TRUNC : O_EXCL);
	int fd = open(path, flags, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			errmsg(c, "%s: file exists (use -f to overwrite)", path);
		else
			errmsg(c, "%s: %s", path, strerror(errno));
	}
	return fd;
}

static int rearrange(struct cfg *c, const char *path)
{
	if (isatty(0)) {
		errmsg(c, "-R reads the flattened stream from standard input");
		return fail_code(c, DP_EXIT_USAGE);
	}
	int fd = open_out(c, path);
	if (fd < 0)
		return DP_EXIT_FAILURE;
	uint64_t bytes;
	struct dp_error *err = dp_flat_rearrange(0, fd, path, &bytes);
	if (close(fd) < 0 && !err)
		err = dp_error_os(errno, "%s: close", path);
	if (err) {
		errmsg(c, "%s", err->message);
		dp_error_destroy(err);
		return DP_EXIT_FAILURE;
	}
	if (c->message_level & ML_COMMON)
		fprintf(stdout, "The dumpfile is saved to %s.\n", path);
	return DP_EXIT_OK;
}

/*
 * --dump-dmesg VMCORE FILE: the kernel log in makedumpfile's layout, which
 * is `dontpanic log`'s default layout; run that command with stdout on
 * FILE so both stay one formatter.
 */
static int dump_dmesg(struct cfg *c, const char *vmcore, const char *path)
{
	int fd = open_out(c, path);
	if (fd < 0)
		return DP_EXIT_FAILURE;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		errmsg(c, "%s: %s", path, strerror(errno));
		close(fd);
		return DP_EXIT_FAILURE;
	}
	const struct dp_cli_log_opts plain = { 0 };
	int rc = dp_cli_write_log(f, &vmcore, 1, &plain);
	bool bad = ferror(f);
	if ((fclose(f) != 0 || bad) && rc == DP_EXIT_OK) {
		errmsg(c, "%s: %s", path, strerror(errno ? errno : EIO));
		rc = DP_EXIT_FAILURE;
	}
	if (rc != DP_EXIT_OK) {
		unlink(path);
		return c->as_makedumpfile ? DP_EXIT_FAILURE : rc;
	}
	if (c->message_level & ML_COMMON)
		printf("\nThe dmesg log is saved to %s.\n\n%s Completed.\n", path,
		       c->as_makedumpfile ? "makedumpfile" : "dontpanic collect");
	return DP_EXIT_OK;
}

static int parse(struct cfg *c, int argc, char **argv, int *code)
{
	int opt;
	long v;
	uint64_t u;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "cd:EfFhlL:pRvx:i:zDb:", long_opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'c': c->o.compression = DP_COMPRESS_ZLIB; c->have_codec = true; break;
		case 'l': c->o.compression = DP_COMPRESS_LZO; c->have_codec = true; break;
		case 'p': c->o.compression = DP_COMPRESS_SNAPPY; c->have_codec = true; break;
		case 'z': c->o.compression = DP_COMPRESS_ZSTD; c->have_codec = true; break;
		case 'd':
			// makedumpfile also takes a list ("11,31") for retries;
			// we take the first level.
			if (!parse_int(strtok(optarg, ","), 0, 31, &v)) {
				errmsg(c, "invalid dump level '%s' (0-31)", optarg);
				return *code = fail_code(c, DP_EXIT_USAGE), -1;
			}
			c->o.dump_level = (int)v;
			c->have_level = true;
			break;
		case 'E': c->o.format = DP_COLLECT_ELF; break;
		case 'F': c->o.flattened = true; break;
		case 'R': c->rearrange = true; break;
		case 'f': c->force = true; break;
		case 'L':
			if (!parse_size(optarg, &u) || u == 0) {
				errmsg(c, "invalid size limit '%s'", optarg);
				return *code = fail_code(c, DP_EXIT_USAGE), -1;
			}
			c->o.size_limit = u;
			break;
		case OPT_SPLIT: c->split = true; break;
		case OPT_NUM_THREADS:
			if (!parse_int(optarg, 0, 4096, &v)) {
				errmsg(c, "invalid --num-threads '%s'", optarg);
				return *code = fail_code(c, DP_EXIT_USAGE), -1;
			}
			c->o.nthreads = (unsigned int)v;
			break;
		case OPT_MESSAGE_LEVEL:
			if (!parse_int(optarg, 0, 31, &v)) {
				errmsg(c, "invalid --message-level '%s' (0-31)", optarg);
				return *code = fail_code(c, DP_EXIT_USAGE), -1;
			}
			c->message_level = (int)v;
			break;
		case OPT_SHOW_STATS: c->message_level |= ML_REPORT; break;
		case OPT_CYCLIC:
			if (!parse_int(optarg, 1, 1L << 30, &v)) {
				errmsg(c, "invalid --cyclic-buffer '%s' (KiB)", optarg);
				return *code = fail_code(c, DP_EXIT_USAGE), -1;
			}
			c->o.cyclic_pfns = (uint64_t)v * 1024 * 8;
			break;
		case OPT_JSON: c->json = true; break;
		case OPT_NO_LOG_FIRST: c->o.no_log_first = true; break;
		case OPT_CHECK_PARAMS: c->check_params = true; break;
		case OPT_ZSTD_LEVEL:
			if (!parse_int(optarg, 1, 19, &v)) {
				errmsg(c, "invalid --zstd-level '%s' (1-19)", optarg);
				return *code = fail_code(c, DP_EXIT_USAGE), -1;
			}
			c->o.level = (int)v;
			break;
		case OPT_FAIL_AFTER:
			if (!parse_size(optarg, &u) || u == 0) {
				errmsg(c, "invalid --fail-after '%s'", optarg);
				return *code = fail_code(c, DP_EXIT_USAGE), -1;
			}
			c->o.fail_after = u;
			break;
		case OPT_DUMP_DMESG: case OPT_PARTIAL_DMESG:
			c->dmesg = true;
			break;
		case 'x': case 'i':
			errmsg(c, "-%c is not needed and not supported: page classes come from the dump's VMCOREINFO", opt);
			return *code = DP_EXIT_FAILURE, -1;
		case OPT_REASSEMBLE: c->reassemble = true; break;
		case OPT_NON_MMAP: c->o.no_mmap = true; break;
		case OPT_WORK_DIR: case 'D': case 'b': case OPT_SPLITBLOCK:
			break;	// accepted: memory is bounded without them
		case 'v':
			printf("%s: dontpanic %s (makedumpfile-compatible collector)\n",
			       c->cmd, DP_VERSION);
			return *code = DP_EXIT_OK, -1;
		case 'h':
			usage(stdout, c->cmd);
			return *code = DP_EXIT_OK, -1;
		default:
			usage(stderr, c->cmd);
			return *code = fail_code(c, DP_EXIT_USAGE), -1;
		}
	}
	return 0;
}

// --reassemble keeps the parts' codec unless one is given.
static enum dp_compression input_codec(char **paths, size_t n)
{
	struct dp_dump *d;
	struct dp_dump_info info;
	enum dp_compression comp = DP_COMPRESS_NONE;
	struct dp_error *err = dp_dump_open((const char *const *)paths, n, &d);
	if (!err) {
		err = dp_dump_get_info(d, &info);
		if (!err)
			comp = info.compression;
		dp_dump_destroy(d);
	}
	dp_error_destroy(err);
	return comp;
}

static int check_combination(struct cfg *c, int nargs)
{
	const char *bad = NULL;
	if (c->o.format == DP_COLLECT_ELF && c->o.compression)
		bad = "-E cannot be used with -c, -l, -p or -z (ELF is uncompressed)";
	else if (c->split && (c->o.flattened || c->o.format == DP_COLLECT_ELF))
		bad = "--split cannot be used with -F or -E";
	else if (c->reassemble && (c->split || c->o.flattened || c->o.format == DP_COLLECT_ELF))
		bad = "--reassemble writes one kdump-compressed file: no --split, -F or -E";
	else if (c->reassemble && nargs < 3)
		bad = "--reassemble needs the --split parts and one DUMPFILE";
	else if (c->split && nargs < 3)
		bad = "--split needs VMCORE and at least two DUMPFILEs";
	else if (!c->split && !c->reassemble && !c->o.flattened && nargs != 2)
		bad = "expected VMCORE DUMPFILE";
	else if (c->o.flattened && nargs != 1)
		bad = "-F writes to standard output: give only VMCORE";
	else if (c->o.flattened && !c->check_params && isatty(1))
		bad = "-F writes a binary stream: redirect standard output";
	if (!bad)
		return 0;
	errmsg(c, "%s", bad);
	return fail_code(c, DP_EXIT_USAGE);
}

/*
 * --check-params: makedumpfile's "check the options and the number of
 * files, do nothing else" (kdumpctl's mkdumprd runs it on core_collector
 * with "vmcore" or "vmcore dumpfile" appended). Exit 0 valid, 1 not;
 * nothing is opened or written.
 */
static int check_params(struct cfg *c, int nargs)
{
	const char *bad = NULL;
	if (c->rearrange && nargs != 1)
		bad = "-R takes one DUMPFILE";
	else if (c->dmesg && nargs != 2)
		bad = "--dump-dmesg takes VMCORE and an output FILE";
	else if (!c->rearrange && !c->dmesg && check_combination(c, nargs))
		return DP_EXIT_FAILURE;
	if (bad) {
		errmsg(c, "%s", bad);
		return DP_EXIT_FAILURE;
	}
	return DP_EXIT_OK;
}

int cmd_collect(int argc, char **argv)
{
	struct cfg c = { 0 };
	const char *prog = strrchr(argv[0], '/');
	prog = prog ? prog + 1 : argv[0];
	c.as_makedumpfile = strcmp(prog, "makedumpfile") == 0;
	c.cmd = c.as_makedumpfile ? "makedumpfile" : "collect";
	c.message_level = ML_PROGRESS | ML_COMMON | ML_ERROR;
	c.msg = stdout;
	int code = 0;
	if (parse(&c, argc, argv, &code) < 0)
		return c.check_params && code ? DP_EXIT_FAILURE : code;
	int nargs = argc - optind;
	char **args = argv + optind;
	if (c.check_params)
		return check_params(&c, nargs);
	if (c.rearrange) {
		if (nargs != 1) {
			errmsg(&c, "-R takes one DUMPFILE and reads the stream from standard input");
			return fail_code(&c, DP_EXIT_USAGE);
		}
		return rearrange(&c, args[0]);
	}
	if (c.dmesg) {
		if (nargs != 2) {
			errmsg(&c, "--dump-dmesg takes VMCORE and an output FILE");
			return fail_code(&c, DP_EXIT_USAGE);
		}
		return dump_dmesg(&c, args[0], args[1]);
	}
	if ((code = check_combination(&c, nargs)))
		return code;
	if (!c.have_level)
		c.o.dump_level = 0;
	if (c.o.flattened)
		c.msg = stderr;
	if (c.o.nthreads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		c.o.nthreads = n > 0 ? (unsigned int)n : 1;
	}
	if ((c.message_level & ML_PROGRESS) && isatty(2)) {
		c.o.progress = progress;
		c.o.progress_arg = &c;
	}
	// --reassemble: every argument but the last is a part of the set.
	size_t nin = c.reassemble ? (size_t)nargs - 1 : 1;
	if (c.reassemble && !c.have_codec)
		c.o.compression = input_codec(args, nin);
	unsigned int nout = c.o.flattened ? 1 : (unsigned int)(nargs - (int)nin);
	int *fds = calloc(nout, sizeof(int));
	const char **names = calloc(nout, sizeof(char *));
	if (!fds || !names) {
		errmsg(&c, "out of memory");
		return DP_EXIT_FAILURE;
	}
	int rc = DP_EXIT_OK;
	unsigned int opened = 0;
	for (unsigned int i = 0; i < nout; i++, opened++) {
		names[i] = c.o.flattened ? "<stdout>" : args[nin + i];
		fds[i] = c.o.flattened ? 1 : open_out(&c, names[i]);
		if (fds[i] < 0) {
			rc = DP_EXIT_FAILURE;
			break;
		}
	}
	struct dp_collect_stats st;
	memset(&st, 0, sizeof(st));
	clock_gettime(CLOCK_MONOTONIC, &c.t0);
	struct dp_error *err = NULL;
	if (rc == DP_EXIT_OK) {
		err = dp_collect((const char *const *)args, nin, fds, names, nout,
				 &c.o, &st);
		for (unsigned int i = 0; i < nout && !c.o.flattened; i++)
			if (close(fds[i]) < 0 && !err)
				err = dp_error_os(errno, "%s: close", names[i]);
		opened = 0;
	}
	for (unsigned int i = 0; i < opened; i++)
		close(fds[i]);
	double secs = now(&c);
	if (err) {
		bool unreadable = !st.max_pfn;
		errmsg(&c, "%s", err->message);
		dp_error_destroy(err);
		rc = unreadable ? fail_code(&c, DP_EXIT_BAD_DUMP) : DP_EXIT_FAILURE;
		// Leave no half-made file behind when nothing was written,
		// but keep an incomplete dump: it serves what landed.
		for (unsigned int i = 0; (unreadable || !st.bytes_written) &&
		     i < nout && !c.o.flattened && fds[i] >= 0; i++)
			unlink(names[i]);
	}
	if (st.max_pfn && (c.message_level & ML_REPORT))
		print_report(&c, &st, secs);
	if (c.json && !c.o.flattened)
		print_json(&c, &st, secs,
			   rc == DP_EXIT_OK ? "ok" : st.incomplete ? "incomplete" : "failed");
	if (c.message_level & ML_COMMON) {
		if (rc == DP_EXIT_OK && !c.o.flattened) {
			for (unsigned int i = 0; i < nout; i++)
				fprintf(c.msg, "The dumpfile is saved to %s.\n", names[i]);
		}
		fprintf(c.msg, "\n%s %s.\n",
			c.as_makedumpfile ? "makedumpfile" : "dontpanic collect",
			rc == DP_EXIT_OK ? "Completed" : "Failed");
	}
	free(fds);
	free(names);
	return rc;
}
