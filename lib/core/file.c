// SPDX-License-Identifier: MIT
// Bounded whole-file reads (file.h).
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/file.h"

// open(root + path); -1 with errno ENAMETOOLONG when it does not fit.
static int open_at_root(const char *root, const char *path, char *full)
{
	int n = snprintf(full, PATH_MAX, "%s%s", root ? root : "", path);
	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(full, O_RDONLY | O_CLOEXEC);
}

// Read until end of file or until buf (size bytes) is full. -1 on error.
static ssize_t read_upto(int fd, char *buf, size_t size)
{
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

struct dp_error *dp_file_read(const char *root, const char *path, size_t max,
			      char **ret, size_t *len_ret)
{
	char full[PATH_MAX];
	int fd = open_at_root(root, path, full);
	if (fd < 0)
		return dp_error_os(errno, "%s%s", root ? root : "", path);
	struct dp_error *err = NULL;
	size_t cap = max < 65536 ? max : 65536, len = 0;
	char *buf = malloc(cap + 2);
	if (!buf)
		err = &dp_enomem;
	// Read one byte past max so that "exactly max" and "more" differ.
	while (!err) {
		ssize_t n = read_upto(fd, buf + len, cap + 1 - len);
		if (n < 0) {
			err = dp_error_os(errno, "%s", full);
			break;
		}
		len += (size_t)n;
		if (len <= cap)
			break;	// end of file before the buffer filled
		if (cap >= max) {
			err = dp_error_create(DP_ERR_BAD_DATA,
					      "%s: larger than %zu bytes",
					      full, max);
			break;
		}
		size_t ncap = cap > max / 2 ? max : cap * 2;
		char *nb = realloc(buf, ncap + 2);
		if (!nb) {
			err = &dp_enomem;
			break;
		}
		buf = nb;
		cap = ncap;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*ret = buf;
	*len_ret = len;
	return NULL;
}

bool dp_file_read_small(const char *root, const char *path, char *buf,
			size_t size)
{
	char full[PATH_MAX];
	if (!size)
		return false;
	int fd = open_at_root(root, path, full);
	if (fd < 0)
		return false;
	ssize_t got = read_upto(fd, buf, size - 1);
	close(fd);
	if (got < 0)
		return false;
	buf[got] = '\0';
	for (ssize_t i = 0; i < got; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	while (got && (buf[got - 1] == '\n' || buf[got - 1] == ' ' ||
		       buf[got - 1] == '\t'))
		buf[--got] = '\0';
	return true;
}
