/* SPDX-License-Identifier: MIT */
/**
 * @file dump.h
 * Opening a crash dump and reading its physical memory and notes.
 *
 * A `struct dp_dump` hides the file format (ELF vmcore, kdump-compressed,
 * flattened, split sets). It answers: which pages exist and why a page is
 * missing, the bytes of a physical page, the VMCOREINFO text as a lookup
 * table, and the per-CPU register notes.
 *
 * Threading: one dp_dump is used by one thread at a time.
 */
#ifndef DONTPANIC_DUMP_H
#define DONTPANIC_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dp_dump;

/** Why a page frame is or is not readable. */
enum dp_page_state {
	DP_PAGE_PRESENT,	/**< data is in the dump */
	DP_PAGE_ZERO,		/**< present, known to be all zeros */
	DP_PAGE_EXCLUDED,	/**< dropped by the dump level (filtered) */
	DP_PAGE_HOLE,		/**< not in the dump: no RAM there / not dumped */
	DP_PAGE_LOST,		/**< should be there but the dump is incomplete */
};

/** Page compression used by a dump (kdump-compressed page flags). */
enum dp_compression {
	DP_COMPRESS_NONE = 0,
	DP_COMPRESS_ZLIB,
	DP_COMPRESS_LZO,
	DP_COMPRESS_SNAPPY,
	DP_COMPRESS_ZSTD,
};

/** x86_64 general registers, in the order of struct pt_regs / user_regs. */
struct dp_regs_x86_64 {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi, orig_rax;
	uint64_t rip, cs, eflags, rsp, ss;
	uint64_t fs_base, gs_base, ds, es, fs, gs;
};

/** One CPU's saved state from an NT_PRSTATUS or QEMU CPU note. */
struct dp_cpu_note {
	uint32_t index;		/**< position among the dump's CPU notes */
	int32_t pid;		/**< pr_pid (QEMU puts the CPU number + 1 here) */
	bool from_qemu;		/**< registers came from a QEMU CPU note */
	struct dp_regs_x86_64 regs;
	bool has_sregs;		/**< cr[] and idt_base are valid (QEMU) */
	uint64_t cr[5];		/**< cr0..cr4 from the QEMU note */
	uint64_t idt_base;	/**< IDTR base from the QEMU note */
};

/** Summary facts about an opened dump (for `info`). */
struct dp_dump_info {
	const char *format;	/**< "elf", "kdump", "flattened-kdump"... */
	const char *producer;	/**< "kernel" (/proc/vmcore), "makedumpfile", "qemu", or NULL */
	enum dp_compression compression; /**< main page codec (kdump) */
	int dump_level;		/**< -1 when unknown (e.g. plain ELF) */
	bool incomplete;	/**< flagged incomplete by the writer */
	bool truncated;		/**< cut short without that flag (kdump) */
	bool flattened;		/**< read from a flattened stream */
	unsigned int nfiles;	/**< > 1 for --split sets */
	uint32_t page_size;
	uint64_t max_pfn;	/**< one past the highest pfn covered */
	uint64_t pages_present;	/**< pfns whose data is in the dump */
	uint64_t pages_excluded;/**< pfns filtered out by the dump level */
	uint64_t pages_zero;	/**< present pfns stored as (shared) zero pages */
	uint64_t pages_lost;	/**< pfns lost because the dump is incomplete */
	uint32_t header_version;/**< kdump header version, 0 for others */
	int64_t crash_time;	/**< seconds since epoch, or 0 if unknown */
};

/**
 * Open a dump. Several paths are accepted only for a makedumpfile --split
 * set (in any order). The format is found by probing.
 */
struct dp_error *dp_dump_open(const char *const *paths, size_t npaths,
			      struct dp_dump **ret);

/** Close a dump. Accepts NULL. */
void dp_dump_destroy(struct dp_dump *dump);

/** Fill in summary facts. Counting pages may scan the bitmaps once. */
struct dp_error *dp_dump_get_info(struct dp_dump *dump,
				  struct dp_dump_info *ret);

