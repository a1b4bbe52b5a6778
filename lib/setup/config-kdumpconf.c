// SPDX-License-Identifier: MIT
// The kdump.conf dialect (Fedora/RHEL kdumpctl, kdump.conf(5)).
//
// Facts followed (kdump-utils' kdumpctl parse_config(), kdump_read_conf(),
// mkdumprd() and verify_core_collector(); kdump.conf(5); ANCHORS.md §4.1):
// - `#` starts a comment anywhere on a line; the first word is the
//   directive, the rest of the line (trimmed) its value, without one pair
//   of surrounding double quotes (kdump_get_conf_val()).
// - dump targets: raw, ext2/3/4, minix, btrfs, xfs, virtiofs, nfs, ssh, and
//   dracut_args with one --mount; two targets are an error.
// - every directive needs a value and may appear once.
// - `default` is the old name of failure_action (warning).
// - net, options, link_delay, disk_timeout, debug_mem_level, blacklist
//   were removed: an error.
// - a makedumpfile core_collector needs -F for raw and ssh targets, and
//   `makedumpfile --check-params` must accept its options with "vmcore"
//   (raw, ssh) or "vmcore dumpfile" appended (mkdumprd); a
//   non-makedumpfile collector on raw leaves a dump to recover by hand.
// - an ssh target must be user@host; an nfs one host:/export, the host
//   possibly an IPv6 address in brackets.
// - virtiofs names a tag, not a device.
// What kdumpctl accepts but this build's capture cannot do is an error
// from the capability table (capability.c, cfg_capability()).
// Checks marked "(dontpanic)" below are ours, not kdumpctl's.
#include <stdlib.h>
#include <string.h>

#include "config-priv.h"

enum key {
	K_TARGET, K_SSHKEY, K_PATH, K_COLLECTOR, K_PRE, K_POST, K_EMERGENCY,
	K_EXTRA_BINS, K_EXTRA_MODULES, K_FAILURE, K_FINAL, K_FORCE_REBUILD,
	K_FORCE_NO_REBUILD, K_DRACUT_ARGS, K_FENCE_ARGS, K_FENCE_NODES,
	K_AUTO_RESET, K_COUNT,
};

static const struct {
	const char *name;
	enum key key;
} directives[] = {
	{ "raw", K_TARGET }, { "ext2", K_TARGET }, { "ext3", K_TARGET },
	{ "ext4", K_TARGET }, { "minix", K_TARGET }, { "btrfs", K_TARGET },
	{ "xfs", K_TARGET }, { "virtiofs", K_TARGET }, { "nfs", K_TARGET },
	{ "ssh", K_TARGET },
	{ "sshkey", K_SSHKEY }, { "path", K_PATH },
	{ "core_collector", K_COLLECTOR },
	{ "kdump_pre", K_PRE }, { "kdump_post", K_POST },
	{ "kdump_emergency", K_EMERGENCY },
	{ "extra_bins", K_EXTRA_BINS }, { "extra_modules", K_EXTRA_MODULES },
	{ "failure_action", K_FAILURE }, { "default", K_FAILURE },
	{ "final_action", K_FINAL },
	{ "force_rebuild", K_FORCE_REBUILD },
	{ "force_no_rebuild", K_FORCE_NO_REBUILD },
	{ "dracut_args", K_DRACUT_ARGS },
	{ "fence_kdump_args", K_FENCE_ARGS },
	{ "fence_kdump_nodes", K_FENCE_NODES },
	{ "auto_reset_crashkernel", K_AUTO_RESET },
};

// Removed from kdump.conf; kdumpctl refuses to start with them.
static const char *const removed[] = {
	"net", "options", "link_delay", "disk_timeout", "debug_mem_level",
	"blacklist",
};

// File systems people write that kdumpctl does not accept as targets.
static const char *const other_fs[] = {
	"vfat", "msdos", "exfat", "ntfs", "ntfs3", "f2fs", "jfs", "reiserfs",
	"zfs", "cifs", "smb3", "nfs4", "tmpfs",
};

