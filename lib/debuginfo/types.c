// SPDX-License-Identifier: MIT
// Type API over BTF (vmlinux + module split BTF): see dontpanic/types.h.
// BTF layout facts: FORMATS.md §6.2; parsing is libbpf's (btf__new
// validates every record), lookups and member walks are ours.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "core/reader.h"
#include "debuginfo/types-priv.h"

/* ---- handles ---- */

struct dp_type dp_type_make(const struct btf *btf, uint32_t id)
{
	struct dp_type t = { btf, id };
	if (id == 0)
		return (struct dp_type){ NULL, 0 };
	// Ids below a split BTF's own range belong to its base.
	for (const struct btf *b = btf__base_btf(btf); b;
	     b = btf__base_btf(b)) {
		if (id >= btf__type_cnt(b))
			break;
		t.btf = b;
	}
	return t;
}

const struct btf_type *dp_type_btf(struct dp_type t)
{
	if (!t.btf || t.id == 0 || t.id >= btf__type_cnt(t.btf))
		return NULL;
	return btf__type_by_id(t.btf, t.id);
}

enum dp_type_kind dp_type_kind(struct dp_type t)
{
	const struct btf_type *bt = dp_type_btf(t);
	if (!bt)
		return DP_TYPE_VOID;
	switch (btf_kind(bt)) {
	case BTF_KIND_INT: return DP_TYPE_INT;
	case BTF_KIND_FLOAT: return DP_TYPE_FLOAT;
	case BTF_KIND_PTR: return DP_TYPE_PTR;
	case BTF_KIND_ARRAY: return DP_TYPE_ARRAY;
	case BTF_KIND_STRUCT: return DP_TYPE_STRUCT;
	case BTF_KIND_UNION: return DP_TYPE_UNION;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: return DP_TYPE_ENUM;
	case BTF_KIND_FWD: return DP_TYPE_FWD;
	case BTF_KIND_TYPEDEF: return DP_TYPE_TYPEDEF;
	case BTF_KIND_CONST: return DP_TYPE_CONST;
	case BTF_KIND_VOLATILE: return DP_TYPE_VOLATILE;
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG: return DP_TYPE_RESTRICT;
	case BTF_KIND_FUNC_PROTO: return DP_TYPE_FUNC;
	default: return DP_TYPE_OTHER;
	}
}

const char *dp_type_name(struct dp_type t)
{
	const struct btf_type *bt = dp_type_btf(t);
	if (!bt)
		return "void";
	const char *s = btf__name_by_offset(t.btf, bt->name_off);
	return s ? s : "";
}

struct dp_type dp_type_target(struct dp_type t)
{
	const struct btf_type *bt = dp_type_btf(t);
	if (!bt)
		return (struct dp_type){ NULL, 0 };
	switch (btf_kind(bt)) {
	case BTF_KIND_ARRAY:
		return dp_type_make(t.btf, btf_array(bt)->type);
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_FUNC_PROTO:	/* return type */
	case BTF_KIND_VAR:
		return dp_type_make(t.btf, bt->type);
	default:
		return (struct dp_type){ NULL, 0 };
	}
}

static bool is_qualifier(enum dp_type_kind k)
{
	return k == DP_TYPE_CONST || k == DP_TYPE_VOLATILE ||
	       k == DP_TYPE_RESTRICT;
}

struct dp_type dp_type_unqualified(struct dp_type t)
{
	for (int i = 0; i < DP_TYPE_MAX_DEPTH && is_qualifier(dp_type_kind(t));
	     i++)
		t = dp_type_target(t);
	return t;
}

struct dp_type dp_type_resolve(struct dp_type t)
{
	for (int i = 0; i < DP_TYPE_MAX_DEPTH; i++) {
		enum dp_type_kind k = dp_type_kind(t);
		if (k != DP_TYPE_TYPEDEF && !is_qualifier(k))
			break;
		t = dp_type_target(t);
	}
	return t;
}

struct dp_error *dp_type_size(struct dp_type t, uint64_t *ret)
{
	if (!dp_type_btf(t))
		return dp_error_create(DP_ERR_INVALID, "void has no size");
	long long sz = btf__resolve_size(t.btf, t.id);
	if (sz < 0)
		return dp_error_create(DP_ERR_INVALID,
				       "type '%s' (BTF id %u) has no size",
				       dp_type_name(t), t.id);
	*ret = (uint64_t)sz;
	return NULL;
}

