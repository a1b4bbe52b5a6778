// SPDX-License-Identifier: MIT
// Type API over a small BTF built with libbpf's writer (no kernel needed).
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <linux/btf.h>

#include <dontpanic/types.h>

#include "test.h"

struct blob {
	void *data;
	uint32_t size;
};

/*
 * struct inner { int a; };
 * typedef struct { int counter; } atomic_t;
 * struct outer {
 *	unsigned long flags;			// 0
 *	union { struct inner in; long x; };	// 8 (anonymous)
 *	unsigned int bf1 : 3, bf2 : 5;		// 16, bits 128 and 131
 *	char comm[16];				// 20
 *	struct outer *next;			// 40
 *	atomic_t cnt;				// 48
 *	const volatile unsigned long *cv;	// 56
 *	long (*fn)(struct inner *, ...);	// 64
 * };						// size 72
 * enum zone_type { ZONE_DMA = 0, ZONE_NORMAL = 2, NR_THINGS = 3 };
 */
static struct blob make_btf(void)
{
	struct btf *b = btf__new_empty();
	CHECK(btf__add_int(b, "long unsigned int", 8, 0) == 1);
	CHECK(btf__add_int(b, "int", 4, BTF_INT_SIGNED) == 2);
	CHECK(btf__add_int(b, "unsigned int", 4, 0) == 3);
	CHECK(btf__add_int(b, "char", 1, BTF_INT_SIGNED) == 4);
	CHECK(btf__add_int(b, "long int", 8, BTF_INT_SIGNED) == 5);
	CHECK(btf__add_struct(b, "inner", 4) == 6);
	btf__add_field(b, "a", 2, 0, 0);
	CHECK(btf__add_struct(b, NULL, 4) == 7);
	btf__add_field(b, "counter", 2, 0, 0);
	CHECK(btf__add_typedef(b, "atomic_t", 7) == 8);
	CHECK(btf__add_union(b, NULL, 8) == 9);
	btf__add_field(b, "in", 6, 0, 0);
	btf__add_field(b, "x", 5, 0, 0);
	CHECK(btf__add_array(b, 2, 4, 16) == 10);
	CHECK(btf__add_ptr(b, 12) == 11);
	CHECK(btf__add_struct(b, "outer", 72) == 12);
	btf__add_field(b, "flags", 1, 0, 0);
	btf__add_field(b, NULL, 9, 64, 0);
	btf__add_field(b, "bf1", 3, 128, 3);
	btf__add_field(b, "bf2", 3, 131, 5);
	btf__add_field(b, "comm", 10, 160, 0);
	btf__add_field(b, "next", 11, 320, 0);
	btf__add_field(b, "cnt", 8, 384, 0);
	btf__add_field(b, "cv", 15, 448, 0);
	btf__add_field(b, "fn", 18, 512, 0);
	CHECK(btf__add_const(b, 1) == 13);
	CHECK(btf__add_volatile(b, 13) == 14);
	CHECK(btf__add_ptr(b, 14) == 15);
	CHECK(btf__add_ptr(b, 6) == 16);
	CHECK(btf__add_func_proto(b, 5) == 17);
	btf__add_func_param(b, "", 16);
	btf__add_func_param(b, "", 0);
	CHECK(btf__add_ptr(b, 17) == 18);
	CHECK(btf__add_enum(b, "zone_type", 4) == 19);
	btf__add_enum_value(b, "ZONE_DMA", 0);
	btf__add_enum_value(b, "ZONE_NORMAL", 2);
	btf__add_enum_value(b, "NR_THINGS", 3);
	CHECK(btf__add_struct(b, "outer", 0) == 20);	/* empty duplicate */
	struct blob r = { NULL, 0 };
	const void *raw = btf__raw_data(b, &r.size);
	r.data = malloc(r.size);
	memcpy(r.data, raw, r.size);
	btf__free(b);
	return r;
}

static struct dp_types *load(void)
{
	struct blob b = make_btf();
	struct dp_types *types = NULL;
	CHECK_OK(dp_types_create(b.data, b.size, "test", &types));
	free(b.data);
	return types;
}

TEST(sizes_and_lookup)
{
	struct dp_types *types = load();
	struct dp_type t;
	uint64_t sz;
	if (!types)
		return;
	CHECK_OK(dp_types_find(types, "outer", &t));
	CHECK(dp_type_kind(t) == DP_TYPE_STRUCT);
	CHECK_OK(dp_type_size(t, &sz));
	CHECK_EQ_U64(sz, 72);	/* not the empty duplicate */
	CHECK_OK(dp_types_find(types, "struct outer *", &t));
	CHECK(dp_type_kind(t) == DP_TYPE_PTR);
	CHECK_OK(dp_type_size(t, &sz));
	CHECK_EQ_U64(sz, 8);
	CHECK_OK(dp_types_find(types, "unsigned long[8192]", &t));
	CHECK_OK(dp_type_size(t, &sz));
	CHECK_EQ_U64(sz, 8 * 8192);
	CHECK_OK(dp_types_find(types, "atomic_t[3][2]", &t));
	CHECK_OK(dp_type_size(t, &sz));
	CHECK_EQ_U64(sz, 24);
	CHECK_EQ_U64(dp_type_array_length(t), 3);
	CHECK_OK(dp_types_find(types, "enum zone_type", &t));
	CHECK(dp_type_num_enumerators(t) == 3);
	int64_t v;
	CHECK_OK(dp_types_enum_value(types, "NR_THINGS", &v));
	CHECK_EQ_U64(v, 3);
	struct dp_error *err = dp_types_find(types, "struct nosuch", &t);
	CHECK(err && err->code == DP_ERR_NOT_FOUND);
	dp_error_destroy(err);
	err = dp_types_find(types, "enum outer", &t);
	CHECK(err && err->code == DP_ERR_NOT_FOUND);
	dp_error_destroy(err);
	dp_types_destroy(types);
}

