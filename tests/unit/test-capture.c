// SPDX-License-Identifier: MIT
// The capture /init's data work (lib/setup/capture.c): superblocks (a real
// mkfs.ext4 image, and XFS/btrfs superblocks laid out by hand from the
// kernel's struct definitions), the target file, core_collector
// translation, the dump directory name.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dontpanic/capture.h>

#include "test.h"

static const uint8_t uuid_bytes[16] = {
	0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78,
	0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0,
};
#define UUID_STR "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"

static uint8_t buf[DP_BLKID_PROBE_SIZE];

TEST(ext4_real_image)
{
	if (system("command -v mkfs.ext4 >/dev/null") != 0) {
		printf("# no mkfs.ext4: ext4 checked by the QEMU test only\n");
		return;
	}
	char img[] = "/tmp/dp-blkid-XXXXXX";
	int fd = mkstemp(img);
	CHECK(fd >= 0);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "mkfs.ext4 -q -F -U " UUID_STR " -L dpdump %s 8M", img);
	CHECK(system(cmd) == 0);
	memset(buf, 0, sizeof(buf));
	CHECK(pread(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf));
	close(fd);
	unlink(img);
	struct dp_blkid id;
	CHECK_OK(dp_blkid_probe(buf, sizeof(buf), &id));
	CHECK_STR(id.fstype, "ext4");
	CHECK_STR(id.uuid, UUID_STR);
	CHECK_STR(id.label, "dpdump");
	// A short read (first 1 KiB only) finds nothing, without reading past.
	struct dp_error *err = dp_blkid_probe(buf, 1100, &id);
	CHECK(err && err->code == DP_ERR_NOT_FOUND);
	dp_error_destroy(err);
}

TEST(xfs_and_btrfs_by_hand)
{
	struct dp_blkid id;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "XFSB", 4);
	memcpy(buf + 32, uuid_bytes, 16);
	memcpy(buf + 108, "xfslabel1234", 12);	// 12 bytes, unterminated
	CHECK_OK(dp_blkid_probe(buf, 512, &id));
	CHECK_STR(id.fstype, "xfs");
	CHECK_STR(id.uuid, UUID_STR);
	CHECK_STR(id.label, "xfslabel1234");
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 0x10000 + 0x20, uuid_bytes, 16);
	memcpy(buf + 0x10000 + 0x40, "_BHRfS_M", 8);
	memcpy(buf + 0x10000 + 0x12B, "data", 5);
	CHECK_OK(dp_blkid_probe(buf, sizeof(buf), &id));
	CHECK_STR(id.fstype, "btrfs");
	CHECK_STR(id.uuid, UUID_STR);
	CHECK_STR(id.label, "data");
	memset(buf, 0, sizeof(buf));
	struct dp_error *err = dp_blkid_probe(buf, sizeof(buf), &id);
	CHECK(err && err->code == DP_ERR_NOT_FOUND);
	dp_error_destroy(err);
}

TEST(target_file)
{
	static const char text[] =
		"# written by dontpanic initramfs\n"
		"kind=ext4\r\n"
		"device=UUID=" UUID_STR "\n"
		"  fstype=ext4  \n"
		"path=/var/crash\n"
		"future=ignored\n";
	struct dp_capture_target t;
	CHECK_OK(dp_capture_target_parse(text, sizeof(text) - 1, &t));
	CHECK_STR(t.kind, "ext4");
	CHECK_STR(t.uuid, UUID_STR);
	CHECK_STR(t.fstype, "ext4");
	CHECK_STR(t.path, "/var/crash");
	// uuid= wins over the device's UUID= (the builder resolved it).
	static const char t2[] = "kind=xfs\ndevice=UUID=aaaa\nuuid=bbbb\n";
	CHECK_OK(dp_capture_target_parse(t2, sizeof(t2) - 1, &t));
	CHECK_STR(t.uuid, "bbbb");
	static const char t3[] = "kind=ext4\ndevice=LABEL=dpdump\n";
	CHECK_OK(dp_capture_target_parse(t3, sizeof(t3) - 1, &t));
	CHECK_STR(t.label, "dpdump");
	static const char bad[] = "kind=ext4\nnonsense\n";
	struct dp_error *err = dp_capture_target_parse(bad, sizeof(bad) - 1, &t);
	CHECK(err && strstr(err->message, "line 2"));
	dp_error_destroy(err);
	static const char nokind[] = "device=/dev/vda\n";
	err = dp_capture_target_parse(nokind, sizeof(nokind) - 1, &t);
	CHECK(err && strstr(err->message, "kind="));
	dp_error_destroy(err);
	char big[2000];
	int n = snprintf(big, sizeof(big), "kind=ext4\npath=");
	memset(big + n, 'x', sizeof(big) - (size_t)n);
	err = dp_capture_target_parse(big, sizeof(big), &t);
	CHECK(err && strstr(err->message, "longer than"));
	dp_error_destroy(err);
}

