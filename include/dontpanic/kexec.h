/* SPDX-License-Identifier: MIT */
/**
 * @file kexec.h
 * Loading the capture kernel with kexec_file_load(2), without kexec-tools.
 *
 * Three parts: the capture kernel's command line (built from the running
 * kernel's the way kdumpctl and kdump-tools do), a probe of the machine's
 * kexec state (/sys/kernel/kexec_crash_size, kexec_crash_loaded,
 * kernel.kexec_load_disabled, the lockdown mode) that explains in advance
 * why a load would fail, and the load/unload system calls themselves, whose
 * errno is turned into a sentence that names the cause.
 */
#ifndef DONTPANIC_KEXEC_H
#define DONTPANIC_KEXEC_H

#include <stdbool.h>
#include <stdint.h>

#include <dontpanic/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The words appended to the capture kernel's command line when the
 * configuration gives none (kdump-tools' KDUMP_CMDLINE_APPEND replaces
 * them). See kexec.c for where each comes from.
 */
extern const char dp_kexec_default_append[];

/** How to build the capture kernel's command line. */
struct dp_kexec_cmdline_opts {
	/** The running kernel's command line (/proc/cmdline), or a
	 *  replacement (kdump-tools KDUMP_CMDLINE, --cmdline). */
	const char *base;
	/** Replaces dp_kexec_default_append when not NULL
	 *  (KDUMP_CMDLINE_APPEND). */
	const char *append;
	/** More words after those (--append); NULL for none. */
	const char *extra;
};

/**
 * Build the capture kernel's command line: the words of base, minus those
 * that hurt a capture kernel (crashkernel=, quiet, hugepages=, rdinit=,
 * resume=... see kexec.c; a "--" and the init arguments after it) and
 * minus any whose name an appended word sets
 * again (so nr_cpus=1 replaces nr_cpus=8 instead of following it), then
 * the appended words. Double-quoted words ("x y") stay one word.
 * *ret is malloc'ed.
 */
struct dp_error *dp_kexec_cmdline(const struct dp_kexec_cmdline_opts *opts,
				  char **ret);

/** Whether the capture kernel's command line drops this word. */
bool dp_kexec_cmdline_drops(const char *word, size_t len);

/** The machine's kexec state, read from files under a root ("" = /). */
struct dp_kexec_state {
	bool have_crash_size;	/**< /sys/kernel/kexec_crash_size exists */
	uint64_t crash_size;	/**< bytes reserved (crashkernel=) */
	int crash_loaded;	/**< kexec_crash_loaded: 0/1, -1 unknown */
	int load_disabled;	/**< kernel.kexec_load_disabled, -1 unknown */
	char lockdown[32];	/**< "none", "integrity", "confidentiality", "" */
};

/** Read the state (missing files leave the "unknown" values). */
void dp_kexec_probe(const char *root, struct dp_kexec_state *st);

/** A load request. */
struct dp_kexec_load {
	const char *kernel;	/**< bzImage path */
	const char *initrd;	/**< NULL: KEXEC_FILE_NO_INITRAMFS */
	const char *cmdline;
	const char *root;	/**< for the probe before and after ("" = /) */
};

/**
 * Check that a load can work (reservation, kexec_load_disabled, files,
 * sizes against the reservation) without loading anything. Returns the
 * first reason it cannot, as a sentence with the fix.
 */
struct dp_error *dp_kexec_check(const struct dp_kexec_load *req,
				const struct dp_kexec_state *st);

/**
 * Load the capture kernel (kexec_file_load with KEXEC_FILE_ON_CRASH),
 * after dp_kexec_check, then read kexec_crash_loaded back. A failed call's
 * errno is explained (EPERM: root/lockdown/kexec_load_disabled,
 * EKEYREJECTED: signature, EBUSY, ENOMEM/EADDRNOTAVAIL: does not fit).
 */
struct dp_error *dp_kexec_load_crash(const struct dp_kexec_load *req);

/** Unload the capture kernel; reads kexec_crash_loaded back. */
struct dp_error *dp_kexec_unload_crash(const char *root);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_KEXEC_H */
