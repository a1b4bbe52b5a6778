// SPDX-License-Identifier: MIT
// File system superblock probing (type, UUID, label), as blkid does, for
// the few file systems a dump target uses. One prober for both sides: the
// initramfs builder (dp_fsprobe on a device node) and the capture kernel's
// /init (dp_blkid_probe on bytes it read), so they never disagree on what
// a device holds. Offsets from the start of the device:
// - ext2/3/4 (fs/ext4/ext4.h, Documentation/filesystems/ext4/super.rst):
//   superblock at 1024; s_magic le16 0xEF53 at +0x38, s_feature_compat
//   +0x5C, s_feature_incompat +0x60, s_feature_ro_compat +0x64, s_uuid[16]
//   +0x68, s_volume_name[16] +0x78.
// - XFS (fs/xfs/libxfs/xfs_format.h, struct xfs_dsb): at 0; "XFSB",
//   sb_uuid[16] at 32, sb_fname[12] at 108.
// - btrfs (fs/btrfs/ctree.h, struct btrfs_super_block): at 0x10000;
//   fsid[16] at +0x20, magic "_BHRfS_M" at +0x40, label[256] at +0x12B.
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dontpanic/capture.h>

#include "setup/target.h"

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void fmt_uuid(const uint8_t *u, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[u[i] >> 4];
		out[o++] = hex[u[i] & 15];
	}
	out[o] = '\0';
}

// A fixed-size, maybe unterminated label field.
static void fmt_label(const uint8_t *p, size_t n, char *out, size_t size)
{
	size_t i = 0;
	for (; i < n && i + 1 < size && p[i]; i++)
		out[i] = (char)p[i];
	out[i] = '\0';
}

// blkid's rule (libblkid superblocks/ext.c): ext4 when a feature outside
// what ext3 supports is set, ext3 when it has a journal.
static const char *ext_type(const uint8_t *sb)
{
	uint32_t compat = le32(sb + 0x5c), incompat = le32(sb + 0x60);
	uint32_t ro_compat = le32(sb + 0x64);
	// ext3 knows incompat COMPRESSION 0x1, FILETYPE 0x2, RECOVER 0x4,
	// JOURNAL_DEV 0x8, META_BG 0x10 and ro_compat SPARSE_SUPER 0x1,
	// LARGE_FILE 0x2, BTREE_DIR 0x4; anything else (EXTENTS 0x40,
	// 64BIT 0x80, FLEX_BG 0x200, HUGE_FILE 0x8, METADATA_CSUM 0x400...)
	if ((incompat & ~0x1fu) || (ro_compat & ~0x7u))
		return "ext4";
	if (compat & 0x4)	// HAS_JOURNAL
		return "ext3";
	return "ext2";
}

struct dp_error *dp_blkid_probe(const uint8_t *buf, size_t len,
				struct dp_blkid *ret)
{
	memset(ret, 0, sizeof(*ret));
	const uint8_t *e = buf + 1024;
	if (len >= 1024 + 0x88 && e[0x38] == 0x53 && e[0x39] == 0xEF) {
		snprintf(ret->fstype, sizeof(ret->fstype), "%s", ext_type(e));
		fmt_uuid(e + 0x68, ret->uuid);
		fmt_label(e + 0x78, 16, ret->label, sizeof(ret->label));
		return NULL;
	}
	if (len >= 120 && memcmp(buf, "XFSB", 4) == 0) {
		snprintf(ret->fstype, sizeof(ret->fstype), "xfs");
		fmt_uuid(buf + 32, ret->uuid);
		fmt_label(buf + 108, 12, ret->label, sizeof(ret->label));
		return NULL;
	}
	const uint8_t *b = buf + 0x10000;
	if (len >= 0x10000 + 0x12B + 256 &&
	    memcmp(b + 0x40, "_BHRfS_M", 8) == 0) {
		snprintf(ret->fstype, sizeof(ret->fstype), "btrfs");
		fmt_uuid(b + 0x20, ret->uuid);
		fmt_label(b + 0x12B, 256, ret->label, sizeof(ret->label));
		return NULL;
	}
	return dp_error_create(DP_ERR_NOT_FOUND,
			       "no ext2/3/4, xfs or btrfs superblock (%zu bytes read)",
			       len);
}

struct dp_error *dp_fsprobe(const char *path, char **fstype_ret,
			    char **uuid_ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dp_error_os(errno, "%s", path);
	uint8_t *buf = calloc(1, DP_BLKID_PROBE_SIZE);
	if (!buf) {
		close(fd);
		return &dp_enomem;
	}
	size_t len = 0;
	while (len < DP_BLKID_PROBE_SIZE) {
		ssize_t n = pread(fd, buf + len, DP_BLKID_PROBE_SIZE - len,
				  (off_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	struct dp_blkid id;
	struct dp_error *err = dp_blkid_probe(buf, len, &id);
	free(buf);
	if (err)
		return dp_error_prefix(err, "%s", path);
	*fstype_ret = strdup(id.fstype);
	*uuid_ret = strdup(id.uuid);
	if (!*fstype_ret || !*uuid_ret) {
		free(*fstype_ret);
		free(*uuid_ret);
		return &dp_enomem;
	}
	return NULL;
}
