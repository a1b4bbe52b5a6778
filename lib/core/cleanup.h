/* SPDX-License-Identifier: MIT */
/*
 * Scope-bound cleanup, as systemd and drgn write it: a variable declared
 * _cleanup_free_ is freed when it goes out of scope, so an early return
 * needs no "goto out". dp_take_ptr()/dp_take_fd() hand the value on (to
 * return it) and leave NULL/-1 behind for the cleanup.
 *
 *	_cleanup_free_ uint8_t *buf = malloc(len);
 *	if (!buf)
 *		return &dp_enomem;
 *	...
 *	*ret = dp_take_ptr(buf);
 */
#ifndef DP_CORE_CLEANUP_H
#define DP_CORE_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <dontpanic/error.h>

#define _cleanup_(fn) __attribute__((cleanup(fn)))

static inline void dp_freep(void *p)
{
	free(*(void **)p);
}

static inline void dp_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void dp_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void dp_error_destroyp(struct dp_error **err)
{
	dp_error_destroy(*err);
}

#define _cleanup_free_ _cleanup_(dp_freep)
#define _cleanup_close_ _cleanup_(dp_closep)
#define _cleanup_fclose_ _cleanup_(dp_fclosep)
#define _cleanup_error_ _cleanup_(dp_error_destroyp)

#define dp_take_ptr(p) ({ __typeof__(p) p_ = (p); (p) = NULL; p_; })
#define dp_take_fd(fd) ({ int fd_ = (fd); (fd) = -1; fd_; })

#endif /* DP_CORE_CLEANUP_H */
