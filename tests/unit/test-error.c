// SPDX-License-Identifier: MIT
#include <errno.h>

#include <dontpanic/error.h>

#include "test.h"

TEST(prefix_chains_context)
{
	struct dp_error *err = dp_error_addr(DP_ERR_PAGE_EXCLUDED, 0x1234000,
					     "excluded (dump level %d)", 31);
	err = dp_error_prefix(err, "cannot read page 0x%x", 0x1234);
	CHECK_STR(err->message,
		  "cannot read page 0x1234: excluded (dump level 31)");
	CHECK(err->code == DP_ERR_PAGE_EXCLUDED);
	CHECK_EQ_U64(err->address, 0x1234000);
	dp_error_destroy(err);
}

TEST(os_error_has_strerror)
{
	struct dp_error *err = dp_error_os(ENOENT, "cannot open %s", "x");
	CHECK_STR(err->message, "cannot open x: No such file or directory");
	CHECK(err->errnum == ENOENT);
	dp_error_destroy(err);
}

TEST(enomem_is_static)
{
	CHECK(dp_error_prefix(&dp_enomem, "ctx") == &dp_enomem);
	dp_error_destroy(&dp_enomem); /* must not free */
	CHECK_STR(dp_enomem.message, "cannot allocate memory");
	CHECK(dp_error_prefix(NULL, "ctx") == NULL);
}

TEST(code_names)
{
	CHECK_STR(dp_error_code_name(DP_ERR_PAGE_HOLE), "not in dump");
	CHECK_STR(dp_error_code_name((enum dp_error_code)999), "unknown error");
}

TEST_MAIN(T(prefix_chains_context), T(os_error_has_strerror),
	  T(enomem_is_static), T(code_names))
