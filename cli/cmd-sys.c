// SPDX-License-Identifier: MIT
// dontpanic sys: crash's system banner (KERNEL ... PANIC) and the panic
// task, from the dump alone.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "session.h"

static const char usage_text[] =
	"usage: dontpanic sys [-t] [--json] [--vmlinux FILE] DUMP...\n"
	"\n"
	"Print crash's system banner: KERNEL, DUMPFILE, CPUS, DATE, UPTIME,\n"
	"LOAD AVERAGE, TASKS, NODENAME, RELEASE, VERSION, MACHINE, MEMORY,\n"
	"PANIC, then the panic task (PID, COMMAND, TASK, CPU, STATE).\n"
	"Everything comes from the dump (VMCOREINFO, kallsyms, BTF, log).\n"
	"\n"
	"  -t            decode the kernel taint flags instead\n"
	"  --json        the same facts as one JSON object\n"
	"  -h, --help    show this help\n";

struct facts {
	struct dp_sysinfo si;
	struct dp_dump_info info;
	bool have_info;
	int64_t crash_time;
	size_t ntasks;
	struct dp_panic panic;
	const struct dp_task *ptask;
	char *message;
	bool oops;
};

static void gather(struct dp_session *s, struct facts *f, const char *cmd)
{
	struct dp_error *err;
	memset(f, 0, sizeof(*f));
	if ((err = dp_kernel_sysinfo(s->k, &f->si)))
		dp_cli_error(cmd, err);
	f->have_info = !(err = dp_dump_get_info(s->dump, &f->info));
	dp_error_destroy(err);
	// No CRASHTIME (hypervisor dumps): the kernel's own clock.
	const char *source;
	f->crash_time = dp_cli_crash_time(s->dump, f->si.xtime_sec, &source);
	const struct dp_task *t;
	if ((err = dp_kernel_tasks(s->k, &t, &f->ntasks)))
		dp_cli_error(cmd, err);
	else
		dp_session_task_warning(cmd, s);
	if ((err = dp_kernel_panic(s->k, &f->panic)))
		dp_cli_error(cmd, err);
	uint64_t task = f->panic.task;
	// No panic (a live guest's QEMU dump): CPU 0's task, like crash.
	if (!task && (err = dp_kernel_cpu_curr(s->k, 0, &task)))
		dp_cli_error(cmd, err);
	f->ptask = task ? dp_kernel_task_by_addr(s->k, task) : NULL;
	if ((err = dp_kernel_panic_message(s->k, &f->message, &f->oops)))
		dp_cli_error(cmd, err);
}

static void format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "KB", "MB", "GB", "TB" };
	double v = (double)bytes / 1024;
	int u = 0;
	while (u < 3 && v >= 1024 * 0.95) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f", v);
	size_t l = strlen(buf);
	if (l > 2 && !strcmp(buf + l - 2, ".0"))
		buf[l - 2] = '\0';
	snprintf(buf + strlen(buf), len - strlen(buf), " %s", unit[u]);
}

static void format_date(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!t || !gmtime_r(&tt, &tm)) {
		snprintf(buf, len, "(unknown)");
		return;
	}
	strftime(buf, len, "%a %b %e %H:%M:%S UTC %Y", &tm);
}

static void format_uptime(const struct dp_sysinfo *si, char *buf, size_t len)
{
	uint64_t s = si->uptime_sec;
	if (!si->have_uptime)
		snprintf(buf, len, "(unknown)");
	else if (s >= 86400)
		snprintf(buf, len, "%" PRIu64 " days, %02" PRIu64 ":%02" PRIu64
			 ":%02" PRIu64, s / 86400, s % 86400 / 3600,
			 s % 3600 / 60, s % 60);
	else
		snprintf(buf, len, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64,
			 s / 3600, s % 3600 / 60, s % 60);
}

// avenrun is fixed point with FSHIFT = 11 (include/linux/sched/loadavg.h).
static void format_load(const struct dp_sysinfo *si, char *buf, size_t len)
{
	size_t o = 0;
	for (int i = 0; i < 3; i++) {
		uint64_t v = si->avenrun[i] + 5 * (1 << 11) / 1000;
		o += (size_t)snprintf(buf + o, len - o, "%s%" PRIu64 ".%02" PRIu64,
				      i ? ", " : "", v >> 11,
				      ((v & 2047) * 100) >> 11);
	}
}

static const char *state_text(const struct facts *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s)", dp_task_state_name(f->ptask),
		 f->panic.cpu >= 0 ? "PANIC" : "ACTIVE");
	return buf;
}

