// SPDX-License-Identifier: MIT
// dontpanic report renderers: text (summary paragraph first, then the
// evidence) and JSON (docs/report-schema.json, schema_version 1).
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "report.h"

#define WRAP 76

// Print a paragraph wrapped at WRAP columns, each line indented.
/* Word-wrap s at WRAP columns: first line after lead, the rest after
 * indent (a hanging indent for list items). */
static void wrap_hang(FILE *f, const char *s, const char *lead,
		      const char *indent)
{
	size_t col = 0;
	bool first = true;
	while (*s) {
		size_t w = strcspn(s, " ");
		if (col && col + 1 + w > WRAP) {
			fputc('\n', f);
			col = 0;
		}
		if (!col) {
			fputs(first ? lead : indent, f);
			col = strlen(first ? lead : indent);
			first = false;
		} else {
			fputc(' ', f);
			col++;
		}
		fwrite(s, 1, w, f);
		col += w;
		s += w;
		while (*s == ' ')
			s++;
	}
	if (col)
		fputc('\n', f);
}

static void wrap(FILE *f, const char *s, const char *indent)
{
	wrap_hang(f, s, indent, indent);
}

static void text_who(FILE *f, const char *label, const struct dp_triage_who *w)
{
	if (w->pid < 0 && !w->comm[0])
		return;
	fprintf(f, "%-10s %s", label, w->comm[0] ? w->comm : "?");
	if (w->pid >= 0)
		fprintf(f, " (pid %d)", (int)w->pid);
	if (w->cpu >= 0)
		fprintf(f, " on CPU %d", (int)w->cpu);
	fputc('\n', f);
}

static void text_frame(FILE *f, size_t i, const struct dp_triage_frame *fr)
{
	fprintf(f, "  #%-2zu %s%s", i, fr->unreliable ? "? " : "",
		fr->function ? fr->function : "??");
	if (fr->function)
		fprintf(f, "+0x%" PRIx64, fr->offset);
	if (fr->size)
		fprintf(f, "/0x%" PRIx64, fr->size);
	if (fr->module)
		fprintf(f, " [%s]", fr->module);
	if (fr->pc)
		fprintf(f, "  (%016" PRIx64 ")", fr->pc);
	fputc('\n', f);
}

static void text_entries(FILE *f, const char *title,
			 const struct dp_triage_blocked *b, size_t n)
{
	if (!n)
		return;
	fprintf(f, "\n%s\n", title);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "  %s (pid %d)", b[i].task.comm, (int)b[i].task.pid);
		if (b[i].task.cpu >= 0)
			fprintf(f, " CPU %d", (int)b[i].task.cpu);
		if (b[i].blocked_s >= 0)
			fprintf(f, ", blocked >= %lld s",
				(long long)b[i].blocked_s);
		fprintf(f, ", in %s\n",
			b[i].wait_function ? b[i].wait_function : "(idle or "
			"machinery only)");
		for (size_t k = 0; k < b[i].nframes; k++) {
			fputs("  ", f);
			text_frame(f, k, &b[i].frames[k]);
		}
	}
}

static void text_log(FILE *f, const struct report_out *o)
{
	const struct dp_triage_report *r = o->rep;
	const struct dp_triage_input *in = o->in;
	if (!r->log_count)
		return;
	fprintf(f, "\nLOG (the last lines before the crash)\n");
	for (size_t i = r->log_first;
	     i < r->log_first + r->log_count && i < in->nlog; i++) {
		const struct dp_triage_logrec *l = &in->log[i];
		fprintf(f, "  [%5" PRIu64 ".%06" PRIu64 "] %s\n",
			l->ts_nsec / 1000000000, l->ts_nsec / 1000 % 1000000,
			l->text);
	}
}

