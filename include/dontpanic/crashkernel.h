/* SPDX-License-Identifier: MIT */
/**
 * @file crashkernel.h
 * The crashkernel= boot parameter: parse and check a spec strictly,
 * evaluate it for a RAM size as the kernel does, read what the running
 * kernel reserved, and write the Debian-style grub drop-in.
 *
 * Two parsers, on purpose:
 * - dp_ck_kernel_eval() models the Linux 6.1 x86_64 boot code
 *   (kernel/crash_core.c parse_crashkernel*, memparse, simple_strtoull;
 *   arch/x86/kernel/setup.c reserve_crashkernel) byte for byte, lax parts
 *   included: what a given command line really reserves.
 * - dp_ck_parse() is strict: everything the kernel rejects, and everything
 *   it silently misreads (wrapped numbers, octal, trailing junk, ranges it
 *   never looks at), is an error, so `setup` never writes a spec that does
 *   not mean what it says.
 * For a spec dp_ck_parse() accepts, dp_ck_eval() and dp_ck_kernel_eval()
 * agree for every RAM size (the fuzz target checks it).
 */
#ifndef DONTPANIC_CRASHKERNEL_H
#define DONTPANIC_CRASHKERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The default `setup --crashkernel` recommends, and the distributions'
 * x86_64 defaults it is built from: Debian kdump-tools 1:1.8.1 ships
 * /etc/default/grub.d/kdump-tools.cfg with crashkernel=384M-:128M (its
 * postinst DEF_PRESET); Fedora/RHEL kdump-utils' kdump-lib.sh
 * kdump_get_arch_recommend_crashkernel() gives 2G-64G:256M,64G-:512M on
 * x86_64 (+64M when AMD SME/SEV is active).
 */
#define DP_CK_DEFAULT_SPEC "384M-2G:192M,2G-64G:256M,64G-:512M"
#define DP_CK_DEBIAN_SPEC "384M-:128M"
#define DP_CK_FEDORA_X86_SPEC "2G-64G:256M,64G-:512M"

#define DP_CK_MAX_RANGES 16
#define DP_CK_MAX_NOTES 8
#define DP_CK_NOTE_LEN 200

/** Which of the kernel's syntaxes a spec uses. */
enum dp_ck_syntax {
	DP_CK_SIMPLE,	/**< SIZE[@OFFSET] */
	DP_CK_RANGES,	/**< START-[END]:SIZE[,...][@OFFSET] */
	DP_CK_HIGH,	/**< SIZE,high (x86_64: may be above 4 GiB) */
	DP_CK_LOW,	/**< SIZE,low (the low part that goes with ,high) */
};

/** One START-[END]:SIZE entry; end is UINT64_MAX when open ("2G-"). */
struct dp_ck_range {
	uint64_t start, end, size;
};

/** A spec that dp_ck_parse() accepted. */
struct dp_ck_spec {
	enum dp_ck_syntax syntax;
	uint64_t size;		/**< SIMPLE, HIGH, LOW */
	struct dp_ck_range ranges[DP_CK_MAX_RANGES];
	size_t nranges;		/**< RANGES */
	bool has_offset;
	uint64_t offset;
	/** Problems that do not make the spec wrong (a gap between ranges,
	 *  a range that reserves 0...). */
	char notes[DP_CK_MAX_NOTES][DP_CK_NOTE_LEN];
	size_t nnotes;
};

/**
 * Parse the value of crashkernel= (the text after '=', @p len bytes, no
 * NUL needed) strictly. DP_ERR_INVALID says what is wrong and where.
 */
struct dp_error *dp_ck_parse(const char *s, size_t len, struct dp_ck_spec *ret);

/** The result of evaluating a spec or a command line for a RAM size. */
struct dp_ck_result {
	bool ok;		/**< the kernel accepts it (rc 0 and size > 0) */
	int rc;			/**< 0, -EINVAL (-22) or -ENOENT (-2: none) */
	uint64_t size;		/**< bytes to reserve (0: none) */
	uint64_t base;		/**< @offset, 0 = the kernel chooses */
	bool high;		/**< x86_64 took crashkernel=X,high */
	bool low_given;		/**< crashkernel=Y,low present (with high) */
	uint64_t low_size;	/**< its value */
	int range;		/**< RANGES: index of the entry taken, else -1 */
	const char *why;	/**< the kernel's message when !ok, else NULL */
};

