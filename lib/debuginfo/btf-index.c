// SPDX-License-Identifier: MIT
// struct dp_types: loading BTF blobs (vmlinux, module split BTF), the name
// index, lookup by C spelling, synthesised pointer/array types.
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "core/reader.h"
#include "debuginfo/types-priv.h"

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

static bool is_tag_kind(const struct btf_type *bt)
{
	return btf_is_composite(bt) || btf_is_any_enum(bt);
}

static bool is_name_kind(const struct btf_type *bt)
{
	return btf_is_typedef(bt) || btf_is_int(bt) || btf_is_float(bt);
}

// A struct/union/enum with members beats an empty one of the same name.
static bool better(const struct btf_type *a, const struct btf_type *b)
{
	return btf_vlen(a) > 0 && btf_vlen(b) == 0;
}

static void index_insert(struct dp_name_index *ix, const struct btf *btf,
			 uint32_t id, const char *name)
{
	size_t mask = ix->cap - 1;
	for (size_t i = hash_name(name) & mask;; i = (i + 1) & mask) {
		uint32_t cur = ix->slots[i];
		if (!cur) {
			ix->slots[i] = id;
			return;
		}
		const struct btf_type *ct = btf__type_by_id(btf, cur);
		if (strcmp(btf__name_by_offset(btf, ct->name_off), name))
			continue;
		if (better(btf__type_by_id(btf, id), ct))
			ix->slots[i] = id;
		return;
	}
}

static uint32_t index_find(const struct dp_name_index *ix,
			   const struct btf *btf, const char *name)
{
	if (!ix->cap)
		return 0;
	size_t mask = ix->cap - 1;
	for (size_t i = hash_name(name) & mask;; i = (i + 1) & mask) {
		uint32_t cur = ix->slots[i];
		if (!cur)
			return 0;
		const struct btf_type *ct = btf__type_by_id(btf, cur);
		if (!strcmp(btf__name_by_offset(btf, ct->name_off), name))
			return cur;
	}
}

static struct dp_error *build_index(struct dp_types *types)
{
	uint32_t n = btf__type_cnt(types->vmlinux);
	size_t cap = 1024;
	while (cap < (size_t)n * 2)
		cap <<= 1;
	types->tags.slots = calloc(cap, sizeof(uint32_t));
	types->names.slots = calloc(cap, sizeof(uint32_t));
	if (!types->tags.slots || !types->names.slots)
		return &dp_enomem;
	types->tags.cap = types->names.cap = cap;
	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *bt = btf__type_by_id(types->vmlinux, id);
		const char *name = btf__name_by_offset(types->vmlinux,
						       bt->name_off);
		if (!name || !name[0])
			continue;
		if (is_tag_kind(bt))
			index_insert(&types->tags, types->vmlinux, id, name);
		else if (is_name_kind(bt))
			index_insert(&types->names, types->vmlinux, id, name);
	}
	return NULL;
}

static struct dp_error *btf_error(const char *origin, int errnum)
{
	if (errnum == ENOMEM)
		return &dp_enomem;
	return dp_error_create(DP_ERR_BAD_DATA,
			       "%s: BTF is damaged: libbpf rejects it (%s)",
			       origin, strerror(errnum));
}

// Bytes after the 12-byte btf_type of a record (FORMATS.md §6.2 table).
static bool record_extra(unsigned int kind, uint32_t vlen, uint64_t *ret)
{
	static const uint8_t per_vlen[20] = {
		[BTF_KIND_STRUCT] = 12, [BTF_KIND_UNION] = 12,
		[BTF_KIND_ENUM] = 8, [BTF_KIND_FUNC_PROTO] = 8,
		[BTF_KIND_DATASEC] = 12, [BTF_KIND_ENUM64] = 12,
	};
	static const uint8_t fixed[20] = {
		[BTF_KIND_INT] = 4, [BTF_KIND_ARRAY] = 12, [BTF_KIND_VAR] = 4,
		[BTF_KIND_DECL_TAG] = 4,
	};
	if (kind == 0 || kind > BTF_KIND_ENUM64)
		return false;
	*ret = fixed[kind] + (uint64_t)per_vlen[kind] * vlen;
	return true;
}

