// SPDX-License-Identifier: MIT
// What this build's capture (cli/cmd-capture.c, run as the capture
// kernel's /init) can carry out at crash time, keyed by directive and
// value. One table for `config`, `status`, `initramfs` and `capture`: the
// config parsers report every unsupported entry as an error (so status
// fails and initramfs refuses), and capture looks its target kind up here.
// docs/service.md has the same table for people; tests/unit/test-config.c
// walks this one.
#include <string.h>

#include <dontpanic/config.h>

// Order matters: the first entry whose directive matches and whose value
// is NULL (any value) or equal to the value wins.
static const struct dp_capability caps[] = {
	// kdump.conf dump targets (kdumpctl parse_config()).
	{ "raw", NULL, true, "the flattened stream (-F) is written to the device" },
	{ "ext2", NULL, true, "mounted (by the ext4 driver), dump under path" },
	{ "ext3", NULL, true, "mounted (by the ext4 driver), dump under path" },
	{ "ext4", NULL, true, "mounted, dump under path" },
	{ "xfs", NULL, true, "mounted, dump under path" },
	{ "btrfs", NULL, true, "mounted, dump under path" },
	{ "minix", NULL, false, "minix targets are not supported by this build (the capture finds and mounts ext2/3/4, xfs and btrfs only)" },
	{ "virtiofs", NULL, false, "virtiofs targets are not supported by this build (the capture mounts block devices only)" },
	{ "nfs", NULL, false, "nfs targets are not supported by this build (the capture has no network or NFS client yet)" },
	{ "ssh", NULL, false, "ssh targets are not supported by this build (the capture has no network or SSH client yet)" },
	{ "dracut_args", NULL, false, "dracut_args is not supported by this build: dontpanic builds its own initramfs without dracut, so neither --mount nor other dracut options take effect" },
	// What runs the dump.
	{ "core_collector", "makedumpfile", true, "dontpanic's collector, run in a child process with the makedumpfile options given" },
	{ "core_collector", "dontpanic", true, "dontpanic collect, with the options given" },
	{ "core_collector", NULL, false, "this core_collector is not supported by this build: only makedumpfile or dontpanic collect (the capture runs its own collector, in a child process, and packs no cp, scp or shell)" },
	// Actions.
	{ "failure_action", "reboot", true, "reboot(2)" },
	{ "failure_action", "halt", true, "reboot(2) halt" },
	{ "failure_action", "poweroff", true, "reboot(2) power off" },
	{ "failure_action", "shell", false, "failure_action shell is not supported by this build: the initramfs packs no shell (the capture reboots instead)" },
	{ "failure_action", "dump_to_rootfs", false, "failure_action dump_to_rootfs is not supported by this build: the root file system is not mounted (the capture reboots instead)" },
	{ "final_action", "reboot", true, "reboot(2)" },
	{ "final_action", "halt", true, "reboot(2) halt" },
	{ "final_action", "poweroff", true, "reboot(2) power off" },
	// Hooks and extras.
	{ "kdump_pre", NULL, false, "kdump_pre is not supported by this build: the capture runs no hooks" },
	{ "kdump_post", NULL, false, "kdump_post is not supported by this build: the capture runs no hooks" },
	{ "kdump_emergency", NULL, false, "kdump_emergency is not supported by this build: the capture runs no hooks" },
	{ "extra_bins", NULL, false, "extra_bins is not supported by this build: the programs would be packed but nothing in the capture runs them" },
	{ "extra_modules", NULL, true, "packed with their dependencies and loaded before the target is looked for" },
	{ "fence_kdump_nodes", NULL, false, "fence_kdump_nodes is not supported by this build: the capture sends no fence_kdump messages" },
	{ "fence_kdump_args", NULL, false, "fence_kdump_args is not supported by this build: the capture sends no fence_kdump messages" },
	{ "path", NULL, true, "the dump goes under PATH/YYYY-MM-DD-HH:MM:SS/ on the target" },
	// kdump-tools (/etc/default/kdump-tools, kdump-config savecore).
	{ "KDUMP_COREDIR", NULL, true, "the dump goes under KDUMP_COREDIR/YYYY-MM-DD-HH:MM:SS/ on the root file system's device" },
	{ "MAKEDUMP_ARGS", NULL, true, "dontpanic's collector with these options and the -F kdump-config adds" },
	{ "SSH", NULL, false, "SSH targets are not supported by this build (the capture has no network or SSH client yet)" },
	{ "NFS", NULL, false, "NFS targets are not supported by this build (the capture has no network or NFS client yet)" },
	{ "FTP", NULL, false, "FTP targets are not supported by this build (the capture has no network or FTP client)" },
	{ "KDUMP_FAIL_CMD", NULL, false, "KDUMP_FAIL_CMD is not supported by this build: the capture packs no shell to run it (it reboots instead)" },
	{ "KDUMP_COMPRESSION", NULL, false, "KDUMP_COMPRESSION is not supported by this build: the capture packs no bzip2, gzip, lz4 or xz (compress pages with -c, -l or -z in MAKEDUMP_ARGS)" },
	{ "KDUMP_NUM_DUMPS", NULL, false, "KDUMP_NUM_DUMPS is not supported by this build: the capture deletes no old dumps" },
};

const struct dp_capability *dp_capabilities(size_t *n)
{
	*n = sizeof(caps) / sizeof(caps[0]);
	return caps;
}

const struct dp_capability *dp_capability_lookup(const char *directive,
						 const char *value)
{
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		if (strcmp(caps[i].directive, directive) != 0)
			continue;
		if (!caps[i].value || (value && !strcmp(caps[i].value, value)))
			return &caps[i];
	}
	return NULL;
}

bool dp_capability_supported(const char *directive, const char *value)
{
	const struct dp_capability *c = dp_capability_lookup(directive, value);
	return !c || c->supported;
}
