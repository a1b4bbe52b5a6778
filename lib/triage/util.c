// SPDX-License-Identifier: MIT
// Small helpers of lib/triage: strings, notes, and parsers for the lines
// the kernel prints in oops/panic reports (arch/x86/kernel/dumpstack.c,
// lib/dump_stack.c): frames, "CPU: .. PID: .. Comm: ..", "RIP: cs:sym".
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *triage_rec(const struct triage_ctx *c, size_t i)
{
	if (i >= c->in->nlog || !c->in->log[i].text)
		return "";
	return c->in->log[i].text;
}

char *triage_strdup(struct triage_ctx *c, const char *s)
{
	if (!s)
		return NULL;
	char *r = strdup(s);
	if (!r)
		c->nomem = true;
	return r;
}

char *triage_strndup(struct triage_ctx *c, const char *s, size_t n)
{
	char *r = strndup(s, n);
	if (!r)
		c->nomem = true;
	return r;
}

char *triage_printf(struct triage_ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *r;
	va_start(ap, fmt);
	if (vasprintf(&r, fmt, ap) < 0) {
		r = NULL;
		c->nomem = true;
	}
	va_end(ap);
	return r;
}

void triage_note(struct triage_ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *r;
	va_start(ap, fmt);
	int n = vasprintf(&r, fmt, ap);
	va_end(ap);
	if (n < 0) {
		c->nomem = true;
		return;
	}
	struct dp_triage_report *rep = c->rep;
	char **nn = realloc(rep->notes, (rep->nnotes + 1) * sizeof(*nn));
	if (!nn) {
		free(r);
		c->nomem = true;
		return;
	}
	rep->notes = nn;
	rep->notes[rep->nnotes++] = r;
}

const char *triage_skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

