// SPDX-License-Identifier: MIT
// dontpanic ps: the task list in crash's `ps` layout, from the dump alone.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "session.h"

static const char usage_text[] =
	"usage: dontpanic ps [-S] [--json] [--vmlinux FILE] DUMP...\n"
	"\n"
	"List every task (thread-group leaders from init_task.tasks, their\n"
	"threads, and each CPU's idle task) in crash's ps columns:\n"
	"PID PPID CPU TASK ST %MEM VSZ RSS COMM. '>' marks the task running\n"
	"on a CPU; kernel threads are shown as [comm].\n"
	"\n"
	"  -S            print a count of tasks per state instead\n"
	"  --json        JSON: a list of {pid, ppid, cpu, state, comm, task}\n"
	"  --vmlinux F   optional vmlinux (not needed)\n"
	"  -h, --help    show this help\n";

static const char *const state_order[] = {
	"RU", "IN", "UN", "ST", "TR", "ZO", "DE", "PA", "WA", "NE", "ID", "??",
};

static void print_summary(const struct dp_task *t, size_t n)
{
	for (size_t s = 0; s < sizeof(state_order) / sizeof(*state_order);
	     s++) {
		size_t count = 0;
		for (size_t i = 0; i < n; i++)
			count += !strcmp(dp_task_state_short(&t[i]),
					 state_order[s]);
		if (count)
			printf("  %s: %zu\n", state_order[s], count);
	}
}

static const struct dp_json_layout list = DP_JSON_LINES_OPEN("  ", "");

static void print_json(const struct dp_task *t, size_t n)
{
	struct dp_json j;
	dp_json_init(&j, stdout);
	dp_json_array(&j, &list);
	for (size_t i = 0; i < n; i++) {
		dp_json_object(&j, &dp_json_inline);
		dp_json_ki64(&j, "pid", t[i].pid);
		dp_json_ki64(&j, "ppid", t[i].ppid);
		dp_json_ku64(&j, "cpu", t[i].cpu);
		dp_json_kstr(&j, "state", dp_task_state_short(&t[i]));
		dp_json_kstr(&j, "comm", t[i].comm);
		dp_json_khex(&j, "task", t[i].addr);
		dp_json_kbool(&j, "active", t[i].active);
		dp_json_kbool(&j, "kthread", !t[i].mm);
		dp_json_ku64(&j, "vsz_kb", t[i].vm_pages * 4);
		dp_json_ku64(&j, "rss_kb", t[i].rss_pages * 4);
		dp_json_end(&j);
	}
	dp_json_end(&j);
	putchar('\n');
}

static uint64_t total_pages(struct dp_session *s)
{
	struct dp_sysinfo si;
	struct dp_error *err = dp_kernel_sysinfo(s->k, &si);
	if (err) {
		dp_error_destroy(err);
		return 0;
	}
	return si.totalram_pages;
}

static void print_table(struct dp_session *s, const struct dp_task *t,
			size_t n)
{
	uint64_t total = total_pages(s);
	uint64_t kb = dp_dump_page_size(s->dump) / 1024;
	printf("      PID    PPID  CPU       TASK        ST  %%MEM      VSZ"
	       "      RSS  COMM\n");
	for (size_t i = 0; i < n; i++) {
		double mem = total ? 100.0 * (double)t[i].rss_pages /
				     (double)total : 0.0;
		bool kthread = !t[i].mm;
		printf("%c%8d%8d%4u  %016" PRIx64 "  %s  %4.1f %8" PRIu64
		       " %8" PRIu64 "  %s%s%s\n", t[i].active ? '>' : ' ',
		       t[i].pid, t[i].ppid, t[i].cpu, t[i].addr,
		       dp_task_state_short(&t[i]), mem, t[i].vm_pages * kb,
		       t[i].rss_pages * kb, kthread ? "[" : "", t[i].comm,
		       kthread ? "]" : "");
	}
}

int cmd_ps(int argc, char **argv)
{
	struct dp_kcmd_opts o;
	struct dp_session s;
	int rc = dp_kcmd_open(argc, argv, 'S', usage_text, &o, &s);
	if (rc >= 0)
		return rc;
	bool json = o.json, summary = o.flag;
	const struct dp_task *t;
	size_t n;
	struct dp_error *err = dp_kernel_tasks(s.k, &t, &n);
	if (err) {
		dp_cli_error(argv[0], err);
		dp_session_close(&s);
		return DP_EXIT_FAILURE;
	}
	dp_session_task_warning(argv[0], &s);
	if (json)
		print_json(t, n);
	else if (summary)
		print_summary(t, n);
	else
		print_table(&s, t, n);
	dp_session_close(&s);
	return DP_EXIT_OK;
}
