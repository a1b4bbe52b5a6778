/* SPDX-License-Identifier: MIT */
/**
 * @file program.h
 * The kernel seen through a dump: virtual memory, symbols and types.
 *
 * A `struct dp_program` sits on an opened `struct dp_dump` and adds
 * address translation (lib/xlat), symbols (kallsyms from the dump, module
 * symbols, optional vmlinux) and types (BTF from the dump, optional DWARF).
 * Everything here works without debuginfo; a vmlinux is an extra.
 *
 * Implementation is split by layer: lib/kernel/program.c (lifecycle and
 * memory), lib/xlat (vtop), lib/debuginfo/kallsyms.c (symbols),
 * lib/debuginfo/btf.c (types). Each getter that needs a provider which
 * could not be loaded returns that provider's load error, prefixed, so
 * "sym" fails clearly on broken kallsyms while "log" still works.
 *
 * Threading: one dp_program is used by one thread at a time.
 */
#ifndef DONTPANIC_PROGRAM_H
#define DONTPANIC_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/dump.h>
#include <dontpanic/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dp_program;

/** Options for dp_program_create(). Zero-initialise, then set fields. */
struct dp_program_opts {
	const char *vmlinux;	/**< optional vmlinux with DWARF, or NULL */
	bool no_btf;		/**< do not load BTF from the dump */
	bool no_kallsyms;	/**< do not decode kallsyms from the dump */
};

/**
 * Create a program on a dump. The dump is borrowed and must outlive it.
 * Providers (kallsyms, BTF, vmlinux) load lazily; a provider that fails to
 * load is remembered and reported by the calls that need it.
 */
struct dp_error *dp_program_create(struct dp_dump *dump,
				   const struct dp_program_opts *opts,
				   struct dp_program **ret);

/** Destroy a program (not its dump). Accepts NULL. */
void dp_program_destroy(struct dp_program *prog);

/** The dump underneath. */
struct dp_dump *dp_program_dump(struct dp_program *prog);

/* ---- Memory (lib/kernel/program.c + lib/xlat) ---- */

/** KASLR offset of the kernel text (VMCOREINFO KERNELOFFSET or derived). */
uint64_t dp_program_kaslr_offset(struct dp_program *prog);

/** Translate a kernel virtual address to a physical one. */
struct dp_error *dp_program_vtop(struct dp_program *prog, uint64_t vaddr,
				 uint64_t *ret);

/** Read len bytes of kernel virtual memory (may cross pages). */
struct dp_error *dp_program_read(struct dp_program *prog, uint64_t vaddr,
				 void *buf, size_t len);

/** Read a 64-bit little-endian value at a kernel virtual address. */
struct dp_error *dp_program_read_u64(struct dp_program *prog, uint64_t vaddr,
				     uint64_t *ret);

/** Read a NUL-terminated string of at most max bytes (incl. NUL). */
struct dp_error *dp_program_read_string(struct dp_program *prog,
					uint64_t vaddr, char *buf, size_t max);

/* ---- Symbols (lib/debuginfo/kallsyms.c, modules) ---- */

/** A symbol. Strings are owned by the program. */
struct dp_symbol {
	const char *name;
	uint64_t address;
	uint64_t size;		/**< 0 if unknown */
	char type;		/**< nm-style type letter ('T', 't', 'D'...) */
	const char *module;	/**< NULL for vmlinux */
};

/** Address of a symbol by name (vmlinux first, then modules). */
struct dp_error *dp_program_symbol_address(struct dp_program *prog,
					   const char *name, uint64_t *ret);

/**
 * The symbol containing (or preceding) addr, and addr's offset into it.
 * DP_ERR_NOT_FOUND when addr is not in kernel or module text/data.
 */
struct dp_error *dp_program_symbolize(struct dp_program *prog, uint64_t addr,
				      struct dp_symbol *ret,
				      uint64_t *offset_ret);

/* ---- Types (lib/debuginfo/btf.c; DWARF when a vmlinux is given) ---- */

/** Size in bytes of a struct/union/typedef by name ("task_struct"). */
struct dp_error *dp_program_type_size(struct dp_program *prog,
				      const char *type, uint64_t *ret);

/**
 * Byte offset of a member in a struct/union, following anonymous members
 * and dotted paths ("thread.sp", "se.sum_exec_runtime").
 */
struct dp_error *dp_program_member_offset(struct dp_program *prog,
					  const char *type,
					  const char *member, uint64_t *ret);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_PROGRAM_H */