struct kdc {
	struct cfg_parse *p;
	unsigned seen[K_COUNT];
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static int find_directive(const char *name)
{
	for (size_t i = 0; i < sizeof(directives) / sizeof(directives[0]); i++)
		if (!strcmp(name, directives[i].name))
			return (int)i;
	return -1;
}

static enum dp_action parse_action(const char *s, bool final)
{
	static const struct {
		const char *name;
		enum dp_action a;
		bool final_ok;
	} actions[] = {
		{ "reboot", DP_ACTION_REBOOT, true },
		{ "halt", DP_ACTION_HALT, true },
		{ "poweroff", DP_ACTION_POWEROFF, true },
		{ "shell", DP_ACTION_SHELL, false },
		{ "dump_to_rootfs", DP_ACTION_DUMP_TO_ROOTFS, false },
	};
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(s, actions[i].name) && (!final || actions[i].final_ok))
			return actions[i].a;
	return DP_ACTION_UNSET;
}

// "0" / "1" (force_rebuild), "no" / "yes" (auto_reset_crashkernel).
static int parse_bool(const char *s, const char *no, const char *yes)
{
	if (!strcmp(s, no))
		return 0;
	if (!strcmp(s, yes))
		return 1;
	return -1;
}

static bool device_spec_ok(const char *s)
{
	static const char *const prefixes[] = {
		"/dev/", "UUID=", "LABEL=", "PARTUUID=", "PARTLABEL=",
	};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(s, prefixes[i], strlen(prefixes[i])) &&
		    s[strlen(prefixes[i])])
			return true;
	return false;
}

// <host>:/<export>, the host a name, an IPv4 address or an IPv6 address
// in brackets ("[2001:db8::1]:/export", kdump-lib.sh get_remote_host()).
static bool nfs_spec_ok(const char *s)
{
	const char *colon;
	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (!close || close == s + 1 || !memchr(s, ':', (size_t)(close - s)))
			return false;
		colon = close + 1;
		if (*colon != ':')
			return false;
	} else {
		colon = strchr(s, ':');
		if (!colon || colon == s)
			return false;
	}
	return colon[1] == '/';
}

static void set_target(struct kdc *k, const char *dir, const char *val)
{
	struct cfg_parse *p = k->p;
	struct dp_config *c = p->cfg;
	unsigned line = p->lineno;
	// kdumpctl takes the rest of the line as the target; no device,
	// export or host has a blank in it, so a second word is a mistake.
	const char *blank = val + strcspn(val, " \t");
	if (*blank)
		cfg_diag(p, true, line,
			 "'%s' takes one value; '%s' is more than one word",
			 dir, val);
	if (!strcmp(dir, "raw")) {
		c->target = DP_TARGET_RAW;
	} else if (!strcmp(dir, "nfs")) {
		c->target = DP_TARGET_NFS;
		if (!nfs_spec_ok(val))
			cfg_diag(p, true, line,
				 "nfs target '%s' is not <host>:/<export> ([<IPv6>]:/<export>)",
				 val);
	} else if (!strcmp(dir, "ssh")) {
		c->target = DP_TARGET_SSH;
		const char *at = strchr(val, '@');
		if (!at || at == val || !at[1])
			cfg_diag(p, true, line,
				 "ssh target '%s' is not <user>@<host>", val);
	} else if (!strcmp(dir, "virtiofs")) {
		c->target = DP_TARGET_VIRTIOFS;	// a tag, not a device
	} else {
		c->target = DP_TARGET_FS;
		free(c->fstype);
		c->fstype = cfg_strdup(p, dir);
	}
	if ((c->target == DP_TARGET_RAW || c->target == DP_TARGET_FS) &&
	    !device_spec_ok(val))
		cfg_diag(p, false, line,
			 "'%s %s': a device is /dev/..., UUID=, LABEL=, PARTUUID= or PARTLABEL=",
			 dir, val);
	cfg_capability(p, line, dir, NULL);
	free(c->target_spec);
	c->target_spec = cfg_strdup(p, val);
	c->target_line = line;
}

