/* SPDX-License-Identifier: MIT */
/**
 * @file status.h
 * Kdump readiness of a running machine, read from /proc and /sys only
 * (nothing is changed): the crashkernel= reservation, whether a capture
 * kernel is loaded, and the panic sysctls. Each check says what it found,
 * what a crash-ready machine wants and, when they differ, how to fix it.
 *
 * The root of /proc and /sys is a parameter, so tests run on fake trees.
 */
#ifndef DONTPANIC_STATUS_H
#define DONTPANIC_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include <dontpanic/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/** How a check came out, from good to bad. */
enum dp_check_state {
	DP_CHECK_OK = 0,	/**< as a crash-ready machine wants */
	DP_CHECK_INFO,		/**< optional setting not chosen */
	DP_CHECK_WARN,		/**< dumps will be missed in some cases */
	DP_CHECK_FAIL,		/**< no dump will be taken at all */
};

/** One check. Strings are owned by the status; advice may be NULL. */
struct dp_check {
	const char *name;	/**< "crashkernel", "kernel.panic_on_oops"... */
	char *value;		/**< what was found ("absent" if missing) */
	const char *want;	/**< what a crash-ready machine has */
	enum dp_check_state state;
	char *advice;		/**< what is wrong and how to fix it */
};

/** The checks, in a fixed order. */
struct dp_status {
	struct dp_check *checks;
	size_t n;
	enum dp_check_state worst;
};

/**
 * Read the state of the machine whose /proc and /sys are under @p root
 * ("/" or NULL for this machine). Missing files are checks that fail or
 * are skipped, not errors; only memory exhaustion is an error.
 */
struct dp_error *dp_status_probe(const char *root, struct dp_status **ret);

/** Free a status. Accepts NULL. */
void dp_status_destroy(struct dp_status *st);

/** "ok", "info", "warn", "FAIL". */
const char *dp_check_state_name(enum dp_check_state s);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_STATUS_H */