// Every kernel report the log holds, when there is more than one.
static void text_reports(FILE *f, const struct dp_triage_report *r)
{
	if (r->nreports < 2)
		return;
	fprintf(f, "\nREPORTS IN THE LOG (%zu; the first is analysed)\n",
		r->nreports);
	for (size_t i = 0; i < r->nreports; i++)
		fprintf(f, "%s %-3zu %-16s %s\n",
			r->have_subject && i == r->subject ? "*" : " ", i + 1,
			dp_triage_class_name(r->reports[i].cls),
			r->reports[i].title);
	if (r->subject_reason)
		wrap(f, r->subject_reason, "  ");
}

static void print_text(const struct report_out *o)
{
	FILE *f = o->f;
	const struct dp_triage_report *r = o->rep;
	fprintf(f, "dontpanic report: %s\n\n",
		o->dump_path ? o->dump_path : o->log_path);
	if (o->head) {
		report_head_text(f, o->head);
		fputc('\n', f);
	}
	if (r->summary)
		wrap(f, r->summary, "");
	fputc('\n', f);
	fprintf(f, "%-10s %s (%s)\n", "CLASS", dp_triage_class_name(r->cls),
		dp_triage_class_description(r->cls));
	if (r->title)
		fprintf(f, "%-10s %s\n", "TITLE", r->title);
	if (r->panic_message)
		fprintf(f, "%-10s %s\n", "PANIC", r->panic_message);
	text_who(f, "PANICKED", &r->panicked);
	if (r->culprit.pid != r->panicked.pid ||
	    strcmp(r->culprit.comm, r->panicked.comm))
		text_who(f, "CULPRIT", &r->culprit);
	if (r->guilty_function) {
		fprintf(f, "%-10s %s", "GUILTY", r->guilty_symbol);
		if (r->guilty_module)
			fprintf(f, " [%s]", r->guilty_module);
		fprintf(f, "  (from the %s)\n",
			r->guilty_source == DP_SOURCE_STACK ? "dump's stack" :
			"kernel log");
	}
	if (r->guilty_module)
		fprintf(f, "%-10s %s%s%s%s (taint %s)\n", "MODULE",
			r->guilty_module,
			r->guilty_out_of_tree ? ", out-of-tree" : "",
			r->guilty_unsigned ? ", unsigned" : "",
			r->guilty_proprietary ? ", proprietary" : "",
			!r->guilty_module_taints ? "unknown" :
			r->guilty_module_taints[0] ? r->guilty_module_taints :
			"none");
	if (r->has_fault_address || r->fault_access)
		fprintf(f, "%-10s address 0x%" PRIx64 "%s%s\n", "FAULT",
			r->fault_address, r->fault_access ? ", " : "",
			r->fault_access ? r->fault_access : "");
	if (r->bug_file)
		fprintf(f, "%-10s %s:%d\n", "AT", r->bug_file, r->bug_line);
	if (r->lockup_cpu >= 0)
		fprintf(f, "%-10s CPU %d%s\n", "STUCK", r->lockup_cpu,
			r->lockup_seconds >= 0 ? "" : "");
	if (r->lockup_seconds >= 0)
		fprintf(f, "%-10s %d s\n", "DURATION", r->lockup_seconds);
	if (r->detail)
		fprintf(f, "%-10s %s\n", "DETAIL", r->detail);
	if (r->have_taint)
		fprintf(f, "%-10s %s (mask 0x%" PRIx64 ")\n", "TAINT",
			r->taint_mask ? r->taint_letters : "not tainted",
			r->taint_mask);
	if (r->have_mem)
		fprintf(f, "%-10s %" PRIu64 " kB total, %" PRIu64 " kB free\n",
			"MEMORY", r->mem_total_kb, r->mem_free_kb);
	fprintf(f, "%-10s %s  %s\n", "BUCKET", r->bucket ? r->bucket : "-",
		r->bucket_hash);
	text_reports(f, r);
	for (size_t i = 0; i < r->nmemusers; i++) {
		if (!i)
			fprintf(f, "\nTOP MEMORY USERS (RSS, from the OOM "
				   "killer's task table)\n");
		fprintf(f, "  %-16s pid %-7d %10" PRIu64 " kB\n",
			r->memusers[i].task.comm, (int)r->memusers[i].task.pid,
			r->memusers[i].rss_pages * 4);
	}
	text_entries(f, "BLOCKED TASKS (D state)", r->blocked, r->nblocked);
	if (r->nbacktrace) {
		fprintf(f, "\nBACKTRACE of %s (from the %s)\n",
			r->culprit.comm[0] ? r->culprit.comm : "the culprit",
			r->backtrace_source == DP_SOURCE_STACK ?
			"dump's stack" : "kernel log");
		for (size_t i = 0; i < r->nbacktrace; i++)
			text_frame(f, i, &r->backtrace[i]);
	}
	text_log(f, o);
	text_entries(f, "RUNNING ON EACH CPU", r->running, r->nrunning);
	if (r->nnotes) {
		fprintf(f, "\nNOTES\n");
		for (size_t i = 0; i < r->nnotes; i++)
			wrap_hang(f, r->notes[i], "  - ", "    ");
	}
}

