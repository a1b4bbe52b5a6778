// SPDX-License-Identifier: MIT
// Shared-library closure of an ELF executable without running ldd (see
// elfdeps.h). The order of the search follows ld.so(8) "Description".
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"
#include "core/vector.h"
#include "setup/elfdeps.h"

#define MAX_PATH 4096
#define MAX_DIRS 512		/* search directories from ld.so.conf */
#define MAX_CONF_DEPTH 8	/* nested "include" */
#define MAX_CONF_SIZE (1u << 20)

struct dirlist {
	char **v;
	size_t n, cap;
};

/* What one object tells us. */
struct object {
	char *path;
	char *soname;
	char *rpath, *runpath;	/* colon lists as written */
	char **needed;
	size_t nneeded;
	bool interp;
};

struct ctx {
	const char *root;
	int elf_class, machine;	/* of the executable */
	struct dirlist conf;	/* ld.so.conf directories */
	struct dirlist defaults;
	struct object *objs;
	size_t nobjs, objs_cap;
	struct dp_elfdeps *out;
};

static void dirlist_free(struct dirlist *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i]);
	free(d->v);
}

static struct dp_error *dirlist_add(struct dirlist *d, const char *s,
				    size_t len)
{
	while (len > 1 && s[len - 1] == '/')
		len--;
	if (!len || len >= MAX_PATH)
		return NULL;
	for (size_t i = 0; i < d->n; i++)
		if (strlen(d->v[i]) == len && memcmp(d->v[i], s, len) == 0)
			return NULL;
	if (d->n >= MAX_DIRS)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "ld.so.conf: more than %d directories",
				       MAX_DIRS);
	if (!dp_array_reserve(d->v, d->cap, d->n + 1))
		return &dp_enomem;
	if (!(d->v[d->n] = strndup(s, len)))
		return &dp_enomem;
	d->n++;
	return NULL;
}

static struct dp_error *load_conf(struct ctx *c, const char *path, int depth);

/* "include PATTERN": glob relative to the including file's directory. */
static struct dp_error *conf_include(struct ctx *c, const char *from,
				     const char *pat, int depth)
{
	char full[MAX_PATH * 2];
	if (pat[0] == '/') {
		snprintf(full, sizeof(full), "%s%s", c->root, pat);
	} else {
		const char *slash = strrchr(from, '/');
		int dlen = slash ? (int)(slash - from) : 0;
		snprintf(full, sizeof(full), "%s%.*s/%s", c->root, dlen, from,
			 pat);
	}
	glob_t g;
	if (glob(full, 0, NULL, &g) != 0)
		return NULL;	/* no match: nothing to include */
	struct dp_error *err = NULL;
	size_t rlen = strlen(c->root);
	for (size_t i = 0; i < g.gl_pathc && !err; i++)
		err = load_conf(c, g.gl_pathv[i] + rlen, depth + 1);
	globfree(&g);
	return err;
}

/* glibc ldconfig's parse_conf: words separated by blanks, ':', ','. */
static struct dp_error *load_conf(struct ctx *c, const char *path, int depth)
{
	if (depth > MAX_CONF_DEPTH)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s: includes nested more than %d deep",
				       path, MAX_CONF_DEPTH);
	char full[MAX_PATH * 2];
	snprintf(full, sizeof(full), "%s%s", c->root, path);
	char *text = NULL;
	size_t len = 0;
	struct dp_error *err = dp_file_read(NULL, full, MAX_CONF_SIZE, &text, &len);
	if (err) {
		bool missing = err->code == DP_ERR_OS && err->errnum == ENOENT;
		if (missing)
			dp_error_destroy(err);
		return missing ? NULL : err;
	}
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && !err;
	     line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		line += strspn(line, " \t");
		if (strncmp(line, "include", 7) == 0 &&
		    (line[7] == ' ' || line[7] == '\t')) {
			char *s2 = NULL;
			for (char *p = strtok_r(line + 8, " \t", &s2);
			     p && !err; p = strtok_r(NULL, " \t", &s2))
				err = conf_include(c, path, p, depth);
			continue;
		}
		if (strncmp(line, "hwcap", 5) == 0)
			continue;
		while (*line && !err) {
			size_t n = strcspn(line, " \t:,\r");
			if (n && line[0] == '/')
				err = dirlist_add(&c->conf, line, n);
			line += n;
			line += strspn(line, " \t:,\r");
		}
	}
	free(text);
	return err;
}