bool triage_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool triage_parse_u64(const char *s, int base, uint64_t *ret,
		      const char **end)
{
	const char *p = s;
	uint64_t v = 0;
	int nd = 0;
	if (base == 16 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (;; p++, nd++) {
		int d;
		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = tolower((unsigned char)*p) - 'a' + 10;
		else
			break;
		if (nd >= (base == 16 ? 16 : 19))
			return false;	// overflow: not a number we trust
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (!nd)
		return false;
	*ret = v;
	if (end)
		*end = p;
	return true;
}

void triage_set_comm(struct dp_triage_who *who, const char *comm, size_t n)
{
	if (n > sizeof(who->comm) - 1)
		n = sizeof(who->comm) - 1;
	memcpy(who->comm, comm, n);
	who->comm[n] = '\0';
}

static bool is_sym_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '.' ||
	       ch == '$';
}

// Skip what may precede a frame in the traces of older kernels and other
// arches (arch/x86/kernel/dumpstack.c before 4.15 printed
// " [<ffffffff81234567>] ? sym+0x1/0x2" and "<EOI> " on the frame's line).
static const char *skip_frame_prefix(const char *p)
{
	for (int k = 0; k < 4; k++) {
		p = triage_skip_blank(p);
		if (p[0] == '[' && p[1] == '<') {
			const char *e = strchr(p, '>');
			if (!e || e[1] != ']')
				return p;
			p = e + 2;
		} else if (p[0] == '[' && strspn(p + 1, "0123456789abcdef") >= 8 &&
			   p[1 + strspn(p + 1, "0123456789abcdef")] == ']') {
			// powerpc "[c000000049a87710] [c0000000000286fc] f+.."
			p += 2 + strspn(p + 1, "0123456789abcdef");
		} else if (triage_starts(p, "<EOI>") || triage_starts(p, "<IRQ>") ||
			   triage_starts(p, "<NMI>")) {
			p += 5;
		} else {
			break;
		}
	}
	return p;
}

bool triage_parse_frame(const char *text, struct triage_logframe *ret)
{
	const char *p = skip_frame_prefix(text);
	memset(ret, 0, sizeof(*ret));
	if (p[0] == '?' && p[1] == ' ') {
		ret->unreliable = true;
		p = skip_frame_prefix(p + 2);
	}
	const char *s = p;
	while (is_sym_char(*p))
		p++;
	size_t n = (size_t)(p - s);
	if (!n || n >= sizeof(ret->function) || *p != '+')
		return false;
	memcpy(ret->function, s, n);
	ret->function[n] = '\0';
	if (!triage_parse_u64(p + 1, 16, &ret->offset, &p) || *p != '/' ||
	    !triage_parse_u64(p + 1, 16, &ret->size, &p))
		return false;
	if (*p && *p != ' ' && *p != '\t')
		return false;
	p = triage_skip_blank(p);
	if (*p == '[') {
		const char *m = ++p;
		while (*p && *p != ']' && *p != ' ')
			p++;
		n = (size_t)(p - m);
		if (*p != ']' || !n || n >= sizeof(ret->module))
			return false;
		memcpy(ret->module, m, n);
		ret->module[n] = '\0';
		ret->has_module = true;
		p++;
	}
	// Symbolized logs append "file.c:123" (and "(unreliable)" on some
	// arches); what follows a blank is not part of the frame.
	if (strstr(p, "(unreliable)"))
		ret->unreliable = true;
	return true;
}

bool triage_parse_cpu_line(const char *text, struct dp_triage_who *ret)
{
	const char *p = triage_skip_blank(text);
	uint64_t cpu, pid;
	uint64_t uid;
	if (!triage_starts(p, "CPU: ") ||
	    !triage_parse_u64(p + 5, 10, &cpu, &p))
		return false;
	// 6.12 prints the UID too: "CPU: 1 UID: 0 PID: 167 Comm: ..."
	// (lib/dump_stack.c dump_stack_print_info()).
	if (triage_starts(p, " UID: ") &&
	    !triage_parse_u64(p + 6, 10, &uid, &p))
		return false;
	if (!triage_starts(p, " PID: ") ||
	    !triage_parse_u64(p + 6, 10, &pid, &p) ||
	    !triage_starts(p, " Comm: ") || cpu > INT32_MAX || pid > INT32_MAX)
		return false;
	p += 7;
	// comm is printed with %.20s and may hold spaces; the next field is
	// " Kdump:", " Tainted:" or " Not tainted".
	const char *e = p, *stop = NULL;
	static const char *const next[] = { " Kdump: ", " Tainted: ",
					    " Not tainted" };
	for (size_t i = 0; i < sizeof(next) / sizeof(next[0]); i++) {
		const char *f = strstr(p, next[i]);
		if (f && (!stop || f < stop))
			stop = f;
	}
	e = stop ? stop : p + strcspn(p, " ");
	ret->cpu = (int32_t)cpu;
	ret->pid = (int32_t)pid;
	triage_set_comm(ret, p, (size_t)(e - p));
	return true;
}

bool triage_parse_kernel_rip(const char *text, struct triage_logframe *ret)
{
	const char *p = triage_skip_blank(text);
	if (!triage_starts(p, "RIP: "))
		return false;
	p += 5;
	uint64_t cs;
	const char *q;
	if (!triage_parse_u64(p, 16, &cs, &q) || *q != ':')
		return false;
	// CPL is the low 2 bits of CS: 0 = kernel mode (0010 on x86_64).
	if (cs & 3)
		return false;
	return triage_parse_frame(q + 1, ret);
}

bool triage_parse_ip_line(const char *text, struct triage_logframe *ret)
{
	const char *p = triage_skip_blank(text);
	if (triage_parse_kernel_rip(p, ret))
		return true;
	// x86 before 4.15: "IP: [<ffffffff8123>] sym+0x1/0x2" (the oops
	// header's second line) or, 4.14, "IP: sym+0x1/0x2"; arm64
	// __show_regs "pc : %pS", older "PC is at %pS"; i386 "EIP: ".
	static const char *const keys[] = { "IP: ", "EIP: ", "pc : ",
					    "PC is at ", "NIP: " };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!triage_starts(p, keys[i]))
			continue;
		const char *q = p + strlen(keys[i]);
		// "EIP: 0060:[<c1234>] ..." and "RIP: 0010:[<..>]" forms.
		const char *colon = strchr(q, ':');
		if (colon && colon - q <= 4 && colon[1] == '[')
			q = colon + 1;
		return triage_parse_frame(q, ret) && !ret->unreliable;
	}
	return false;
}