/* ---- JSON ---- */

// Blocked and running tasks, log records: one a line, the bracket right
// after the last.
static const struct dp_json_layout entries_layout =
	{ ": ", "\n    ", ",\n    ", "", "" };

static void jwho(struct dp_json *j, const char *key,
		 const struct dp_triage_who *w)
{
	dp_json_key(j, key);
	if (w->pid < 0 && !w->comm[0]) {
		dp_json_null(j);
		return;
	}
	dp_json_object(j, &dp_json_inline);
	dp_json_ki64(j, "pid", w->pid);
	dp_json_kstr(j, "comm", w->comm);
	dp_json_ki64_or_null(j, "cpu", w->cpu >= 0, w->cpu);
	dp_json_end(j);
}

static void jframes(struct dp_json *j, const char *key,
		    const struct dp_triage_frame *fr, size_t n)
{
	dp_json_key(j, key);
	dp_json_array(j, &dp_json_inline);
	for (size_t i = 0; i < n; i++) {
		dp_json_object(j, &dp_json_inline);
		dp_json_kstr(j, "function", fr[i].function);
		dp_json_kstr(j, "module", fr[i].module);
		dp_json_ku64(j, "offset", fr[i].offset);
		dp_json_ku64(j, "size", fr[i].size);
		dp_json_key(j, "pc");
		if (fr[i].pc)
			dp_json_hex(j, fr[i].pc);
		else
			dp_json_null(j);
		dp_json_kbool(j, "unreliable", fr[i].unreliable);
		dp_json_end(j);
	}
	dp_json_end(j);
}

static void jentries(struct dp_json *j, const char *key,
		     const struct dp_triage_blocked *b, size_t n)
{
	dp_json_key(j, key);
	dp_json_array(j, &entries_layout);
	for (size_t i = 0; i < n; i++) {
		dp_json_object(j, &dp_json_inline);
		jwho(j, "task", &b[i].task);
		dp_json_ki64_or_null(j, "blocked_seconds", b[i].blocked_s >= 0,
				     b[i].blocked_s);
		dp_json_kstr(j, "function", b[i].wait_function);
		jframes(j, "backtrace", b[i].frames, b[i].nframes);
		dp_json_end(j);
	}
	dp_json_end(j);
}

static void jtaint(struct dp_json *j, const struct dp_triage_report *r)
{
	dp_json_key(j, "taint");
	if (!r->have_taint) {
		dp_json_null(j);
		return;
	}
	dp_json_object(j, &dp_json_inline);
	dp_json_ku64(j, "mask", r->taint_mask);
	dp_json_kstr(j, "letters", r->taint_letters);
	dp_json_key(j, "flags");
	dp_json_array(j, &dp_json_inline);
	for (unsigned int b = 0; b < 64; b++) {
		if (!(r->taint_mask & (1ull << b)))
			continue;
		char l[2];
		dp_triage_taint_letters(1ull << b, l, sizeof(l));
		dp_json_object(j, &dp_json_inline);
		dp_json_ku64(j, "bit", b);
		dp_json_kstr(j, "letter", l);
		dp_json_kstr(j, "description", dp_triage_taint_description(b));
		dp_json_end(j);
	}
	dp_json_end(j);
	dp_json_end(j);
}

