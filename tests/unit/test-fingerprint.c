// SPDX-License-Identifier: MIT
// The capture image's fingerprint: the same inputs give the same text;
// changing any one input (kernel, modules.dep, config, binary, version)
// changes it and the diff names that input and only it.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dontpanic/fingerprint.h>

#include "test.h"

static char tmpdir[] = "/tmp/dp-test-fp-XXXXXX";
static char cfg[300], bin[300];

static void put(const char *rel, const char *text)
{
	char path[600], cmd[700];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p $(dirname %s)", path);
	CHECK(system(cmd) == 0);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static char *make(const char *version, bool with_cfg)
{
	struct dp_fingerprint_opts o = {
		.root = tmpdir, .kver = "1.2.3", .config_file =
		with_cfg ? cfg : NULL, .binary = bin, .version = version,
	};
	char *fp = NULL;
	CHECK_OK(dp_fingerprint_make(&o, &fp));
	return fp;
}

/* diff(a, b) is exactly want (NULL: equal). */
static void check_diff(const char *a, const char *b, const char *want)
{
	bool nomem;
	char *d = dp_fingerprint_diff(a, b, &nomem);
	CHECK(!nomem);
	if (!want)
		CHECK(d == NULL);
	else
		CHECK_STR(d, want);
	if (d)
		printf("# %s\n", d);
	free(d);
}

TEST(inputs)
{
	snprintf(cfg, sizeof(cfg), "%s/etc/kdump.conf", tmpdir);
	snprintf(bin, sizeof(bin), "%s/bin/dontpanic-capture", tmpdir);
	put("boot/vmlinuz-1.2.3", "kernel one");
	put("lib/modules/1.2.3/modules.dep", "kernel/a.ko:\n");
	put("etc/kdump.conf", "path /var/crash\n");
	put("bin/dontpanic-capture", "binary one");
	char *base = make("1.0", true);
	char *again = make("1.0", true);
	CHECK(base && again && !strcmp(base, again));
	CHECK(base && strstr(base, "kver=1.2.3\n") &&
	      strstr(base, "kernel=10:") && strstr(base, "format=1\n"));
	check_diff(base, again, NULL);
	check_diff(NULL, base, "no fingerprint recorded");
	check_diff("garbage", base,
		   "the fingerprint format, kernel, kernel modules, config and dontpanic changed");

	static const struct {
		const char *rel, *text, *what;
	} one[] = {
		{ "boot/vmlinuz-1.2.3", "kernel two", "kernel changed" },
		{ "lib/modules/1.2.3/modules.dep", "kernel/a.ko:\nkernel/b.ko:\n",
		  "kernel modules changed" },
		{ "etc/kdump.conf", "path /var/crash2\n", "config changed" },
		{ "bin/dontpanic-capture", "binary two", "dontpanic changed" },
	};
	char *prev = base;
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		put(one[i].rel, one[i].text);
		char *now = make("1.0", true);
		check_diff(prev, now, one[i].what);
		if (prev != base)
			free(prev);
		prev = now;
	}
	char *v2 = make("1.1", true);
	check_diff(prev, v2, "dontpanic changed");
	char *nocfg = make("1.1", false);
	CHECK(nocfg && strstr(nocfg, "config=none\n"));
	check_diff(v2, nocfg, "config changed");
	/* a kernel removed: "none", not an error; two inputs at once */
	char path[400];
	snprintf(path, sizeof(path), "%s/boot/vmlinuz-1.2.3", tmpdir);
	CHECK(unlink(path) == 0);
	put("etc/kdump.conf", "path /var/crash3\n");
	char *gone = make("1.1", true);
	CHECK(gone && strstr(gone, "kernel=none\n"));
	check_diff(v2, gone, "kernel and config changed");
	free(base);
	free(again);
	free(prev);
	free(v2);
	free(nocfg);
	free(gone);
}

TEST(errors)
{
	/* a config or binary that cannot be read is an error, not "none" */
	struct dp_fingerprint_opts o = {
		.root = tmpdir, .kver = "1.2.3", .config_file = "/nonexistent",
		.binary = bin, .version = "1",
	};
	char *fp = NULL;
	struct dp_error *err = dp_fingerprint_make(&o, &fp);
	CHECK(err && strstr(err->message, "/nonexistent"));
	dp_error_destroy(err);
	o.config_file = NULL;
	o.binary = "/nonexistent-binary";
	err = dp_fingerprint_make(&o, &fp);
	CHECK(err && strstr(err->message, "/nonexistent-binary"));
	dp_error_destroy(err);
	CHECK(fp == NULL);
}

TEST(cleanup)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	CHECK(system(cmd) == 0);
}

static void setup(void) __attribute__((constructor));
static void setup(void)
{
	if (!mkdtemp(tmpdir))
		abort();
}

TEST_MAIN(T(inputs), T(errors), T(cleanup))