static const char *multiarch(int machine)
{
	switch (machine) {
	case EM_X86_64: return "x86_64-linux-gnu";
	case EM_AARCH64: return "aarch64-linux-gnu";
	case EM_386: return "i386-linux-gnu";
	}
	return NULL;
}

static struct dp_error *set_defaults(struct ctx *c)
{
	const char *tri = multiarch(c->machine);
	char buf[128];
	struct dp_error *err = NULL;
	if (tri) {
		snprintf(buf, sizeof(buf), "/lib/%s", tri);
		err = dirlist_add(&c->defaults, buf, strlen(buf));
		snprintf(buf, sizeof(buf), "/usr/lib/%s", tri);
		if (!err)
			err = dirlist_add(&c->defaults, buf, strlen(buf));
	}
	if (!err && c->elf_class == ELFCLASS64)
		err = dirlist_add(&c->defaults, "/lib64", 6);
	if (!err)
		err = dirlist_add(&c->defaults, "/usr/lib", 8);
	if (!err)
		err = dirlist_add(&c->defaults, "/lib", 4);
	return err;
}

static void object_free(struct object *o)
{
	free(o->path);
	free(o->soname);
	free(o->rpath);
	free(o->runpath);
	for (size_t i = 0; i < o->nneeded; i++)
		free(o->needed[i]);
	free(o->needed);
}

/* A NUL-terminated string at off in a string table chunk of len bytes. */
static const char *str_at(const Elf_Data *tab, uint64_t off)
{
	if (!tab || off >= tab->d_size)
		return NULL;
	const char *s = (const char *)tab->d_buf + off;
	return memchr(s, 0, tab->d_size - off) ? s : NULL;
}

/* File offset of a virtual address, through the PT_LOAD segments. */
static bool vaddr_to_off(Elf *elf, size_t nph, uint64_t va, uint64_t *off)
{
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (va >= ph.p_vaddr && va - ph.p_vaddr < ph.p_filesz) {
			*off = ph.p_offset + (va - ph.p_vaddr);
			return true;
		}
	}
	return false;
}

struct dynamic {
	uint64_t strtab, strsz;
	bool has_strtab, has_strsz;
	int64_t soname, rpath, runpath;	/* -1: absent */
	uint64_t *needed;
	size_t nneeded, needed_cap;
};

static struct dp_error *bad(const char *path, const char *what)
{
	return dp_error_create(DP_ERR_BAD_DATA, "%s: %s", path, what);
}