// Lines inside a call trace that are not frames and do not end it.
static bool trace_filler(const char *t)
{
	static const char *const fill[] = {
		"<TASK>", "<IRQ>", "</IRQ>", "<NMI>", "</NMI>", "<#DF>",
		"</#DF>", "<SOFTIRQ>", "</SOFTIRQ>", "<EOE>", "RIP: ", "RSP: ",
		"RAX: ", "RDX: ", "RBP: ", "R10: ", "R13: ", "Code: ",
		"FS: ", "CS: ", "CR2: ", "DR0: ", "DR3: ", "PKRU: ",
	};
	for (size_t i = 0; i < sizeof(fill) / sizeof(fill[0]); i++)
		if (triage_starts(t, fill[i]))
			return true;
	return false;
}

size_t triage_log_trace(const struct triage_ctx *c, size_t after,
			struct triage_logframe *frames, size_t max)
{
	size_t n = 0, i = after + 1;
	bool in_trace = false;
	// The trace starts at "Call Trace:" within a few records.
	for (; i < c->in->nlog && i <= after + TRIAGE_CONTEXT_RECS * 2; i++) {
		const char *t = triage_skip_blank(triage_rec(c, i));
		if (triage_starts(t, "Call Trace:") ||
		    triage_starts(t, "Call trace:")) {
			in_trace = true;
			i++;
			break;
		}
	}
	// A bound on records walked keeps hostile logs cheap.
	for (size_t walked = 0; in_trace && i < c->in->nlog && walked < 512;
	     i++, walked++) {
		const char *t = triage_skip_blank(triage_rec(c, i));
		struct triage_logframe f;
		if (triage_starts(t, "</TASK>"))
			break;
		if (triage_parse_frame(t, &f)) {
			if (n < max)
				frames[n++] = f;
			continue;
		}
		if (!trace_filler(t))
			break;
	}
	return n;
}

static bool copy_frame(struct triage_ctx *c, struct dp_triage_frame *d,
		       const char *fn, const char *mod)
{
	d->function = triage_strdup(c, fn);
	d->module = triage_strdup(c, mod);
	return !c->nomem;
}

struct dp_triage_frame *triage_copy_frames(struct triage_ctx *c,
					   const struct dp_triage_frame *f,
					   size_t n)
{
	if (!n)
		return NULL;
	struct dp_triage_frame *r = calloc(n, sizeof(*r));
	if (!r) {
		c->nomem = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		r[i] = f[i];
		copy_frame(c, &r[i], f[i].function, f[i].module);
	}
	return r;
}

struct dp_triage_frame *triage_logframes_to_frames(struct triage_ctx *c,
						   const struct triage_logframe *f,
						   size_t n)
{
	if (!n)
		return NULL;
	struct dp_triage_frame *r = calloc(n, sizeof(*r));
	if (!r) {
		c->nomem = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		r[i].offset = f[i].offset;
		r[i].size = f[i].size;
		r[i].unreliable = f[i].unreliable;
		copy_frame(c, &r[i], f[i].function,
			   f[i].has_module ? f[i].module : NULL);
	}
	return r;
}

const struct dp_triage_task *triage_find_task(const struct triage_ctx *c,
					      int32_t pid)
{
	const struct dp_triage_input *in = c->in;
	if (pid < 0)
		return NULL;
	if (in->panic_task && in->panic_task->pid == pid)
		return in->panic_task;
	for (size_t i = 0; i < in->ntasks; i++)
		if (in->tasks[i].pid == pid)
			return &in->tasks[i];
	return NULL;
}