// Walk the type records so that a damaged one is named by index/offset.
static struct dp_error *check_records(struct dp_reader *r, uint32_t start,
				      uint32_t len, const char *origin)
{
	uint64_t end = (uint64_t)start + len;
	dp_reader_seek(r, start);
	for (uint32_t id = 1; r->pos < end; id++) {
		size_t at = r->pos;
		uint32_t name_off, info, size_type;
		uint64_t extra;
		dp_reader_u32(r, &name_off);
		dp_reader_u32(r, &info);
		dp_reader_u32(r, &size_type);
		unsigned int kind = (info >> 24) & 0x1f;
		if (r->bad || r->pos > end)
			return dp_error_create(DP_ERR_BAD_DATA,
					       "%s: BTF type %u at offset 0x%zx runs past the type section",
					       origin, id, at);
		if (!record_extra(kind, info & 0xffff, &extra))
			return dp_error_create(DP_ERR_BAD_DATA,
					       "%s: BTF type %u at offset 0x%zx has unknown kind %u",
					       origin, id, at, kind);
		if (extra > end - r->pos)
			return dp_error_create(DP_ERR_BAD_DATA,
					       "%s: BTF type %u at offset 0x%zx runs past the type section",
					       origin, id, at);
		dp_reader_skip(r, extra);
	}
	return NULL;
}

// Check the header ourselves first so that the error says what is wrong.
static struct dp_error *check_header(const void *data, size_t size,
				     const char *origin)
{
	struct dp_reader r;
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
	uint64_t end1, end2;
	if (size > DP_BTF_MAX_SIZE)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s: BTF size %zu exceeds the limit of %u bytes",
				       origin, size, DP_BTF_MAX_SIZE);
	dp_reader_init(&r, data, size, false);
	dp_reader_u16(&r, &magic);
	dp_reader_u8(&r, &version);
	dp_reader_u8(&r, &flags);
	dp_reader_u32(&r, &hdr_len);
	dp_reader_u32(&r, &type_off);
	dp_reader_u32(&r, &type_len);
	dp_reader_u32(&r, &str_off);
	dp_reader_u32(&r, &str_len);
	if (r.bad)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s: BTF is truncated (%zu bytes)",
				       origin, size);
	if (magic != 0xeb9f)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s: bad BTF magic 0x%04x (expected 0xeb9f)",
				       origin, magic);
	if (version != 1 || hdr_len < 24)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s: unsupported BTF version %u / header length %u",
				       origin, version, hdr_len);
	end1 = (uint64_t)hdr_len + type_off + type_len;
	end2 = (uint64_t)hdr_len + str_off + str_len;
	if (end1 > size || end2 > size)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "%s: BTF sections end at 0x%llx, past the blob size 0x%zx",
				       origin, (unsigned long long)
				       (end1 > end2 ? end1 : end2), size);
	return check_records(&r, hdr_len + type_off, type_len, origin);
}

struct dp_error *dp_types_create(const void *data, size_t size,
				 const char *origin, struct dp_types **ret)
{
	struct dp_error *err = check_header(data, size, origin);
	if (err)
		return err;
	// libbpf warns on stderr by default; a library must stay quiet.
	libbpf_set_print(NULL);
	struct dp_types *types = calloc(1, sizeof(*types));
	if (!types)
		return &dp_enomem;
	errno = 0;
	types->vmlinux = btf__new(data, (uint32_t)size);
	if (libbpf_get_error(types->vmlinux)) {
		int e = errno ? errno : EINVAL;
		types->vmlinux = NULL;
		dp_types_destroy(types);
		return btf_error(origin, e);
	}
	btf__set_pointer_size(types->vmlinux, 8);
	err = build_index(types);
	if (err) {
		dp_types_destroy(types);
		return err;
	}
	*ret = types;
	return NULL;
}

/*
 * Debian's libbpf 1.1.2 declares btf__new_split() in btf.h but does not
 * export it (absent from its libbpf.map; nm -D shows only
 * btf__parse_raw_split). So hand the blob to btf__parse_raw_split()
 * through an anonymous memory file.
 */
