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

// Length of a valid UTF-8 sequence at p, or 0.
static size_t utf8_len(const unsigned char *p)
{
	size_t n = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 :
		   p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 && p[0] < 0xe0 ? 2 : 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

// A JSON string; kernel log text may hold bytes that are not UTF-8, which
// are written as \u00XX (Latin-1) so the output stays valid JSON.
static void jstr(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	const unsigned char *p = (const unsigned char *)s;
	bool clean = true;
	for (; *p && clean; p++) {
		if (*p < 0x80)
			continue;
		size_t n = utf8_len(p);
		clean = n != 0;
		if (n)
			p += n - 1;
	}
	if (clean) {
		dp_json_string(f, s);
		return;
	}
	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		size_t n = *p >= 0x80 ? utf8_len(p) : 1;
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || (*p >= 0x80 && !n))
			fprintf(f, "\\u%04x", *p);
		else if (n > 1) {
			fwrite(p, 1, n, f);
			p += n - 1;
		} else {
			fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void jwho(FILE *f, const struct dp_triage_who *w)
{
	if (w->pid < 0 && !w->comm[0]) {
		fputs("null", f);
		return;
	}
	fprintf(f, "{\"pid\": %d, \"comm\": ", (int)w->pid);
	jstr(f, w->comm);
	if (w->cpu >= 0)
		fprintf(f, ", \"cpu\": %d}", (int)w->cpu);
	else
		fputs(", \"cpu\": null}", f);
}

static void jframes(FILE *f, const struct dp_triage_frame *fr, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", {\"function\": " : "{\"function\": ", f);
		jstr(f, fr[i].function);
		fputs(", \"module\": ", f);
		jstr(f, fr[i].module);
		fprintf(f, ", \"offset\": %" PRIu64 ", \"size\": %" PRIu64
			   ", \"pc\": ", fr[i].offset, fr[i].size);
		if (fr[i].pc)
			fprintf(f, "\"0x%" PRIx64 "\"", fr[i].pc);
		else
			fputs("null", f);
		fprintf(f, ", \"unreliable\": %s}",
			fr[i].unreliable ? "true" : "false");
	}
	fputc(']', f);
}

static void jentries(FILE *f, const struct dp_triage_blocked *b, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n    {\"task\": " : "\n    {\"task\": ", f);
		jwho(f, &b[i].task);
		fputs(", \"blocked_seconds\": ", f);
		if (b[i].blocked_s >= 0)
			fprintf(f, "%lld", (long long)b[i].blocked_s);
		else
			fputs("null", f);
		fputs(", \"function\": ", f);
		jstr(f, b[i].wait_function);
		fputs(", \"backtrace\": ", f);
		jframes(f, b[i].frames, b[i].nframes);
		fputc('}', f);
	}
	fputc(']', f);
}

static void jtaint(FILE *f, const struct dp_triage_report *r)
{
	if (!r->have_taint) {
		fputs("null", f);
		return;
	}
	fprintf(f, "{\"mask\": %" PRIu64 ", \"letters\": ", r->taint_mask);
	jstr(f, r->taint_letters);
	fputs(", \"flags\": [", f);
	const char *sep = "";
	for (unsigned int b = 0; b < 64; b++) {
		if (!(r->taint_mask & (1ull << b)))
			continue;
		char l[2];
		dp_triage_taint_letters(1ull << b, l, sizeof(l));
		fprintf(f, "%s{\"bit\": %u, \"letter\": ", sep, b);
		jstr(f, l);
		fputs(", \"description\": ", f);
		jstr(f, dp_triage_taint_description(b));
		fputc('}', f);
		sep = ", ";
	}
	fputs("]}", f);
}

static void jguilty(FILE *f, const struct dp_triage_report *r)
{
	fputs("{\"function\": ", f);
	jstr(f, r->guilty_function);
	fputs(", \"symbol\": ", f);
	jstr(f, r->guilty_symbol);
	fputs(", \"module\": ", f);
	jstr(f, r->guilty_module);
	fprintf(f, ", \"source\": \"%s\", \"module_taints\": ",
		dp_triage_source_name(r->guilty_source));
	jstr(f, r->guilty_module_taints);
	fprintf(f, ", \"out_of_tree\": %s, \"unsigned\": %s, "
		   "\"proprietary\": %s}",
		r->guilty_out_of_tree ? "true" : "false",
		r->guilty_unsigned ? "true" : "false",
		r->guilty_proprietary ? "true" : "false");
}

static void jdetails(FILE *f, const struct dp_triage_report *r)
{
	fputs(",\n  \"fault\": ", f);
	if (r->has_fault_address || r->fault_access) {
		fputs("{\"address\": ", f);
		if (r->has_fault_address)
			fprintf(f, "\"0x%" PRIx64 "\"", r->fault_address);
		else
			fputs("null", f);
		fputs(", \"access\": ", f);
		jstr(f, r->fault_access);
		fputc('}', f);
	} else {
		fputs("null", f);
	}
	fputs(",\n  \"location\": ", f);
	if (r->bug_file) {
		fputs("{\"file\": ", f);
		jstr(f, r->bug_file);
		fprintf(f, ", \"line\": %d}", r->bug_line);
	} else {
		fputs("null", f);
	}
	fputs(",\n  \"lockup\": ", f);
	if (r->lockup_cpu >= 0 || r->lockup_seconds >= 0) {
		fprintf(f, "{\"cpu\": %d, \"seconds\": ", r->lockup_cpu);
		if (r->lockup_seconds >= 0)
			fprintf(f, "%d}", r->lockup_seconds);
		else
			fputs("null}", f);
	} else {
		fputs("null", f);
	}
	fputs(",\n  \"detail\": ", f);
	jstr(f, r->detail);
	fputs(",\n  \"oom\": ", f);
	if (r->cls == DP_CLASS_OOM) {
		fputs("{\"top_rss\": [", f);
		for (size_t i = 0; i < r->nmemusers; i++) {
			fputs(i ? ", {\"task\": " : "{\"task\": ", f);
			jwho(f, &r->memusers[i].task);
			fprintf(f, ", \"rss_pages\": %" PRIu64
				   ", \"total_vm_pages\": %" PRIu64 "}",
				r->memusers[i].rss_pages,
				r->memusers[i].total_vm_pages);
		}
		fputs("], \"mem_total_kb\": ", f);
		if (r->have_mem)
			fprintf(f, "%" PRIu64 ", \"mem_free_kb\": %" PRIu64 "}",
				r->mem_total_kb, r->mem_free_kb);
		else
			fputs("null, \"mem_free_kb\": null}", f);
	} else {
		fputs("null", f);
	}
}

