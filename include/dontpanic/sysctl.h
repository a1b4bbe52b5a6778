/* SPDX-License-Identifier: MIT */
/**
 * @file sysctl.h
 * Set the panic sysctls a crash-ready machine wants (see status.h for the
 * reasons). Two steps, so a caller can show the plan (--dry-run) before
 * writing: dp_sysctl_plan() reads the current values and computes the new
 * ones; dp_sysctl_apply() writes the changes and reads them back.
 *
 * Values a user already chose are kept where they satisfy the goal
 * (kernel.panic > 0 is kept; kernel.sysrq gets bit 8 added to its mask).
 * Nothing is made persistent: that is /etc/sysctl.d's job.
 */
#ifndef DONTPANIC_SYSCTL_H
#define DONTPANIC_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>

#include <dontpanic/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One sysctl in a plan. */
struct dp_sysctl_change {
	const char *name;	/**< "kernel.panic_on_oops" */
	bool absent;		/**< not in this kernel: skipped */
	char *old;		/**< current value (NULL if absent) */
	char *new;		/**< value to write (NULL: keep) */
	bool written;		/**< apply wrote it and read it back */
	char *error;		/**< why the write failed, or NULL */
	int errnum;		/**< the write's errno, 0 if it did not fail */
	/** the kernel cannot do it on this machine (not a permission or
	 * setup problem): not counted as a failure by dp_sysctl_apply() */
	bool unsupported;
};

/** The plan, in a fixed order. */
struct dp_sysctl_plan {
	struct dp_sysctl_change *v;
	size_t n;
};

/**
 * Read the sysctls under @p root ("" or NULL: this machine) and plan the
 * changes. @p all adds the optional ones (soft lockup, hung task, unknown
 * and unrecovered NMI panics). Fails only on memory exhaustion.
 */
struct dp_error *dp_sysctl_plan(const char *root, bool all,
				struct dp_sysctl_plan **ret);

/**
 * Write the planned changes. A failed write is recorded in its change
 * (error) and the others are still written. Returns the number of
 * failures through @p failed_ret; a value the machine cannot take
 * (marked unsupported) is not one.
 */
struct dp_error *dp_sysctl_apply(const char *root, struct dp_sysctl_plan *plan,
				 size_t *failed_ret);

/**
 * "<root>/proc/sys/kernel/panic" for "kernel.panic" into @p buf; false if
 * it does not fit.
 */
bool dp_sysctl_path(const char *root, const char *name, char *buf,
		    size_t size);

/** Room dp_sysctl_read() needs: longer values are cut to fit. */
#define DP_SYSCTL_VALUE_MAX 64

/**
 * Read sysctl @p name ("kernel.panic") under @p root into @p buf (at
 * least DP_SYSCTL_VALUE_MAX bytes) as dp_sysctl_plan() and `status` both
 * see it: NULs as spaces, trailing white space removed. false if it
 * cannot be read (absent from this kernel).
 */
bool dp_sysctl_read(const char *root, const char *name, char *buf);

/** Free a plan. Accepts NULL. */
void dp_sysctl_plan_destroy(struct dp_sysctl_plan *plan);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_SYSCTL_H */
