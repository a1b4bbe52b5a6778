// SPDX-License-Identifier: MIT
// Module names to .ko paths in load order from depmod's files (kmod.h).
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/file.h"
#include "setup/kmod.h"

#define MAX_DEPTH 256		/* dependency chain length */
#define MAX_NAME 256

struct mod {
	char *name;		/* normalized: '-' -> '_' */
	char *relpath;
	char **deppaths;	/* as written, until resolved */
	size_t *deps;
	size_t ndeps;
	char *missing;		/* a dependency without its own line */
	unsigned line;
	char **pre, **post;
	size_t npre, npost;
	bool has_softdep;
};

struct alias {
	char *pattern;		/* normalized */
	char *module;
};

struct dp_kmod {
	char *dir;
	struct mod *mods;	/* sorted by name */
	size_t n;
	char **builtin;		/* sorted names */
	size_t nbuiltin;
	struct alias *aliases;	/* file order */
	size_t naliases;
};

/* Name of a module from its path: basename without .ko*, '-' -> '_'. */
static char *name_of(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *ko = strstr(base, ".ko");
	size_t n = ko ? (size_t)(ko - base) : strlen(base);
	char *s = strndup(base, n);
	for (char *p = s; p && *p; p++)
		if (*p == '-')
			*p = '_';
	return s;
}

/* '-' -> '_' outside [...] (libkmod's alias_normalize). */
static void normalize(char *s)
{
	int bracket = 0;
	for (; *s; s++) {
		if (*s == '[')
			bracket = 1;
		else if (*s == ']')
			bracket = 0;
		else if (*s == '-' && !bracket)
			*s = '_';
	}
}

static struct dp_error *read_file(const struct dp_kmod *k, const char *name,
				  bool required, char **ret, size_t *len_ret)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", k->dir, name);
	*ret = NULL;
	struct dp_error *err = dp_file_read(NULL, path, DP_KMOD_MAX_FILE, ret,
					    len_ret);
	if (err && !required && err->code == DP_ERR_OS &&
	    err->errnum == ENOENT) {
		dp_error_destroy(err);
		return NULL;
	}
	if (err)
		return err;
	if (memchr(*ret, 0, *len_ret)) {
		free(*ret);
		*ret = NULL;
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s: has a NUL byte (not a text file)",
				       path);
	}
	return NULL;
}

static bool good_relpath(const char *p, size_t n)
{
	if (!n || p[0] == '/' || n >= 4096)
		return false;
	for (size_t i = 0; i + 1 < n; i++)
		if (p[i] == '.' && p[i + 1] == '.' &&
		    (i == 0 || p[i - 1] == '/'))
			return false;
	/* .ko, .ko.xz, .ko.zst, .ko.gz */
	const char *ko = NULL;
	for (size_t i = 0; i + 3 <= n; i++)
		if (memcmp(p + i, ".ko", 3) == 0)
			ko = p + i;
	if (!ko)
		return false;
	size_t rest = n - (size_t)(ko - p) - 3;
	return rest == 0 || (rest == 3 && !memcmp(ko + 3, ".xz", 3)) ||
	       (rest == 4 && !memcmp(ko + 3, ".zst", 4)) ||
	       (rest == 3 && !memcmp(ko + 3, ".gz", 3));
}

