// SPDX-License-Identifier: MIT
// `makedumpfile --check-params` for a core_collector line, as kdumpctl's
// mkdumprd runs it (verify_core_collector(): the options, then "vmcore"
// for a stream target or "vmcore dumpfile"). The options are those of
// dontpanic's collector (cli/cmd-collect.c), which the capture runs;
// tests/cli/test-config-status.py compares the verdicts with makedumpfile
// 1.7.2's and with `dontpanic collect --check-params` on one set of lines.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/config.h>

enum check { C_NONE, C_LEVEL, C_MSGLEVEL, C_THREADS, C_ZSTD, C_CYCLIC,
	     C_SIZE, C_ANY, C_REFUSED, C_NOT_DUMP };

struct opt {
	const char *name;	// long name, or NULL
	char letter;		// short letter, or 0
	bool arg;
	enum check check;
};

static const struct opt opts[] = {
	{ NULL, 'c', false, C_NONE }, { NULL, 'l', false, C_NONE },
	{ NULL, 'p', false, C_NONE }, { NULL, 'z', false, C_NONE },
	{ NULL, 'E', false, C_NONE }, { NULL, 'F', false, C_NONE },
	{ NULL, 'f', false, C_NONE }, { NULL, 'D', false, C_NONE },
	{ NULL, 'd', true, C_LEVEL }, { NULL, 'L', true, C_SIZE },
	{ NULL, 'b', true, C_ANY },
	{ NULL, 'x', true, C_REFUSED }, { NULL, 'i', true, C_REFUSED },
	{ NULL, 'R', false, C_NOT_DUMP }, { NULL, 'h', false, C_NOT_DUMP },
	{ NULL, 'v', false, C_NOT_DUMP },
	{ "help", 0, false, C_NOT_DUMP },
	{ "split", 0, false, C_NONE },
	{ "num-threads", 0, true, C_THREADS },
	{ "message-level", 0, true, C_MSGLEVEL },
	{ "dump-dmesg", 0, false, C_NOT_DUMP },
	{ "partial-dmesg", 0, false, C_NOT_DUMP },
	{ "cyclic-buffer", 0, true, C_CYCLIC },
	{ "splitblock-size", 0, true, C_ANY },
	{ "non-mmap", 0, false, C_NONE },
	{ "work-dir", 0, true, C_ANY },
	{ "show-stats", 0, false, C_NONE },
	{ "reassemble", 0, false, C_NOT_DUMP },
	{ "json", 0, false, C_NONE },
	{ "zstd-level", 0, true, C_ZSTD },
	{ "no-log-first", 0, false, C_NONE },
};

struct seen {
	bool codec, elf, flat, split;
	unsigned files;
};

static bool whole(const char *s, size_t len, long lo, long hi)
{
	char buf[32], *end;
	if (!len || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	long v = strtol(buf, &end, 10);
	return !errno && end != buf && !*end && v >= lo && v <= hi;
}

static bool size_ok(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		return false;
	if (*end && strchr("kKmMgG", *end))
		end++;
	return !*end && v > 0;
}

// Check one option's value; NULL when fine.
static const char *check_value(const struct opt *o, const char *v)
{
	switch (o->check) {
	case C_LEVEL:
		// A list ("11,31") is accepted; the collector takes the first.
		return whole(v, strcspn(v, ","), 0, 31) ? NULL :
		       "the dump level (-d) must be a number from 0 to 31";
	case C_MSGLEVEL:
		return whole(v, strlen(v), 0, 31) ? NULL :
		       "--message-level must be a number from 0 to 31";
	case C_THREADS:
		return whole(v, strlen(v), 0, 4096) ? NULL :
		       "--num-threads must be a number from 0 to 4096";
	case C_ZSTD:
		return whole(v, strlen(v), 1, 19) ? NULL :
		       "--zstd-level must be a number from 1 to 19";
	case C_CYCLIC:
		return whole(v, strlen(v), 1, 1L << 30) ? NULL :
		       "--cyclic-buffer must be a size in KiB";
	case C_SIZE:
		return size_ok(v) ? NULL : "-L must be a size (K, M, G suffixes)";
	case C_REFUSED:
		return "-x and -i are not supported by dontpanic's collector (page classes come from VMCOREINFO)";
	case C_NOT_DUMP:
		return "-R, -h, -v, --help, --dump-dmesg, --partial-dmesg and --reassemble do not write a dump";
	case C_NONE:
	case C_ANY:
		break;
	}
	return NULL;
}

static void note(const struct opt *o, struct seen *s)
{
	switch (o->letter) {
	case 'c': case 'l': case 'p': case 'z': s->codec = true; break;
	case 'E': s->elf = true; break;
	case 'F': s->flat = true; break;
	}
	if (o->name && !strcmp(o->name, "split"))
		s->split = true;
}

static const struct opt *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opts[i].name && strlen(opts[i].name) == len &&
		    !strncmp(opts[i].name, name, len))
			return &opts[i];
	return NULL;
}

static const struct opt *find_short(char c)
{
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opts[i].letter == c)
			return &opts[i];
	return NULL;
}

// "--name", "--name=value" or "--name value"; *i moves past a value.
static const char *long_opt(const struct dp_config_words *w, size_t *i,
			    struct seen *s)
{
	const char *a = w->v[*i] + 2;
	const char *eq = strchr(a, '=');
	const struct opt *o = find_long(a, eq ? (size_t)(eq - a) : strlen(a));
	if (!o)
		return "unrecognized option";
	if (!o->arg && eq)
		return "an option that takes no value was given one";
	const char *v = eq ? eq + 1 : NULL;
	if (o->arg && !v) {
		if (*i + 1 >= w->n)
			return "an option is missing its value";
		v = w->v[++*i];
	}
	note(o, s);
	return o->arg ? check_value(o, v) : check_value(o, "");
}

// "-cl", "-d31", "-d 31"; a letter with a value ends the cluster.
static const char *short_opts(const struct dp_config_words *w, size_t *i,
			      struct seen *s)
{
	for (const char *q = w->v[*i] + 1; *q; q++) {
		const struct opt *o = find_short(*q);
		if (!o)
			return "unrecognized option";
		note(o, s);
		if (!o->arg) {
			const char *why = check_value(o, "");
			if (why)
				return why;
			continue;
		}
		const char *v = q[1] ? q + 1 : NULL;
		if (!v) {
			if (*i + 1 >= w->n)
				return "an option is missing its value";
			v = w->v[++*i];
		}
		return check_value(o, v);
	}
	return NULL;
}

const char *dp_collector_check_params(const struct dp_config_words *w,
				      size_t first, unsigned nfiles)
{
	struct seen s = { .files = nfiles };
	for (size_t i = first; i < w->n; i++) {
		const char *a = w->v[i], *why = NULL;
		if (a[0] == '-' && a[1] == '-' && a[2])
			why = long_opt(w, &i, &s);
		else if (a[0] == '-' && a[1])
			why = short_opts(w, &i, &s);
		else
			s.files++;
		if (why)
			return why;
	}
	if (s.elf && s.codec)
		return "-E (ELF) cannot be combined with -c, -l, -p or -z";
	if (s.split && (s.flat || s.elf))
		return "--split cannot be combined with -F or -E";
	if (s.split)
		return s.files >= 3 ? NULL :
		       "--split needs the vmcore and at least two dump files";
	if (s.flat)
		return s.files == 1 ? NULL :
		       "-F writes a stream to standard output: it takes the vmcore only, no dump file (a stream is for raw and ssh targets)";
	return s.files == 2 ? NULL :
	       "without -F the collector takes the vmcore and one dump file (raw and ssh targets need -F)";
}
