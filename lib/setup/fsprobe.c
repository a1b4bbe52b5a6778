// SPDX-License-Identifier: MIT
// File system superblock probing (type and UUID), as blkid does, for the
// few file systems a dump target uses. Offsets: ext2/3/4 from the kernel's
// fs/ext4/ext4.h (superblock at 1024, s_magic 0xEF53 at +0x38, s_uuid at
// +0x68, feature words at +0x5C/+0x60), xfs from fs/xfs/libxfs/
// xfs_format.h ("XFSB" at 0, sb_uuid at 32, big endian), btrfs from
// fs/btrfs/ctree.h (superblock at 64 KiB, fsid at +0x20, magic at +0x40).
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "setup/target.h"

#define PROBE_LEN (64 * 1024 + 4096)

static char *uuid_str(const uint8_t *u)
{
	char *s = malloc(37);
	if (!s)
		return NULL;
	snprintf(s, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
	return s;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* ext4 if it uses a feature ext3 lacks; ext3 if it has a journal. */
static const char *ext_type(const uint8_t *sb)
{
	uint32_t compat = le32(sb + 0x5c), incompat = le32(sb + 0x60);
	uint32_t ro_compat = le32(sb + 0x64);
	/* EXTENTS 0x40, 64BIT 0x80, MMP 0x100, FLEX_BG 0x200, ... ; ro:
	 * HUGE_FILE 0x8, GDT_CSUM 0x10, DIR_NLINK 0x20, EXTRA_ISIZE 0x40,
	 * METADATA_CSUM 0x400 */
	if ((incompat & ~0x1fu) || (ro_compat & ~0x7u))
		return "ext4";
	if (compat & 0x4)	/* HAS_JOURNAL */
		return "ext3";
	return "ext2";
}

struct dp_error *dp_fsprobe(const char *path, char **fstype_ret,
			    char **uuid_ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dp_error_os(errno, "%s", path);
	uint8_t *buf = calloc(1, PROBE_LEN);
	if (!buf) {
		close(fd);
		return &dp_enomem;
	}
	size_t len = 0;
	while (len < PROBE_LEN) {
		ssize_t n = pread(fd, buf + len, PROBE_LEN - len, (off_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	const char *type = NULL;
	const uint8_t *uuid = NULL;
	if (len >= 1024 + 0x78 && buf[1024 + 0x38] == 0x53 &&
	    buf[1024 + 0x39] == 0xef) {
		type = ext_type(buf + 1024);
		uuid = buf + 1024 + 0x68;
	} else if (len >= 48 && memcmp(buf, "XFSB", 4) == 0) {
		type = "xfs";
		uuid = buf + 32;
	} else if (len >= 0x10000 + 0x48 &&
		   memcmp(buf + 0x10040, "_BHRfS_M", 8) == 0) {
		type = "btrfs";
		uuid = buf + 0x10020;
	}
	struct dp_error *err = NULL;
	if (!type) {
		err = dp_error_create(DP_ERR_NOT_FOUND,
				      "%s: no ext2/3/4, xfs or btrfs superblock (%zu bytes read)",
				      path, len);
	} else {
		*fstype_ret = strdup(type);
		*uuid_ret = uuid_str(uuid);
		if (!*fstype_ret || !*uuid_ret) {
			free(*fstype_ret);
			free(*uuid_ret);
			err = &dp_enomem;
		}
	}
	free(buf);
	return err;
}
