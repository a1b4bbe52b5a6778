// SPDX-License-Identifier: MIT
// dontpanic bt: kernel stack traces in crash's `bt` layout, unwound with
// the ORC tables in the dump (no debuginfo), or the vmlinux's DWARF CFI
// when one is given.
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "session.h"

static const char usage_text[] =
	"usage: dontpanic bt [-a|--every-task] [-f] [-c CPU] [--json] [PID|TASK]\n"
	"                    DUMP...\n"
	"\n"
	"Show a kernel stack trace like crash's bt: the panic task by default,\n"
	"or the task with that PID or task_struct address. Frames are unwound\n"
	"with the ORC tables read from the dump; where objtool left no ORC\n"
	"entry (e.g. __crash_kexec) the function's prologue is decoded, then\n"
	"frame pointers are tried (such frames are marked unreliable). A task\n"
	"running on a CPU starts from that CPU's register note (kdump notes\n"
	"are matched to CPUs through crash_notes; QEMU notes are in CPU\n"
	"order); a sleeping task from its switched-out frame. Exception\n"
	"frames show their registers; the interrupted ip is the next frame.\n"
	"A CPU that kdump stopped with its NMI first shows the NMI handler's\n"
	"frames (crash_nmi_callback ... the NMI entry), as crash does.\n"
	"\n"
	"  -a            the task running on every CPU\n"
	"  --every-task  every task (like crash's foreach bt)\n"
	"  -c CPU        the task running on CPU\n"
	"  -f            also dump the stack words of each frame\n"
	"  --json        JSON: per task {pid, task, cpu, command, frames:\n"
	"                [{function, offset, address, module, sp, stack,\n"
	"                exception, user_regs, reliable, unwinder}], stale,\n"
	"                error}; unwinder: cfi, orc, prologue or fp\n"
	"  --vmlinux F   optional vmlinux with the same build-id: its DWARF\n"
	"                CFI unwinds the C functions, ORC the rest\n"
	"  -h, --help    show this help\n";

struct bt_opts {
	bool json, full;
	bool first;	/* first task printed (text: blank line between) */
	struct dp_json out;	/* --json: the array of tasks */
};

// Tasks one a line in the array; a task's frames one a line, closed at one
// space (the layout bt --json has always had).
static const struct dp_json_layout tasks_layout = { ": ", "", ",\n", "", "" };
static const struct dp_json_layout frames_layout =
	{ ": ", "\n  ", ",\n  ", "\n ", "\n " };

static void print_frame_words(struct dp_session *s, const struct dp_frame *f,
			      const struct dp_frame *next)
{
	if (!next || next->stack != f->stack || next->sp <= f->sp ||
	    next->sp - f->sp > 16384)
		return;
	uint64_t a = f->sp + 8;
	unsigned int col = 0;
	for (; a < next->sp + 8; a += 8) {
		uint64_t v;
		struct dp_error *err = dp_program_read_u64(s->prog, a, &v);
		if (err) {
			dp_error_destroy(err);
			break;
		}
		if (col == 0)
			printf("    %016" PRIx64 ": ", a);
		printf("%016" PRIx64 " ", v);
		if (++col == 2) {
			putchar('\n');
			col = 0;
		}
	}
	if (col)
		putchar('\n');
}

static void print_text(struct dp_session *s, const struct dp_task *t,
		       const struct dp_stack_trace *st, bool full)
{
	printf("PID: %-8d TASK: %016" PRIx64 "  CPU: %-4u COMMAND: \"%s\"\n",
	       t->pid, t->addr, t->cpu, t->comm);
	for (size_t i = 0; i < st->n; i++) {
		const struct dp_frame *f = &st->frames[i];
		const struct dp_frame *next = i + 1 < st->n ? f + 1 : NULL;
		char num[24];
		if (f->user_regs && i > 0 && !f->ip)
			break;
		snprintf(num, sizeof(num), "#%zu", i);
		printf("%3s [%016" PRIx64 "] ", num, f->sp);
		struct dp_cli_sym sym;
		bool ok = dp_session_symbolize_frame(s, f, &sym);
		printf("%s at %016" PRIx64, ok ? sym.name : "(unknown)", f->ip);
		if (ok && sym.module[0])
			printf(" [%s]", sym.module);
		putchar('\n');
		if (full)
			print_frame_words(s, f, next);
		if (f->has_regs) {
			if (!f->user_regs) {
				printf("    [exception RIP: ");
				dp_print_symbol(stdout, s, f->regs.rip,
						true, false);
				printf("]\n");
			}
			dp_print_regs(stdout, &f->regs, "    ");
		}
		if (next && next->stack != f->stack &&
		    f->stack != DP_STACK_TASK && f->stack != DP_STACK_UNKNOWN)
			printf("--- <%s stack> ---\n",
			       dp_stack_kind_name(f->stack));
	}
	if (st->error)
		printf("bt: %s\n", st->error);
}