// dracut_args with --mount names the target itself (kdumpctl counts it).
static void dracut_args(struct kdc *k, const char *val)
{
	struct cfg_parse *p = k->p;
	struct dp_config *c = p->cfg;
	c->dracut_args = cfg_strdup(p, val);
	cfg_capability(p, p->lineno, "dracut_args", NULL);
	const char *m = strstr(val, "--mount");
	if (!m)
		return;
	if (strstr(m + 7, "--mount")) {
		cfg_diag(p, true, p->lineno,
			 "dracut_args has more than one --mount");
		return;
	}
	if (k->seen[K_TARGET]) {
		cfg_diag(p, true, p->lineno,
			 "more than one dump target: --mount in dracut_args, and line %u",
			 k->seen[K_TARGET]);
		return;
	}
	k->seen[K_TARGET] = p->lineno;
	c->target = DP_TARGET_DRACUT;
	c->target_spec = cfg_strdup(p, m);
	c->target_line = p->lineno;
}

// The table's core_collector rows are keyed by program: makedumpfile,
// dontpanic (collect); anything else is its any-value row.
static void collector_capability(struct cfg_parse *p,
				 const struct dp_config_words *w)
{
	const char *prog = NULL;
	if (cfg_collector_is_makedumpfile(w)) {
		prog = strrchr(w->v[0], '/');
		prog = prog ? prog + 1 : w->v[0];
	}
	cfg_capability(p, p->lineno, "core_collector", prog);
}

static void set_value(struct kdc *k, enum key key, const char *dir,
		      const char *val)
{
	struct cfg_parse *p = k->p;
	struct dp_config *c = p->cfg;
	unsigned line = p->lineno;
	int b;
	switch (key) {
	case K_TARGET: set_target(k, dir, val); break;
	case K_SSHKEY:
		c->sshkey = cfg_strdup(p, val);
		c->sshkey_line = line;
		break;
	case K_PATH: c->path = cfg_strdup(p, val); break;
	case K_COLLECTOR:
		cfg_split(p, val, &c->collector);
		collector_capability(p, &c->collector);
		break;
	case K_PRE: c->kdump_pre = cfg_strdup(p, val); break;
	case K_POST: c->kdump_post = cfg_strdup(p, val); break;
	case K_EMERGENCY: c->kdump_emergency = cfg_strdup(p, val); break;
	case K_EXTRA_BINS: cfg_split(p, val, &c->extra_bins); break;
	case K_EXTRA_MODULES: cfg_split(p, val, &c->extra_modules); break;
	case K_FENCE_NODES:
		cfg_split(p, val, &c->fence_kdump_nodes);
		c->fence_kdump_nodes_line = line;
		break;
	case K_FENCE_ARGS: c->fence_kdump_args = cfg_strdup(p, val); break;
	case K_DRACUT_ARGS: dracut_args(k, val); break;
	case K_FAILURE:
		c->failure_action = parse_action(val, false);
		if (!c->failure_action)
			cfg_diag(p, true, line,
				 "%s '%s': must be reboot, halt, poweroff, shell or dump_to_rootfs",
				 dir, val);
		else
			cfg_capability(p, line, "failure_action", val);
		break;
	case K_FINAL:
		c->final_action = parse_action(val, true);
		if (!c->final_action)
			cfg_diag(p, true, line,
				 "final_action '%s': must be reboot, halt or poweroff",
				 val);
		else
			cfg_capability(p, line, "final_action", val);
		break;
	case K_FORCE_REBUILD:
	case K_FORCE_NO_REBUILD:
		b = parse_bool(val, "0", "1");
		if (b < 0)
			cfg_diag(p, true, line, "%s '%s': must be 0 or 1",
				 dir, val);
		*(key == K_FORCE_REBUILD ? &c->force_rebuild :
		  &c->force_no_rebuild) = b;
		break;
	case K_AUTO_RESET:
		c->auto_reset_crashkernel = parse_bool(val, "no", "yes");
		if (c->auto_reset_crashkernel < 0)
			cfg_diag(p, true, line,
				 "auto_reset_crashkernel '%s': must be yes or no",
				 val);
		break;
	case K_COUNT: break;
	}
}

