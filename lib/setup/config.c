// SPDX-License-Identifier: MIT
// The kdump service configuration: common part (lines, diagnostics, word
// lists, file loading, names). The dialects are config-kdumpconf.c and
// config-kdumptools.c.
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config-priv.h"

bool cfg_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void diag_v(struct cfg_parse *p, bool error, bool unsupported,
		   unsigned line, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
static void diag_v(struct cfg_parse *p, bool error, bool unsupported,
		   unsigned line, const char *fmt, va_list ap)
{
	struct dp_config *c = p->cfg;
	if (error)
		c->nerrors++;
	else
		c->nwarnings++;
	if (unsupported)
		c->nunsupported++;
	if (c->ndiags >= DP_CONFIG_MAX_DIAGS) {
		c->diags_truncated = true;
		return;
	}
	if (!c->diags) {
		c->diags = calloc(DP_CONFIG_MAX_DIAGS, sizeof(*c->diags));
		if (!c->diags) {
			p->nomem = true;
			return;
		}
	}
	char *what, *msg;
	int n = vasprintf(&what, fmt, ap);
	if (n < 0) {
		p->nomem = true;
		return;
	}
	const char *kind = error ? "error" : "warning";
	if (line)
		n = asprintf(&msg, "%s:%u: %s: %s", c->name, line, kind, what);
	else
		n = asprintf(&msg, "%s: %s: %s", c->name, kind, what);
	free(what);
	if (n < 0) {
		p->nomem = true;
		return;
	}
	struct dp_config_diag *d = &c->diags[c->ndiags++];
	d->error = error;
	d->line = line;
	d->message = msg;
	d->unsupported = unsupported;
}

void cfg_diag(struct cfg_parse *p, bool error, unsigned line,
	      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_v(p, error, false, line, fmt, ap);
	va_end(ap);
}

static void diag_unsupported(struct cfg_parse *p, unsigned line,
			     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void diag_unsupported(struct cfg_parse *p, unsigned line,
			     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_v(p, true, true, line, fmt, ap);
	va_end(ap);
}

bool cfg_capability(struct cfg_parse *p, unsigned line, const char *directive,
		    const char *value)
{
	const struct dp_capability *cap = dp_capability_lookup(directive, value);
	if (!cap || cap->supported)
		return true;
	diag_unsupported(p, line, "%s", cap->note);
	return false;
}

char *cfg_strdup(struct cfg_parse *p, const char *s)
{
	char *r = strdup(s);
	if (!r)
		p->nomem = true;
	return r;
}

void cfg_words_free(struct dp_config_words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

void cfg_split(struct cfg_parse *p, const char *s, struct dp_config_words *w)
{
	while (*s) {
		while (cfg_blank((unsigned char)*s))
			s++;
		if (!*s)
			break;
		const char *end = s;
		while (*end && !cfg_blank((unsigned char)*end))
			end++;
		if (w->n >= DP_CONFIG_MAX_WORDS) {
			cfg_diag(p, true, p->lineno,
				 "more than %d words; the rest is ignored",
				 DP_CONFIG_MAX_WORDS);
			return;
		}
		char **v = realloc(w->v, (w->n + 2) * sizeof(*v));
		if (!v) {
			p->nomem = true;
			return;
		}
		w->v = v;
		v[w->n] = strndup(s, (size_t)(end - s));
		if (!v[w->n]) {
			p->nomem = true;
			return;
		}
		v[++w->n] = NULL;
		s = end;
	}
}

bool cfg_next_line(struct cfg_parse *p)
{
	while (p->pos < p->len) {
		const char *start = p->text + p->pos;
		size_t rest = p->len - p->pos;
		const char *nl = memchr(start, '\n', rest);
		size_t n = nl ? (size_t)(nl - start) : rest;
		p->pos += n + (nl ? 1 : 0);
		p->lineno++;
		if (n > DP_CONFIG_MAX_LINE) {
			cfg_diag(p, true, p->lineno,
				 "line longer than %d bytes; ignored",
				 DP_CONFIG_MAX_LINE);
			continue;
		}
		if (memchr(start, '\0', n)) {
			cfg_diag(p, true, p->lineno,
				 "NUL byte in line; ignored (binary file?)");
			continue;
		}
		memcpy(p->line, start, n);
		while (n && cfg_blank((unsigned char)p->line[n - 1]))
			n--;
		p->line[n] = '\0';
		return true;
	}
	return false;
}

static const char *basename_of(const char *s)
{
	const char *b = strrchr(s, '/');
	return b ? b + 1 : s;
}

bool cfg_collector_is_makedumpfile(const struct dp_config_words *argv)
{
	if (!argv->n)
		return false;
	const char *prog = basename_of(argv->v[0]);
	if (!strcmp(prog, "makedumpfile"))
		return true;
	// Our own collector takes makedumpfile's options.
	return !strcmp(prog, "dontpanic") && argv->n > 1 &&
	       !strcmp(argv->v[1], "collect");
}

// A short option letter given alone ("-F") or in a cluster ("-lF").
// makedumpfile options with an argument (-d 31, -b 8) stop a cluster; a
// later word that is such an argument is skipped.
bool cfg_collector_has_flag(const struct dp_config_words *argv, char flag)
{
	static const char with_arg[] = "dbiDxgL";
	for (size_t i = 1; i < argv->n; i++) {
		const char *a = argv->v[i];
		if (a[0] != '-' || a[1] == '-' || !a[1])
			continue;
		for (const char *q = a + 1; *q; q++) {
			if (*q == flag)
				return true;
			if (strchr(with_arg, *q)) {
				if (!q[1])
					i++;
				break;
			}
		}
	}
	return false;
}

static bool is_assignment(const char *s)
{
	if (!strncmp(s, "export", 6) && cfg_blank((unsigned char)s[6])) {
		s += 7;
		while (cfg_blank((unsigned char)*s))
			s++;
	}
	if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
		return false;
	while (*s == '_' || (*s >= 'A' && *s <= 'Z') ||
	       (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
		s++;
	return *s == '=';
}

enum dp_config_format dp_config_detect(const char *text, size_t len)
{
	// A kdump.conf line never has "WORD=" as its first word; a
	// kdump-tools file is made of them. The first content line decides.
	struct cfg_parse *p = calloc(1, sizeof(*p));
	struct dp_config dummy = { .name = (char *)"" };
	enum dp_config_format f = DP_CONFIG_KDUMP_CONF;
	if (!p)
		return f;
	p->cfg = &dummy;
	p->text = text;
	p->len = len;
	while (cfg_next_line(p)) {
		const char *s = p->line;
		while (cfg_blank((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			continue;
		if (is_assignment(s))
			f = DP_CONFIG_KDUMP_TOOLS;
		break;
	}
	for (size_t i = 0; i < dummy.ndiags; i++)
		free(dummy.diags[i].message);
	free(dummy.diags);
	free(p);
	return f;
}

// Checks of the whole model run after the lines; report in line order
// (stable, so that two problems of one line keep their order).
static void sort_diags(struct dp_config *c)
{
	for (size_t i = 1; i < c->ndiags; i++) {
		struct dp_config_diag d = c->diags[i];
		size_t j = i;
		for (; j && c->diags[j - 1].line > d.line; j--)
			c->diags[j] = c->diags[j - 1];
		c->diags[j] = d;
	}
}

static void config_init(struct dp_config *c)
{
	c->force_rebuild = -1;
	c->force_no_rebuild = -1;
	c->auto_reset_crashkernel = -1;
	c->use_kdump = -1;
	c->num_dumps = -1;
	c->dump_dmesg = -1;
	c->nfs_timeo = -1;
	c->nfs_retrans = -1;
}

struct dp_error *dp_config_parse(const char *text, size_t len,
				 const char *name,
				 enum dp_config_format format,
				 struct dp_config **ret)
{
	struct dp_config *c = calloc(1, sizeof(*c));
	struct cfg_parse *p = calloc(1, sizeof(*p));
	if (!c || !p) {
		free(c);
		free(p);
		return &dp_enomem;
	}
	config_init(c);
	c->name = strdup(name ? name : "<config>");
	p->cfg = c;
	p->nomem = !c->name;
	p->text = text;
	p->len = len;
	if (format == DP_CONFIG_AUTO && len <= DP_CONFIG_MAX_SIZE)
		format = dp_config_detect(text, len);
	c->format = format;
	if (len > DP_CONFIG_MAX_SIZE) {
		cfg_diag(p, true, 0, "file larger than %u bytes; not read",
			 DP_CONFIG_MAX_SIZE);
	} else if (!p->nomem) {
		if (format == DP_CONFIG_KDUMP_TOOLS)
			cfg_parse_kdump_tools(p);
		else
			cfg_parse_kdump_conf(p);
	}
	sort_diags(c);
	bool nomem = p->nomem;
	free(p);
	if (nomem) {
		dp_config_destroy(c);
		return &dp_enomem;
	}
	*ret = c;
	return NULL;
}

static bool is_self(const char *node, const char *const *self, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (self[i] && !strcmp(node, self[i]))
			return true;
	return false;
}

struct dp_error *dp_config_check_host(struct dp_config *c, const char *root,
				      const char *const *self, size_t nself)
{
	struct cfg_parse *p = calloc(1, sizeof(*p));
	if (!p)
		return &dp_enomem;
	p->cfg = c;
	// kdumpctl parse_config(): a missing key file is a warning and the
	// default key is used (kdump-config has no such rule).
	if (c->format == DP_CONFIG_KDUMP_CONF && c->sshkey_line && c->sshkey) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s%s", root ? root : "", c->sshkey);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			cfg_diag(p, false, c->sshkey_line,
				 "sshkey '%s' is not a file; kdumpctl uses the default /root/.ssh/kdump_id_rsa",
				 c->sshkey);
			free(c->sshkey);
			c->sshkey = cfg_strdup(p, "/root/.ssh/kdump_id_rsa");
		}
	}
	// kdumpctl check_fence_kdump_config(): no node may be this host.
	for (size_t i = 0; i < c->fence_kdump_nodes.n; i++)
		if (is_self(c->fence_kdump_nodes.v[i], self, nself))
			cfg_diag(p, true, c->fence_kdump_nodes_line,
				 "fence_kdump_nodes cannot contain this host ('%s')",
				 c->fence_kdump_nodes.v[i]);
	sort_diags(c);
	bool nomem = p->nomem;
	free(p);
	return nomem ? &dp_enomem : NULL;
}

struct dp_error *dp_config_load(const char *path, enum dp_config_format format,
				struct dp_config **ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dp_error_os(errno, "cannot open %s", path);
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return dp_error_os(e, "cannot stat %s", path);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return dp_error_create(DP_ERR_INVALID,
				       "%s: not a regular file", path);
	}
	if ((unsigned long long)st.st_size > DP_CONFIG_MAX_SIZE) {
		close(fd);
		return dp_error_create(DP_ERR_INVALID,
				       "%s: %lld bytes, more than the %u a config file may have",
				       path, (long long)st.st_size,
				       DP_CONFIG_MAX_SIZE);
	}
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return &dp_enomem;
	}
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			close(fd);
			return dp_error_os(e, "cannot read %s", path);
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	struct dp_error *err = dp_config_parse(buf, got, path, format, ret);
	free(buf);
	return err;
}

struct dp_error *dp_config_load_machine(const char *root,
					struct dp_config **ret,
					const char **path_ret)
{
	static const char *const files[] = {
		"/etc/kdump.conf", "/etc/default/kdump-tools",
	};
	char path[4096];
	*path_ret = NULL;
	for (size_t i = 0; i < 2; i++) {
		int n = snprintf(path, sizeof(path), "%s%s", root ? root : "",
				 files[i]);
		if (n < 0 || (size_t)n >= sizeof(path))
			return dp_error_create(DP_ERR_INVALID,
					       "%s: path too long", files[i]);
		if (access(path, F_OK) != 0)
			continue;
		*path_ret = files[i];
		return dp_config_load(path, DP_CONFIG_AUTO, ret);
	}
	return dp_config_parse("", 0, "(defaults: no kdump configuration)",
			       DP_CONFIG_KDUMP_CONF, ret);
}

void dp_config_destroy(struct dp_config *c)
{
	if (!c)
		return;
	char *strs[] = {
		c->name, c->fstype, c->target_spec, c->path, c->sshkey,
		c->failure_command, c->kdump_pre, c->kdump_post,
		c->kdump_emergency, c->fence_kdump_args, c->dracut_args,
		c->kernel, c->initrd, c->kexec_args, c->cmdline,
		c->cmdline_append, c->hosttag, c->compression,
	};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free(strs[i]);
	cfg_words_free(&c->collector);
	cfg_words_free(&c->extra_bins);
	cfg_words_free(&c->extra_modules);
	cfg_words_free(&c->fence_kdump_nodes);
	for (size_t i = 0; i < c->ndiags; i++)
		free(c->diags[i].message);
	free(c->diags);
	free(c);
}

const char *dp_config_format_name(enum dp_config_format format)
{
	switch (format) {
	case DP_CONFIG_KDUMP_CONF: return "kdump.conf";
	case DP_CONFIG_KDUMP_TOOLS: return "kdump-tools";
	case DP_CONFIG_AUTO: break;
	}
	return "auto";
}

const char *dp_target_kind_name(enum dp_target_kind kind)
{
	static const char *const names[] = {
		[DP_TARGET_LOCAL] = "local", [DP_TARGET_RAW] = "raw",
		[DP_TARGET_FS] = "fs", [DP_TARGET_NFS] = "nfs",
		[DP_TARGET_SSH] = "ssh", [DP_TARGET_FTP] = "ftp",
		[DP_TARGET_DRACUT] = "dracut", [DP_TARGET_VIRTIOFS] = "virtiofs",
	};
	if ((unsigned)kind < sizeof(names) / sizeof(names[0]) && names[kind])
		return names[kind];
	return "unknown";
}

const char *dp_action_name(enum dp_action action)
{
	static const char *const names[] = {
		[DP_ACTION_UNSET] = "unset", [DP_ACTION_REBOOT] = "reboot",
		[DP_ACTION_HALT] = "halt", [DP_ACTION_POWEROFF] = "poweroff",
		[DP_ACTION_SHELL] = "shell",
		[DP_ACTION_DUMP_TO_ROOTFS] = "dump_to_rootfs",
		[DP_ACTION_COMMAND] = "command",
	};
	if ((unsigned)action < sizeof(names) / sizeof(names[0]))
		return names[action];
	return "unknown";
}