static struct dp_error *read_dynamic(Elf *elf, const char *path,
				     const GElf_Phdr *ph, struct dynamic *d)
{
	Elf_Data *data = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset,
					      ph->p_filesz, ELF_T_DYN);
	if (!data)
		return bad(path, "PT_DYNAMIC lies outside the file");
	size_t entsz = gelf_fsize(elf, ELF_T_DYN, 1, EV_CURRENT);
	size_t n = entsz ? data->d_size / entsz : 0;
	if (n > DP_ELFDEPS_MAX_DYN)
		return bad(path, "dynamic section too large");
	d->soname = d->rpath = d->runpath = -1;
	for (size_t i = 0; i < n; i++) {
		GElf_Dyn dyn;
		if (!gelf_getdyn(data, (int)i, &dyn))
			return bad(path, "unreadable dynamic entry");
		/* -1 means absent below, so no string offset may look
		 * negative (fuzz-initramfs: a DT_NEEDED of 2^63 was taken
		 * for "no name" and left a NULL name in the list) */
		bool strval = dyn.d_tag == DT_SONAME || dyn.d_tag == DT_RPATH ||
			      dyn.d_tag == DT_RUNPATH || dyn.d_tag == DT_NEEDED;
		if (strval && dyn.d_un.d_val > INT64_MAX)
			return dp_error_create(DP_ERR_BAD_DATA,
					       "%s: dynamic entry %zu: string offset 0x%llx outside DT_STRTAB",
					       path, i,
					       (unsigned long long)dyn.d_un.d_val);
		switch (dyn.d_tag) {
		case DT_NULL:
			return NULL;
		case DT_STRTAB:
			d->strtab = dyn.d_un.d_ptr;
			d->has_strtab = true;
			break;
		case DT_STRSZ:
			d->strsz = dyn.d_un.d_val;
			d->has_strsz = true;
			break;
		case DT_SONAME:
			d->soname = (int64_t)dyn.d_un.d_val;
			break;
		case DT_RPATH:
			d->rpath = (int64_t)dyn.d_un.d_val;
			break;
		case DT_RUNPATH:
			d->runpath = (int64_t)dyn.d_un.d_val;
			break;
		case DT_NEEDED:
			if (!dp_array_reserve(d->needed, d->needed_cap,
					      d->nneeded + 1))
				return &dp_enomem;
			d->needed[d->nneeded++] = dyn.d_un.d_val;
			break;
		}
	}
	return NULL;	/* no DT_NULL: the loader stops at the end too */
}

static struct dp_error *dup_str(const Elf_Data *tab, int64_t off,
				const char *path, const char *what,
				char **ret)
{
	*ret = NULL;
	if (off < 0)
		return NULL;
	const char *s = str_at(tab, (uint64_t)off);
	if (!s)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s: %s string offset 0x%llx outside DT_STRTAB",
				       path, what, (unsigned long long)off);
	*ret = strdup(s);
	return *ret ? NULL : &dp_enomem;
}

static struct dp_error *parse_dynamic(Elf *elf, const char *path,
				      size_t nph, const GElf_Phdr *dynph,
				      struct object *o)
{
	struct dynamic d = { 0 };
	struct dp_error *err = read_dynamic(elf, path, dynph, &d);
	Elf_Data *tab = NULL;
	uint64_t off = 0;
	if (!err && (d.nneeded || d.soname >= 0 || d.rpath >= 0 ||
		     d.runpath >= 0)) {
		if (!d.has_strtab || !d.has_strsz)
			err = bad(path, "dynamic section without DT_STRTAB/DT_STRSZ");
		else if (!vaddr_to_off(elf, nph, d.strtab, &off))
			err = bad(path, "DT_STRTAB is not in a PT_LOAD segment");
		else if (!(tab = elf_getdata_rawchunk(elf, (int64_t)off,
						      d.strsz, ELF_T_BYTE)))
			err = bad(path, "DT_STRTAB lies outside the file");
	}
	if (!err)
		err = dup_str(tab, d.soname, path, "DT_SONAME", &o->soname);
	if (!err)
		err = dup_str(tab, d.rpath, path, "DT_RPATH", &o->rpath);
	if (!err)
		err = dup_str(tab, d.runpath, path, "DT_RUNPATH", &o->runpath);
	if (!err && d.nneeded && !(o->needed = calloc(d.nneeded,
						       sizeof(char *))))
		err = &dp_enomem;
	for (size_t i = 0; !err && i < d.nneeded; i++) {
		err = dup_str(tab, (int64_t)d.needed[i], path, "DT_NEEDED",
			      &o->needed[i]);
		if (!err)
			o->nneeded++;
	}
	free(d.needed);
	return err;
}

/*
 * Open path (under root) as ELF. *skip is set (and NULL returned) when the
 * file exists but is of another class or machine: the loader skips those.
 */
