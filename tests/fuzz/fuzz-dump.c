// SPDX-License-Identifier: MIT
// Fuzz the whole open path on an in-memory file: flattened-stream index,
// the format probes (ELF, kdump), info and a few page reads.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <dontpanic/dump.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-dump", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	const char *paths[] = { path };
	struct dp_dump *dump;
	struct dp_error *err = dp_dump_open(paths, 1, &dump);
	if (!err) {
		struct dp_dump_info info;
		dp_error_destroy(dp_dump_get_info(dump, &info));
		uint8_t *page = malloc(dp_dump_page_size(dump));
		for (uint64_t pfn = 0; page && pfn < 8; pfn++)
			dp_error_destroy(dp_dump_read_page(dump, pfn, page));
		free(page);
		dp_dump_destroy(dump);
	}
	dp_error_destroy(err);
	close(fd);
	return 0;
}
