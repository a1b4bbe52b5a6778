// SPDX-License-Identifier: MIT
// Fuzz the scanners that find kallsyms and BTF in a raw kernel image (dumps
// without VMCOREINFO, lib/debuginfo/kallsyms-scan.c): the input is the
// image. Whatever the kallsyms scan finds is decoded too, anchored on the
// relative base as _text. Seeds: tests/fuzz/gen-scan-seeds.py.
#include <stdint.h>
#include <string.h>

#include <debuginfo/kallsyms.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint64_t va = 0xffffffff82000000ULL;
	struct dp_kallsyms_tables t;
	struct dp_kallsyms_found f;
	struct dp_error *err = dp_kallsyms_scan(data, size, va, &t, &f);
	if (!err) {
		struct dp_kallsyms *ks = NULL;
		t.stext = t.relative_base;
		t.anchor = "_text";
		err = dp_kallsyms_build(&t, &ks);
		if (!err) {
			struct dp_symbol sym;
			uint64_t off;
			size_t c = 0;
			(void)dp_kallsyms_lookup_addr(ks, t.stext + 0x10, &sym,
						      &off);
			(void)dp_kallsyms_find_name(ks, "_text", &c, &sym);
			dp_kallsyms_destroy(ks);
		}
	}
	dp_error_destroy(err);
	size_t off, len;
	if (dp_btf_scan(data, size, &off, &len) &&
	    (off > size || len > size - off))
		__builtin_trap();	/* the blob must lie inside the image */
	return 0;
}