static struct dp_error *parse_split(const void *data, size_t size,
				    struct btf *base, struct btf **ret)
{
	char path[64];
	int fd = memfd_create("dontpanic-btf", MFD_CLOEXEC);
	if (fd < 0)
		return dp_error_os(errno, "memfd_create");
	for (size_t done = 0; done < size;) {
		ssize_t n = write(fd, (const char *)data + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;
			close(fd);
			return dp_error_os(e, "writing BTF to a memory file");
		}
		done += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	errno = 0;
	struct btf *b = btf__parse_raw_split(path, base);
	int e = errno ? errno : EINVAL;
	close(fd);
	if (libbpf_get_error(b))
		return btf_error("split BTF", e);
	*ret = b;
	return NULL;
}

struct dp_error *dp_types_add_module(struct dp_types *types,
				     const char *module, const void *data,
				     size_t size)
{
	struct dp_error *err = check_header(data, size, module);
	if (err)
		return err;
	struct dp_types_module *mods = realloc(types->mods,
					       (types->nmods + 1) * sizeof(*mods));
	if (!mods)
		return &dp_enomem;
	types->mods = mods;
	struct btf *b = NULL;
	err = parse_split(data, size, types->vmlinux, &b);
	if (err)
		return dp_error_prefix(err, "%s", module);
	char *name = strdup(module);
	if (!name) {
		btf__free(b);
		return &dp_enomem;
	}
	btf__set_pointer_size(b, 8);
	mods[types->nmods++] = (struct dp_types_module){ name, b };
	return NULL;
}

void dp_types_destroy(struct dp_types *types)
{
	if (!types)
		return;
	for (size_t i = 0; i < types->nmods; i++) {
		btf__free(types->mods[i].btf);
		free(types->mods[i].name);
	}
	free(types->mods);
	btf__free(types->synth);
	btf__free(types->vmlinux);
	free(types->tags.slots);
	free(types->names.slots);
	free(types);
}

size_t dp_types_count(const struct dp_types *types, size_t *nmodules)
{
	size_t n = btf__type_cnt(types->vmlinux) - 1;
	for (size_t i = 0; i < types->nmods; i++)
		n += btf__type_cnt(types->mods[i].btf) -
		     btf__type_cnt(types->vmlinux);
	if (nmodules)
		*nmodules = types->nmods;
	return n;
}

/* ---- lookup ---- */

enum lookup_ns { NS_STRUCT, NS_UNION, NS_ENUM, NS_ANY };

static bool kind_matches(const struct btf_type *bt, enum lookup_ns ns)
{
	switch (ns) {
	case NS_STRUCT: return btf_is_struct(bt);
	case NS_UNION: return btf_is_union(bt);
	case NS_ENUM: return btf_is_any_enum(bt);
	default: return is_name_kind(bt) || is_tag_kind(bt);
	}
}

// Linear search in a module's own type range.
static uint32_t find_in_module(const struct btf *b, const struct btf *base,
			       const char *name, enum lookup_ns ns)
{
	uint32_t n = btf__type_cnt(b);
	for (uint32_t id = btf__type_cnt(base); id < n; id++) {
		const struct btf_type *bt = btf__type_by_id(b, id);
		const char *s = btf__name_by_offset(b, bt->name_off);
		if (s && !strcmp(s, name) && kind_matches(bt, ns) &&
		    (btf_vlen(bt) || !is_tag_kind(bt)))
			return id;
	}
	return 0;
}

static bool find_base(struct dp_types *types, const char *name,
		      enum lookup_ns ns, struct dp_type *ret)
{
	uint32_t id = 0;
	if (ns == NS_ANY)
		id = index_find(&types->names, types->vmlinux, name);
	if (!id) {
		id = index_find(&types->tags, types->vmlinux, name);
		if (id && !kind_matches(btf__type_by_id(types->vmlinux, id),
					ns))
			id = 0;
	}
	if (id) {
		*ret = dp_type_make(types->vmlinux, id);
		return true;
	}
	for (size_t i = 0; i < types->nmods; i++) {
		id = find_in_module(types->mods[i].btf, types->vmlinux, name,
				    ns);
		if (id) {
			*ret = dp_type_make(types->mods[i].btf, id);
			return true;
		}
	}
	return false;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

// Collapse runs of blanks to one space (so "unsigned  long" works).
static void squeeze(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if ((*r == ' ' || *r == '\t') && (w == s || w[-1] == ' '))
			continue;
		*w++ = *r == '\t' ? ' ' : *r;
	}
	*w = '\0';
}

#define MAX_DIMS 8

struct spelling {
	char *base;
	bool is_const, is_volatile;	/* of the base type */
	int nptr;
	uint32_t dims[MAX_DIMS];
	int ndims;
};

static struct dp_error *parse_spelling(char *s, struct spelling *sp)
{
	char *p;
	sp->nptr = 0;
	sp->ndims = 0;
	s = trim(s);
	// Dimensions, from the left: "int[2][3]" -> dims {2, 3}.
	p = strchr(s, '[');
	if (p) {
		char *d = p;
		while (*d == '[') {
			char *end;
			unsigned long n = strtoul(d + 1, &end, 0);
			if (*end != ']' || sp->ndims == MAX_DIMS || n > UINT32_MAX)
				return dp_error_create(DP_ERR_INVALID,
						       "bad array dimension in '%s'",
						       d);
			sp->dims[sp->ndims++] = (uint32_t)n;
			d = trim(end + 1);
		}
		if (*d)
			return dp_error_create(DP_ERR_INVALID,
					       "unexpected '%s' in a type", d);
		*p = '\0';
	}
	s = trim(s);
	while ((p = strrchr(s, '*')) && !trim(p + 1)[0]) {
		*p = '\0';
		s = trim(s);
		sp->nptr++;
	}
	squeeze(s);
	for (;;) {
		if (!strncmp(s, "const ", 6)) {
			sp->is_const = true;
			s += 6;
		} else if (!strncmp(s, "volatile ", 9)) {
			sp->is_volatile = true;
			s += 9;
		} else {
			break;
		}
	}
	sp->base = s;
	return s[0] ? NULL : dp_error_create(DP_ERR_INVALID, "empty type name");
}

static struct dp_error *find_base_spelling(struct dp_types *types,
					   const char *base,
					   struct dp_type *ret)
{
	static const struct { const char *kw; enum lookup_ns ns; } kws[] = {
		{ "struct ", NS_STRUCT }, { "union ", NS_UNION },
		{ "enum ", NS_ENUM },
	};
	if (!strcmp(base, "void")) {
		*ret = (struct dp_type){ NULL, 0 };
		return NULL;
	}
	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++) {
		size_t n = strlen(kws[i].kw);
		if (strncmp(base, kws[i].kw, n))
			continue;
		if (find_base(types, base + n, kws[i].ns, ret))
			return NULL;
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "no type '%s' in BTF", base);
	}
	const char *bname = dp_btf_int_name(base);
	if (bname && find_base(types, bname, NS_ANY, ret))
		return NULL;
	if (find_base(types, base, NS_ANY, ret))
		return NULL;
	return dp_error_create(DP_ERR_NOT_FOUND, "no type '%s' in BTF", base);
}