TEST(members_and_paths)
{
	struct dp_types *types = load();
	struct dp_type t;
	struct dp_member m;
	if (!types)
		return;
	CHECK_OK(dp_types_find(types, "struct outer", &t));
	CHECK_OK(dp_type_find_member(t, "in.a", &m));	/* via anon union */
	CHECK_EQ_U64(m.bit_offset, 64);
	CHECK_OK(dp_type_find_member(t, "x", &m));
	CHECK_EQ_U64(m.bit_offset, 64);
	CHECK_OK(dp_type_find_member(t, "bf2", &m));
	CHECK_EQ_U64(m.bit_offset, 131);
	CHECK_EQ_U64(m.bit_size, 5);
	CHECK_OK(dp_type_find_member(t, "comm[3]", &m));
	CHECK_EQ_U64(m.bit_offset, 160 + 24);
	CHECK(dp_type_is_char(m.type));
	CHECK_OK(dp_type_find_member(t, "cnt.counter", &m));
	CHECK_EQ_U64(m.bit_offset, 384);
	struct dp_error *err = dp_type_find_member(t, "comm[16]", &m);
	CHECK(err && err->code == DP_ERR_INVALID);
	dp_error_destroy(err);
	err = dp_type_find_member(t, "nope", &m);
	CHECK(err && err->code == DP_ERR_NOT_FOUND);
	if (err)
		CHECK_STR(err->message, "struct outer has no member 'nope'");
	dp_error_destroy(err);
	err = dp_type_find_member(t, "flags.x", &m);
	CHECK(err && err->code == DP_ERR_INVALID);
	dp_error_destroy(err);
	dp_types_destroy(types);
}

TEST(declarations_use_gdb_spelling)
{
	struct dp_types *types = load();
	struct dp_type t;
	struct dp_member m;
	if (!types)
		return;
	CHECK_OK(dp_types_find(types, "struct outer", &t));
	static const struct { const char *member, *decl; } cases[] = {
		{ "flags", "unsigned long flags" },
		{ "comm", "char comm[16]" },
		{ "next", "struct outer *next" },
		{ "cnt", "atomic_t cnt" },
		{ "cv", "const volatile unsigned long *cv" },
		{ "fn", "long (*fn)(struct inner *, ...)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_OK(dp_type_find_member(t, cases[i].member, &m));
		char *d = dp_type_declaration(m.type, m.name);
		CHECK_STR(d, cases[i].decl);
		free(d);
	}
	CHECK_OK(dp_types_find(types, "unsigned long[4]", &t));
	char *d = dp_type_declaration(t, "x");
	CHECK_STR(d, "unsigned long x[4]");
	free(d);
	dp_types_destroy(types);
}

TEST(damaged_btf_is_a_clear_error)
{
	struct blob b = make_btf();
	struct dp_types *types = NULL;
	struct dp_error *err;
	uint8_t *p = b.data;
	p[0] ^= 0xff;	/* magic */
	err = dp_types_create(b.data, b.size, "dump", &types);
	CHECK(err && err->code == DP_ERR_BAD_DATA);
	if (err)
		CHECK(strstr(err->message, "bad BTF magic") != NULL);
	dp_error_destroy(err);
	p[0] ^= 0xff;
	/* a type record with an impossible kind */
	uint32_t hdr_len, type_off;
	memcpy(&hdr_len, p + 4, 4);
	memcpy(&type_off, p + 8, 4);
	p[hdr_len + type_off + 7] = 0x1f;	/* info: kind 31 */
	err = dp_types_create(b.data, b.size, "dump", &types);
	CHECK(err && err->code == DP_ERR_BAD_DATA);
	if (err)
		CHECK_STR(err->message,
			  "dump: BTF type 1 at offset 0x18 has unknown kind 31");
	dp_error_destroy(err);
	p[hdr_len + type_off + 7] = BTF_KIND_INT;	/* restore */
	/* libbpf's own checks: the string section must end with a NUL */
	uint32_t str_off, str_len;
	memcpy(&str_off, p + 16, 4);
	memcpy(&str_len, p + 20, 4);
	CHECK_OK(dp_types_create(b.data, b.size, "dump", &types));
	dp_types_destroy(types);
	p[hdr_len + str_off + str_len - 1] = 'x';
	err = dp_types_create(b.data, b.size, "dump", &types);
	CHECK(err && err->code == DP_ERR_BAD_DATA);
	if (err)
		CHECK(strstr(err->message, "dump: BTF is damaged: libbpf rejects it") != NULL);
	dp_error_destroy(err);
	err = dp_types_create(b.data, 10, "dump", &types);
	CHECK(err && err->code == DP_ERR_BAD_DATA);
	dp_error_destroy(err);
	free(b.data);
}

TEST_MAIN(T(sizes_and_lookup), T(members_and_paths),
	  T(declarations_use_gdb_spelling), T(damaged_btf_is_a_clear_error))
