// SPDX-License-Identifier: MIT
// Fuzz the kdump-compressed reader (lib/format/kdump.c): open the input as
// a dump, get its info and read the pages it claims to have. Inputs that
// start with neither kdump signature get "KDUMP   " written over their
// first bytes, so the fuzzer spends its time in this parser. Seeds: a
// small valid file in tests/fuzz/seeds/kdump/ (1 KiB blocks, every codec).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <dontpanic/dump.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	struct dp_dump *dump;
	struct dp_dump_info info;
	struct dp_error *err;
	int fd;

	if (size < 8)
		return 0;
	fd = memfd_create("fuzz-kdump", 0);
	if (fd < 0)
		return 0;
	if (memcmp(data, "KDUMP   ", 8) && memcmp(data, "DISKDUMP", 8)) {
		if (write(fd, "KDUMP   ", 8) != 8 ||
		    write(fd, data + 8, size - 8) != (ssize_t)(size - 8))
			goto out;
	} else if (write(fd, data, size) != (ssize_t)size) {
		goto out;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	const char *p = path;
	err = dp_dump_open(&p, 1, &dump);
	if (err) {
		dp_error_destroy(err);
		goto out;
	}
	err = dp_dump_get_info(dump, &info);
	dp_error_destroy(err);
	uint8_t *buf = malloc(dp_dump_page_size(dump));
	for (uint64_t pfn = 0, n = 0; buf && pfn < info.max_pfn && n < 256;
	     pfn++) {
		enum dp_page_state s = dp_dump_page_state(dump, pfn);
		if (s == DP_PAGE_HOLE)
			continue;
		n++;
		dp_error_destroy(dp_dump_read_page(dump, pfn, buf));
	}
	free(buf);
	dp_dump_destroy(dump);
out:
	close(fd);
	return 0;
}
