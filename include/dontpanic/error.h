/* SPDX-License-Identifier: MIT */
/**
 * @file error.h
 * Error objects returned by every fallible libdontpanic function.
 *
 * Convention (after drgn's libdrgn/error.h): a function that can fail returns
 * `struct dp_error *`, NULL on success, and delivers its result through a
 * last parameter named `ret`. Errors gain context while travelling up with
 * dp_error_prefix(), giving messages such as
 * "cannot read page 0x1234: zstd: corrupt frame".
 */
#ifndef DONTPANIC_ERROR_H
#define DONTPANIC_ERROR_H

#include <stdarg.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What kind of failure an error describes. */
enum dp_error_code {
	DP_ERR_NOMEM = 1,	/**< allocation failed */
	DP_ERR_OS,		/**< system call failed; see errnum */
	DP_ERR_BAD_DATA,	/**< dump or input is corrupt or truncated */
	DP_ERR_NOT_FOUND,	/**< symbol, key, member... does not exist */
	DP_ERR_INVALID,		/**< invalid argument from the caller */
	DP_ERR_UNSUPPORTED,	/**< valid input we do not handle (yet) */
	DP_ERR_FAULT,		/**< address cannot be read; see address */
	DP_ERR_PAGE_EXCLUDED,	/**< page filtered out by the dump level */
	DP_ERR_PAGE_HOLE,	/**< page not in the dump (no memory there) */
	DP_ERR_PAGE_LOST,	/**< page lost: the dump is incomplete */
	DP_ERR_NOT_MINE,	/**< format probe: file is another format */
	DP_ERR_STOP,		/**< iteration stopped early by a callback */
};

/** An error. Owned by the caller; release with dp_error_destroy(). */
struct dp_error {
	enum dp_error_code code;
	int errnum;		/**< errno for DP_ERR_OS, else 0 */
	uint64_t address;	/**< faulting address for FAULT/PAGE_* */
	char *message;		/**< human readable, never NULL */
};

/** Preallocated out-of-memory error; dp_error_destroy() ignores it. */
extern struct dp_error dp_enomem;

/** Create an error with a printf-style message. Never returns NULL. */
struct dp_error *dp_error_create(enum dp_error_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Like dp_error_create() with a va_list. */
struct dp_error *dp_error_vcreate(enum dp_error_code code, const char *fmt,
				  va_list ap)
	__attribute__((format(printf, 2, 0)));

/** Create a DP_ERR_OS error: "<message>: <strerror(errnum)>". */
struct dp_error *dp_error_os(int errnum, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Create an error that carries an address (FAULT, PAGE_*). */
struct dp_error *dp_error_addr(enum dp_error_code code, uint64_t address,
			       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * Prefix context to an error's message ("<context>: <old message>") and
 * return it. Code, errnum and address are kept. NULL passes through.
 */
struct dp_error *dp_error_prefix(struct dp_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Free an error. Accepts NULL and &dp_enomem. */
void dp_error_destroy(struct dp_error *err);

/** Short name of an error code ("bad data", "page excluded"...). */
const char *dp_error_code_name(enum dp_error_code code);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_ERROR_H */
