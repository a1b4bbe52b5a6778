// SPDX-License-Identifier: MIT
// Fuzz BTF loading (libbpf's parser behind dp_types_create) and our type
// API on top of it: lookups by C spelling, sizes, members with dotted
// paths, enumerators. Garbage BTF must give an error, never a crash or an
// endless walk through a cyclic type graph.
#include <stdint.h>
#include <stdlib.h>

#include <dontpanic/types.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk_type(struct dp_type t)
{
	uint64_t sz;
	dp_error_destroy(dp_type_size(t, &sz));
	struct dp_type r = dp_type_resolve(t);
	size_t n = dp_type_num_members(r);
	for (size_t i = 0; i < n && i < 32; i++) {
		struct dp_member m;
		if (dp_type_member(r, i, &m))
			dp_error_destroy(dp_type_size(m.type, &sz));
	}
	for (size_t i = 0; i < dp_type_num_enumerators(r) && i < 32; i++) {
		const char *name;
		int64_t v;
		(void)dp_type_enumerator(r, i, &name, &v);
	}
	char *decl = dp_type_declaration(t, "x");
	free(decl);
	(void)dp_type_target(t);
	(void)dp_type_array_length(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_types *types;
	struct dp_error *err = dp_types_create(data, size, "fuzz", &types);
	if (err) {
		dp_error_destroy(err);
		return 0;
	}
	static const char *const names[] = {
		"task_struct", "struct list_head", "unsigned long[8]",
		"const char *", "int", "union thread_union", "enum zone_type",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct dp_type t;
		err = dp_types_find(types, names[i], &t);
		if (!err) {
			walk_type(t);
			struct dp_member m;
			dp_error_destroy(dp_type_find_member(t, "a.b", &m));
		}
		dp_error_destroy(err);
	}
	int64_t v;
	dp_error_destroy(dp_types_enum_value(types, "NR_CPUS", &v));
	dp_types_destroy(types);
	return 0;
}
