/* SPDX-License-Identifier: MIT */
/*
 * A tiny TAP unit-test harness. Each test file defines test functions with
 * TEST(name), lists them in a TESTS() array and runs them with
 * TEST_MAIN(). CHECK* record a failure and continue.
 */
#ifndef DP_TEST_H
#define DP_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failed_;

#define TEST(name) static void name(void)

#define CHECK(cond) do { \
	if (!(cond)) { \
		printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, \
		       #cond); \
		test_failed_ = 1; \
	} \
} while (0)

#define CHECK_EQ_U64(a, b) do { \
	uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b); \
	if (a_ != b_) { \
		printf("#   %s:%d: %s == 0x%" PRIx64 ", expected 0x%" PRIx64 \
		       "\n", __FILE__, __LINE__, #a, a_, b_); \
		test_failed_ = 1; \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_) != 0) { \
		printf("#   %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, \
		       __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
		test_failed_ = 1; \
	} \
} while (0)

/* Fail the test if err is non-NULL, printing its message. */
#define CHECK_OK(err) do { \
	struct dp_error *e_ = (err); \
	if (e_) { \
		printf("#   %s:%d: unexpected error: %s\n", __FILE__, \
		       __LINE__, e_->message); \
		dp_error_destroy(e_); \
		test_failed_ = 1; \
	} \
} while (0)

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define T(fn) { #fn, fn }

#define TEST_MAIN(...) \
int main(void) \
{ \
	static const struct test_case cases[] = { __VA_ARGS__ }; \
	size_t n = sizeof(cases) / sizeof(cases[0]); \
	int failures = 0; \
	printf("1..%zu\n", n); \
	for (size_t i = 0; i < n; i++) { \
		test_failed_ = 0; \
		cases[i].fn(); \
		printf("%s %zu - %s\n", test_failed_ ? "not ok" : "ok", i + 1, \
		       cases[i].name); \
		failures += test_failed_; \
	} \
	return failures ? 1 : 0; \
}

#endif /* DP_TEST_H */