static struct dp_error *parse_dep_line(struct dp_kmod *k, char *line,
				       unsigned lineno, size_t *cap)
{
	char *colon = strchr(line, ':');
	if (!colon)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s/modules.dep:%u: no ':' after the module path",
				       k->dir, lineno);
	*colon = 0;
	if (!good_relpath(line, strlen(line)))
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s/modules.dep:%u: bad module path \"%.100s\"",
				       k->dir, lineno, line);
	if (k->n == *cap) {
		size_t c2 = *cap ? *cap * 2 : 1024;
		struct mod *v = realloc(k->mods, c2 * sizeof(*v));
		if (!v)
			return &dp_enomem;
		k->mods = v;
		*cap = c2;
	}
	struct mod *m = &k->mods[k->n];
	*m = (struct mod){ .line = lineno };
	k->n++;
	if (!(m->relpath = strdup(line)) || !(m->name = name_of(line)))
		return &dp_enomem;
	char *save = NULL;
	for (char *w = strtok_r(colon + 1, " \t\r", &save); w;
	     w = strtok_r(NULL, " \t\r", &save)) {
		if (!good_relpath(w, strlen(w)))
			return dp_error_create(DP_ERR_BAD_DATA,
					       "%s/modules.dep:%u: bad dependency path \"%.100s\"",
					       k->dir, lineno, w);
		if (m->ndeps >= DP_KMOD_MAX_DEPS)
			return dp_error_create(DP_ERR_BAD_DATA,
					       "%s/modules.dep:%u: more than %d dependencies",
					       k->dir, lineno, DP_KMOD_MAX_DEPS);
		char **v = realloc(m->deppaths, (m->ndeps + 1) * sizeof(*v));
		if (!v)
			return &dp_enomem;
		m->deppaths = v;
		if (!(m->deppaths[m->ndeps] = strdup(w)))
			return &dp_enomem;
		m->ndeps++;
	}
	return NULL;
}