uint32_t dp_type_array_length(struct dp_type t)
{
	const struct btf_type *bt = dp_type_btf(dp_type_resolve(t));
	return bt && btf_is_array(bt) ? btf_array(bt)->nelems : 0;
}

static const struct btf_type *resolved_int(struct dp_type t)
{
	const struct btf_type *bt = dp_type_btf(dp_type_resolve(t));
	return bt && btf_is_int(bt) ? bt : NULL;
}

bool dp_type_is_signed(struct dp_type t)
{
	const struct btf_type *bt = dp_type_btf(dp_type_resolve(t));
	if (bt && btf_is_any_enum(bt))
		return btf_kflag(bt) || btf_is_enum(bt);
	return bt && btf_is_int(bt) && (btf_int_encoding(bt) & BTF_INT_SIGNED);
}

bool dp_type_is_char(struct dp_type t)
{
	const struct btf_type *bt = resolved_int(t);
	if (!bt || bt->size != 1)
		return false;
	if (btf_int_encoding(bt) & BTF_INT_CHAR)
		return true;
	// pahole does not always set BTF_INT_CHAR; go by the base name.
	const char *n = dp_type_name(dp_type_resolve(t));
	return !strcmp(n, "char") || !strcmp(n, "unsigned char") ||
	       !strcmp(n, "signed char");
}

bool dp_type_is_bool(struct dp_type t)
{
	const struct btf_type *bt = resolved_int(t);
	return bt && (btf_int_encoding(bt) & BTF_INT_BOOL);
}

/* ---- members, enumerators, parameters ---- */

static const struct btf_type *composite(struct dp_type *t)
{
	*t = dp_type_resolve(*t);
	const struct btf_type *bt = dp_type_btf(*t);
	return bt && btf_is_composite(bt) ? bt : NULL;
}

size_t dp_type_num_members(struct dp_type t)
{
	const struct btf_type *bt = composite(&t);
	return bt ? btf_vlen(bt) : 0;
}

bool dp_type_member(struct dp_type t, size_t i, struct dp_member *ret)
{
	const struct btf_type *bt = composite(&t);
	if (!bt || i >= btf_vlen(bt))
		return false;
	const struct btf_member *m = btf_members(bt) + i;
	const char *name = btf__name_by_offset(t.btf, m->name_off);
	ret->name = name ? name : "";
	ret->type = dp_type_make(t.btf, m->type);
	ret->bit_offset = btf_member_bit_offset(bt, (uint32_t)i);
	ret->bit_size = btf_member_bitfield_size(bt, (uint32_t)i);
	return true;
}

// Bound on the members find_one() examines for one lookup: anonymous
// members may share types, so a crafted BTF can make the nested search
// exponential even within the depth bound (found by tests/fuzz/fuzz-btf.c).
// A real task_struct lookup examines a few hundred.
#define FIND_MEMBER_BUDGET (1u << 16)