static void jlog(FILE *f, const struct report_out *o)
{
	const struct dp_triage_report *r = o->rep;
	fputs(",\n  \"log_tail\": [", f);
	for (size_t i = r->log_first, k = 0;
	     i < r->log_first + r->log_count && i < o->in->nlog; i++, k++) {
		const struct dp_triage_logrec *l = &o->in->log[i];
		fprintf(f, "%s{\"ts_nsec\": %" PRIu64 ", \"text\": ",
			k ? ",\n    " : "\n    ", l->ts_nsec);
		jstr(f, l->text);
		fputc('}', f);
	}
	fputs("]", f);
}

static void json_reports(FILE *f, const struct dp_triage_report *r)
{
	fputs(",\n  \"reports\": [", f);
	for (size_t i = 0; i < r->nreports; i++) {
		const struct dp_triage_found *x = &r->reports[i];
		fputs(i ? ",\n    {\"title\": " : "\n    {\"title\": ", f);
		jstr(f, x->title);
		fputs(", \"class\": ", f);
		jstr(f, dp_triage_class_name(x->cls));
		fputs(", \"function\": ", f);
		jstr(f, x->function);
		fputs(", \"symbol\": ", f);
		jstr(f, x->symbol);
		fputs(", \"module\": ", f);
		jstr(f, x->module);
		fputs(", \"header\": ", f);
		jstr(f, x->header);
		fprintf(f, ", \"log_index\": %zu}", x->rec);
	}
	fputs(r->nreports ? "\n  ]" : "]", f);
	fputs(",\n  \"subject\": ", f);
	if (r->have_subject)
		fprintf(f, "%zu", r->subject);
	else
		fputs("null", f);
	fputs(",\n  \"subject_reason\": ", f);
	jstr(f, r->subject_reason);
}

static void print_json(const struct report_out *o)
{
	FILE *f = o->f;
	const struct dp_triage_report *r = o->rep;
	fputs("{\n  \"schema_version\": 1,\n  \"input\": {\"dump\": ", f);
	jstr(f, o->dump_path);
	fputs(", \"format\": ", f);
	jstr(f, o->dump_format);
	fputs(", \"log\": ", f);
	jstr(f, o->log_path);
	fputc('}', f);
	if (o->head)
		report_head_json(f, o->head);
	else
		fputs(",\n  \"system\": null", f);
	fputs(",\n  \"class\": ", f);
	jstr(f, dp_triage_class_name(r->cls));
	fputs(",\n  \"class_description\": ", f);
	jstr(f, dp_triage_class_description(r->cls));
	fputs(",\n  \"title\": ", f);
	jstr(f, r->title);
	fputs(",\n  \"summary\": ", f);
	jstr(f, r->summary);
	fputs(",\n  \"panic_message\": ", f);
	jstr(f, r->panic_message);
	fputs(",\n  \"cpu\": ", f);
	if (r->panicked.cpu >= 0)
		fprintf(f, "%d", (int)r->panicked.cpu);
	else
		fputs("null", f);
	fputs(",\n  \"task\": ", f);
	jwho(f, &r->culprit);
	fputs(",\n  \"panic_task\": ", f);
	jwho(f, &r->panicked);
	fputs(",\n  \"guilty\": ", f);
	jguilty(f, r);
	fputs(",\n  \"bucket\": {\"id\": ", f);
	jstr(f, r->bucket);
	fputs(", \"hash\": ", f);
	jstr(f, r->bucket_hash);
	fputs("},\n  \"taint\": ", f);
	jtaint(f, r);
	jdetails(f, r);
	fputs(",\n  \"blocked_tasks\": ", f);
	jentries(f, r->blocked, r->nblocked);
	fputs(",\n  \"running\": ", f);
	jentries(f, r->running, r->nrunning);
	fprintf(f, ",\n  \"backtrace\": {\"source\": \"%s\", \"frames\": ",
		dp_triage_source_name(r->nbacktrace ? r->backtrace_source :
				      DP_SOURCE_NONE));
	jframes(f, r->backtrace, r->nbacktrace);
	fputc('}', f);
	jlog(f, o);
	json_reports(f, r);
	fputs(",\n  \"notes\": [", f);
	for (size_t i = 0; i < r->nnotes; i++) {
		fputs(i ? ", " : "", f);
		jstr(f, r->notes[i]);
	}
	fputs("]\n}\n", f);
}

void report_print(const struct report_out *out)
{
	if (out->json)
		print_json(out);
	else
		print_text(out);
}
