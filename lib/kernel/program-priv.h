/* SPDX-License-Identifier: MIT */
/*
 * The inside of struct dp_program, shared by the files that implement
 * include/dontpanic/program.h: lib/kernel/program.c (lifecycle, memory),
 * lib/debuginfo/kallsyms.c (symbols), lib/debuginfo/btf.c (types).
 *
 * Providers load lazily. Each has a "tried" flag and a remembered load
 * error, so a broken provider is reported by every call that needs it and
 * never retried, while other providers keep working.
 */
#ifndef DP_PROGRAM_PRIV_H
#define DP_PROGRAM_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <dontpanic/program.h>

#include "xlat/xlat.h"

struct dp_kallsyms;
struct dp_modsyms;

struct dp_program {
	struct dp_dump *dump;
	char *vmlinux;			/* opts.vmlinux copy, or NULL */
	bool no_btf;
	bool no_kallsyms;

	/* Address translation; xlat_err set when it cannot be set up. */
	struct dp_xlat xlat;
	struct dp_error *xlat_err;
	uint64_t kaslr_offset;
	uint64_t init_top_pgt;		/* virtual address (for `vtop`) */
	bool page_offset_tried;		/* direct-map base looked up */

	/* kallsyms provider (lib/debuginfo/kallsyms.c). */
	struct dp_kallsyms *kallsyms;
	struct dp_error *kallsyms_err;
	bool kallsyms_tried;
	const char *kallsyms_source;	/* static text, set with kallsyms */

	/* Module symbols (lib/debuginfo/modsyms.c; needs kallsyms + BTF). */
	struct dp_modsyms *modsyms;
	struct dp_error *modsyms_err;
	bool modsyms_tried;

	/*
	 * BTF provider (lib/debuginfo/btf.c). btf.c owns btf and sets
	 * btf_destroy so that dp_program_destroy() can free it without
	 * program.c depending on btf.c.
	 */
	void *btf;
	struct dp_error *btf_err;
	bool btf_tried;
	void (*btf_destroy)(void *btf);

	/* vmlinux BTF found by scanning the image (lib/kernel/findkernel.c). */
	bool btf_scan_tried;
	uint64_t btf_scan_vaddr, btf_scan_size;
};

/*
 * No VMCOREINFO: find the kernel from the QEMU CPU notes and memory, load
 * kallsyms, and install a derived VMCOREINFO (lib/kernel/findkernel.c).
 */
struct dp_error *dp_program_find_kernel(struct dp_program *prog);

/*
 * kallsyms by scanning the kernel image that VMCOREINFO's page tables map,
 * for a VMCOREINFO without SYMBOL(kallsyms_*) (lib/kernel/findkernel.c).
 */
#define DP_KALLSYMS_SOURCE_VMCOREINFO "VMCOREINFO SYMBOL(kallsyms_*)"
#define DP_KALLSYMS_SOURCE_SCAN "found by scanning the kernel image " \
	"(VMCOREINFO has no SYMBOL(kallsyms_*))"
#define DP_KALLSYMS_SOURCE_NOVMCI "found by scanning the kernel image " \
	"(no VMCOREINFO: the kernel was found through CR3 of the QEMU " \
	"CPU note)"
struct dp_error *dp_program_scan_kallsyms(struct dp_program *prog,
					  struct dp_kallsyms **ret);

/* The vmlinux BTF by header scan, for kallsyms without __start_BTF. */
struct dp_error *dp_program_scan_btf(struct dp_program *prog,
				     uint64_t *start, uint64_t *size);

/* Load kallsyms once; returns the (borrowed) remembered error or NULL. */
struct dp_error *dp_program_load_kallsyms(struct dp_program *prog,
					  struct dp_kallsyms **ret);

/* Free the kallsyms provider (lib/debuginfo/kallsyms.c). */
void dp_kallsyms_destroy(struct dp_kallsyms *ks);

/* Free the module symbols (lib/debuginfo/modsyms.c). */
void dp_modsyms_destroy(struct dp_modsyms *ms);

/* Copy of a remembered provider error, prefixed with what needed it. */
struct dp_error *dp_program_provider_error(const struct dp_error *err,
					   const char *what);

#endif /* DP_PROGRAM_PRIV_H */