static struct dp_error *read_object(struct ctx *c, const char *path,
				    struct object *o, char **interp,
				    bool *skip)
{
	char full[MAX_PATH * 2];
	snprintf(full, sizeof(full), "%s%s", c->root, path);
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dp_error_os(errno, "%s", path);
	struct dp_error *err = NULL;
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	GElf_Ehdr eh;
	size_t nph = 0;
	struct stat st;
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
		err = bad(path, "not an ELF file");
	else if (elf_getphdrnum(elf, &nph) != 0 || fstat(fd, &st) != 0)
		err = bad(path, "unreadable program headers");
	else if (!nph)
		err = bad(path, "no program headers (truncated?)");
	else if (eh.e_phoff > (uint64_t)st.st_size ||
		 (uint64_t)nph * eh.e_phentsize >
			 (uint64_t)st.st_size - eh.e_phoff)
		err = dp_error_create(DP_ERR_BAD_DATA,
				      "%s: program headers (%zu at 0x%llx) outside the file (%lld bytes): truncated?",
				      path, nph,
				      (unsigned long long)eh.e_phoff,
				      (long long)st.st_size);
	else if (!interp && eh.e_type != ET_DYN)
		err = bad(path, "not a shared object (ELF type is not ET_DYN)");
	if (!err && c->elf_class && (gelf_getclass(elf) != c->elf_class ||
				     eh.e_machine != c->machine)) {
		*skip = true;
		goto out;
	}
	if (!err) {
		c->elf_class = gelf_getclass(elf);
		c->machine = eh.e_machine;
	}
	unsigned ndyn = 0;
	for (size_t i = 0; !err && i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph)) {
			err = bad(path, "unreadable program header");
		} else if (ph.p_type == PT_INTERP && interp && !*interp) {
			/* the first PT_INTERP counts, as in the kernel's
			 * load_elf_binary(), which stops at it */
			Elf_Data *s = elf_getdata_rawchunk(
				elf, (int64_t)ph.p_offset, ph.p_filesz,
				ELF_T_BYTE);
			if (!s || !s->d_size ||
			    !memchr(s->d_buf, 0, s->d_size))
				err = bad(path, "PT_INTERP is not a string inside the file");
			else if (!(*interp = strdup(s->d_buf)))
				err = &dp_enomem;
		} else if (ph.p_type == PT_DYNAMIC && ndyn++) {
			/* glibc's loader would take the last one; no linker
			 * writes two (fuzz-initramfs: the second parse
			 * overran the first's DT_NEEDED array) */
			err = bad(path, "more than one PT_DYNAMIC");
		} else if (ph.p_type == PT_DYNAMIC) {
			err = parse_dynamic(elf, path, nph, &ph, o);
		}
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

/* Is a needed name already satisfied by an object loaded before? */
static bool loaded(const struct ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nobjs; i++) {
		const struct object *o = &c->objs[i];
		const char *base = strrchr(o->path, '/');
		if ((o->soname && strcmp(o->soname, name) == 0) ||
		    strcmp(o->path, name) == 0 ||
		    (base && strcmp(base + 1, name) == 0 && i > 0))
			return true;
	}
	return false;
}

