// SPDX-License-Identifier: MIT
// The report's head: kernel release and build, host, machine, crash time
// and uptime. From a dump through the library's dp_kernel_sysinfo (what
// `sys` and `info` show); from a kernel log through its boot lines.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dontpanic/kernel.h>

#include "cli.h"
#include "report.h"

void report_head_from_dump(struct report_head *h, struct dp_program *prog,
			   struct dp_dump *dump)
{
	memset(h, 0, sizeof(*h));
	h->source = "dump";
	struct dp_kernel *k;
	struct dp_sysinfo si = { 0 };
	struct dp_error *err = dp_kernel_create(prog, &k);
	if (!err) {
		// Individual failures leave fields empty: the head shows what
		// could be read, the rest of the report does not depend on it.
		dp_error_destroy(dp_kernel_sysinfo(k, &si));
		dp_kernel_destroy(k);
	}
	dp_error_destroy(err);
	memcpy(h->release, si.release, sizeof(h->release));
	memcpy(h->version, si.version, sizeof(h->version));
	memcpy(h->nodename, si.nodename, sizeof(h->nodename));
	memcpy(h->machine, si.machine, sizeof(h->machine));
	if (!h->release[0]) {
		const char *r = dp_dump_vmcoreinfo_get(dump, "OSRELEASE");
		if (r)
			snprintf(h->release, sizeof(h->release), "%s", r);
	}
	h->crash_time = dp_cli_crash_time(dump, si.xtime_sec,
					  &h->crash_time_source);
	h->have_uptime = si.have_uptime;
	h->uptime_sec = si.uptime_sec;
	h->cpus = si.nr_cpus;
	// The kernel's own count may sit in a lost page; the dump has one
	// register note per CPU the crash stopped.
	if (!h->cpus)
		h->cpus = (unsigned int)dp_dump_num_cpu_notes(dump);
	h->memory_bytes = si.memory_pages * 4096;
}

/* "Linux version 6.1.0-57-cloud-amd64 (builder) (gcc ...) #1 SMP ... (date)"
 * (init/version.c linux_banner): the release, and from " #" the version. */
static void head_banner(struct report_head *h, const char *t)
{
	const char *p = strstr(t, "Linux version ");
	if (!p)
		return;
	p += strlen("Linux version ");
	size_t n = strcspn(p, " ");
	if (n && n < sizeof(h->release))
		snprintf(h->release, sizeof(h->release), "%.*s", (int)n, p);
	const char *v = strstr(p, " #");
	if (v)
		snprintf(h->version, sizeof(h->version), "%s", v + 1);
}

void report_head_from_log(struct report_head *h,
			  const struct dp_triage_logrec *log, size_t n)
{
	memset(h, 0, sizeof(*h));
	h->source = "kernel log";
	for (size_t i = 0; i < n; i++) {
		const char *t = log[i].text, *p;
		unsigned long long a, b;
		unsigned int cpus;
		if (!h->release[0])
			head_banner(h, t);
		// kernel/smp.c: "Brought up %d node(s), %d CPU(s)"
		if ((p = strstr(t, "Brought up ")) && (p = strstr(p, ", ")) &&
		    sscanf(p, ", %u CPU", &cpus) == 1)
			h->cpus = cpus;
		// mm/page_alloc.c mem_init_print_info: "Memory: %luK/%luK available"
		if ((p = strstr(t, "Memory: ")) &&
		    sscanf(p, "Memory: %lluK/%lluK available", &a, &b) == 2)
			h->memory_bytes = (uint64_t)b * 1024;
	}
	// No wall clock in a log; the last record's time since boot is when
	// it stopped, the nearest to the crash the log can tell.
	if (n) {
		h->have_uptime = true;
		h->uptime_sec = log[n - 1].ts_nsec / 1000000000;
	}
}

void report_head_fill(struct report_head *h,
		      const struct dp_triage_logrec *log, size_t n)
{
	struct report_head l;
	report_head_from_log(&l, log, n);
	if (!h->release[0])
		memcpy(h->release, l.release, sizeof(h->release));
	if (!h->version[0])
		memcpy(h->version, l.version, sizeof(h->version));
	if (!h->memory_bytes)
		h->memory_bytes = l.memory_bytes;
	if (!h->have_uptime) {
		h->have_uptime = l.have_uptime;
		h->uptime_sec = l.uptime_sec;
	}
}

static void format_uptime(uint64_t s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%" PRIu64 " days, %02" PRIu64 ":%02" PRIu64
			 ":%02" PRIu64, s / 86400, s % 86400 / 3600,
			 s % 3600 / 60, s % 60);
	else
		snprintf(buf, len, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64,
			 s / 3600, s % 3600 / 60, s % 60);
}

static bool format_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	return t && gmtime_r(&tt, &tm) &&
	       strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

void report_head_text(FILE *f, const struct report_head *h)
{
	char buf[64];
	fprintf(f, "%-10s %s%s%s\n", "KERNEL", h->release[0] ? h->release :
		"(unknown)", h->version[0] ? " " : "", h->version);
	fprintf(f, "%-10s %s\n", "HOST", h->nodename[0] ? h->nodename :
		"(unknown)");
	fprintf(f, "%-10s %s%s%u CPUs", "MACHINE", h->machine,
		h->machine[0] ? ", " : "", h->cpus);
	if (h->memory_bytes)
		fprintf(f, ", %.1f MB RAM", (double)h->memory_bytes / 1048576);
	fputc('\n', f);
	fprintf(f, "%-10s ", "CRASHED");
	if (format_time(h->crash_time, buf, sizeof(buf)))
		fprintf(f, "%s (%s)", buf, h->crash_time_source);
	else
		fputs("(wall clock unknown)", f);
	if (h->have_uptime) {
		format_uptime(h->uptime_sec, buf, sizeof(buf));
		fprintf(f, ", uptime %s", buf);
	}
	fputc('\n', f);
}

// A string member, null when absent or empty.
static void jstr_or_null(struct dp_json *j, const char *key, const char *s)
{
	dp_json_kstr(j, key, s && s[0] ? s : NULL);
}

void report_head_json(struct dp_json *j, const struct report_head *h)
{
	char buf[64];
	dp_json_key(j, "system");
	dp_json_object(j, &dp_json_inline);
	jstr_or_null(j, "release", h->release);
	jstr_or_null(j, "version", h->version);
	jstr_or_null(j, "hostname", h->nodename);
	jstr_or_null(j, "machine", h->machine);
	dp_json_ku64_or_null(j, "cpus", h->cpus != 0, h->cpus);
	dp_json_ku64_or_null(j, "memory_bytes", h->memory_bytes != 0,
			     h->memory_bytes);
	dp_json_break(j, ",\n    ");	// the clock on a second line
	dp_json_ki64_or_null(j, "crash_time", h->crash_time != 0,
			     h->crash_time);
	jstr_or_null(j, "crash_time_utc",
		     format_time(h->crash_time, buf, sizeof(buf)) ? buf : NULL);
	jstr_or_null(j, "crash_time_source",
		     h->crash_time ? h->crash_time_source : NULL);
	dp_json_ku64_or_null(j, "uptime_seconds", h->have_uptime,
			     h->uptime_sec);
	jstr_or_null(j, "source", h->source);
	dp_json_end(j);
}
