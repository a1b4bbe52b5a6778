// SPDX-License-Identifier: MIT
// Data work of the capture kernel's /init (capture.h): target file,
// superblocks, core_collector translation, dump directory name.
//
// Superblock facts (offsets from the start of the device):
// - ext2/3/4 (Documentation/filesystems/ext4/super.rst): superblock at
//   1024; s_magic le16 0xEF53 at +0x38, s_feature_compat at +0x5C
//   (0x4 has_journal), s_feature_incompat at +0x60 (0x40 extents, 0x80
//   64bit, 0x200 flex_bg), s_uuid[16] at +0x68, s_volume_name[16] at +0x78.
// - XFS (fs/xfs/libxfs/xfs_format.h, struct xfs_dsb): at 0; sb_magicnum
//   "XFSB", sb_uuid[16] at 32, sb_fname[12] at 108.
// - btrfs (fs/btrfs/ctree.h, struct btrfs_super_block): at 0x10000; fsid[16]
//   at +0x20, magic "_BHRfS_M" at +0x40, label[256] at +0x12B.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/capture.h>

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
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

struct dp_error *dp_blkid_probe(const uint8_t *buf, size_t len,
				struct dp_blkid *ret)
{
	memset(ret, 0, sizeof(*ret));
	const uint8_t *e = buf + 1024;
	if (len >= 1024 + 0x88 && e[0x38] == 0x53 && e[0x39] == 0xEF) {
		uint32_t compat = le32(e + 0x5C), incompat = le32(e + 0x60);
		const char *t = incompat & (0x40 | 0x80 | 0x200) ? "ext4" :
				compat & 0x4 ? "ext3" : "ext2";
		snprintf(ret->fstype, sizeof(ret->fstype), "%s", t);
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
	if (len >= 0x10000 + 0x12B + 256 && memcmp(b + 0x40, "_BHRfS_M", 8) == 0) {
		snprintf(ret->fstype, sizeof(ret->fstype), "btrfs");
		fmt_uuid(b + 0x20, ret->uuid);
		fmt_label(b + 0x12B, 256, ret->label, sizeof(ret->label));
		return NULL;
	}
	return dp_error_create(DP_ERR_NOT_FOUND, "no ext2/3/4, xfs or btrfs superblock");
}

// ---------------------------------------------------------- target file

static struct dp_error *set(char *dst, size_t size, const char *key,
			    const char *v, size_t n, unsigned line)
{
	if (n >= size)
		return dp_error_create(DP_ERR_BAD_DATA,
				       "target file line %u: %s value longer than %zu bytes",
				       line, key, size - 1);
	memcpy(dst, v, n);
	dst[n] = '\0';
	return NULL;
}

// Split device "UUID=x" / "LABEL=x" into the fields they name.
static struct dp_error *split_device(struct dp_capture_target *t)
{
	if (!strncmp(t->device, "UUID=", 5) && !t->uuid[0])
		return set(t->uuid, sizeof(t->uuid), "uuid", t->device + 5,
			   strlen(t->device + 5), 0);
	if (!strncmp(t->device, "LABEL=", 6))
		return set(t->label, sizeof(t->label), "label", t->device + 6,
			   strlen(t->device + 6), 0);
	return NULL;
}

struct dp_error *dp_capture_target_parse(const char *text, size_t len,
					 struct dp_capture_target *t)
{
	memset(t, 0, sizeof(*t));
	unsigned line = 0;
	for (size_t i = 0; i < len;) {
		size_t end = i;
		while (end < len && text[end] != '\n')
			end++;
		line++;
		const char *s = text + i;
		size_t n = end - i;
		i = end + 1;
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		while (n && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		if (!n || *s == '#')
			continue;
		const char *eq = memchr(s, '=', n);
		if (!eq || eq == s || memchr(s, '\0', n))
			return dp_error_create(DP_ERR_BAD_DATA,
					       "target file line %u: expected key=value", line);
		size_t klen = (size_t)(eq - s), vlen = n - klen - 1;
		const char *v = eq + 1;
		struct dp_error *err = NULL;
#define KEY(name, field) \
		else if (klen == strlen(name) && !memcmp(s, name, klen)) \
			err = set(t->field, sizeof(t->field), name, v, vlen, line)
		if (0)
			;
		KEY("kind", kind);
		KEY("device", device);
		KEY("uuid", uuid);
		KEY("fstype", fstype);
		KEY("path", path);
#undef KEY
		if (err)
			return err;
	}
	if (!t->kind[0])
		return dp_error_create(DP_ERR_BAD_DATA, "target file: no kind= line");
	return split_device(t);
}

struct dp_error *dp_capture_target_from_config(const struct dp_config *cfg,
					       struct dp_capture_target *t)
{
	memset(t, 0, sizeof(*t));
	const char *kind;
	switch (cfg->target) {
	case DP_TARGET_FS: kind = cfg->fstype ? cfg->fstype : "ext4"; break;
	case DP_TARGET_RAW: kind = "raw"; break;
	case DP_TARGET_NFS: kind = "nfs"; break;
	case DP_TARGET_SSH: kind = "ssh"; break;
	default:
		return dp_error_create(DP_ERR_UNSUPPORTED,
				       "the configuration names no dump device (target '%s') and the initramfs has no /etc/dontpanic/target",
				       dp_target_kind_name(cfg->target));
	}
	snprintf(t->kind, sizeof(t->kind), "%s", kind);
	struct dp_error *err = set(t->device, sizeof(t->device), "device",
				   cfg->target_spec ? cfg->target_spec : "",
				   strlen(cfg->target_spec ? cfg->target_spec : ""), 0);
	if (!err && cfg->path)
		err = set(t->path, sizeof(t->path), "path", cfg->path,
			  strlen(cfg->path), 0);
	return err ? err : split_device(t);
}

// ---------------------------------------------------------- collector

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

// Options of makedumpfile that take a value (the next word when not
// attached), so a value is not taken for a file argument.
static bool takes_value(const char *o)
{
	static const char *const longs[] = {
		"--message-level", "--num-threads", "--cyclic-buffer",
		"--splitblock-size", "--work-dir", "--zstd-level", NULL,
	};
	if (o[0] == '-' && o[1] != '-' && o[1] && !o[2])
		return strchr("dLxib", o[1]) != NULL;
	for (int i = 0; longs[i]; i++)
		if (!strcmp(o, longs[i]))
			return true;
	return false;
}

void dp_capture_collector_free(struct dp_capture_collector *c)
{
	for (size_t i = 0; i < c->args.n; i++)
		free(c->args.v[i]);
	free(c->args.v);
	memset(c, 0, sizeof(*c));
}

struct dp_error *dp_capture_collector(const struct dp_config_words *w,
				      struct dp_capture_collector *ret)
{
	memset(ret, 0, sizeof(*ret));
	size_t first;
	if (w->n >= 1 && !strcmp(base_name(w->v[0]), "makedumpfile"))
		first = 1;
	else if (w->n >= 2 && !strcmp(base_name(w->v[0]), "dontpanic") &&
		 !strcmp(w->v[1], "collect"))
		first = 2;
	else
		return dp_error_create(DP_ERR_UNSUPPORTED,
				       "core_collector '%s' is not supported in the capture kernel: only makedumpfile or dontpanic collect (run in-process, with their options)",
				       w->n ? w->v[0] : "");
	ret->args.v = calloc(w->n + 1, sizeof(char *));
	if (!ret->args.v)
		return dp_error_create(DP_ERR_NOMEM, "core_collector: out of memory");
	for (size_t i = first; i < w->n; i++) {
		const char *o = w->v[i];
		bool value = i > first && takes_value(w->v[i - 1]);
		if (!value && o[0] != '-') {
			struct dp_error *err = dp_error_create(DP_ERR_UNSUPPORTED,
				"core_collector argument '%s': the capture adds /proc/vmcore and the dump file itself; give only options", o);
			dp_capture_collector_free(ret);
			return err;
		}
		// -F alone or in a group of single-letter options (-cF).
		if (!value && o[1] != '-' && strchr(o, 'F') && !takes_value(o))
			ret->flattened = true;
		if (!(ret->args.v[ret->args.n++] = strdup(o))) {
			dp_capture_collector_free(ret);
			return dp_error_create(DP_ERR_NOMEM, "core_collector: out of memory");
		}
	}
	return NULL;
}

void dp_capture_dirname(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d-%H:%M:%S", &tm))
		snprintf(buf, size, "%lld", (long long)t);
}
