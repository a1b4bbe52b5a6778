// SPDX-License-Identifier: MIT
// The Debian/Ubuntu kdump-tools dialect: /etc/default/kdump-tools, a shell
// fragment of variable assignments (kdump-tools(5), ANCHORS.md §4.2).
//
// We read assignments (NAME=value, NAME="value", NAME='value', optional
// `export`) and do not run the shell: a value that expands variables or
// commands is taken literally, with a warning. Other shell code is
// reported and ignored. As in the shell, a later assignment wins.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config-priv.h"

enum var {
	V_USE_KDUMP, V_KERNEL, V_INITRD, V_COREDIR, V_FAIL_CMD, V_DUMP_DMESG,
	V_NUM_DUMPS, V_MAKEDUMP_ARGS, V_COMPRESSION, V_KEXEC_ARGS, V_CMDLINE,
	V_CMDLINE_APPEND, V_SSH, V_SSH_KEY, V_HOSTTAG, V_NFS, V_NFS_TIMEO,
	V_NFS_RETRANS, V_FTP, V_FTP_USER, V_FTP_PASSWORD, V_FTP_PORT,
	V_SYSCTL, V_COUNT,
};

static const char *const var_names[V_COUNT] = {
	[V_USE_KDUMP] = "USE_KDUMP", [V_KERNEL] = "KDUMP_KERNEL",
	[V_INITRD] = "KDUMP_INITRD", [V_COREDIR] = "KDUMP_COREDIR",
	[V_FAIL_CMD] = "KDUMP_FAIL_CMD", [V_DUMP_DMESG] = "KDUMP_DUMP_DMESG",
	[V_NUM_DUMPS] = "KDUMP_NUM_DUMPS", [V_MAKEDUMP_ARGS] = "MAKEDUMP_ARGS",
	[V_COMPRESSION] = "KDUMP_COMPRESSION",
	[V_KEXEC_ARGS] = "KDUMP_KEXEC_ARGS", [V_CMDLINE] = "KDUMP_CMDLINE",
	[V_CMDLINE_APPEND] = "KDUMP_CMDLINE_APPEND", [V_SSH] = "SSH",
	[V_SSH_KEY] = "SSH_KEY", [V_HOSTTAG] = "HOSTTAG", [V_NFS] = "NFS",
	[V_NFS_TIMEO] = "NFS_TIMEO", [V_NFS_RETRANS] = "NFS_RETRANS",
	[V_FTP] = "FTP", [V_FTP_USER] = "FTP_USER",
	[V_FTP_PASSWORD] = "FTP_PASSWORD", [V_FTP_PORT] = "FTP_PORT",
	[V_SYSCTL] = "KDUMP_SYSCTL",
};

struct kdt {
	struct cfg_parse *p;
	char *val[V_COUNT];		/* last non-empty value */
	unsigned line[V_COUNT];		/* where it was set */
};

// Read a shell word at *s into out (at most DP_CONFIG_MAX_LINE bytes, as
// the input line is). Returns false on an unterminated quote. *expands is
// set when the word would be expanded by the shell ($, `).
static bool shell_word(const char **s, char *out, bool *expands)
{
	const char *q = *s;
	size_t n = 0;
	*expands = false;
	while (*q && !cfg_blank((unsigned char)*q) && *q != ';') {
		if (*q == '\'') {
			const char *e = strchr(q + 1, '\'');
			if (!e)
				return false;
			memcpy(out + n, q + 1, (size_t)(e - q - 1));
			n += (size_t)(e - q - 1);
			q = e + 1;
		} else if (*q == '"') {
			for (q++; *q && *q != '"'; q++) {
				if (*q == '\\' && q[1] && strchr("\"\\$`", q[1]))
					q++;
				else if (*q == '$' || *q == '`')
					*expands = true;
				out[n++] = *q;
			}
			if (!*q)
				return false;
			q++;
		} else {
			if (*q == '\\' && q[1])
				q++;
			else if (*q == '$' || *q == '`')
				*expands = true;
			out[n++] = *q++;
		}
	}
	out[n] = '\0';
	*s = q;
	return true;
}

static int find_var(const char *name, size_t len)
{
	for (int i = 0; i < V_COUNT; i++)
		if (strlen(var_names[i]) == len &&
		    !strncmp(var_names[i], name, len))
			return i;
	return -1;
}

static void assignment(struct kdt *k, const char *name, size_t nlen,
		       const char *rest)
{
	struct cfg_parse *p = k->p;
	char *word = malloc(DP_CONFIG_MAX_LINE + 1);
	if (!word) {
		p->nomem = true;
		return;
	}
	bool expands;
	if (!shell_word(&rest, word, &expands)) {
		cfg_diag(p, true, p->lineno, "%.*s: unterminated quote",
			 (int)nlen, name);
		free(word);
		return;
	}
	while (cfg_blank((unsigned char)*rest))
		rest++;
	if (*rest && *rest != '#')
		cfg_diag(p, false, p->lineno,
			 "%.*s: text after the value ('%s') is not part of it; quote the value",
			 (int)nlen, name, rest);
	int v = find_var(name, nlen);
	if (v < 0) {
		cfg_diag(p, false, p->lineno,
			 "unknown variable %.*s (ignored)", (int)nlen, name);
	} else {
		if (expands)
			cfg_diag(p, false, p->lineno,
				 "%s: shell expansion ($, `) is not evaluated; the value is taken as written",
				 var_names[v]);
		if (k->line[v] && k->val[v])
			cfg_diag(p, false, p->lineno,
				 "%s set again (first on line %u); the last value wins",
				 var_names[v], k->line[v]);
		free(k->val[v]);
		k->val[v] = NULL;
		k->line[v] = p->lineno;
		if (*word)	// VAR="" means unset
			k->val[v] = cfg_strdup(p, word);
	}
	free(word);
}

