// SPDX-License-Identifier: MIT
// Error objects: see include/dontpanic/error.h.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/error.h>

struct dp_error dp_enomem = {
	.code = DP_ERR_NOMEM,
	.message = (char *)"cannot allocate memory",
};

struct dp_error *dp_error_vcreate(enum dp_error_code code, const char *fmt,
				  va_list ap)
{
	struct dp_error *err = calloc(1, sizeof(*err));
	if (!err)
		return &dp_enomem;
	if (vasprintf(&err->message, fmt, ap) < 0) {
		free(err);
		return &dp_enomem;
	}
	err->code = code;
	return err;
}

struct dp_error *dp_error_create(enum dp_error_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct dp_error *err = dp_error_vcreate(code, fmt, ap);
	va_end(ap);
	return err;
}

// Replace err->message with "<first>: <second>"; either may be the old one.
static struct dp_error *error_join(struct dp_error *err, const char *first,
				   const char *second)
{
	char *msg;
	int n = asprintf(&msg, "%s: %s", first, second);
	if (n < 0) {
		dp_error_destroy(err);
		return &dp_enomem;
	}
	free(err->message);
	err->message = msg;
	return err;
}

struct dp_error *dp_error_os(int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct dp_error *err = dp_error_vcreate(DP_ERR_OS, fmt, ap);
	va_end(ap);
	if (err == &dp_enomem)
		return err;
	err->errnum = errnum;
	return error_join(err, err->message, strerror(errnum));
}

struct dp_error *dp_error_addr(enum dp_error_code code, uint64_t address,
			       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct dp_error *err = dp_error_vcreate(code, fmt, ap);
	va_end(ap);
	if (err != &dp_enomem)
		err->address = address;
	return err;
}

struct dp_error *dp_error_prefix(struct dp_error *err, const char *fmt, ...)
{
	if (!err || err == &dp_enomem)
		return err;
	char *head;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&head, fmt, ap);
	va_end(ap);
	if (n < 0) {
		dp_error_destroy(err);
		return &dp_enomem;
	}
	err = error_join(err, head, err->message);
	free(head);
	return err;
}

void dp_error_destroy(struct dp_error *err)
{
	if (!err || err == &dp_enomem)
		return;
	free(err->message);
	free(err);
}

const char *dp_error_code_name(enum dp_error_code code)
{
	static const char *const names[] = {
		[DP_ERR_NOMEM] = "out of memory",
		[DP_ERR_OS] = "system error",
		[DP_ERR_BAD_DATA] = "bad data",
		[DP_ERR_NOT_FOUND] = "not found",
		[DP_ERR_INVALID] = "invalid argument",
		[DP_ERR_UNSUPPORTED] = "unsupported",
		[DP_ERR_FAULT] = "fault",
		[DP_ERR_PAGE_EXCLUDED] = "page excluded",
		[DP_ERR_PAGE_HOLE] = "not in dump",
		[DP_ERR_PAGE_LOST] = "page lost",
		[DP_ERR_NOT_MINE] = "not this format",
		[DP_ERR_STOP] = "stopped",
	};
	if ((unsigned)code < sizeof(names) / sizeof(names[0]) && names[code])
		return names[code];
	return "unknown error";
}
