// SPDX-License-Identifier: MIT
// The capture image's fingerprint (include/dontpanic/fingerprint.h).
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dontpanic/fingerprint.h>

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

/* "SIZE:HASH" of a file into out; *absent when it does not exist. */
static struct dp_error *hash_file(const char *path, char *out, size_t len,
				  bool *absent)
{
	*absent = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		*absent = true;
		snprintf(out, len, "none");
		return NULL;
	}
	if (fd < 0)
		return dp_error_os(errno, "%s", path);
	uint64_t h = FNV_OFFSET, size = 0;
	unsigned char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * FNV_PRIME;
		size += (uint64_t)n;
	}
	int e = errno;
	close(fd);
	if (n < 0)
		return dp_error_os(e, "read %s", path);
	snprintf(out, len, "%" PRIu64 ":%016" PRIx64, size, h);
	return NULL;
}

struct dp_error *dp_fingerprint_make(const struct dp_fingerprint_opts *o,
				     char **ret)
{
	const char *root = o->root ? o->root : "";
	char path[4096], kernel[64], mods[64], cfg[64] = "none", bin[64];
	bool absent;
	snprintf(path, sizeof(path), "%s/boot/vmlinuz-%s", root, o->kver);
	struct dp_error *err = hash_file(path, kernel, sizeof(kernel),
					 &absent);
	snprintf(path, sizeof(path), "%s/lib/modules/%s/modules.dep", root,
		 o->kver);
	if (!err)
		err = hash_file(path, mods, sizeof(mods), &absent);
	if (!err && o->config_file) {
		err = hash_file(o->config_file, cfg, sizeof(cfg), &absent);
		if (!err && absent)
			err = dp_error_os(ENOENT, "%s", o->config_file);
	}
	if (!err) {
		err = hash_file(o->binary, bin, sizeof(bin), &absent);
		if (!err && absent)
			err = dp_error_os(ENOENT, "%s", o->binary);
	}
	if (err)
		return dp_error_prefix(err, "fingerprint");
	int n = asprintf(ret,
			 "format=1\nkver=%s\nkernel=%s\nmodules=%s\n"
			 "config=%s%s%s\ndontpanic=%s:%s\n",
			 o->kver, kernel, mods,
			 o->config_file ? o->config_file : "",
			 o->config_file ? ":" : "", cfg, o->version, bin);
	return n < 0 ? &dp_enomem : NULL;
}

/* The value of key in a fingerprint text, as a length (0: absent). */
static const char *value(const char *text, const char *key, size_t *len)
{
	size_t k = strlen(key);
	for (const char *p = text; p && *p;) {
		size_t n = strcspn(p, "\n");
		if (n > k && !strncmp(p, key, k) && p[k] == '=') {
			*len = n - k - 1;
			return p + k + 1;
		}
		p += n + (p[n] == '\n');
	}
	*len = 0;
	return NULL;
}

static bool same(const char *a, const char *b, const char *key)
{
	size_t la, lb;
	const char *va = value(a, key, &la), *vb = value(b, key, &lb);
	return va && vb && la == lb && !memcmp(va, vb, la);
}

char *dp_fingerprint_diff(const char *old, const char *new_, bool *nomem)
{
	/* what a user calls each input; kver, kernel and modules are all
	 * "the kernel" */
	static const struct {
		const char *key, *what;
	} keys[] = {
		{ "format", "the fingerprint format" }, { "kver", "kernel" },
		{ "kernel", "kernel" }, { "modules", "kernel modules" },
		{ "config", "config" }, { "dontpanic", "dontpanic" },
	};
	*nomem = false;
	if (!old) {
		char *s = strdup("no fingerprint recorded");
		*nomem = !s;
		return s;
	}
	char buf[256] = "";
	const char *said[8];
	size_t nsaid = 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (same(old, new_, keys[i].key))
			continue;
		bool dup = false;
		for (size_t j = 0; j < nsaid; j++)
			dup |= !strcmp(said[j], keys[i].what);
		if (dup)
			continue;
		said[nsaid++] = keys[i].what;
	}
	if (!nsaid)
		return NULL;
	size_t len = 0;
	for (size_t j = 0; j < nsaid; j++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
					!j ? "" : j + 1 == nsaid ? " and " :
					", ", said[j]);
	snprintf(buf + len, sizeof(buf) - len, " changed");
	char *s = strdup(buf);
	*nomem = !s;
	return s;
}
