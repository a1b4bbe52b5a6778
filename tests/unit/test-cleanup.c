// SPDX-License-Identifier: MIT
// Cleanup attributes run at scope exit; dp_take_* hand the value on.
#include <fcntl.h>
#include <stdbool.h>

#include "core/cleanup.h"

#include "test.h"

static int closed_fd = -2;

static int open_null(bool keep)
{
	_cleanup_close_ int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	closed_fd = fd;
	return keep ? dp_take_fd(fd) : -1;
}

static char *dup_or_drop(bool keep)
{
	_cleanup_free_ char *s = malloc(8);
	if (s)
		s[0] = 'x';
	return keep ? dp_take_ptr(s) : NULL;
}

TEST(fds)
{
	CHECK(open_null(false) == -1);
	// Closed at scope exit: the descriptor is no longer valid.
	CHECK(fcntl(closed_fd, F_GETFD) == -1);
	int fd = open_null(true);
	CHECK(fd >= 0 && fcntl(fd, F_GETFD) != -1);
	close(fd);
}

TEST(pointers)
{
	// Freed or handed on; ASan (make asan) flags a leak or double free.
	CHECK(dup_or_drop(false) == NULL);
	char *s = dup_or_drop(true);
	CHECK(s && s[0] == 'x');
	free(s);
	_cleanup_error_ struct dp_error *err = dp_error_create(DP_ERR_INVALID,
							       "freed at exit");
	CHECK(err != NULL);
}

TEST_MAIN(T(fds), T(pointers))
