// SPDX-License-Identifier: MIT
// dontpanic log: the kernel log from the printk ring buffer, in the layout
// of crash's `log` and makedumpfile --dump-dmesg ("[    0.000000] ...").
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <dontpanic/printk.h>

#include "cli.h"

static const char usage_text[] =
	"usage: dontpanic log [-T|-t] [-m] [-d] DUMP...\n"
	"\n"
	"Print the kernel log from the dump's printk ring buffer, located with\n"
	"VMCOREINFO alone (no symbols or types needed), oldest record first.\n"
	"Continuation lines of a multi-line record are indented under the\n"
	"text; bytes that are neither printable nor space print as \\xNN.\n"
	"\n"
	"  -T            human-readable timestamps: boot time + record time,\n"
	"                boot time = CRASHTIME (VMCOREINFO) - uptime from\n"
	"                jiffies_64 (like crash); without kallsyms, uptime is\n"
	"                the newest record's timestamp (an estimate).\n"
	"  -t            no timestamps\n"
	"  -m            show each record's level as <N>\n"
	"  -d            show dev_printk dictionaries (SUBSYSTEM=, DEVICE=)\n"
	"  -h, --help    show this help\n";

struct log_opts {
	struct dp_cli_log_opts o;
	FILE *out;
	int64_t boot;		// seconds since the epoch, for -T
	uint64_t last_ns;	// newest record, for the -T estimate
};

static void put_text(FILE *out, const struct dp_printk_record *r, int indent)
{
	for (size_t i = 0; i < r->text_len; i++) {
		unsigned char c = (unsigned char)r->text[i];
		if (c == '\n')
			fprintf(out, "\n%*s", indent, "");
		else if (isprint(c) || isspace(c))
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
	fputc('\n', out);
}

static struct dp_error *print_record(const struct dp_printk_record *r,
				     void *arg)
{
	const struct log_opts *lo = arg;
	const struct dp_cli_log_opts *o = &lo->o;
	char prefix[128];
	int n = 0;
	if (o->ctime) {
		time_t t = (time_t)(lo->boot + (int64_t)(r->ts_nsec / 1000000000));
		struct tm tm;
		char tb[64];
		localtime_r(&t, &tm);
		strftime(tb, sizeof(tb), "%a %b %e %H:%M:%S %Z %Y", &tm);
		n = snprintf(prefix, sizeof(prefix), "[%s] ", tb);
	} else if (!o->notime) {
		n = snprintf(prefix, sizeof(prefix), "[%5" PRIu64 ".%06" PRIu64
			     "] ", r->ts_nsec / 1000000000,
			     r->ts_nsec % 1000000000 / 1000);
	}
	if (o->level && r->level >= 0)
		n += snprintf(prefix + n, sizeof(prefix) - (size_t)n, "<%d>",
			      r->level);
	fputs(prefix, lo->out);
	put_text(lo->out, r, n);
	if (o->dict && r->subsystem[0])
		fprintf(lo->out, "%*sSUBSYSTEM=%s\n", n, "", r->subsystem);
	if (o->dict && r->device[0])
		fprintf(lo->out, "%*sDEVICE=%s\n", n, "", r->device);
	return NULL;
}

static struct dp_error *newest(const struct dp_printk_record *r, void *arg)
{
	struct log_opts *o = arg;
	if (r->ts_nsec > o->last_ns)
		o->last_ns = r->ts_nsec;
	return NULL;
}

/*
 * Uptime at the crash from jiffies, as crash does (boot = crash time -
 * (jiffies_64 - INITIAL_JIFFIES) / HZ). HZ is not in the dump without
 * IKCONFIG; INITIAL_JIFFIES is (u32)(-300 * HZ) (include/linux/jiffies.h),
 * so take the usual HZ whose uptime is non-negative and closest to the
 * newest record's timestamp. False when jiffies_64 cannot be read.
 */
static bool jiffies_uptime(struct dp_program *prog, uint64_t newest_s,
			   int64_t *ret)
{
	static const uint64_t hzs[] = { 100, 250, 300, 1000 };
	uint64_t addr, j;
	struct dp_error *err = dp_program_symbol_address(prog, "jiffies_64",
							 &addr);
	if (!err)
		err = dp_program_read_u64(prog, addr, &j);
	if (err) {
		dp_error_destroy(err);
		return false;
	}
	bool found = false;
	uint64_t best = 0, best_diff = UINT64_MAX;
	for (size_t i = 0; i < sizeof(hzs) / sizeof(hzs[0]); i++) {
		uint64_t init = (uint32_t)-(int64_t)(300 * hzs[i]);
		if (j < init)
			continue;
		uint64_t up = (j - init) / hzs[i];
		uint64_t diff = up > newest_s ? up - newest_s : newest_s - up;
		if (diff < best_diff) {
			best_diff = diff;
			best = up;
			found = true;
		}
	}
	*ret = (int64_t)best;
	return found;
}

static struct dp_error *boot_time(struct dp_program *prog, struct log_opts *o)
{
	int64_t crash, up;
	struct dp_error *err = dp_dump_vmcoreinfo_number(
		dp_program_dump(prog), "CRASHTIME", &crash);
	if (err)
		return dp_error_prefix(err, "-T needs the crash time");
	if ((err = dp_printk_for_each(prog, newest, o)))
		return err;
	if (!jiffies_uptime(prog, o->last_ns / 1000000000, &up))
		up = (int64_t)(o->last_ns / 1000000000);
	o->boot = crash - up;
	return NULL;
}

int dp_cli_write_log(FILE *out, const char *const *paths, size_t n,
		     const struct dp_cli_log_opts *opts)
{
	struct log_opts o = { .o = *opts, .out = out };
	struct dp_dump *dump;
	struct dp_program *prog;
	int rc = dp_cli_open_program("log", paths, n, &dump, &prog);
	if (rc)
		return rc;
	struct dp_error *err = o.o.ctime ? boot_time(prog, &o) : NULL;
	if (!err)
		err = dp_printk_for_each(prog, print_record, &o);
	if (err) {
		fflush(out);
		dp_cli_error("log", err);
		rc = DP_EXIT_FAILURE;
	}
	// Only when the log reader fell back to kallsyms (a damaged
	// SYMBOL(prb)); the log alone does not load them.
	const char *warn = dp_program_kallsyms_warning(prog);
	if (warn)
		dp_cli_errorf("log", "WARNING: %s", warn);
	dp_cli_close_program(dump, prog);
	return rc;
}

int cmd_log(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct dp_cli_log_opts o = { 0 };
	int c;
	while ((c = getopt_long(argc, argv, "Ttmdh", opts, NULL)) != -1) {
		switch (c) {
		case 'T': o.ctime = true; break;
		case 't': o.notime = true; break;
		case 'm': o.level = true; break;
		case 'd': o.dict = true; break;
		default:	/* -h, or a bad option */
			return dp_cli_usage(c, usage_text);
		}
	}
	if (optind >= argc)
		return dp_cli_usage('?', usage_text);
	return dp_cli_write_log(stdout, (const char *const *)argv + optind,
				(size_t)(argc - optind), &o);
}