struct dp_error *dp_types_find(struct dp_types *types, const char *spelling,
			       struct dp_type *ret)
{
	struct spelling sp = { 0 };
	struct dp_type t = { NULL, 0 };
	char *copy = strdup(spelling);
	if (!copy)
		return &dp_enomem;
	struct dp_error *err = parse_spelling(copy, &sp);
	if (!err)
		err = find_base_spelling(types, sp.base, &t);
	if (!err && sp.is_volatile)
		err = dp_types_qualified(types, t, DP_TYPE_VOLATILE, &t);
	if (!err && sp.is_const)
		err = dp_types_qualified(types, t, DP_TYPE_CONST, &t);
	for (int i = 0; !err && i < sp.nptr; i++)
		err = dp_types_pointer_to(types, t, &t);
	for (int i = sp.ndims - 1; !err && i >= 0; i--)
		err = dp_types_array_of(types, t, sp.dims[i], &t);
	free(copy);
	if (err)
		return err;
	*ret = t;
	return NULL;
}

/* ---- synthesised types ---- */

static struct dp_error *synth_btf(struct dp_types *types, struct dp_type t)
{
	if (t.btf && t.btf != types->vmlinux && t.btf != types->synth)
		return dp_error_create(DP_ERR_UNSUPPORTED,
				       "cannot derive types from module type '%s'",
				       dp_type_name(t));
	if (types->synth)
		return NULL;
	types->synth = btf__new_empty_split(types->vmlinux);
	if (libbpf_get_error(types->synth)) {
		types->synth = NULL;
		return &dp_enomem;
	}
	btf__set_pointer_size(types->synth, 8);
	return NULL;
}