static void print_text(struct dp_session *s, struct facts *f,
		       const char *path)
{
	char buf[256];
	const struct dp_sysinfo *si = &f->si;
	printf("      KERNEL: %s (no vmlinux: kallsyms, BTF and ORC from the "
	       "dump)%s\n", si->release[0] ? si->release : "(unknown)",
	       si->tainted_mask ? "  [TAINTED]" : "");
	printf("    DUMPFILE: %s%s\n", path,
	       f->have_info && (f->info.incomplete || f->info.truncated) ?
	       "  [INCOMPLETE]" :
	       f->have_info && f->info.dump_level > 0 ? "  [PARTIAL DUMP]" : "");
	printf("        CPUS: %u", si->nr_cpus);
	if (si->online_cpus < si->nr_cpus)
		printf(" [OFFLINE: %u]", si->nr_cpus - si->online_cpus);
	putchar('\n');
	format_date(f->crash_time, buf, sizeof(buf));
	printf("        DATE: %s\n", buf);
	format_uptime(si, buf, sizeof(buf));
	printf("      UPTIME: %s\n", buf);
	format_load(si, buf, sizeof(buf));
	printf("LOAD AVERAGE: %s\n", buf);
	printf("       TASKS: %zu\n", f->ntasks);
	printf("    NODENAME: %s\n", si->nodename);
	printf("     RELEASE: %s\n", si->release);
	printf("     VERSION: %s\n", si->version);
	printf("     MACHINE: %s  (%" PRIu64 " Mhz)\n", si->machine,
	       si->cpu_khz / 1000);
	format_size(si->memory_pages * dp_dump_page_size(s->dump), buf,
		    sizeof(buf));
	printf("      MEMORY: %s\n", buf);
	printf("       PANIC: \"%s\"%s\n", f->message ? f->message : "",
	       f->oops ? " (check log for details)" : "");
	if (!f->ptask)
		return;
	printf("         PID: %d\n", f->ptask->pid);
	printf("     COMMAND: \"%s\"\n", f->ptask->comm);
	printf("        TASK: %016" PRIx64 "\n", f->ptask->addr);
	printf("         CPU: %u\n", f->ptask->cpu);
	printf("       STATE: %s\n", state_text(f, buf, sizeof(buf)));
}

static void print_json(struct dp_session *s, struct facts *f,
		       const char *path)
{
	char buf[256];
	const struct dp_sysinfo *si = &f->si;
	struct dp_json j;
	dp_json_init(&j, stdout);
	dp_json_object(&j, &dp_json_lines2);
	dp_json_kstr(&j, "release", si->release);
	dp_json_kstr(&j, "dumpfile", path);
	dp_json_ki64(&j, "dump_level", f->have_info ? f->info.dump_level : -1);
	dp_json_ku64(&j, "cpus", si->nr_cpus);
	dp_json_ki64(&j, "crash_time", f->crash_time);
	format_date(f->crash_time, buf, sizeof(buf));
	dp_json_kstr(&j, "date", buf);
	if (si->have_uptime)
		dp_json_ku64(&j, "uptime_sec", si->uptime_sec);
	format_load(si, buf, sizeof(buf));
	dp_json_kstr(&j, "load_average", buf);
	dp_json_ku64(&j, "tasks", f->ntasks);
	dp_json_kstr(&j, "nodename", si->nodename);
	dp_json_kstr(&j, "version", si->version);
	dp_json_kstr(&j, "machine", si->machine);
	dp_json_ku64(&j, "cpu_mhz", si->cpu_khz / 1000);
	dp_json_ku64(&j, "memory_bytes",
		     si->memory_pages * dp_dump_page_size(s->dump));
	dp_json_ku64(&j, "tainted_mask", si->tainted_mask);
	dp_taint_string(si->tainted_mask, buf, sizeof(buf));
	dp_json_kstr(&j, "taint", buf);
	dp_json_kstr(&j, "panic", f->message);
	dp_json_ki64(&j, "panic_cpu", f->panic.cpu);
	dp_json_key(&j, "panic_task");
	if (f->ptask) {
		dp_json_object(&j, &dp_json_inline);
		dp_json_ki64(&j, "pid", f->ptask->pid);
		dp_json_kstr(&j, "command", f->ptask->comm);
		dp_json_khex(&j, "task", f->ptask->addr);
		dp_json_ku64(&j, "cpu", f->ptask->cpu);
		dp_json_kstr(&j, "state", state_text(f, buf, sizeof(buf)));
		dp_json_end(&j);
	} else {
		dp_json_null(&j);
	}
	dp_json_end(&j);
	putchar('\n');
}

int cmd_sys(int argc, char **argv)
{
	struct dp_kcmd_opts o;
	struct dp_session s;
	int rc = dp_kcmd_open(argc, argv, 't', usage_text, &o, &s);
	if (rc >= 0)
		return rc;
	bool json = o.json, taint = o.flag;
	if (taint) {
		struct dp_sysinfo si;
		char buf[72];
		struct dp_error *err = dp_kernel_sysinfo(s.k, &si);
		dp_error_destroy(err);
		dp_taint_string(si.tainted_mask, buf, sizeof(buf));
		if (json) {
			struct dp_json j;
			dp_json_init(&j, stdout);
			dp_json_object(&j, &dp_json_inline);
			dp_json_ku64(&j, "tainted_mask", si.tainted_mask);
			dp_json_kstr(&j, "taint", buf);
			dp_json_end(&j);
			putchar('\n');
		}
		else
			printf("TAINTED_MASK: %" PRIx64 "  %s\n",
			       si.tainted_mask, buf);
		dp_session_close(&s);
		return DP_EXIT_OK;
	}
	struct facts f;
	gather(&s, &f, argv[0]);
	if (json)
		print_json(&s, &f, argv[o.first_path]);
	else
		print_text(&s, &f, argv[o.first_path]);
	free(f.message);
	dp_session_close(&s);
	return DP_EXIT_OK;
}