// Find a direct or anonymous-nested member named name[len].
static bool find_one(struct dp_type t, const char *name, size_t len,
		     int depth, unsigned int *visits, struct dp_member *ret)
{
	size_t n = dp_type_num_members(t);
	// n <= 0xffff (BTF vlen), so the sum cannot overflow.
	if (depth > DP_TYPE_MAX_DEPTH || *visits + 2 * n > FIND_MEMBER_BUDGET)
		return false;
	*visits += 2 * (unsigned int)n;
	for (size_t i = 0; i < n; i++) {
		struct dp_member m;
		dp_type_member(t, i, &m);
		if (strlen(m.name) == len && !strncmp(m.name, name, len)) {
			*ret = m;
			return true;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct dp_member m;
		dp_type_member(t, i, &m);
		if (m.name[0] ||
		    !find_one(m.type, name, len, depth + 1, visits, ret))
			continue;
		ret->bit_offset += m.bit_offset;
		return true;
	}
	return false;
}

// Apply "[N]" subscripts at *pp to member m.
static struct dp_error *apply_index(const char **pp, struct dp_member *m)
{
	const char *p = *pp;
	while (*p == '[') {
		char *end;
		errno = 0;
		unsigned long long idx = strtoull(p + 1, &end, 0);
		if (end == p + 1 || *end != ']' || errno)
			return dp_error_create(DP_ERR_INVALID,
					       "bad array index in '%s'", p);
		struct dp_type at = dp_type_resolve(m->type);
		if (dp_type_kind(at) != DP_TYPE_ARRAY)
			return dp_error_create(DP_ERR_INVALID,
					       "'%s' is not an array",
					       m->name);
		uint32_t n = dp_type_array_length(at);
		if (n && idx >= n)
			return dp_error_create(DP_ERR_INVALID,
					       "index %llu out of bounds for '%s' (%u elements)",
					       idx, m->name, n);
		uint64_t esz, off;
		struct dp_type et = dp_type_target(at);
		struct dp_error *err = dp_type_size(et, &esz);
		if (err)
			return err;
		if (dp_mul_overflow(esz * 8, idx, &off) ||
		    dp_add_overflow(m->bit_offset, off, &m->bit_offset))
			return dp_error_create(DP_ERR_INVALID,
					       "index %llu too large", idx);
		m->type = et;
		p = end + 1;
	}
	*pp = p;
	return NULL;
}

struct dp_error *dp_type_find_member(struct dp_type t, const char *path,
				     struct dp_member *ret)
{
	struct dp_member cur = { .name = "", .type = t };
	const char *p = path;
	for (int depth = 0; *p; depth++) {
		size_t len = strcspn(p, ".[");
		struct dp_member m;
		if (depth > DP_TYPE_MAX_DEPTH || len == 0)
			return dp_error_create(DP_ERR_INVALID,
					       "bad member path '%s'", path);
		if (!dp_type_num_members(cur.type)) {
			char *d = dp_type_declaration(cur.type, cur.name);
			struct dp_error *err = dp_error_create(DP_ERR_INVALID,
				"cannot look up '%.*s' in %s: not a struct or union",
				(int)len, p, d ? d : "?");
			free(d);
			return err;
		}
		unsigned int visits = 0;
		if (!find_one(cur.type, p, len, 0, &visits, &m))
			return dp_error_create(DP_ERR_NOT_FOUND,
					       "%s %s has no member '%.*s'",
					       dp_type_kind(dp_type_resolve(cur.type)) ==
					       DP_TYPE_UNION ? "union" : "struct",
					       dp_type_name(dp_type_resolve(cur.type)),
					       (int)len, p);
		m.bit_offset += cur.bit_offset;
		cur = m;
		p += len;
		struct dp_error *err = apply_index(&p, &cur);
		if (err)
			return dp_error_prefix(err, "%s", path);
		if (*p == '.')
			p++;
		else if (*p)
			return dp_error_create(DP_ERR_INVALID,
					       "bad member path '%s'", path);
	}
	*ret = cur;
	return NULL;
}

size_t dp_type_num_enumerators(struct dp_type t)
{
	const struct btf_type *bt = dp_type_btf(dp_type_resolve(t));
	return bt && btf_is_any_enum(bt) ? btf_vlen(bt) : 0;
}

bool dp_type_enumerator(struct dp_type t, size_t i, const char **name,
			int64_t *value)
{
	t = dp_type_resolve(t);
	const struct btf_type *bt = dp_type_btf(t);
	if (!bt || !btf_is_any_enum(bt) || i >= btf_vlen(bt))
		return false;
	uint32_t name_off;
	if (btf_is_enum(bt)) {
		const struct btf_enum *e = btf_enum(bt) + i;
		name_off = e->name_off;
		// Unsigned 32-bit enums (kflag clear since 6.0) are zero-extended.
		*value = btf_kflag(bt) ? (int64_t)e->val :
					 (int64_t)(uint32_t)e->val;
	} else {
		const struct btf_enum64 *e = btf_enum64(bt) + i;
		name_off = e->name_off;
		*value = (int64_t)btf_enum64_value(e);
	}
	const char *s = btf__name_by_offset(t.btf, name_off);
	*name = s ? s : "";
	return true;
}

size_t dp_type_num_params(struct dp_type t)
{
	const struct btf_type *bt = dp_type_btf(dp_type_resolve(t));
	return bt && btf_is_func_proto(bt) ? btf_vlen(bt) : 0;
}

struct dp_type dp_type_param(struct dp_type t, size_t i)
{
	t = dp_type_resolve(t);
	const struct btf_type *bt = dp_type_btf(t);
	if (!bt || !btf_is_func_proto(bt) || i >= btf_vlen(bt))
		return (struct dp_type){ NULL, 0 };
	return dp_type_make(t.btf, btf_params(bt)[i].type);
}
