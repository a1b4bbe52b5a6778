/* SPDX-License-Identifier: MIT */
/**
 * @file types.h
 * Kernel types without debuginfo: a small API over the dump's BTF.
 *
 * A `struct dp_types` holds the vmlinux BTF (from the dump's
 * __start_BTF..__stop_BTF, FORMATS.md §6.2), the split BTF of loaded
 * modules, and a few types we synthesise (pointers and arrays that the
 * kernel's BTF never needed, e.g. "unsigned long[8192]" for
 * __per_cpu_offset). A `struct dp_type` is a small value handle.
 *
 * Global variables have no BTF (FORMATS.md §6.2): their types come from the
 * per-CPU DATASEC, from a built-in table (lib/debuginfo/globals.c), or
 * from a vmlinux's DWARF when one is given (lib/debuginfo/dwarf.c); see
 * dp_program_variable().
 *
 * Threading: like the program, one thread at a time.
 */
#ifndef DONTPANIC_TYPES_H
#define DONTPANIC_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/error.h>
#include <dontpanic/program.h>

#ifdef __cplusplus
extern "C" {
#endif

struct btf;
struct dp_types;

/** Kind of a type (qualifiers and typedefs are kinds of their own). */
enum dp_type_kind {
	DP_TYPE_VOID,
	DP_TYPE_INT,		/**< integers, char and _Bool */
	DP_TYPE_FLOAT,
	DP_TYPE_PTR,
	DP_TYPE_ARRAY,
	DP_TYPE_STRUCT,
	DP_TYPE_UNION,
	DP_TYPE_ENUM,
	DP_TYPE_FWD,		/**< struct/union declared, not defined */
	DP_TYPE_TYPEDEF,
	DP_TYPE_CONST,
	DP_TYPE_VOLATILE,
	DP_TYPE_RESTRICT,	/**< also TYPE_TAG: both are transparent */
	DP_TYPE_FUNC,		/**< a function prototype */
	DP_TYPE_OTHER,		/**< VAR, DATASEC, DECL_TAG... */
};

/** A type: which BTF (vmlinux, a module, synthetic) and the id in it. */
struct dp_type {
	const struct btf *btf;	/**< NULL only for void */
	uint32_t id;		/**< 0 = void */
};

/** A struct/union member. Strings are owned by the types object. */
struct dp_member {
	const char *name;	/**< "" for anonymous struct/union members */
	struct dp_type type;
	uint64_t bit_offset;	/**< from the start of the outermost type */
	uint32_t bit_size;	/**< bitfield width, 0 if not a bitfield */
};

/**
 * Parse a vmlinux BTF blob (copied). Errors name what is wrong with it,
 * prefixed by origin ("<origin>: ..."). size is checked (< 256 MiB).
 */
struct dp_error *dp_types_create(const void *data, size_t size,
				 const char *origin, struct dp_types **ret);

/** Add a module's split BTF on top of the vmlinux BTF (data copied). */
struct dp_error *dp_types_add_module(struct dp_types *types,
				     const char *module, const void *data,
				     size_t size);

/** Free a types object. Accepts NULL. */
void dp_types_destroy(struct dp_types *types);

/** Number of BTF type records (vmlinux, then all modules). */
size_t dp_types_count(const struct dp_types *types, size_t *nmodules);

/**
 * Look a type up by C spelling: "task_struct" (a typedef or base type of
 * that name, else a struct, union or enum), "struct list_head",
 * "union thread_union", "enum zone_type", "unsigned long", "atomic_t",
 * optionally "const"/"volatile" first, with any number of trailing '*'
 * and "[N]" / "[]" dimensions ("struct printk_ringbuffer *",
 * "unsigned long[8192]", "const char[204]").
 * vmlinux first, then modules. DP_ERR_NOT_FOUND when absent.
 */
struct dp_error *dp_types_find(struct dp_types *types, const char *spelling,
			       struct dp_type *ret);

/** Make "pointer to t" / "array of n t" (synthesised if BTF has none). */
struct dp_error *dp_types_pointer_to(struct dp_types *types, struct dp_type t,
				     struct dp_type *ret);
struct dp_error *dp_types_array_of(struct dp_types *types, struct dp_type t,
				   uint32_t n, struct dp_type *ret);

/** Make "const t" / "volatile t" (qualifier: DP_TYPE_CONST/VOLATILE). */
struct dp_error *dp_types_qualified(struct dp_types *types, struct dp_type t,
				    enum dp_type_kind qualifier,
				    struct dp_type *ret);

/** Value of a named enumerator in any enum ("NR_VM_ZONE_STAT_ITEMS"). */
struct dp_error *dp_types_enum_value(struct dp_types *types, const char *name,
				     int64_t *ret);

/**
 * Find a BTF VAR in a DATASEC (6.1 BTF has these only for per-CPU
 * variables, in ".data..percpu"). Sets *section to the DATASEC name.
 */
struct dp_error *dp_types_find_var(struct dp_types *types, const char *name,
				   struct dp_type *ret, const char **section);

enum dp_type_kind dp_type_kind(struct dp_type t);

/** The type's own name (tag, typedef or base name), "" if anonymous. */
const char *dp_type_name(struct dp_type t);

/** Strip typedefs and qualifiers. */
struct dp_type dp_type_resolve(struct dp_type t);

/** Strip qualifiers only (const/volatile/restrict/type tags). */
struct dp_type dp_type_unqualified(struct dp_type t);

/** Size in bytes (pointers 8, arrays n * element). */
struct dp_error *dp_type_size(struct dp_type t, uint64_t *ret);

/** Target of a pointer, typedef or qualifier; element type of an array. */
struct dp_type dp_type_target(struct dp_type t);

/** Element count of an array (0 for flexible arrays). */
uint32_t dp_type_array_length(struct dp_type t);

/** Integer properties (after resolve): signedness, char, bool. */
bool dp_type_is_signed(struct dp_type t);
bool dp_type_is_char(struct dp_type t);
bool dp_type_is_bool(struct dp_type t);

/** Members of a struct/union (after resolve); 0 for other kinds. */
size_t dp_type_num_members(struct dp_type t);

/** The i-th direct member (bit_offset relative to this type). */
bool dp_type_member(struct dp_type t, size_t i, struct dp_member *ret);

/**
 * Find a member by path: "comm", "thread.sp", "pid_links[1].next";
 * anonymous struct/union members are searched through. bit_offset is
 * from the start of t. Array indexes are bounds-checked unless flexible.
 */
struct dp_error *dp_type_find_member(struct dp_type t, const char *path,
				     struct dp_member *ret);

/** Enumerators of an enum (after resolve). */
size_t dp_type_num_enumerators(struct dp_type t);
bool dp_type_enumerator(struct dp_type t, size_t i, const char **name,
			int64_t *value);

/** Parameters of a FUNC prototype; type of param i (id 0 means "..."). */
size_t dp_type_num_params(struct dp_type t);
struct dp_type dp_type_param(struct dp_type t, size_t i);

/**
 * C declaration of t with the given declarator name (may be "" or NULL):
 * "struct list_head *next", "char comm[16]", "unsigned long
 * (*get_unmapped_area)(struct file *, unsigned long)". Base types use
 * gdb's spelling ("unsigned long", not "long unsigned int"). Returns a
 * malloc'd string, NULL on allocation failure.
 */
char *dp_type_declaration(struct dp_type t, const char *declname);

/* ---- On a program (lib/debuginfo/btf.c, globals.c, dwarf.c) ---- */

/** The program's types (BTF loaded lazily from the dump's memory). */
struct dp_error *dp_program_types(struct dp_program *prog,
				  struct dp_types **ret);

/**
 * Why some module BTF could not be loaded (NULL if all loaded); *loaded
 * gets the number of modules whose BTF is available. Call after
 * dp_program_types().
 */
const char *dp_program_module_btf_warning(struct dp_program *prog,
					  size_t *loaded);

/** A kernel variable: address and type. */
struct dp_variable {
	const char *name;
	uint64_t address;	/**< for per-CPU: the per-CPU offset symbol */
	struct dp_type type;
	bool percpu;		/**< address + __per_cpu_offset[cpu] */
	const char *type_source;/**< "btf", "dwarf" or "table" */
};

/**
 * Look up a global variable's address (kallsyms) and type: BTF per-CPU
 * VARs, then DWARF (when a matching vmlinux is given), then the built-in
 * table. DP_ERR_NOT_FOUND when the symbol is unknown; a symbol with an
 * unknown type gets an error saying so (give a vmlinux with -k).
 */
struct dp_error *dp_program_variable(struct dp_program *prog,
				     const char *name,
				     struct dp_variable *ret);

/** Per-CPU base offsets: the address of var for cpu. */
struct dp_error *dp_program_percpu_address(struct dp_program *prog,
					   uint64_t offset, unsigned int cpu,
					   uint64_t *ret);

/**
 * Source file and line of a text address, from the vmlinux DWARF.
 * DP_ERR_NOT_FOUND without a (matching) vmlinux or line info.
 * *file is owned by the program.
 */
struct dp_error *dp_program_source_line(struct dp_program *prog,
					uint64_t addr, const char **file,
					int *line);

/**
 * State of the optional vmlinux: NULL when none was given or it matches;
 * otherwise the warning explaining the mismatch or load failure (owned
 * by the program). Analysis continues without it either way.
 */
const char *dp_program_vmlinux_warning(struct dp_program *prog);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_TYPES_H */