static struct dp_error *push_object(struct ctx *c, const char *path,
				    const char *name, const char *by,
				    bool interp, bool via_conf,
				    struct object *o)
{
	if (c->nobjs >= DP_ELFDEPS_MAX_OBJECTS) {
		object_free(o);
		return dp_error_create(DP_ERR_BAD_DATA,
				       "more than %d shared objects",
				       DP_ELFDEPS_MAX_OBJECTS);
	}
	if (!dp_array_reserve(c->objs, c->objs_cap, c->nobjs + 1)) {
		object_free(o);
		return &dp_enomem;
	}
	o->path = strdup(path);
	o->interp = interp;
	c->objs[c->nobjs++] = *o;
	if (!o->path)
		return &dp_enomem;
	if (!by)
		return NULL;	/* the executable itself is not listed */
	struct dp_elfdeps *out = c->out;
	struct dp_elfdep *dv = realloc(out->v, (out->n + 1) * sizeof(*dv));
	if (!dv)
		return &dp_enomem;
	out->v = dv;
	struct dp_elfdep *d = &out->v[out->n++];
	*d = (struct dp_elfdep){ .interp = interp, .via_conf = via_conf };
	d->path = strdup(path);
	d->name = strdup(name);
	d->needed_by = strdup(by);
	return d->path && d->name && d->needed_by ? NULL : &dp_enomem;
}

/* Try dir/name; *found when it is a compatible ELF object. */
static struct dp_error *try_dir(struct ctx *c, const char *dir,
				const char *name, const char *by,
				bool via_conf, bool *found)
{
	char path[MAX_PATH];
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return NULL;
	char full[MAX_PATH * 2];
	snprintf(full, sizeof(full), "%s%s", c->root, path);
	struct stat st;
	if (stat(full, &st) != 0 || !S_ISREG(st.st_mode))
		return NULL;
	struct object o = { 0 };
	bool skip = false;
	struct dp_error *err = read_object(c, path, &o, NULL, &skip);
	if (err || skip) {
		object_free(&o);
		return err ? dp_error_prefix(err, "%s (needed by %s)", name, by)
			   : NULL;
	}
	*found = true;
	return push_object(c, path, name, by, false, via_conf, &o);
}

/* Each directory of a colon list, $ORIGIN expanded; others with $ skipped. */
static struct dp_error *try_list(struct ctx *c, const char *list,
				 const char *origin_of, const char *name,
				 const char *by, bool *found)
{
	struct dp_error *err = NULL;
	const char *p = list;
	while (p && *p && !*found && !err) {
		size_t n = strcspn(p, ":");
		char dir[MAX_PATH];
		const char *slash = strrchr(origin_of, '/');
		int olen = slash ? (int)(slash - origin_of) : 0;
		if (n >= 7 && strncmp(p, "$ORIGIN", 7) == 0)
			snprintf(dir, sizeof(dir), "%.*s%.*s", olen, origin_of,
				 (int)(n - 7), p + 7);
		else if (n >= 9 && strncmp(p, "${ORIGIN}", 9) == 0)
			snprintf(dir, sizeof(dir), "%.*s%.*s", olen, origin_of,
				 (int)(n - 9), p + 9);
		else
			snprintf(dir, sizeof(dir), "%.*s", (int)n, p);
		if (dir[0] == '/' && !strchr(dir, '$'))
			err = try_dir(c, dir, name, by, false, found);
		p += n;
		if (*p == ':')
			p++;
	}
	return err;
}

