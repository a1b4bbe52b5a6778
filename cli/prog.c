// SPDX-License-Identifier: MIT
// Helpers for commands that look at the kernel through a dp_program.
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli.h"

int dp_cli_open_program(const char *cmd, const char *const *paths, size_t n,
			struct dp_dump **dump_ret, struct dp_program **ret)
{
	struct dp_dump *dump = dp_cli_open_dump(cmd, paths, n);
	if (!dump)
		return DP_EXIT_BAD_DUMP;
	struct dp_error *err = dp_program_create(dump, NULL, ret);
	if (err) {
		dp_cli_error(cmd, err);
		dp_dump_destroy(dump);
		return DP_EXIT_BAD_DUMP;
	}
	*dump_ret = dump;
	return DP_EXIT_OK;
}

void dp_cli_close_program(struct dp_dump *dump, struct dp_program *prog)
{
	dp_program_destroy(prog);
	dp_dump_destroy(dump);
}

int dp_cli_first_dump(int argc, char **argv, int min)
{
	struct stat st;
	int i = argc;
	while (i > min && stat(argv[i - 1], &st) == 0 && !S_ISDIR(st.st_mode))
		i--;
	return i;
}

int64_t dp_cli_crash_time(struct dp_dump *dump, int64_t xtime_sec,
			  const char **source)
{
	int64_t t = 0;
	struct dp_error *err = dp_dump_vmcoreinfo_number(dump, "CRASHTIME",
							 &t);
	if (!err && t) {
		*source = "VMCOREINFO CRASHTIME";
		return t;
	}
	dp_error_destroy(err);
	struct dp_dump_info info;
	err = dp_dump_get_info(dump, &info);
	if (!err && info.crash_time) {
		*source = "dump header";
		return info.crash_time;
	}
	dp_error_destroy(err);
	*source = xtime_sec ? "kernel clock (timekeeper)" : NULL;
	return xtime_sec;
}
