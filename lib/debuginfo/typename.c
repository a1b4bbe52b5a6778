// SPDX-License-Identifier: MIT
// C declarations of BTF types, spelled the way gdb (and so crash) does.
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/types-priv.h"

// BTF carries the compiler's DWARF base type names; gdb prints shorter ones.
static const struct { const char *btf, *gdb; } int_names[] = {
	{ "long unsigned int", "unsigned long" },
	{ "long int", "long" },
	{ "long long unsigned int", "unsigned long long" },
	{ "long long int", "long long" },
	{ "short unsigned int", "unsigned short" },
	{ "short int", "short" },
};

const char *dp_gdb_int_name(const char *btf_name)
{
	for (size_t i = 0; i < sizeof(int_names) / sizeof(int_names[0]); i++)
		if (!strcmp(int_names[i].btf, btf_name))
			return int_names[i].gdb;
	return btf_name;
}

const char *dp_btf_int_name(const char *c_name)
{
	static const struct { const char *c, *btf; } extra[] = {
		{ "unsigned", "unsigned int" },
		{ "signed", "int" },
		{ "signed int", "int" },
		{ "long unsigned", "long unsigned int" },
		{ "unsigned long int", "long unsigned int" },
		{ "bool", "_Bool" },
	};
	for (size_t i = 0; i < sizeof(int_names) / sizeof(int_names[0]); i++)
		if (!strcmp(int_names[i].gdb, c_name))
			return int_names[i].btf;
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (!strcmp(extra[i].c, c_name))
			return extra[i].btf;
	return NULL;
}

// asprintf that returns NULL on failure and frees `old` (may be NULL).
static char *fmt(char *old, const char *f, ...)
	__attribute__((format(printf, 2, 3)));
static char *fmt(char *old, const char *f, ...)
{
	char *s;
	va_list ap;
	va_start(ap, f);
	int n = vasprintf(&s, f, ap);
	va_end(ap);
	free(old);
	return n < 0 ? NULL : s;
}

static char *base_name(struct dp_type t)
{
	const char *name = dp_type_name(t);
	switch (dp_type_kind(t)) {
	case DP_TYPE_STRUCT:
		return fmt(NULL, "struct %s", name[0] ? name : "{...}");
	case DP_TYPE_UNION:
		return fmt(NULL, "union %s", name[0] ? name : "{...}");
	case DP_TYPE_ENUM:
		return fmt(NULL, "enum %s", name[0] ? name : "{...}");
	case DP_TYPE_FWD: {
		const struct btf_type *bt = dp_type_btf(t);
		return fmt(NULL, "%s %s", btf_kflag(bt) ? "union" : "struct",
			   name);
	}
	case DP_TYPE_INT:
		return fmt(NULL, "%s", dp_gdb_int_name(name));
	case DP_TYPE_VOID:
		return fmt(NULL, "void");
	default:
		return fmt(NULL, "%s", name);
	}
}

static char *params(struct dp_type t, int depth);

// Wrap declarator `inner` (owned) around type t, C style.
static char *declare(struct dp_type t, char *inner, int depth)
{
	if (!inner || depth > DP_TYPE_MAX_DEPTH) {
		free(inner);
		return NULL;
	}
	enum dp_type_kind k = dp_type_kind(t);
	struct dp_type target = dp_type_target(t);
	switch (k) {
	case DP_TYPE_PTR: {
		enum dp_type_kind tk = dp_type_kind(dp_type_unqualified(target));
		if (tk == DP_TYPE_ARRAY || tk == DP_TYPE_FUNC)
			return declare(target, fmt(inner, "(*%s)", inner),
				       depth + 1);
		return declare(target, fmt(inner, "*%s", inner), depth + 1);
	}
	case DP_TYPE_ARRAY: {
		uint32_t n = dp_type_array_length(t);
		char *s = n ? fmt(NULL, "%s[%u]", inner, n) :
			      fmt(NULL, "%s[]", inner);
		free(inner);
		return declare(target, s, depth + 1);
	}
	case DP_TYPE_FUNC: {
		char *p = params(t, depth);
		char *s = p ? fmt(NULL, "%s(%s)", inner, p) : NULL;
		free(p);
		free(inner);
		return declare(target, s, depth + 1);
	}
	case DP_TYPE_CONST:
	case DP_TYPE_VOLATILE: {
		// Gather a run of qualifiers; gdb prints "const volatile".
		bool c = false, v = false;
		for (int i = 0; i < DP_TYPE_MAX_DEPTH; i++) {
			k = dp_type_kind(t);
			if (k == DP_TYPE_CONST)
				c = true;
			else if (k == DP_TYPE_VOLATILE)
				v = true;
			else if (k != DP_TYPE_RESTRICT)
				break;
			t = dp_type_target(t);
		}
		const char *q = c && v ? "const volatile" : c ? "const" :
				"volatile";
		if (dp_type_kind(t) == DP_TYPE_PTR)
			return declare(t, fmt(inner, inner[0] ? "%s %s" :
					      "%s%s", q, inner), depth + 1);
		char *s = declare(t, inner, depth + 1);
		return s ? fmt(s, "%s %s", q, s) : NULL;
	}
	case DP_TYPE_RESTRICT:	/* and type tags (__rcu, __user) */
		return declare(target, inner, depth + 1);
	default: {
		char *b = base_name(t);
		char *s = b ? fmt(NULL, inner[0] ? "%s %s" : "%s%s", b, inner)
			    : NULL;
		free(b);
		free(inner);
		return s;
	}
	}
}

static char *params(struct dp_type t, int depth)
{
	size_t n = dp_type_num_params(t);
	char *s = fmt(NULL, "%s", n ? "" : "void");
	for (size_t i = 0; s && i < n; i++) {
		struct dp_type p = dp_type_param(t, i);
		char *d = p.id ? declare(p, fmt(NULL, "%s", ""), depth + 1) :
				 fmt(NULL, "...");
		if (!d) {
			free(s);
			return NULL;
		}
		s = fmt(s, "%s%s%s", s, i ? ", " : "", d);
		free(d);
	}
	return s;
}

char *dp_type_declaration(struct dp_type t, const char *declname)
{
	return declare(t, fmt(NULL, "%s", declname ? declname : ""), 0);
}
