// SPDX-License-Identifier: MIT
// Data work of the capture kernel's /init (capture.h): target file,
// core_collector translation, dump directory name (superblocks:
// fsprobe.c).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/capture.h>

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