/**
 * What Linux 6.1 x86_64 reserves for the command line @p cmdline (NUL-
 * terminated, the whole line: the last crashkernel= wins) on a machine
 * with @p system_ram bytes of RAM (memblock_phys_mem_size(): the sum of
 * the "System RAM" ranges). The range syntax matches on that size rounded
 * up to 128 MiB: start <= ram < end.
 */
void dp_ck_kernel_eval(const char *cmdline, uint64_t system_ram,
		       struct dp_ck_result *ret);

/** Evaluate a parsed spec for @p system_ram bytes (same rules). */
void dp_ck_eval(const struct dp_ck_spec *spec, uint64_t system_ram,
		struct dp_ck_result *ret);

/** The kernel's range-matching size: @p system_ram rounded up to 128 MiB. */
uint64_t dp_ck_match_ram(uint64_t system_ram);

/** "384M", "1G", "0x1234" style: the shortest exact K/M/G/T form. */
void dp_ck_format_size(uint64_t bytes, char *buf, size_t size);

/** What the running machine has, read from /proc and /sys under root. */
struct dp_ck_machine {
	bool have_cmdline;
	char spec[256];		/**< last crashkernel= value on /proc/cmdline, or "" */
	struct dp_ck_result eval;	/**< the command line evaluated for ram */
	uint64_t ram;		/**< system RAM in bytes, 0 if unknown */
	const char *ram_source;	/**< "/proc/iomem System RAM" or the estimate's */
	bool have_crash_size;
	uint64_t crash_size;	/**< /sys/kernel/kexec_crash_size */
	size_t nregions;	/**< /proc/iomem "Crash kernel" lines */
	uint64_t region_start[4], region_end[4];
	bool iomem_hidden;	/**< /proc/iomem shows zero addresses (not root) */
};

/**
 * Read the machine under @p root ("" or NULL: this machine). Missing
 * files leave their fields empty; only memory exhaustion is an error.
 */
struct dp_error *dp_ck_probe(const char *root, struct dp_ck_machine *ret);

/** A crashkernel= found in a grub defaults file. */
struct dp_ck_grub_hit {
	char file[512];		/**< path under root, e.g. /etc/default/grub */
	unsigned line;
	char word[256];		/**< the crashkernel=... word as written */
	bool ours;		/**< in dontpanic.cfg */
	bool after_ours;	/**< grub reads it after dontpanic.cfg */
};

struct dp_ck_grub {
	struct dp_ck_grub_hit hits[16];
	size_t nhits;
	bool have_grub;		/**< /etc/default/grub exists */
	/** A file read after ours that sets GRUB_CMDLINE_LINUX_DEFAULT
	 *  without keeping its old value: our word would be lost. */
	char clobber_file[512];
	unsigned clobber_line;
	bool have_grub_d;	/**< /etc/default/grub.d exists */
};

/** The drop-in dontpanic writes, relative to root. */
#define DP_CK_GRUB_DROPIN "/etc/default/grub.d/dontpanic.cfg"

/**
 * Find crashkernel= in /etc/default/grub and /etc/default/grub.d/ *.cfg
 * under @p root, in the order grub-mkconfig reads them.
 */
struct dp_error *dp_ck_grub_scan(const char *root, struct dp_ck_grub *ret);

/** The text of the drop-in for @p value (malloc'ed; NULL on ENOMEM). */
char *dp_ck_grub_text(const char *value);

/**
 * Write DP_CK_GRUB_DROPIN under @p root for @p value (a spec that
 * dp_ck_parse() accepted), creating /etc/default/grub.d if needed,
 * atomically (temporary file + rename).
 */
struct dp_error *dp_ck_grub_write(const char *root, const char *value);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_CRASHKERNEL_H */