static void jguilty(struct dp_json *j, const struct dp_triage_report *r)
{
	dp_json_key(j, "guilty");
	dp_json_object(j, &dp_json_inline);
	dp_json_kstr(j, "function", r->guilty_function);
	dp_json_kstr(j, "symbol", r->guilty_symbol);
	dp_json_kstr(j, "module", r->guilty_module);
	dp_json_kstr(j, "source", dp_triage_source_name(r->guilty_source));
	dp_json_kstr(j, "module_taints", r->guilty_module_taints);
	dp_json_kbool(j, "out_of_tree", r->guilty_out_of_tree);
	dp_json_kbool(j, "unsigned", r->guilty_unsigned);
	dp_json_kbool(j, "proprietary", r->guilty_proprietary);
	dp_json_end(j);
}

static void joom(struct dp_json *j, const struct dp_triage_report *r)
{
	dp_json_key(j, "oom");
	if (r->cls != DP_CLASS_OOM) {
		dp_json_null(j);
		return;
	}
	dp_json_object(j, &dp_json_inline);
	dp_json_key(j, "top_rss");
	dp_json_array(j, &dp_json_inline);
	for (size_t i = 0; i < r->nmemusers; i++) {
		dp_json_object(j, &dp_json_inline);
		jwho(j, "task", &r->memusers[i].task);
		dp_json_ku64(j, "rss_pages", r->memusers[i].rss_pages);
		dp_json_ku64(j, "total_vm_pages",
			     r->memusers[i].total_vm_pages);
		dp_json_end(j);
	}
	dp_json_end(j);
	dp_json_ku64_or_null(j, "mem_total_kb", r->have_mem, r->mem_total_kb);
	dp_json_ku64_or_null(j, "mem_free_kb", r->have_mem, r->mem_free_kb);
	dp_json_end(j);
}

static void jdetails(struct dp_json *j, const struct dp_triage_report *r)
{
	dp_json_key(j, "fault");
	if (r->has_fault_address || r->fault_access) {
		dp_json_object(j, &dp_json_inline);
		dp_json_key(j, "address");
		if (r->has_fault_address)
			dp_json_hex(j, r->fault_address);
		else
			dp_json_null(j);
		dp_json_kstr(j, "access", r->fault_access);
		dp_json_end(j);
	} else {
		dp_json_null(j);
	}
	dp_json_key(j, "location");
	if (r->bug_file) {
		dp_json_object(j, &dp_json_inline);
		dp_json_kstr(j, "file", r->bug_file);
		dp_json_ki64(j, "line", r->bug_line);
		dp_json_end(j);
	} else {
		dp_json_null(j);
	}
	dp_json_key(j, "lockup");
	if (r->lockup_cpu >= 0 || r->lockup_seconds >= 0) {
		dp_json_object(j, &dp_json_inline);
		dp_json_ki64(j, "cpu", r->lockup_cpu);
		dp_json_ki64_or_null(j, "seconds", r->lockup_seconds >= 0,
				     r->lockup_seconds);
		dp_json_end(j);
	} else {
		dp_json_null(j);
	}
	dp_json_kstr(j, "detail", r->detail);
	joom(j, r);
}