TEST(target_from_config)
{
	static const char conf[] = "ext4 UUID=" UUID_STR "\npath /dumps\n";
	struct dp_config *cfg;
	CHECK_OK(dp_config_parse(conf, sizeof(conf) - 1, "kdump.conf", DP_CONFIG_AUTO, &cfg));
	struct dp_capture_target t;
	CHECK_OK(dp_capture_target_from_config(cfg, &t));
	CHECK_STR(t.kind, "ext4");
	CHECK_STR(t.uuid, UUID_STR);
	CHECK_STR(t.path, "/dumps");
	dp_config_destroy(cfg);
	static const char local[] = "path /var/crash\n";
	CHECK_OK(dp_config_parse(local, sizeof(local) - 1, "kdump.conf", DP_CONFIG_AUTO, &cfg));
	struct dp_error *err = dp_capture_target_from_config(cfg, &t);
	CHECK(err && err->code == DP_ERR_UNSUPPORTED);
	dp_error_destroy(err);
	dp_config_destroy(cfg);
}

static struct dp_error *collector(const char *const *v, size_t n,
				  struct dp_capture_collector *c)
{
	struct dp_config_words w = { (char **)v, n };
	return dp_capture_collector(&w, c);
}

TEST(collector_argv)
{
	struct dp_capture_collector c;
	static const char *const mdf[] = { "makedumpfile", "-l", "--message-level", "7", "-d", "31" };
	CHECK_OK(collector(mdf, 6, &c));
	CHECK(c.args.n == 5 && !c.flattened);
	CHECK_STR(c.args.v[0], "-l");
	CHECK_STR(c.args.v[2], "7");
	dp_capture_collector_free(&c);
	static const char *const dp[] = { "/usr/bin/dontpanic", "collect", "-d", "31", "-c" };
	CHECK_OK(collector(dp, 5, &c));
	CHECK(c.args.n == 3 && !c.flattened);
	CHECK_STR(c.args.v[2], "-c");
	dp_capture_collector_free(&c);
	static const char *const flat[] = { "/usr/sbin/makedumpfile", "-cF", "-d", "31" };
	CHECK_OK(collector(flat, 4, &c));
	CHECK(c.flattened);
	dp_capture_collector_free(&c);
	static const char *const flat2[] = { "makedumpfile", "-F", "-L", "1G" };
	CHECK_OK(collector(flat2, 4, &c));
	CHECK(c.flattened && c.args.n == 3);
	dp_capture_collector_free(&c);
	static const char *const cp[] = { "cp", "--sparse=always" };
	struct dp_error *err = collector(cp, 2, &c);
	CHECK(err && err->code == DP_ERR_UNSUPPORTED && strstr(err->message, "'cp'"));
	dp_error_destroy(err);
	static const char *const file[] = { "makedumpfile", "-d", "31", "/proc/vmcore" };
	err = collector(file, 4, &c);
	CHECK(err && strstr(err->message, "/proc/vmcore"));
	dp_error_destroy(err);
}

TEST(dirname)
{
	char b[64];
	dp_capture_dirname(1795675512, b, sizeof(b));	// 2026-11-26 06:45:12 UTC
	CHECK_STR(b, "2026-11-26-06:45:12");
	dp_capture_dirname(0, b, sizeof(b));
	CHECK_STR(b, "1970-01-01-00:00:00");
}

TEST_MAIN(T(ext4_real_image), T(xfs_and_btrfs_by_hand), T(target_file),
	  T(target_from_config), T(collector_argv), T(dirname))
