// SPDX-License-Identifier: MIT
// The JSON writer: separators per layout, nesting, escaping, null.
#include <stdlib.h>
#include <string.h>

#include "json.h"

#include "test.h"

static char *buf;
static size_t len;

static struct dp_json *start(struct dp_json *j)
{
	free(buf);
	buf = NULL;
	dp_json_init(j, open_memstream(&buf, &len));
	return j;
}

static const char *done(struct dp_json *j)
{
	fclose(j->f);
	return buf;
}

TEST(layouts)
{
	struct dp_json j;
	start(&j);
	dp_json_object(&j, &dp_json_compact);
	dp_json_ku64(&j, "a", 1);
	dp_json_key(&j, "b");
	dp_json_array(&j, &dp_json_compact);
	dp_json_i64(&j, -2);
	dp_json_bool(&j, true);
	dp_json_end(&j);
	dp_json_end(&j);
	CHECK_STR(done(&j), "{\"a\":1,\"b\":[-2,true]}");

	start(&j);
	dp_json_object(&j, &dp_json_lines2);
	dp_json_kstr(&j, "s", NULL);
	dp_json_key(&j, "l");
	dp_json_array(&j, &dp_json_lines4);
	dp_json_object(&j, &dp_json_inline);
	dp_json_khex(&j, "x", 0xffffffff81000000ull);
	dp_json_ku64_or_null(&j, "n", false, 5);
	dp_json_end(&j);
	dp_json_end(&j);
	dp_json_key(&j, "e");
	dp_json_array(&j, &dp_json_lines4);
	dp_json_end(&j);
	dp_json_end(&j);
	CHECK_STR(done(&j), "{\n  \"s\": null,\n  \"l\": [\n"
		  "    {\"x\": \"0xffffffff81000000\", \"n\": null}\n  ],\n"
		  "  \"e\": []\n}");
}

TEST(open_and_break)
{
	static const struct dp_json_layout open_list =
		DP_JSON_LINES_OPEN("  ", "");
	struct dp_json j;
	start(&j);
	dp_json_array(&j, &open_list);
	dp_json_end(&j);
	CHECK_STR(done(&j), "[\n]");

	start(&j);
	dp_json_object(&j, &dp_json_inline);
	dp_json_ku64(&j, "a", 1);
	dp_json_break(&j, ",\n  ");
	dp_json_ku64(&j, "b", 2);
	dp_json_ku64(&j, "c", 3);
	dp_json_end(&j);
	CHECK_STR(done(&j), "{\"a\": 1,\n  \"b\": 2, \"c\": 3}");
}

TEST(strings)
{
	struct dp_json j;
	start(&j);
	// Quote, backslash, control bytes, valid UTF-8 kept, a stray byte
	// of a non-UTF-8 kernel string escaped.
	dp_json_str(&j, "a\"b\\c\n\t\x01 \xc3\xa9 \xff");
	CHECK_STR(done(&j), "\"a\\\"b\\\\c\\n\\t\\u0001 \xc3\xa9 \\u00ff\"");
	free(buf);
	buf = NULL;
}

TEST_MAIN(T(layouts), T(open_and_break), T(strings))