static void parse_line(struct kdt *k, const char *s)
{
	struct cfg_parse *p = k->p;
	while (cfg_blank((unsigned char)*s))
		s++;
	if (!*s || *s == '#')
		return;
	if (!strncmp(s, "export", 6) && cfg_blank((unsigned char)s[6])) {
		s += 7;
		while (cfg_blank((unsigned char)*s))
			s++;
	}
	const char *name = s;
	if (*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
		while (*s == '_' || (*s >= 'A' && *s <= 'Z') ||
		       (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
			s++;
	if (s == name || *s != '=') {
		cfg_diag(p, false, p->lineno,
			 "not a variable assignment; shell code is not run (ignored)");
		return;
	}
	assignment(k, name, (size_t)(s - name), s + 1);
}

// A whole number in [0, max], or -1 with an error.
static int number(struct kdt *k, enum var v, long max)
{
	if (!k->val[v])
		return -1;
	char *end;
	errno = 0;
	long n = strtol(k->val[v], &end, 10);
	if (errno || *end || end == k->val[v] || n < 0 || n > max) {
		cfg_diag(k->p, true, k->line[v],
			 "%s '%s': must be a whole number from 0 to %ld",
			 var_names[v], k->val[v], max);
		return -1;
	}
	return (int)n;
}

static int flag01(struct kdt *k, enum var v)
{
	if (!k->val[v])
		return -1;
	if (!strcmp(k->val[v], "0") || !strcmp(k->val[v], "1"))
		return k->val[v][0] - '0';
	cfg_diag(k->p, true, k->line[v], "%s '%s': must be 0 or 1",
		 var_names[v], k->val[v]);
	return -1;
}

// Move a value into the model (the model frees it).
static char *take(struct kdt *k, enum var v)
{
	char *s = k->val[v];
	k->val[v] = NULL;
	return s;
}

// kdump-config savecore tries FTP, then SSH, then NFS (or the local
// directory): several are allowed and each is tried. The model keeps the
// first in the file; each is checked against the capability table.
static void set_target(struct kdt *k)
{
	struct cfg_parse *p = k->p;
	struct dp_config *c = p->cfg;
	struct { enum var v; enum dp_target_kind kind; } t[] = {
		{ V_SSH, DP_TARGET_SSH }, { V_NFS, DP_TARGET_NFS },
		{ V_FTP, DP_TARGET_FTP },
	};
	for (size_t i = 1; i < 3; i++)
		for (size_t j = i; j && k->line[t[j - 1].v] > k->line[t[j].v]; j--) {
			__typeof__(t[0]) tmp = t[j];
			t[j] = t[j - 1];
			t[j - 1] = tmp;
		}
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum var v = t[i].v;
		const char *spec = k->val[v];
		if (!spec)
			continue;
		if (v == V_SSH && (!strchr(spec, '@') || spec[0] == '@' ||
				   !strchr(spec, '@')[1]))
			cfg_diag(p, true, k->line[v],
				 "SSH '%s' is not <user>@<host>", spec);
		const char *colon = strchr(spec, ':');
		if (v == V_NFS && (!colon || colon == spec || colon[1] != '/'))
			cfg_diag(p, true, k->line[v],
				 "NFS '%s' is not <host>:/<export>", spec);
		cfg_capability(p, k->line[v], var_names[v], NULL);
		if (c->target != DP_TARGET_LOCAL)
			continue;
		c->target = t[i].kind;
		c->target_line = k->line[v];
		c->target_spec = take(k, v);
	}
	if (k->val[V_SSH_KEY] && !k->val[V_SSH] && c->target != DP_TARGET_SSH)
		cfg_diag(p, false, k->line[V_SSH_KEY],
			 "SSH_KEY is only used with SSH");
	if (c->target == DP_TARGET_SSH || k->val[V_SSH]) {
		c->sshkey_line = k->val[V_SSH_KEY] ? k->line[V_SSH_KEY] : 0;
		c->sshkey = k->val[V_SSH_KEY] ? take(k, V_SSH_KEY) :
			    cfg_strdup(p, "/root/.ssh/kdump_id_rsa");
	}
}

// kdump-config check_compression(): bzip2, gzip, lz4, xz; anything else
// is refused (it goes on uncompressed). This build compresses with none.
static void compression(struct kdt *k)
{
	static const char *const ok[] = { "bzip2", "gzip", "lz4", "xz" };
	const char *v = k->val[V_COMPRESSION];
	if (!v)
		return;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(v, ok[i])) {
			cfg_capability(k->p, k->line[V_COMPRESSION],
				       "KDUMP_COMPRESSION", v);
			return;
		}
	cfg_diag(k->p, true, k->line[V_COMPRESSION],
		 "KDUMP_COMPRESSION '%s': kdump-config supports bzip2, gzip, lz4 or xz",
		 v);
}

// kdump-config: MAKEDUMP_ARGS defaults to "-F -c -d 31", and "-F" is
// appended unless the value starts with it: the dump is always a
// flattened stream (saved as dump.STAMP, vmcore.flat here).
static void collector(struct kdt *k)
{
	struct cfg_parse *p = k->p;
	struct dp_config *c = p->cfg;
	const char *args = k->val[V_MAKEDUMP_ARGS];
	c->collector_default = !args;
	cfg_split(p, "makedumpfile", &c->collector);
	p->lineno = k->line[V_MAKEDUMP_ARGS];
	cfg_split(p, args ? args : "-F -c -d 31", &c->collector);
	if (args && strncmp(args, "-F", 2) != 0)
		cfg_split(p, "-F", &c->collector);
	// A value the shell would expand cannot be checked as written.
	const char *why = args && !strpbrk(args, "$`") ?
		dp_collector_check_params(&c->collector, 1, 1) : NULL;
	if (why)
		cfg_diag(p, true, k->line[V_MAKEDUMP_ARGS],
			 "MAKEDUMP_ARGS: makedumpfile refuses these options: %s",
			 why);
}

static void fill_model(struct kdt *k)
{
	struct cfg_parse *p = k->p;
	struct dp_config *c = p->cfg;
	// kdump-config: only unset, empty or 0 disables; any other value
	// (1, yes, true...) enables.
	const char *use = k->val[V_USE_KDUMP];
	c->use_kdump = use && strcmp(use, "0") ? 1 : 0;
	if (!c->use_kdump)
		cfg_diag(p, false, k->line[V_USE_KDUMP],
			 "USE_KDUMP is not set or 0: kdump-tools will not load the capture kernel");
	c->dump_dmesg = flag01(k, V_DUMP_DMESG);
	if (c->dump_dmesg == 0)
		cfg_diag(p, false, k->line[V_DUMP_DMESG],
			 "KDUMP_DUMP_DMESG=0: dontpanic's capture writes vmcore-dmesg.txt anyway");
	c->num_dumps = number(k, V_NUM_DUMPS, 1000000);
	c->nfs_timeo = number(k, V_NFS_TIMEO, 1000000);
	c->nfs_retrans = number(k, V_NFS_RETRANS, 1000000);
	if (k->val[V_HOSTTAG] && strcmp(k->val[V_HOSTTAG], "ip") &&
	    strcmp(k->val[V_HOSTTAG], "hostname"))
		cfg_diag(p, true, k->line[V_HOSTTAG],
			 "HOSTTAG '%s': must be ip or hostname",
			 k->val[V_HOSTTAG]);
	set_target(k);
	if (k->val[V_COREDIR] && k->val[V_COREDIR][0] != '/')
		cfg_diag(p, false, k->line[V_COREDIR],
			 "KDUMP_COREDIR '%s' is relative: kdump-config takes it from its working directory; write an absolute path",
			 k->val[V_COREDIR]);
	c->path_default = !k->val[V_COREDIR];
	c->path = k->val[V_COREDIR] ? take(k, V_COREDIR) :
		  cfg_strdup(p, "/var/crash");
	collector(k);
	compression(k);
	if (c->num_dumps > 0)
		cfg_capability(p, k->line[V_NUM_DUMPS], "KDUMP_NUM_DUMPS", NULL);
	if (k->val[V_FAIL_CMD]) {
		cfg_capability(p, k->line[V_FAIL_CMD], "KDUMP_FAIL_CMD", NULL);
		c->failure_action = DP_ACTION_COMMAND;
		c->failure_command = take(k, V_FAIL_CMD);
	} else {
		c->failure_action = DP_ACTION_REBOOT;
		c->failure_action_default = true;
	}
	c->final_action = DP_ACTION_REBOOT;
	c->final_action_default = true;
	c->kernel = take(k, V_KERNEL);
	c->initrd = take(k, V_INITRD);
	c->kexec_args = take(k, V_KEXEC_ARGS);
	c->cmdline = take(k, V_CMDLINE);
	c->cmdline_append = take(k, V_CMDLINE_APPEND);
	c->hosttag = take(k, V_HOSTTAG);
	c->compression = take(k, V_COMPRESSION);
}

void cfg_parse_kdump_tools(struct cfg_parse *p)
{
	struct kdt *k = calloc(1, sizeof(*k));
	if (!k) {
		p->nomem = true;
		return;
	}
	k->p = p;
	while (cfg_next_line(p))
		parse_line(k, p->line);
	fill_model(k);
	for (int i = 0; i < V_COUNT; i++)
		free(k->val[i]);
	free(k);
}
