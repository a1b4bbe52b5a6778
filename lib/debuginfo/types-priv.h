/* SPDX-License-Identifier: MIT */
/* Internals of struct dp_types (lib/debuginfo/types.c, typename.c). */
#ifndef DP_DEBUGINFO_TYPES_PRIV_H
#define DP_DEBUGINFO_TYPES_PRIV_H

#include <bpf/btf.h>

#include <dontpanic/types.h>

/* Largest BTF blob we accept; 6.1 vmlinux BTF is ~4 MiB (FORMATS.md §6.2). */
#define DP_BTF_MAX_SIZE (64u << 20)

/* Nesting limit for anonymous members, typedef chains, declarators. */
#define DP_TYPE_MAX_DEPTH 64

struct dp_types_module {
	char *name;
	struct btf *btf;
};

/* Open-addressing index: name -> first useful type id (vmlinux only). */
struct dp_name_index {
	uint32_t *slots;	/* type ids; 0 = empty */
	size_t cap;		/* power of two */
};

struct dp_types {
	struct btf *vmlinux;
	struct btf *synth;	/* split on vmlinux: synthesised ptr/array */
	struct dp_types_module *mods;
	size_t nmods;
	struct dp_name_index tags;	/* struct, union, enum */
	struct dp_name_index names;	/* typedef, int, float */
};

/* A handle for (btf, id), moved to the base BTF when id belongs there. */
struct dp_type dp_type_make(const struct btf *btf, uint32_t id);

/* The btf_type record of a handle, or NULL for void/invalid. */
const struct btf_type *dp_type_btf(struct dp_type t);

/* gdb's spelling of a BTF base type name ("long unsigned int"). */
const char *dp_gdb_int_name(const char *btf_name);

/* BTF's spelling of a C base type name ("unsigned long"), or NULL. */
const char *dp_btf_int_name(const char *c_name);

#endif /* DP_DEBUGINFO_TYPES_PRIV_H */