static int cmp_mod(const void *a, const void *b)
{
	return strcmp(((const struct mod *)a)->name,
		      ((const struct mod *)b)->name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct mod *find_mod(const struct dp_kmod *k, const char *name)
{
	struct mod key = { .name = (char *)name };
	if (!k->n)
		return NULL;	/* bsearch's base must not be NULL */
	return bsearch(&key, k->mods, k->n, sizeof(key), cmp_mod);
}

static struct dp_error *parse_dep(struct dp_kmod *k)
{
	char *text;
	size_t len, cap = 0;
	struct dp_error *err = read_file(k, "modules.dep", true, &text, &len);
	if (err)
		return err;
	unsigned lineno = 0;
	for (char *line = text, *next; line && *line && !err; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		line += strspn(line, " \t\r");
		if (*line && *line != '#')
			err = parse_dep_line(k, line, lineno, &cap);
	}
	free(text);
	if (err)
		return err;
	if (k->n)
		qsort(k->mods, k->n, sizeof(*k->mods), cmp_mod);
	for (size_t i = 0; i + 1 < k->n; i++)
		if (strcmp(k->mods[i].name, k->mods[i + 1].name) == 0)
			return dp_error_create(DP_ERR_BAD_DATA,
					       "%s/modules.dep:%u: module %s listed twice (also line %u)",
					       k->dir, k->mods[i + 1].line,
					       k->mods[i].name,
					       k->mods[i].line);
	/* dependency paths -> indices */
	for (size_t i = 0; i < k->n; i++) {
		struct mod *m = &k->mods[i];
		if (m->ndeps && !(m->deps = calloc(m->ndeps, sizeof(size_t))))
			return &dp_enomem;
		for (size_t j = 0; j < m->ndeps; j++) {
			char *name = name_of(m->deppaths[j]);
			if (!name)
				return &dp_enomem;
			struct mod *d = find_mod(k, name);
			free(name);
			if (d && strcmp(d->relpath, m->deppaths[j]) == 0) {
				m->deps[j] = (size_t)(d - k->mods);
			} else if (!m->missing &&
				   !(m->missing = strdup(m->deppaths[j]))) {
				return &dp_enomem;
			}
		}
	}
	return NULL;
}

static struct dp_error *parse_builtin(struct dp_kmod *k)
{
	char *text;
	size_t len, cap = 0;
	struct dp_error *err = read_file(k, "modules.builtin", false, &text,
					 &len);
	if (err || !text)
		return err;
	for (char *line = strtok(text, "\n"); line && !err;
	     line = strtok(NULL, "\n")) {
		line += strspn(line, " \t\r");
		if (!*line || *line == '#')
			continue;
		if (k->nbuiltin == cap) {
			cap = cap ? cap * 2 : 256;
			char **v = realloc(k->builtin, cap * sizeof(*v));
			if (!v) {
				err = &dp_enomem;
				break;
			}
			k->builtin = v;
		}
		if (!(k->builtin[k->nbuiltin] = name_of(line)))
			err = &dp_enomem;
		else
			k->nbuiltin++;
	}
	free(text);
	if (!err && k->nbuiltin)
		qsort(k->builtin, k->nbuiltin, sizeof(char *), cmp_str);
	return err;
}

/* Split a line into at most max words (in place). */
static size_t words(char *line, char **w, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *p = strtok_r(line, " \t\r", &save); p && n < max;
	     p = strtok_r(NULL, " \t\r", &save))
		w[n++] = p;
	return n;
}

static struct dp_error *parse_alias(struct dp_kmod *k)
{
	char *text;
	size_t len, cap = 0;
	struct dp_error *err = read_file(k, "modules.alias", false, &text,
					 &len);
	if (err || !text)
		return err;
	for (char *line = strtok(text, "\n"); line && !err;
	     line = strtok(NULL, "\n")) {
		char *w[3];
		if (words(line, w, 3) != 3 || strcmp(w[0], "alias") != 0)
			continue;	/* comments, garbage: ignored */
		if (k->naliases == cap) {
			cap = cap ? cap * 2 : 1024;
			struct alias *v = realloc(k->aliases, cap * sizeof(*v));
			if (!v) {
				err = &dp_enomem;
				break;
			}
			k->aliases = v;
		}
		struct alias *a = &k->aliases[k->naliases];
		a->pattern = strdup(w[1]);
		a->module = strdup(w[2]);
		if (!a->pattern || !a->module) {
			free(a->pattern);
			free(a->module);
			err = &dp_enomem;
			break;
		}
		normalize(a->pattern);
		normalize(a->module);
		k->naliases++;
	}
	free(text);
	return err;
}

static struct dp_error *add_word(char ***v, size_t *n, const char *w)
{
	if (*n >= DP_KMOD_MAX_DEPS)
		return NULL;
	char **v2 = realloc(*v, (*n + 1) * sizeof(char *));
	if (!v2)
		return &dp_enomem;
	*v = v2;
	if (!((*v)[*n] = strdup(w)))
		return &dp_enomem;
	normalize((*v)[*n]);
	(*n)++;
	return NULL;
}

/* "softdep MOD pre: A B post: C"; words before pre:/post: are ignored,
 * and only a module's first line counts (both as libkmod does). */
static struct dp_error *parse_softdep(struct dp_kmod *k)
{
	char *text;
	size_t len;
	struct dp_error *err = read_file(k, "modules.softdep", false, &text,
					 &len);
	if (err || !text)
		return err;
	for (char *line = strtok(text, "\n"); line && !err;
	     line = strtok(NULL, "\n")) {
		char *w[64];
		size_t n = words(line, w, 64);
		if (n < 2 || strcmp(w[0], "softdep") != 0)
			continue;
		normalize(w[1]);
		struct mod *m = find_mod(k, w[1]);
		if (!m || m->has_softdep)
			continue;
		m->has_softdep = true;
		int mode = 0;
		for (size_t i = 2; i < n && !err; i++) {
			if (strcmp(w[i], "pre:") == 0)
				mode = 1;
			else if (strcmp(w[i], "post:") == 0)
				mode = 2;
			else if (mode == 1)
				err = add_word(&m->pre, &m->npre, w[i]);
			else if (mode == 2)
				err = add_word(&m->post, &m->npost, w[i]);
		}
	}
	free(text);
	return err;
}

struct dp_error *dp_kmod_open(const char *root, const char *kver,
			      struct dp_kmod **ret)
{
	if (!kver || !*kver || strchr(kver, '/'))
		return dp_error_create(DP_ERR_INVALID,
				       "bad kernel release \"%s\"",
				       kver ? kver : "");
	struct dp_kmod *k = calloc(1, sizeof(*k));
	if (!k)
		return &dp_enomem;
	struct dp_error *err = NULL;
	if (asprintf(&k->dir, "%s/lib/modules/%s", root ? root : "", kver) < 0) {
		k->dir = NULL;
		err = &dp_enomem;
	}
	if (!err)
		err = parse_dep(k);
	if (!err)
		err = parse_builtin(k);
	if (!err)
		err = parse_alias(k);
	if (!err)
		err = parse_softdep(k);
	if (err) {
		dp_kmod_destroy(k);
		return err;
	}
	*ret = k;
	return NULL;
}

const char *dp_kmod_dir(const struct dp_kmod *k)
{
	return k->dir;
}

bool dp_kmod_is_builtin(const struct dp_kmod *k, const char *name)
{
	char buf[MAX_NAME];
	snprintf(buf, sizeof(buf), "%s", name);
	normalize(buf);
	const char *key = buf;
	if (!k->nbuiltin)
		return false;
	return bsearch(&key, k->builtin, k->nbuiltin, sizeof(char *),
		       cmp_str) != NULL;
}

bool dp_kmod_exists(const struct dp_kmod *k, const char *name)
{
	char buf[MAX_NAME];
	snprintf(buf, sizeof(buf), "%s", name);
	normalize(buf);
	return find_mod(k, buf) != NULL;
}

struct walk {
	const struct dp_kmod *k;
	struct dp_kmod_list *list;
	unsigned char *state;	/* 0 new, 1 on the stack, 2 done */
	size_t stack[MAX_DEPTH];
	size_t depth;
};

static struct dp_error *list_note(struct dp_kmod_list *l, const char *fmt,
				  ...) __attribute__((format(printf, 2, 3)));
static struct dp_error *list_note(struct dp_kmod_list *l, const char *fmt,
				  ...)
{
	char **v = realloc(l->notes, (l->nnotes + 1) * sizeof(*v));
	if (!v)
		return &dp_enomem;
	l->notes = v;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&l->notes[l->nnotes], fmt, ap);
	va_end(ap);
	if (n < 0)
		return &dp_enomem;
	l->nnotes++;
	return NULL;
}