static void unknown_directive(struct cfg_parse *p, const char *dir)
{
	size_t nrem = sizeof(removed) / sizeof(removed[0]);
	size_t nfs = sizeof(other_fs) / sizeof(other_fs[0]);
	if (in_list(dir, removed, nrem))
		cfg_diag(p, true, p->lineno,
			 "'%s' was removed from kdump.conf; see kdump.conf(5) for what replaces it",
			 dir);
	else if (!strcmp(dir, "nfs4"))
		cfg_diag(p, true, p->lineno,
			 "'nfs4' is not a target type; write 'nfs' (the version comes from the mount options)");
	else if (in_list(dir, other_fs, nfs))
		cfg_diag(p, true, p->lineno,
			 "'%s' is not a dump target kdumpctl accepts (raw, ext2, ext3, ext4, xfs, btrfs, minix, virtiofs, nfs, ssh)",
			 dir);
	else if (strchr(dir, '='))
		cfg_diag(p, true, p->lineno,
			 "'%s' looks like a kdump-tools variable; kdump.conf lines are '<directive> <value>'",
			 dir);
	else
		cfg_diag(p, true, p->lineno, "unknown directive '%s'", dir);
}

static void parse_line(struct kdc *k, char *s)
{
	struct cfg_parse *p = k->p;
	char *hash = strchr(s, '#');
	if (hash)
		*hash = '\0';
	while (cfg_blank((unsigned char)*s))
		s++;
	char *end = s + strlen(s);
	while (end > s && cfg_blank((unsigned char)end[-1]))
		*--end = '\0';
	if (!*s)
		return;
	char *val = s;
	while (*val && !cfg_blank((unsigned char)*val))
		val++;
	if (*val)
		*val++ = '\0';
	while (cfg_blank((unsigned char)*val))
		val++;
	// kdump_get_conf_val() strips one pair of surrounding double quotes.
	size_t vlen = strlen(val);
	if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
		val[vlen - 1] = '\0';
		val++;
	}
	int d = find_directive(s);
	if (d < 0) {
		unknown_directive(p, s);
		return;
	}
	enum key key = directives[d].key;
	if (!*val) {
		cfg_diag(p, true, p->lineno, "'%s' needs a value", s);
		return;
	}
	if (!strcmp(s, "default"))
		cfg_diag(p, false, p->lineno,
			 "'default' is the old name of 'failure_action'; write 'failure_action %s'",
			 val);
	if (k->seen[key]) {
		if (key == K_TARGET)
			cfg_diag(p, true, p->lineno,
				 "more than one dump target: '%s' here and line %u",
				 s, k->seen[key]);
		else
			cfg_diag(p, true, p->lineno,
				 "'%s' given twice (first on line %u)", s,
				 k->seen[key]);
		return;
	}
	k->seen[key] = p->lineno;
	set_value(k, key, s, val);
	// Accepted by kdumpctl, never done by this build's capture.
	static const enum key crash_time[] = {
		K_PRE, K_POST, K_EMERGENCY, K_EXTRA_BINS, K_FENCE_NODES,
		K_FENCE_ARGS,
	};
	for (size_t i = 0; i < sizeof(crash_time) / sizeof(crash_time[0]); i++)
		if (key == crash_time[i])
			cfg_capability(p, p->lineno, s, NULL);
}