static void print_json(struct dp_session *s, struct dp_json *j,
		       const struct dp_task *t, const struct dp_stack_trace *st,
		       bool stale)
{
	dp_json_object(j, &dp_json_inline);
	dp_json_ki64(j, "pid", t->pid);
	dp_json_khex(j, "task", t->addr);
	dp_json_ku64(j, "cpu", t->cpu);
	dp_json_kstr(j, "command", t->comm);
	dp_json_key(j, "frames");
	dp_json_array(j, &frames_layout);
	for (size_t i = 0; i < st->n; i++) {
		const struct dp_frame *f = &st->frames[i];
		struct dp_cli_sym sym;
		dp_json_object(j, &dp_json_inline);
		if (!dp_session_symbolize_frame(s, f, &sym)) {
			dp_json_kstr(j, "function", NULL);
			dp_json_key(j, "offset");
			dp_json_null(j);
			dp_json_kstr(j, "module", NULL);
		} else {
			dp_json_kstr(j, "function", sym.name);
			dp_json_ku64(j, "offset", sym.offset);
			dp_json_kstr(j, "module",
				     sym.module[0] ? sym.module : NULL);
		}
		dp_json_khex(j, "address", f->ip);
		dp_json_khex(j, "sp", f->sp);
		dp_json_kstr(j, "stack", dp_stack_kind_name(f->stack));
		dp_json_kbool(j, "exception", f->has_regs);
		dp_json_kbool(j, "user_regs", f->user_regs);
		dp_json_kbool(j, "reliable", !(f->fp_fallback || f->heuristic));
		dp_json_kstr(j, "unwinder", dp_unwinder_name(f->unwinder));
		dp_json_end(j);
	}
	dp_json_end(j);
	dp_json_kbool(j, "stale", stale);
	dp_json_kstr(j, "error", st->error);
	dp_json_end(j);
}

static int show_task(struct dp_session *s, const struct dp_task *t,
		     struct bt_opts *o, const char *cmd)
{
	struct dp_stack_trace st;
	enum dp_trace_start start;
	struct dp_error *err = dp_kernel_stack_trace(s->k, t, &st, &start);
	if (err) {
		dp_cli_error(cmd, err);
		return DP_EXIT_FAILURE;
	}
	// A CPU stopped by kdump's NMI: the handler's frames first, as crash.
	if (start == DP_TRACE_CPU_REGS &&
	    (err = dp_kernel_nmi_frames(s->k, t, &st))) {
		dp_cli_error(cmd, err);
		dp_stack_trace_deinit(&st);
		return DP_EXIT_FAILURE;
	}
	// A running task whose CPU left no register note can only be shown
	// from its last switch-out: say so, the frames may be stale.
	bool stale = t->active && start == DP_TRACE_SWITCHED_OUT;
	if (o->json) {
		print_json(s, &o->out, t, &st, stale);
	} else {
		if (!o->first)
			putchar('\n');
		print_text(s, t, &st, o->full);
		if (stale)
			printf("bt: no register note for CPU %u: frames from the "
			       "task's last switch-out, may be stale\n", t->cpu);
	}
	o->first = false;
	dp_stack_trace_deinit(&st);
	return DP_EXIT_OK;
}

static const struct dp_task *cpu_task(struct dp_session *s, unsigned int cpu,
				      const char *cmd)
{
	uint64_t curr;
	struct dp_error *err = dp_kernel_cpu_curr(s->k, cpu, &curr);
	if (err) {
		dp_cli_error(cmd, err);
		return NULL;
	}
	const struct dp_task *t = dp_kernel_task_by_addr(s->k, curr);
	if (!t)
		dp_cli_errorf(cmd, "CPU %u: task 0x%" PRIx64 " not in the task "
			      "list", cpu, curr);
	return t;
}

