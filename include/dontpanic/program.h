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

/** One level of a page-table walk (see dp_program_vtop_walk()). */
struct dp_vtop_level {
	const char *name;	/**< "PGD", "P4D", "PUD", "PMD" or "PTE" */
	uint64_t table;		/**< physical address of the table */
	uint64_t entry_paddr;	/**< physical address of the entry */
	uint64_t entry;		/**< the entry's value */
};

/** A page-table walk, level by level (for `vtop`). */
struct dp_vtop_walk {
	uint64_t vaddr;
	uint64_t pgd_vaddr;	/**< virtual address of init_top_pgt */
	unsigned int nlevels;	/**< levels read; the last may be not present */
	struct dp_vtop_level levels[5];
	bool mapped;		/**< false: a level was not present */
	uint64_t page_size;	/**< 4 KiB, 2 MiB or 1 GiB when mapped */
	uint64_t page_paddr;	/**< physical address of the page */
	uint64_t paddr;		/**< translation of vaddr when mapped */
};

/**
 * Walk the kernel page tables (init_top_pgt) for vaddr, always, without
 * the linear fast paths. An unmapped address is not an error (mapped is
 * false); an unreadable table is DP_ERR_FAULT naming the level.
 */
struct dp_error *dp_program_vtop_walk(struct dp_program *prog, uint64_t vaddr,
				      struct dp_vtop_walk *ret);

/**
 * Direct-map base (page_offset_base). Derived by translating VMCOREINFO
 * SYMBOL(mem_section), else read from the kernel variable via kallsyms.
 */
struct dp_error *dp_program_page_offset(struct dp_program *prog,
					uint64_t *ret);

/** Direct-map virtual address of a physical address. */
struct dp_error *dp_program_ptov(struct dp_program *prog, uint64_t paddr,
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

/**
 * Why the kallsyms tables overruled a damaged VMCOREINFO SYMBOL() line,
 * or NULL (also before kallsyms are loaded, or when they failed).
 */
const char *dp_program_kallsyms_warning(struct dp_program *prog);

/**
 * Where the kernel's symbols came from: VMCOREINFO's SYMBOL(kallsyms_*),
 * or a scan of the kernel image (a VMCOREINFO without those lines, as
 * before Linux 6.0, or no VMCOREINFO at all). Loads kallsyms if needed;
 * NULL when they cannot be loaded. Static text; it starts with
 * "VMCOREINFO" exactly when the symbols came from the note.
 */
const char *dp_program_kallsyms_source(struct dp_program *prog);

/** Callback for dp_program_for_each_symbol(); DP_ERR_STOP-style errors stop. */
typedef struct dp_error *(*dp_symbol_fn)(const struct dp_symbol *sym,
					 void *arg);

/**
 * Visit vmlinux symbols in address order (name == NULL), or every symbol
 * called name (DP_ERR_NOT_FOUND if there is none). A non-NULL error from
 * fn stops the walk and is returned.
 */
struct dp_error *dp_program_for_each_symbol(struct dp_program *prog,
					    const char *name,
					    dp_symbol_fn fn, void *arg);

/** A loaded module (from the kernel's `modules` list). */
struct dp_symbol_module {
	const char *name;
	uint64_t base;		/**< core memory (text + data) */
	uint64_t size;
	size_t nsyms;		/**< symbols of its kallsyms */
};

/**
 * Number of loaded modules. Module symbols need kallsyms (the `modules`
 * list) and BTF (struct module offsets); the error says which is missing.
 * Exported module symbols have upper-case types, as in /proc/kallsyms.
 */
struct dp_error *dp_program_num_modules(struct dp_program *prog,
					size_t *ret);

/** Module i (0 <= i < dp_program_num_modules()), in address order. */
void dp_program_module(struct dp_program *prog, size_t i,
		       struct dp_symbol_module *ret);

/** Symbol j of module i, in address order. */
void dp_program_module_symbol(struct dp_program *prog, size_t i, size_t j,
			      struct dp_symbol *ret);

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
