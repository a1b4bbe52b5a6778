// SPDX-License-Identifier: MIT
// Kernel log text -> records (dp_triage_log_parse). Accepts the output of
// makedumpfile --dump-dmesg, vmcore-dmesg, dmesg and serial consoles:
// "[    1.234567] text" lines with an optional "<N>" level prefix; a line
// without a timestamp continues the previous record (Mem-Info blocks, and
// the kernel's own continuation lines are printed that way).
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "core/vector.h"

// Parse "<N>" at *p; advance past it and return N, or -1.
static int parse_level(const char **p, const char *end)
{
	const char *s = *p;
	if (end - s >= 3 && s[0] == '<' && isdigit((unsigned char)s[1]) &&
	    s[2] == '>') {
		*p = s + 3;
		return (s[1] - '0') & 7;
	}
	return -1;
}

// Parse "[  sec.frac]" (spaces allowed) at *p; advance past "] " or "]".
static bool parse_stamp(const char **p, const char *end, uint64_t *ns)
{
	const char *s = *p;
	if (s >= end || *s != '[')
		return false;
	s++;
	while (s < end && *s == ' ')
		s++;
	uint64_t sec = 0, frac = 0;
	int ndig = 0, nfrac = 0;
	while (s < end && isdigit((unsigned char)*s) && ndig < 12) {
		sec = sec * 10 + (uint64_t)(*s++ - '0');
		ndig++;
	}
	if (!ndig || s >= end || *s != '.')
		return false;
	s++;
	while (s < end && isdigit((unsigned char)*s)) {
		if (nfrac < 9) {
			frac = frac * 10 + (uint64_t)(*s - '0');
			nfrac++;
		}
		s++;
	}
	if (!nfrac || s >= end || *s != ']')
		return false;
	s++;
	for (int i = nfrac; i < 9; i++)
		frac *= 10;
	if (s < end && *s == ' ')
		s++;
	*ns = sec * 1000000000ull + frac;
	*p = s;
	return true;
}

// The ring buffer records the caller whether or not CONFIG_PRINTK_CALLER
// prints it, so a dump separates interleaved reports like a log with
// "[ T123]" prefixes does.
uint32_t dp_triage_caller_from_printk(uint32_t caller_id)
{
	bool cpu = caller_id & 0x80000000u;
	uint32_t id = caller_id & 0x7fffffffu;
	if (id >= 1u << 24)
		return 0;
	return (uint32_t)(cpu ? 'C' : 'T') << 24 | id;
}

// Parse the CONFIG_PRINTK_CALLER field "[ T123]" or "[    C1]" that
// follows the timestamp (kernel/printk/printk.c info_print_prefix: "[%6s]"
// of "T%u" / "C%u"); advance past it and a blank. 0 when absent.
static uint32_t parse_caller(const char **p, const char *end)
{
	const char *s = *p;
	if (s >= end || *s != '[')
		return 0;
	s++;
	while (s < end && *s == ' ')
		s++;
	if (s >= end || (*s != 'T' && *s != 'C'))
		return 0;
	char kind = *s++;
	uint32_t id = 0;
	int nd = 0;
	while (s < end && isdigit((unsigned char)*s) && nd < 7) {
		id = id * 10 + (uint32_t)(*s++ - '0');
		nd++;
	}
	if (!nd || s >= end || *s != ']')
		return 0;
	s++;
	if (s < end && *s == ' ')
		s++;
	*p = s;
	return (uint32_t)kind << 24 | id;
}

// "** 5 printk messages dropped ** " before a line (kernel/printk/printk.c
// console_prepend_dropped): not part of the message.
static void skip_dropped(const char **p, const char *end)
{
	const char *s = *p;
	if (end - s < 4 || strncmp(s, "** ", 3) != 0)
		return;
	const char *e = s + 3;
	while (e + 3 <= end && strncmp(e, " **", 3) != 0)
		e++;
	if (e + 3 > end || !memmem(s, (size_t)(e - s), "dropped", 7))
		return;
	e += 3;
	if (e < end && *e == ' ')
		e++;
	*p = e;
}

// The syslog/journal prefix of /var/log/kern.log and journalctl -k
// ("Dec  8 03:12:01 host kernel: "); the kernel's text follows it, often
// with its own "[ts] " stamp.
static void skip_syslog(const char **p, const char *end)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *s = *p;
	if (end - s < 20)
		return;
	bool month = false;
	for (int i = 0; i < 12; i++)
		if (!strncmp(s, months + 3 * i, 3))
			month = true;
	if (!month || s[3] != ' ')
		return;
	const char *lim = end - s < 80 ? end : s + 80;
	bool colon = false;
	for (const char *k = s; k + 9 <= lim; k++) {
		colon = colon || *k == ':';
		if (colon && !strncmp(k, " kernel: ", 9)) {
			*p = k + 9;
			return;
		}
	}
}

static bool grow(struct dp_triage_log *log, size_t *cap)
{
	return dp_array_reserve(log->recs, *cap, log->nrecs + 1);
}

// Does the text contain any timestamped line? Then untimed lines are
// continuations; otherwise every line is a record of its own.
static bool has_stamps(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	for (int lines = 0; p < end && lines < 64; lines++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *q = p;
		uint64_t ns;
		skip_syslog(&q, le);
		parse_level(&q, le);
		if (parse_stamp(&q, le, &ns))
			return true;
		p = nl ? nl + 1 : end;
	}
	return false;
}

struct dp_error *dp_triage_log_parse(const char *text, size_t len,
				     struct dp_triage_log **ret)
{
	struct dp_triage_log *log = calloc(1, sizeof(*log));
	if (!log || !(log->buf = malloc(len + 1))) {
		free(log);
		return &dp_enomem;
	}
	memcpy(log->buf, text, len);
	log->buf[len] = '\0';
	bool stamps = has_stamps(log->buf, len);
	size_t cap = 0;
	char *w = log->buf;
	const char *p = log->buf, *end = log->buf + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *q = p;
		uint64_t ns = 0;
		skip_dropped(&q, le);
		skip_syslog(&q, le);
		int level = parse_level(&q, le);
		bool stamped = parse_stamp(&q, le, &ns);
		uint32_t caller = stamped ? parse_caller(&q, le) : 0;
		size_t n = (size_t)(le - q);
		if (n && q[n - 1] == '\r')
			n--;
		if (stamps && !stamped && log->nrecs) {
			// Continuation: append "\n<trimmed line>" to the last
			// record. w never passes q, so memmove is safe.
			while (n && (*q == ' ' || *q == '\t')) {
				q++;
				n--;
			}
			if (n) {
				w[-1] = '\n';
				memmove(w, q, n);
				w += n;
				*w++ = '\0';
			}
		} else if (n || stamped) {
			if (!grow(log, &cap)) {
				dp_triage_log_destroy(log);
				return &dp_enomem;
			}
			struct dp_triage_logrec *r = &log->recs[log->nrecs++];
			memmove(w, q, n);
			r->text = w;
			r->ts_nsec = ns;
			r->level = level;
			r->caller = caller;
			w += n;
			*w++ = '\0';
		}
		p = nl ? nl + 1 : end;
	}
	*ret = log;
	return NULL;
}

void dp_triage_log_destroy(struct dp_triage_log *log)
{
	if (!log)
		return;
	free(log->recs);
	free(log->buf);
	free(log);
}