static bool in_list(const struct dp_kmod_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return true;
	return false;
}

static struct dp_error *append(struct dp_kmod_list *l, const struct mod *m,
			       const char *why)
{
	struct dp_kmod_entry *v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return &dp_enomem;
	l->v = v;
	struct dp_kmod_entry *e = &l->v[l->n];
	e->name = strdup(m->name);
	e->relpath = strdup(m->relpath);
	e->why = strdup(why);
	if (!e->name || !e->relpath || !e->why) {
		free(e->name);
		free(e->relpath);
		free(e->why);
		return &dp_enomem;
	}
	l->n++;
	return NULL;
}

static struct dp_error *cycle_error(struct walk *w, size_t i)
{
	char buf[1024];
	size_t len = 0;
	size_t from = 0;
	while (from < w->depth && w->stack[from] != i)
		from++;
	for (size_t j = from; j < w->depth && len < sizeof(buf) - 1; j++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s -> ",
					w->k->mods[w->stack[j]].name);
	if (len < sizeof(buf) - 1)
		snprintf(buf + len, sizeof(buf) - len, "%s",
			 w->k->mods[i].name);
	return dp_error_create(DP_ERR_BAD_DATA,
			       "%s/modules.dep: dependency cycle: %s",
			       w->k->dir, buf);
}

static struct dp_error *visit(struct walk *w, size_t i, const char *why,
			      bool hard);

/* Soft dependencies: missing or built-in ones are skipped, as modprobe. */
static struct dp_error *visit_soft(struct walk *w, char **names, size_t n,
				   const char *of)
{
	char why[MAX_NAME + 32];
	snprintf(why, sizeof(why), "soft dependency of %s", of);
	struct dp_error *err = NULL;
	for (size_t s = 0; s < n && !err; s++) {
		const struct mod *m = find_mod(w->k, names[s]);
		if (m) {
			err = visit(w, (size_t)(m - w->k->mods), why, false);
			continue;
		}
		for (size_t a = 0; a < w->k->naliases && !err; a++) {
			const struct alias *al = &w->k->aliases[a];
			if (fnmatch(al->pattern, names[s], 0) != 0)
				continue;
			m = find_mod(w->k, al->module);
			if (m)
				err = visit(w, (size_t)(m - w->k->mods), why,
					    false);
		}
	}
	return err;
}