/**
 * True when pages may be lost: the dump is flagged incomplete or its file
 * is cut short. Known at open, so cheap (dp_dump_get_info() counts them).
 */
bool dp_dump_may_lose_pages(const struct dp_dump *dump);

/** Page size of the dumped machine. */
uint32_t dp_dump_page_size(const struct dp_dump *dump);

/** State of one page frame. Never fails; out-of-range pfns are holes. */
enum dp_page_state dp_dump_page_state(struct dp_dump *dump, uint64_t pfn);

/**
 * Read one whole page frame into buf (page_size bytes). A missing page
 * returns DP_ERR_PAGE_EXCLUDED ("excluded (dump level N)"),
 * DP_ERR_PAGE_HOLE ("not in dump") or DP_ERR_PAGE_LOST ("lost
 * (incomplete dump)") with address = the physical address.
 */
struct dp_error *dp_dump_read_page(struct dp_dump *dump, uint64_t pfn,
				   void *buf);

/** Read len bytes of physical memory at paddr (may cross pages). */
struct dp_error *dp_dump_read_phys(struct dp_dump *dump, uint64_t paddr,
				   void *buf, size_t len);

/** The raw VMCOREINFO text (not NUL-terminated), or NULL if none. */
const char *dp_dump_vmcoreinfo(const struct dp_dump *dump, size_t *len);

/**
 * Look up a VMCOREINFO key, e.g. "OSRELEASE", "SYMBOL(_stext)",
 * "OFFSET(page.flags)". Returns the value string (NUL-terminated, owned by
 * the dump) or NULL when absent.
 */
const char *dp_dump_vmcoreinfo_get(const struct dp_dump *dump,
				   const char *key);

/**
 * Parse a VMCOREINFO value as a number: SYMBOL() and KERNELOFFSET are hex,
 * NUMBER/OFFSET/SIZE/LENGTH are decimal (may be negative). DP_ERR_NOT_FOUND
 * when the key is absent, DP_ERR_BAD_DATA when it does not parse.
 */
struct dp_error *dp_dump_vmcoreinfo_number(const struct dp_dump *dump,
					   const char *key, int64_t *ret);

/**
 * The dump's ELF note areas as stored (PT_NOTE data, or the kdump note
 * area; a bare VMCOREINFO of an old kdump header comes wrapped as one
 * note), concatenated. NULL with *len = 0 when the dump has none.
 */
const void *dp_dump_notes(const struct dp_dump *dump, size_t *len);

/**
 * Install VMCOREINFO-style text derived from kernel memory, for a dump
 * without a VMCOREINFO note (lib/kernel/findkernel.c does this). Lookups
 * (dp_dump_vmcoreinfo_get/_number) then answer from it; dp_dump_vmcoreinfo()
 * still returns NULL, since the dump has no note. DP_ERR_INVALID when the
 * dump has a note.
 */
struct dp_error *dp_dump_set_derived_vmcoreinfo(struct dp_dump *dump,
						const char *text, size_t len);

/** The derived VMCOREINFO text (NUL-terminated), or NULL if none. */
const char *dp_dump_derived_vmcoreinfo(const struct dp_dump *dump,
				       size_t *len);

/** Number of CPU register notes in the dump. */
size_t dp_dump_num_cpu_notes(const struct dp_dump *dump);

/** The i-th CPU note (in file order, NOT cpu order), or NULL. */
const struct dp_cpu_note *dp_dump_cpu_note(const struct dp_dump *dump,
					   size_t i);

/**
 * Callback for dp_dump_for_each_range(): a run of physical memory that
 * the dump covers. For ELF dumps vaddr is the PT_LOAD's p_vaddr (0 when
 * the producer gave none); for other formats it is 0.
 */
typedef struct dp_error *(*dp_range_fn)(uint64_t paddr, uint64_t size,
					uint64_t vaddr, void *arg);

/** Visit the physical ranges described by the dump (ELF PT_LOADs). */
struct dp_error *dp_dump_for_each_range(struct dp_dump *dump, dp_range_fn fn,
					void *arg);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_DUMP_H */