static struct dp_error *resolve_one(struct ctx *c, size_t from,
				    const char *name)
{
	if (loaded(c, name))
		return NULL;
	char *by = strdup(c->objs[from].path);
	if (!by)
		return &dp_enomem;
	struct dp_error *err = NULL;
	bool found = false;
	if (strchr(name, '/')) {
		/* a name with a slash is a path, used as is */
		struct object o = { 0 };
		bool skip = false;
		if (name[0] != '/')
			err = dp_error_create(DP_ERR_UNSUPPORTED,
					      "%s (needed by %s): relative path",
					      name, by);
		else
			err = read_object(c, name, &o, NULL, &skip);
		if (!err && !skip) {
			err = push_object(c, name, name, by, false, false, &o);
			found = !err;
		} else {
			object_free(&o);
		}
		goto out;
	}
	/* DT_RPATH counts only when the object has no DT_RUNPATH; then
	 * the executable's DT_RPATH is searched too (ld.so(8)). try_list
	 * may move c->objs: index it each time. */
	bool has_runpath = c->objs[from].runpath != NULL;
	if (!has_runpath && c->objs[from].rpath)
		err = try_list(c, c->objs[from].rpath, c->objs[from].path,
			       name, by, &found);
	if (!err && !found && !has_runpath && from != 0 && c->objs[0].rpath &&
	    !c->objs[0].runpath)
		err = try_list(c, c->objs[0].rpath, c->objs[0].path, name, by,
			       &found);
	if (!err && !found && has_runpath)
		err = try_list(c, c->objs[from].runpath, c->objs[from].path,
			       name, by, &found);
	for (size_t i = 0; !err && !found && i < c->conf.n; i++) {
		bool def = false;
		for (size_t j = 0; j < c->defaults.n; j++)
			def |= strcmp(c->defaults.v[j], c->conf.v[i]) == 0;
		err = try_dir(c, c->conf.v[i], name, by, !def, &found);
	}
	for (size_t i = 0; !err && !found && i < c->defaults.n; i++)
		err = try_dir(c, c->defaults.v[i], name, by, false, &found);
out:
	if (!err && !found)
		err = dp_error_create(DP_ERR_NOT_FOUND,
				      "%s (needed by %s): not found in its RPATH/RUNPATH, /etc/ld.so.conf or the default directories",
				      name, by);
	free(by);
	return err;
}

static struct dp_error *walk(struct ctx *c, const char *exe)
{
	struct object o = { 0 };
	char *interp = NULL;
	bool skip = false;
	struct dp_error *err = read_object(c, exe, &o, &interp, &skip);
	if (!err)
		err = push_object(c, exe, exe, NULL, false, false, &o);
	else
		object_free(&o);
	if (!err)
		err = load_conf(c, "/etc/ld.so.conf", 0);
	if (!err)
		err = set_defaults(c);
	if (!err && interp) {
		struct object io = { 0 };
		err = read_object(c, interp, &io, NULL, &skip);
		if (!err && skip)
			err = dp_error_create(DP_ERR_BAD_DATA,
					      "%s: interpreter %s is of another ELF class or machine",
					      exe, interp);
		if (!err)
			err = push_object(c, interp, interp, exe, true, false,
					  &io);
		else
			object_free(&io);
		if (err)
			err = dp_error_prefix(err, "interpreter of %s", exe);
	}
	free(interp);
	/* Breadth first, as the loader maps them. */
	for (size_t i = 0; !err && i < c->nobjs; i++)
		for (size_t j = 0; !err && j < c->objs[i].nneeded; j++)
			err = resolve_one(c, i, c->objs[i].needed[j]);
	return err;
}

struct dp_error *dp_elfdeps_resolve(const char *root, const char *exe,
				    struct dp_elfdeps **ret)
{
	if (!exe || exe[0] != '/')
		return dp_error_create(DP_ERR_INVALID,
				       "elfdeps: %s: need an absolute path",
				       exe ? exe : "(null)");
	if (elf_version(EV_CURRENT) == EV_NONE)
		return dp_error_create(DP_ERR_UNSUPPORTED,
				       "libelf: version mismatch");
	struct ctx c = { .root = root ? root : "" };
	c.out = calloc(1, sizeof(*c.out));
	if (!c.out)
		return &dp_enomem;
	struct dp_error *err = walk(&c, exe);
	for (size_t i = 0; i < c.nobjs; i++)
		object_free(&c.objs[i]);
	free(c.objs);
	dirlist_free(&c.conf);
	dirlist_free(&c.defaults);
	if (err) {
		dp_elfdeps_destroy(c.out);
		return err;
	}
	*ret = c.out;
	return NULL;
}

void dp_elfdeps_destroy(struct dp_elfdeps *deps)
{
	if (!deps)
		return;
	for (size_t i = 0; i < deps->n; i++) {
		free(deps->v[i].path);
		free(deps->v[i].name);
		free(deps->v[i].needed_by);
	}
	free(deps->v);
	free(deps);
}