static struct dp_error *visit(struct walk *w, size_t i, const char *why,
			      bool hard)
{
	const struct mod *m = &w->k->mods[i];
	if (w->state[i] == 2 || in_list(w->list, m->name))
		return NULL;
	if (w->state[i] == 1)
		return hard ? cycle_error(w, i) : NULL;
	if (m->missing)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s/modules.dep:%u: %s needs %s, which has no line of its own",
				       w->k->dir, m->line, m->name,
				       m->missing);
	if (w->depth >= MAX_DEPTH)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s/modules.dep: dependencies of %s nested more than %d deep",
				       w->k->dir, m->name, MAX_DEPTH);
	w->state[i] = 1;
	w->stack[w->depth++] = i;
	char dwhy[MAX_NAME + 32];
	snprintf(dwhy, sizeof(dwhy), "dependency of %s", m->name);
	struct dp_error *err = NULL;
	/* modules.dep lists the whole closure; from last to first is a
	 * load order (libkmod reverses it the same way) */
	for (size_t j = m->ndeps; j-- > 0 && !err;)
		err = visit(w, m->deps[j], dwhy, true);
	if (!err)
		err = visit_soft(w, m->pre, m->npre, m->name);
	if (!err && !in_list(w->list, m->name))
		err = append(w->list, m, why);
	if (!err)
		err = visit_soft(w, m->post, m->npost, m->name);
	w->depth--;
	w->state[i] = 2;
	return err;
}

struct dp_error *dp_kmod_add(const struct dp_kmod *k, const char *name,
			     const char *why, struct dp_kmod_list *list)
{
	char buf[MAX_NAME];
	if (!*name || strlen(name) >= sizeof(buf))
		return dp_error_create(DP_ERR_INVALID,
				       "bad module name \"%.64s\"", name);
	snprintf(buf, sizeof(buf), "%s", name);
	normalize(buf);
	struct walk w = { .k = k, .list = list };
	if (!(w.state = calloc(k->n ? k->n : 1, 1)))
		return &dp_enomem;
	struct dp_error *err = NULL;
	bool found = false;
	const struct mod *m = find_mod(k, buf);
	if (m) {
		found = true;
		err = visit(&w, (size_t)(m - k->mods), why, true);
	}
	/* an alias may match several modules: modprobe loads them all */
	for (size_t a = 0; !m && a < k->naliases && !err; a++) {
		if (fnmatch(k->aliases[a].pattern, buf, 0) != 0)
			continue;
		const struct mod *am = find_mod(k, k->aliases[a].module);
		if (!am)
			continue;
		found = true;
		err = visit(&w, (size_t)(am - k->mods), why, true);
	}
	free(w.state);
	if (err || found)
		return err;
	if (dp_kmod_is_builtin(k, buf))
		return list_note(list, "%s is built into the kernel (%s)",
				 name, why);
	return dp_error_create(DP_ERR_NOT_FOUND,
			       "module %s (%s): not in %s/modules.dep, modules.alias or modules.builtin",
			       name, why, k->dir);
}

void dp_kmod_list_free(struct dp_kmod_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->v[i].name);
		free(list->v[i].relpath);
		free(list->v[i].why);
	}
	free(list->v);
	for (size_t i = 0; i < list->nnotes; i++)
		free(list->notes[i]);
	free(list->notes);
	*list = (struct dp_kmod_list){ 0 };
}

static void free_words(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void dp_kmod_destroy(struct dp_kmod *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++) {
		struct mod *m = &k->mods[i];
		free(m->name);
		free(m->relpath);
		free_words(m->deppaths, m->ndeps);
		free(m->deps);
		free(m->missing);
		free_words(m->pre, m->npre);
		free_words(m->post, m->npost);
	}
	free(k->mods);
	free_words(k->builtin, k->nbuiltin);
	for (size_t i = 0; i < k->naliases; i++) {
		free(k->aliases[i].pattern);
		free(k->aliases[i].module);
	}
	free(k->aliases);
	free(k->dir);
	free(k);
}
