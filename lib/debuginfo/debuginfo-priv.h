/* SPDX-License-Identifier: MIT */
/*
 * The type providers' state on a program (lib/debuginfo/btf.c, globals.c,
 * dwarf.c). It hangs off struct dp_program's `btf` slot
 * (kernel/program-priv.h), which btf.c owns and frees via btf_destroy.
 */
#ifndef DP_DEBUGINFO_PRIV_H
#define DP_DEBUGINFO_PRIV_H

#include <stdbool.h>

#include <dontpanic/types.h>

struct dp_dwarf;

struct dp_debuginfo {
	struct dp_types *types;	/* NULL until loaded, or when BTF failed */
	size_t module_btfs;	/* modules whose split BTF loaded */
	char *module_warning;	/* why some module BTF is missing, or NULL */

	struct dp_dwarf *dwarf;	/* matching vmlinux DWARF, or NULL */
	bool dwarf_tried;
	char *vmlinux_warning;	/* mismatch / load failure, or NULL */
};

/* The state, allocated on first use (NULL only when out of memory). */
struct dp_debuginfo *dp_debuginfo_get(struct dp_program *prog);

/* DWARF of the vmlinux given with the program, or NULL (dwarf.c). */
struct dp_dwarf *dp_program_dwarf(struct dp_program *prog);
void dp_dwarf_destroy(struct dp_dwarf *dw);

/*
 * The vmlinux's call frame information: .debug_frame (owned by the
 * Dwarf handle, *own false), else .eh_frame (*own true: the caller ends
 * it with dwarf_cfi_end()); NULL if it has neither.
 */
struct Dwarf_CFI_s;
struct Dwarf_CFI_s *dp_dwarf_cfi(struct dp_dwarf *dw, bool *own);

/*
 * C spelling of a global variable's type from DWARF ("struct rq",
 * "unsigned long[8192]"), malloc'd; DP_ERR_NOT_FOUND if unknown.
 * link_addr is the variable's address in the vmlinux (without KASLR).
 */
struct dp_error *dp_dwarf_variable_spelling(struct dp_dwarf *dw,
					    const char *name,
					    uint64_t link_addr, char **ret);

/* Source line of a link-time text address. */
struct dp_error *dp_dwarf_source_line(struct dp_dwarf *dw, uint64_t link_addr,
				      const char **file, int *line);

#endif /* DP_DEBUGINFO_PRIV_H */