static void fill_defaults(struct kdc *k)
{
	struct cfg_parse *p = k->p;
	struct dp_config *c = p->cfg;
	if (!c->path) {
		c->path = cfg_strdup(p, "/var/crash");
		c->path_default = true;
	}
	if (c->target == DP_TARGET_SSH && !c->sshkey)
		c->sshkey = cfg_strdup(p, "/root/.ssh/kdump_id_rsa");
	if (!c->collector.n) {
		// kdump.conf(5): the default, plus -F where the output is a
		// stream (raw device, ssh pipe).
		bool flat = c->target == DP_TARGET_RAW ||
			    c->target == DP_TARGET_SSH;
		cfg_split(p, flat ? "makedumpfile -l --message-level 7 -d 31 -F" :
			  "makedumpfile -l --message-level 7 -d 31",
			  &c->collector);
		c->collector_default = true;
	}
	if (!c->failure_action && !k->seen[K_FAILURE]) {
		c->failure_action = DP_ACTION_REBOOT;
		c->failure_action_default = true;
	}
	if (!c->final_action && !k->seen[K_FINAL]) {
		c->final_action = DP_ACTION_REBOOT;
		c->final_action_default = true;
	}
}

// mkdumprd verify_core_collector(): a makedumpfile collector needs -F for
// a stream target, then `makedumpfile --check-params OPTIONS vmcore
// [dumpfile]` must pass.
static void check_collector(struct kdc *k)
{
	struct cfg_parse *p = k->p;
	struct dp_config *c = p->cfg;
	unsigned line = k->seen[K_COLLECTOR];
	bool stream = c->target == DP_TARGET_RAW || c->target == DP_TARGET_SSH;
	if (!line)
		return;
	if (!cfg_collector_is_makedumpfile(&c->collector)) {
		if (c->target == DP_TARGET_RAW)
			cfg_diag(p, false, line,
				 "core_collector '%s' is not makedumpfile: the dump on the raw device must be recovered by hand",
				 c->collector.v[0]);
		return;
	}
	if (stream && !cfg_collector_has_flag(&c->collector, 'F')) {
		cfg_diag(p, true, line,
			 "the %s target needs makedumpfile -F (flattened output to a stream); add -F to core_collector",
			 dp_target_kind_name(c->target));
		return;
	}
	const char *prog = strrchr(c->collector.v[0], '/');
	prog = prog ? prog + 1 : c->collector.v[0];
	size_t first = strcmp(prog, "dontpanic") ? 1 : 2;
	const char *why = dp_collector_check_params(&c->collector, first,
						    stream ? 1 : 2);
	if (why)
		cfg_diag(p, true, line,
			 "core_collector: makedumpfile --check-params refuses these options: %s",
			 why);
}

static void check_model(struct kdc *k)
{
	struct cfg_parse *p = k->p;
	struct dp_config *c = p->cfg;
	check_collector(k);
	if (c->force_rebuild == 1 && c->force_no_rebuild == 1)
		cfg_diag(p, true, k->seen[K_FORCE_NO_REBUILD],
			 "force_rebuild 1 and force_no_rebuild 1 contradict each other");
	if (k->seen[K_SSHKEY] && c->target != DP_TARGET_SSH)
		cfg_diag(p, false, k->seen[K_SSHKEY],
			 "sshkey is only used with an ssh target");
	// (dontpanic) kdump.conf(5) gives paths from the target's root.
	if (k->seen[K_PATH] && c->path && c->path[0] != '/')
		cfg_diag(p, false, k->seen[K_PATH],
			 "path '%s' is relative; it is taken from the root of the target",
			 c->path);
	const struct { enum key key; const char *name; const char *v; } hooks[] = {
		{ K_PRE, "kdump_pre", c->kdump_pre },
		{ K_POST, "kdump_post", c->kdump_post },
		{ K_EMERGENCY, "kdump_emergency", c->kdump_emergency },
	};
	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		if (hooks[i].v && hooks[i].v[0] != '/')
			cfg_diag(p, true, k->seen[hooks[i].key],
				 "%s '%s': needs the absolute path of an executable",
				 hooks[i].name, hooks[i].v);
	if (c->fence_kdump_args && !c->fence_kdump_nodes.n)
		cfg_diag(p, false, k->seen[K_FENCE_ARGS],
			 "fence_kdump_args without fence_kdump_nodes has no effect");
}

void cfg_parse_kdump_conf(struct cfg_parse *p)
{
	struct kdc k = { .p = p };
	while (cfg_next_line(p))
		parse_line(&k, p->line);
	check_model(&k);
	fill_defaults(&k);
}
