// SPDX-License-Identifier: MIT
// Fuzz crashkernel=: the model of the kernel's parser on arbitrary command
// lines, and the strict parser, whose evaluation must equal the kernel
// model's for every spec it accepts (at RAM sizes around each range
// boundary), and whose sizes survive dp_ck_format_size().
#include <stdlib.h>
#include <string.h>

#include <dontpanic/crashkernel.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const struct dp_ck_spec *spec, const char *line, uint64_t ram)
{
	struct dp_ck_result a, b;
	dp_ck_eval(spec, ram, &a);
	dp_ck_kernel_eval(line, ram, &b);
	if (a.ok != b.ok || a.rc != b.rc || a.size != b.size ||
	    a.base != b.base || a.high != b.high || a.range != b.range)
		__builtin_trap();
	if (!a.ok && !a.why)
		__builtin_trap();
}

static void roundtrip(uint64_t v)
{
	char buf[32];
	struct dp_ck_spec s;
	dp_ck_format_size(v, buf, sizeof(buf));
	struct dp_error *err = dp_ck_parse(buf, strlen(buf), &s);
	if (v && (err || s.size != v))
		__builtin_trap();
	dp_error_destroy(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *line = malloc(size + 13);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';	// the kernel's view stops at the first NUL
	static const uint64_t rams[] = { 0, 1ULL << 30, 5ULL << 30,
					 (64ULL << 30) + 1, UINT64_MAX };
	struct dp_ck_result r;
	for (size_t i = 0; i < sizeof(rams) / sizeof(rams[0]); i++)
		dp_ck_kernel_eval(line, rams[i], &r);

	struct dp_ck_spec spec;
	struct dp_error *err = dp_ck_parse((const char *)data, size, &spec);
	if (err) {
		if (!err->message[0])
			__builtin_trap();
		dp_error_destroy(err);
		free(line);
		return 0;
	}
	if (spec.nnotes > DP_CK_MAX_NOTES || spec.nranges > DP_CK_MAX_RANGES)
		__builtin_trap();
	memcpy(line, "crashkernel=", 12);
	memcpy(line + 12, data, size);
	line[12 + size] = '\0';
	for (size_t i = 0; i < sizeof(rams) / sizeof(rams[0]); i++)
		same(&spec, line, rams[i]);
	for (size_t i = 0; i < spec.nranges; i++) {
		const struct dp_ck_range *q = &spec.ranges[i];
		same(&spec, line, q->start);
		same(&spec, line, q->start - 1);
		same(&spec, line, q->end);
		same(&spec, line, q->end - 1);
		same(&spec, line, q->size);
		same(&spec, line, q->size + 1);
		roundtrip(q->start);
		roundtrip(q->size);
	}
	roundtrip(spec.size);
	free(line);
	return 0;
}