static void jlog(struct dp_json *j, const struct report_out *o)
{
	const struct dp_triage_report *r = o->rep;
	dp_json_key(j, "log_tail");
	dp_json_array(j, &entries_layout);
	for (size_t i = r->log_first;
	     i < r->log_first + r->log_count && i < o->in->nlog; i++) {
		const struct dp_triage_logrec *l = &o->in->log[i];
		dp_json_object(j, &dp_json_inline);
		dp_json_ku64(j, "ts_nsec", l->ts_nsec);
		dp_json_kstr(j, "text", l->text);
		dp_json_end(j);
	}
	dp_json_end(j);
}

static void json_reports(struct dp_json *j, const struct dp_triage_report *r)
{
	dp_json_key(j, "reports");
	dp_json_array(j, &dp_json_lines4);
	for (size_t i = 0; i < r->nreports; i++) {
		const struct dp_triage_found *x = &r->reports[i];
		dp_json_object(j, &dp_json_inline);
		dp_json_kstr(j, "title", x->title);
		dp_json_kstr(j, "class", dp_triage_class_name(x->cls));
		dp_json_kstr(j, "function", x->function);
		dp_json_kstr(j, "symbol", x->symbol);
		dp_json_kstr(j, "module", x->module);
		dp_json_kstr(j, "header", x->header);
		dp_json_ku64(j, "log_index", x->rec);
		dp_json_end(j);
	}
	dp_json_end(j);
	dp_json_ku64_or_null(j, "subject", r->have_subject, r->subject);
	dp_json_kstr(j, "subject_reason", r->subject_reason);
}

static void print_json(const struct report_out *o)
{
	const struct dp_triage_report *r = o->rep;
	struct dp_json j;
	dp_json_init(&j, o->f);
	dp_json_object(&j, &dp_json_lines2);
	dp_json_ku64(&j, "schema_version", 1);
	dp_json_key(&j, "input");
	dp_json_object(&j, &dp_json_inline);
	dp_json_kstr(&j, "dump", o->dump_path);
	dp_json_kstr(&j, "format", o->dump_format);
	dp_json_kstr(&j, "log", o->log_path);
	dp_json_end(&j);
	if (o->head)
		report_head_json(&j, o->head);
	else
		dp_json_kstr(&j, "system", NULL);
	dp_json_kstr(&j, "class", dp_triage_class_name(r->cls));
	dp_json_kstr(&j, "class_description",
		     dp_triage_class_description(r->cls));
	dp_json_kstr(&j, "title", r->title);
	dp_json_kstr(&j, "summary", r->summary);
	dp_json_kstr(&j, "panic_message", r->panic_message);
	dp_json_ki64_or_null(&j, "cpu", r->panicked.cpu >= 0, r->panicked.cpu);
	jwho(&j, "task", &r->culprit);
	jwho(&j, "panic_task", &r->panicked);
	jguilty(&j, r);
	dp_json_key(&j, "bucket");
	dp_json_object(&j, &dp_json_inline);
	dp_json_kstr(&j, "id", r->bucket);
	dp_json_kstr(&j, "hash", r->bucket_hash);
	dp_json_end(&j);
	jtaint(&j, r);
	jdetails(&j, r);
	jentries(&j, "blocked_tasks", r->blocked, r->nblocked);
	jentries(&j, "running", r->running, r->nrunning);
	dp_json_key(&j, "backtrace");
	dp_json_object(&j, &dp_json_inline);
	dp_json_kstr(&j, "source",
		     dp_triage_source_name(r->nbacktrace ? r->backtrace_source :
					   DP_SOURCE_NONE));
	jframes(&j, "frames", r->backtrace, r->nbacktrace);
	dp_json_end(&j);
	jlog(&j, o);
	json_reports(&j, r);
	dp_json_key(&j, "notes");
	dp_json_array(&j, &dp_json_inline);
	for (size_t i = 0; i < r->nnotes; i++)
		dp_json_str(&j, r->notes[i]);
	dp_json_end(&j);
	dp_json_end(&j);
	fputc('\n', o->f);
}

void report_print(const struct report_out *out)
{
	if (out->json)
		print_json(out);
	else
		print_text(out);
}