struct dp_error *dp_types_pointer_to(struct dp_types *types, struct dp_type t,
				     struct dp_type *ret)
{
	struct dp_error *err = synth_btf(types, t);
	if (err)
		return err;
	int id = btf__add_ptr(types->synth, (int)t.id);
	if (id < 0)
		return &dp_enomem;
	*ret = dp_type_make(types->synth, (uint32_t)id);
	return NULL;
}

struct dp_error *dp_types_qualified(struct dp_types *types, struct dp_type t,
				    enum dp_type_kind qualifier,
				    struct dp_type *ret)
{
	struct dp_error *err = synth_btf(types, t);
	if (err)
		return err;
	int id = qualifier == DP_TYPE_CONST ?
		 btf__add_const(types->synth, (int)t.id) :
		 btf__add_volatile(types->synth, (int)t.id);
	if (id < 0)
		return &dp_enomem;
	*ret = dp_type_make(types->synth, (uint32_t)id);
	return NULL;
}

struct dp_error *dp_types_array_of(struct dp_types *types, struct dp_type t,
				   uint32_t n, struct dp_type *ret)
{
	struct dp_error *err = synth_btf(types, t);
	if (err)
		return err;
	// The index type is never looked at; use the element's own id.
	int id = btf__add_array(types->synth, (int)t.id, (int)t.id, n);
	if (id < 0)
		return &dp_enomem;
	*ret = dp_type_make(types->synth, (uint32_t)id);
	return NULL;
}

struct dp_error *dp_types_enum_value(struct dp_types *types, const char *name,
				     int64_t *ret)
{
	uint32_t n = btf__type_cnt(types->vmlinux);
	for (uint32_t id = 1; id < n; id++) {
		struct dp_type t = dp_type_make(types->vmlinux, id);
		size_t ne = dp_type_num_enumerators(t);
		if (dp_type_kind(t) != DP_TYPE_ENUM)
			continue;
		for (size_t i = 0; i < ne; i++) {
			const char *en;
			int64_t v;
			dp_type_enumerator(t, i, &en, &v);
			if (!strcmp(en, name)) {
				*ret = v;
				return NULL;
			}
		}
	}
	return dp_error_create(DP_ERR_NOT_FOUND, "no enumerator '%s' in BTF",
			       name);
}

struct dp_error *dp_types_find_var(struct dp_types *types, const char *name,
				   struct dp_type *ret, const char **section)
{
	const struct btf *b = types->vmlinux;
	uint32_t n = btf__type_cnt(b);
	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *bt = btf__type_by_id(b, id);
		if (!btf_is_datasec(bt))
			continue;
		const struct btf_var_secinfo *vs = btf_var_secinfos(bt);
		for (uint16_t i = 0; i < btf_vlen(bt); i++) {
			const struct btf_type *vt = btf__type_by_id(b, vs[i].type);
			const char *vn = vt ? btf__name_by_offset(b, vt->name_off)
					    : NULL;
			const char *sn = btf__name_by_offset(b, bt->name_off);
			if (!vt || !btf_is_var(vt) || !vn || strcmp(vn, name))
				continue;
			*ret = dp_type_make(b, vt->type);
			*section = sn ? sn : "";
			return NULL;
		}
	}
	return dp_error_create(DP_ERR_NOT_FOUND, "no BTF variable '%s'", name);
}