static const struct dp_task *default_task(struct dp_session *s,
					  const char *cmd)
{
	struct dp_panic p;
	struct dp_error *err = dp_kernel_panic(s->k, &p);
	if (err) {
		dp_cli_error(cmd, err);
		return NULL;
	}
	// No panic (e.g. a live-guest QEMU dump): crash shows CPU 0's task.
	return cpu_task(s, p.cpu >= 0 ? (unsigned int)p.cpu : 0, cmd);
}

static const struct dp_task *find_task(struct dp_session *s, uint64_t v,
				       const char *cmd)
{
	const struct dp_task *t = NULL;
	if (v <= 0x7fffffff)
		t = dp_kernel_task_by_pid(s->k, (int32_t)v);
	if (!t)
		t = dp_kernel_task_by_addr(s->k, v);
	if (!t)
		dp_cli_errorf(cmd, "no task with pid or address %" PRIu64
			      " (0x%" PRIx64 ")", v, v);
	return t;
}

static int run(struct dp_session *s, int all, long cpu, bool have_id,
	       uint64_t id, struct bt_opts *o, const char *cmd)
{
	unsigned int ncpus;
	struct dp_error *err = dp_kernel_nr_cpus(s->k, &ncpus);
	const struct dp_task *tv;
	size_t nt;
	if (!err)
		err = dp_kernel_tasks(s->k, &tv, &nt);
	if (err) {
		dp_cli_error(cmd, err);
		return DP_EXIT_FAILURE;
	}
	dp_session_task_warning(cmd, s);
	if (o->json) {
		dp_json_init(&o->out, stdout);
		dp_json_array(&o->out, &tasks_layout);
	}
	int rc = DP_EXIT_OK;
	if (all == 2) {
		for (size_t i = 0; i < nt; i++) {
			int r = show_task(s, &tv[i], o, cmd);
			rc = rc ? rc : r;
		}
	} else if (all) {
		for (unsigned int c = 0; c < ncpus; c++) {
			const struct dp_task *t = cpu_task(s, c, cmd);
			int r = t ? show_task(s, t, o, cmd) : DP_EXIT_FAILURE;
			rc = rc ? rc : r;
		}
	} else {
		const struct dp_task *t =
			cpu >= 0 ? cpu_task(s, (unsigned int)cpu, cmd) :
			have_id ? find_task(s, id, cmd) : default_task(s, cmd);
		rc = t ? show_task(s, t, o, cmd) : DP_EXIT_FAILURE;
	}
	if (o->json) {
		dp_json_end(&o->out);
		putchar('\n');
	}
	return rc;
}

int cmd_bt(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "every-task", no_argument, NULL, 'E' },
		{ "vmlinux", required_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct bt_opts o = { .first = true };
	int all = 0;
	long cpu = -1;
	const char *vmlinux = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "afc:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': all = all ? all : 1; break;
		case 'E': all = 2; break;
		case 'f': o.full = true; break;
		case 'c': {
			uint64_t v;
			if (!dp_parse_number(optarg, &v) || v > 1u << 20) {
				dp_cli_errorf(argv[0], "bad CPU '%s'", optarg);
				return DP_EXIT_USAGE;
			}
			cpu = (long)v;
			break;
		}
		case 'j': o.json = true; break;
		case 'V': vmlinux = optarg; break;
		default:	/* -h, or a bad option */
			return dp_cli_usage(c, usage_text);
		}
	}
	// "[PID|TASK] DUMP...": a number followed by more arguments.
	uint64_t id = 0;
	bool have_id = argc - optind >= 2 && dp_parse_number(argv[optind], &id);
	if (have_id)
		optind++;
	struct dp_session s;
	int rc = dp_session_open(argv[0], argv + optind,
				 (size_t)(argc - optind), vmlinux, &s);
	if (rc)
		return rc;
	rc = run(&s, all, cpu, have_id, id, &o, argv[0]);
	dp_session_close(&s);
	return rc;
}
