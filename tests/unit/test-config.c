// SPDX-License-Identifier: MIT
// The kdump configuration parser (lib/setup/config*.c): both dialects,
// defaults, every rule with its line number, hostile input.
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/config.h>

#include "test.h"

static struct dp_config *parse(const char *text, size_t len,
			       enum dp_config_format fmt)
{
	struct dp_config *c = NULL;
	CHECK_OK(dp_config_parse(text, len, "t.conf", fmt, &c));
	return c;
}

static struct dp_config *conf(const char *text)
{
	return parse(text, strlen(text), DP_CONFIG_AUTO);
}

// The diagnostic for line, or NULL.
static const char *diag_at(const struct dp_config *c, unsigned line)
{
	for (size_t i = 0; i < c->ndiags; i++)
		if (c->diags[i].line == line)
			return c->diags[i].message;
	return NULL;
}

static bool has(const char *s, const char *sub)
{
	if (!s || !strstr(s, sub)) {
		printf("#   '%s' does not contain '%s'\n", s ? s : "(null)", sub);
		return false;
	}
	return true;
}

// Does some diagnostic of line contain sub?
static bool line_has(const struct dp_config *c, unsigned line,
		     const char *sub)
{
	for (size_t i = 0; i < c->ndiags; i++)
		if (c->diags[i].line == line && strstr(c->diags[i].message, sub))
			return true;
	return has(diag_at(c, line), sub);
}

static char *join(const struct dp_config_words *w)
{
	static char buf[1024];
	buf[0] = '\0';
	for (size_t i = 0; i < w->n; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, w->v[i]);
	}
	return buf;
}

TEST(ssh_target_is_normalized)
{
	struct dp_config *c = conf(
		"# dump over ssh\n"
		"ssh kdump@dumps.example.com\n"
		"sshkey /root/.ssh/id_kdump\n"
		"path /srv/crash   # on the server\n"
		"core_collector makedumpfile -F -l --message-level 7 -d 31\n"
		"failure_action shell\n"
		"final_action poweroff\n"
		"extra_modules megaraid_sas sd_mod\n"
		"kdump_post /usr/local/bin/post.sh\n");
	CHECK(c->format == DP_CONFIG_KDUMP_CONF);
	// kdumpctl accepts it all; this build's capture cannot do the ssh
	// target, the shell or the hook: errors marked unsupported.
	CHECK_EQ_U64(c->nerrors, 3);
	CHECK_EQ_U64(c->nunsupported, 3);
	CHECK_EQ_U64(c->nwarnings, 0);
	CHECK(line_has(c, 2, "t.conf:2: error: ssh targets are not supported by this build"));
	CHECK(line_has(c, 6, "error: failure_action shell is not supported by this build"));
	CHECK(line_has(c, 9, "error: kdump_post is not supported by this build"));
	for (size_t i = 0; i < c->ndiags; i++)
		CHECK(c->diags[i].unsupported);
	CHECK(c->target == DP_TARGET_SSH);
	CHECK_STR(c->target_spec, "kdump@dumps.example.com");
	CHECK_EQ_U64(c->target_line, 2);
	CHECK_STR(c->sshkey, "/root/.ssh/id_kdump");
	CHECK_STR(c->path, "/srv/crash");
	CHECK(!c->path_default);
	CHECK_STR(join(&c->collector),
		  "makedumpfile -F -l --message-level 7 -d 31");
	CHECK(c->failure_action == DP_ACTION_SHELL);
	CHECK(c->final_action == DP_ACTION_POWEROFF);
	CHECK_EQ_U64(c->extra_modules.n, 2);
	CHECK_STR(c->extra_modules.v[1], "sd_mod");
	CHECK_STR(c->kdump_post, "/usr/local/bin/post.sh");
	dp_config_destroy(c);
}

TEST(empty_file_gets_kdumpctl_defaults)
{
	struct dp_config *c = conf("# nothing\n\n   \n");
	CHECK_EQ_U64(c->ndiags, 0);
	CHECK(c->target == DP_TARGET_LOCAL);
	CHECK_STR(c->path, "/var/crash");
	CHECK(c->path_default);
	CHECK_STR(join(&c->collector), "makedumpfile -l --message-level 7 -d 31");
	CHECK(c->collector_default);
	CHECK(c->failure_action == DP_ACTION_REBOOT);
	CHECK(c->final_action == DP_ACTION_REBOOT);
	CHECK(c->sshkey == NULL);
	dp_config_destroy(c);
	// Stream targets get -F in the default collector, ssh a default key.
	c = conf("raw /dev/sdb2\n");
	CHECK_STR(join(&c->collector),
		  "makedumpfile -l --message-level 7 -d 31 -F");
	dp_config_destroy(c);
	c = conf("ssh a@b\n");
	CHECK_STR(c->sshkey, "/root/.ssh/kdump_id_rsa");
	dp_config_destroy(c);
}

TEST(fs_targets_and_device_forms)
{
	struct dp_config *c = conf("xfs UUID=03138356-5e61-4ab3-b58e-27507ac41937\n");
	CHECK(c->target == DP_TARGET_FS);
	CHECK_STR(c->fstype, "xfs");
	CHECK_EQ_U64(c->nerrors, 0);
	CHECK_EQ_U64(c->nwarnings, 0);
	dp_config_destroy(c);
	c = conf("ext4 sdb1\n");
	CHECK_EQ_U64(c->nerrors, 0);
	CHECK(line_has(c, 1, "warning: 'ext4 sdb1': a device is /dev/"));
	dp_config_destroy(c);
	c = conf("vfat /dev/sdc1\n");
	CHECK(line_has(c, 1, "t.conf:1: error: 'vfat' is not a dump target"));
	CHECK(c->target == DP_TARGET_LOCAL);
	dp_config_destroy(c);
}

TEST(errors_carry_their_line)
{
	struct dp_config *c = conf(
		"ext4 /dev/sdb1\n"		// 1
		"nfs host:/export\n"		// 2 second target
		"failure_action explode\n"	// 3
		"final_action shell\n"		// 4 shell is failure-only
		"path\n"			// 5 no value
		"path /a\n"			// 6
		"path /b\n"			// 7 duplicate
		"blacklist e1000\n"		// 8 removed
		"frobnicate 1\n"		// 9 unknown
		"force_rebuild yes\n"		// 10 not 0/1
		"auto_reset_crashkernel 1\n"	// 11 not yes/no
		"kdump_pre pre.sh\n");		// 12 not absolute
	CHECK_EQ_U64(c->nerrors, 11);
	CHECK_EQ_U64(c->nunsupported, 1);
	CHECK(line_has(c, 2, "t.conf:2: error: more than one dump target: 'nfs' here and line 1"));
	CHECK(line_has(c, 3, "failure_action 'explode': must be reboot, halt, poweroff, shell or dump_to_rootfs"));
	CHECK(line_has(c, 4, "final_action 'shell': must be reboot, halt or poweroff"));
	CHECK(line_has(c, 5, "'path' needs a value"));
	CHECK(line_has(c, 7, "'path' given twice (first on line 6)"));
	CHECK(line_has(c, 8, "'blacklist' was removed"));
	CHECK(line_has(c, 9, "unknown directive 'frobnicate'"));
	CHECK(line_has(c, 10, "force_rebuild 'yes': must be 0 or 1"));
	CHECK(line_has(c, 11, "must be yes or no"));
	CHECK(line_has(c, 12, "kdump_pre 'pre.sh': needs the absolute path"));
	CHECK(line_has(c, 12, "kdump_pre is not supported by this build"));
	CHECK(diag_at(c, 1) == NULL && diag_at(c, 6) == NULL);
	// The first target stays; the path is the first one given.
	CHECK_STR(c->target_spec, "/dev/sdb1");
	CHECK_STR(c->path, "/a");
	for (size_t i = 1; i < c->ndiags; i++)
		CHECK(c->diags[i - 1].line <= c->diags[i].line);
	dp_config_destroy(c);
}

TEST(collector_rules_follow_kdumpctl)
{
	// raw and ssh need makedumpfile -F: error on the collector's line.
	struct dp_config *c = conf("path /x\nraw /dev/sdb2\ncore_collector makedumpfile -l -d 31\n");
	CHECK_EQ_U64(c->nerrors, 1);
	CHECK(line_has(c, 3, "error: the raw target needs makedumpfile -F"));
	dp_config_destroy(c);
	// -F in a cluster counts; "-d F" would be -d's argument.
	c = conf("raw /dev/sdb2\ncore_collector makedumpfile -lF -d 31\n");
	CHECK_EQ_U64(c->nerrors, 0);
	dp_config_destroy(c);
	c = conf("raw /dev/sdb2\ncore_collector makedumpfile -l -dF\n");
	CHECK_EQ_U64(c->nerrors, 1);
	CHECK(line_has(c, 2, "needs makedumpfile -F"));
	dp_config_destroy(c);
	// Our collector is makedumpfile-compatible.
	c = conf("raw /dev/sdb2\ncore_collector /usr/bin/dontpanic collect -d 31\n");
	CHECK(line_has(c, 2, "needs makedumpfile -F"));
	dp_config_destroy(c);
	c = conf("raw /dev/sdb2\ncore_collector dontpanic collect -F -c -d 31\n");
	CHECK_EQ_U64(c->ndiags, 0);
	dp_config_destroy(c);
	// A non-makedumpfile collector on raw: kdumpctl warns; this build
	// cannot run it (an unsupported error).
	c = conf("raw /dev/sdb2\ncore_collector dd bs=1M\n");
	CHECK_EQ_U64(c->nerrors, 1);
	CHECK_EQ_U64(c->nunsupported, 1);
	CHECK(line_has(c, 2, "warning: core_collector 'dd' is not makedumpfile"));
	CHECK(line_has(c, 2, "error: this core_collector is not supported by this build"));
	dp_config_destroy(c);
	// mkdumprd runs makedumpfile --check-params OPTIONS vmcore dumpfile:
	// -F (a stream) into a file system and -d 99 are refused.
	c = conf("core_collector makedumpfile -F -d 31\n");
	CHECK_EQ_U64(c->nerrors, 1);
	CHECK_EQ_U64(c->nunsupported, 0);
	CHECK(line_has(c, 1, "error: core_collector: makedumpfile --check-params refuses these options: -F"));
	dp_config_destroy(c);
	c = conf("ext4 /dev/sda1\ncore_collector makedumpfile -l -d 99\n");
	CHECK(line_has(c, 2, "the dump level (-d) must be a number from 0 to 31"));
	CHECK_EQ_U64(c->nerrors, 1);
	dp_config_destroy(c);
	c = conf("core_collector makedumpfile -l --message-level 7 -d 31\n");
	CHECK_EQ_U64(c->ndiags, 0);
	dp_config_destroy(c);
	// scp and cp: kdumpctl takes them, this build cannot run them.
	c = conf("ssh u@h\ncore_collector scp\n");
	CHECK_EQ_U64(c->nerrors, 2);
	CHECK_EQ_U64(c->nunsupported, 2);
	CHECK(line_has(c, 2, "this core_collector is not supported by this build"));
	dp_config_destroy(c);
	c = conf("xfs LABEL=crash\ncore_collector cp\n");
	CHECK_EQ_U64(c->nunsupported, 1);
	CHECK(line_has(c, 2, "this core_collector is not supported by this build"));
	dp_config_destroy(c);
}

TEST(deprecated_default_and_other_rules)
{
	struct dp_config *c = conf("default shell\n");
	CHECK(c->failure_action == DP_ACTION_SHELL);
	CHECK_EQ_U64(c->nerrors, 1);
	CHECK(line_has(c, 1, "error: failure_action shell is not supported by this build"));
	CHECK(line_has(c, 1, "warning: 'default' is the old name of 'failure_action'"));
	dp_config_destroy(c);
	c = conf("failure_action halt\ndefault shell\n");
	CHECK(line_has(c, 2, "given twice (first on line 1)"));
	dp_config_destroy(c);
	c = conf("force_rebuild 1\nforce_no_rebuild 1\n");
	CHECK(line_has(c, 2, "contradict"));
	dp_config_destroy(c);
	c = conf("ssh dumps.example.com\n");
	CHECK(line_has(c, 1, "error: ssh target 'dumps.example.com' is not <user>@<host>"));
	dp_config_destroy(c);
	c = conf("nfs server\n");
	CHECK(line_has(c, 1, "is not <host>:/<export>"));
	dp_config_destroy(c);
	c = conf("nfs4 server:/x\n");
	CHECK(line_has(c, 1, "write 'nfs'"));
	dp_config_destroy(c);
	c = conf("sshkey /k\n");
	CHECK(line_has(c, 1, "warning: sshkey is only used with an ssh target"));
	dp_config_destroy(c);
	// dracut_args --mount is a target, so it conflicts with another.
	c = conf("dracut_args --mount \"srv:/x /mnt nfs defaults\"\nraw /dev/sdb\n");
	CHECK(c->target == DP_TARGET_DRACUT);
	CHECK(line_has(c, 2, "more than one dump target: 'raw' here and line 1"));
	dp_config_destroy(c);
	c = conf("dracut_args --mount a --mount b\n");
	CHECK(line_has(c, 1, "more than one --mount"));
	dp_config_destroy(c);
}

TEST(crlf_tabs_and_comments)
{
	struct dp_config *c = conf("\tnfs\t srv:/export # the filer\r\n"
				   "path /crash#x\r\n"
				   "#core_collector cat\r\n");
	CHECK_EQ_U64(c->ndiags, 1);
	CHECK(line_has(c, 1, "error: nfs targets are not supported by this build"));
	CHECK_STR(c->target_spec, "srv:/export");
	CHECK_STR(c->path, "/crash");
	CHECK(c->collector_default);
	dp_config_destroy(c);
}

TEST(hostile_input)
{
	// A NUL in line 2 and an overlong line 3 are reported and skipped;
	// line 4 is still read.
	static char text[3 * DP_CONFIG_MAX_LINE];
	size_t n = 0;
	n += (size_t)sprintf(text + n, "path /a\n");
	memcpy(text + n, "ssh u\0@h\n", 9);
	n += 9;
	memset(text + n, 'x', DP_CONFIG_MAX_LINE + 10);
	n += DP_CONFIG_MAX_LINE + 10;
	n += (size_t)sprintf(text + n, "\nfinal_action halt");	// no final \n
	struct dp_config *c = parse(text, n, DP_CONFIG_KDUMP_CONF);
	CHECK_EQ_U64(c->nerrors, 2);
	CHECK(line_has(c, 2, "t.conf:2: error: NUL byte"));
	CHECK(line_has(c, 3, "t.conf:3: error: line longer than 4096"));
	CHECK(c->final_action == DP_ACTION_HALT);
	CHECK(c->target == DP_TARGET_LOCAL);
	dp_config_destroy(c);
	// Diagnostics are capped; the counts stay exact.
	static char many[600 * 4];
	for (int i = 0; i < 600; i++)
		memcpy(many + 4 * i, "zz\n\n", 4);
	c = parse(many, sizeof(many), DP_CONFIG_KDUMP_CONF);
	CHECK_EQ_U64(c->nerrors, 600);
	CHECK_EQ_U64(c->ndiags, DP_CONFIG_MAX_DIAGS);
	CHECK(c->diags_truncated);
	dp_config_destroy(c);
	// Too many words in one list.
	static char words[DP_CONFIG_MAX_LINE];
	strcpy(words, "extra_bins");
	for (int i = 0; i < 300; i++)
		strcat(words, " b");
	c = conf(words);
	CHECK_EQ_U64(c->extra_bins.n, DP_CONFIG_MAX_WORDS);
	CHECK(line_has(c, 1, "more than 256 words"));
	dp_config_destroy(c);
	// Over the size limit: one error, nothing parsed.
	c = parse("path /x\n", DP_CONFIG_MAX_SIZE + 1ul, DP_CONFIG_KDUMP_CONF);
	CHECK_EQ_U64(c->nerrors, 1);
	CHECK(line_has(c, 0, "larger than"));
	dp_config_destroy(c);
}

TEST(kdump_tools_file)
{
	struct dp_config *c = conf(
		"# kdump-tools configuration\n"
		"USE_KDUMP=1\n"
		"KDUMP_COREDIR=\"/var/crash\"\n"
		"export MAKEDUMP_ARGS='-c -d 31'\n"
		"KDUMP_NUM_DUMPS=5   # keep five\n"
		"KDUMP_FAIL_CMD=\"reboot -f\"\n"
		"SSH=\"kdump@dumps.example.com\"\n"
		"NFS=\"\"\n"
		"NFS_TIMEO=600\n"
		"KDUMP_CMDLINE_APPEND=\"nr_cpus=1 \\\"q\\\" x\"\n");
	CHECK(c->format == DP_CONFIG_KDUMP_TOOLS);
	// kdump-config takes it; this build has no ssh, keeps every dump
	// and runs no command.
	CHECK_EQ_U64(c->nerrors, 3);
	CHECK_EQ_U64(c->nunsupported, 3);
	CHECK_EQ_U64(c->nwarnings, 0);
	CHECK(line_has(c, 5, "error: KDUMP_NUM_DUMPS is not supported by this build"));
	CHECK(line_has(c, 6, "error: KDUMP_FAIL_CMD is not supported by this build"));
	CHECK(line_has(c, 7, "error: SSH targets are not supported by this build"));
	CHECK(c->use_kdump == 1);
	CHECK_STR(c->path, "/var/crash");
	// kdump-config appends -F unless MAKEDUMP_ARGS starts with it.
	CHECK_STR(join(&c->collector), "makedumpfile -c -d 31 -F");
	CHECK(!c->collector_default);
	CHECK(c->num_dumps == 5);
	CHECK(c->failure_action == DP_ACTION_COMMAND);
	CHECK_STR(c->failure_command, "reboot -f");
	CHECK(c->target == DP_TARGET_SSH);	// NFS="" is unset
	CHECK_STR(c->target_spec, "kdump@dumps.example.com");
	CHECK_EQ_U64(c->target_line, 7);
	CHECK_STR(c->sshkey, "/root/.ssh/kdump_id_rsa");
	CHECK(c->nfs_timeo == 600);
	CHECK_STR(c->cmdline_append, "nr_cpus=1 \"q\" x");
	dp_config_destroy(c);
	// Defaults: kdump-tools' own.
	c = parse("USE_KDUMP=1\n", 12, DP_CONFIG_KDUMP_TOOLS);
	CHECK_EQ_U64(c->ndiags, 0);
	CHECK_STR(join(&c->collector), "makedumpfile -F -c -d 31");
	CHECK(c->collector_default);
	CHECK(c->failure_action == DP_ACTION_REBOOT);
	CHECK(c->target == DP_TARGET_LOCAL);
	dp_config_destroy(c);
}

TEST(kdump_tools_errors)
{
	struct dp_config *c = conf(
		"USE_KDUMP=yes\n"			// 1
		"NFS=nfs1:/export\n"			// 2
		"NFS_TIMEO=600s\n"			// 3
		"SSH=kdump@host\n"			// 4 second target
		"MAKEDUMP_ARGS=\"-d $LEVEL\"\n"		// 5 warning
		"KDUMP_COREDIR=\"/var/crash\n"		// 6 unterminated
		"if true; then :; fi\n"			// 7 warning
		"NFS_RETRANS=3 3\n"			// 8 warning
		"HOSTTAG=fqdn\n"			// 9
		"USE_KDUMP=1\n");			// 10 again: wins
	CHECK_EQ_U64(c->nerrors, 5);
	CHECK_EQ_U64(c->nunsupported, 2);
	CHECK(c->use_kdump == 1);
	CHECK(diag_at(c, 1) == NULL);	// yes enables, as any value but 0
	CHECK(line_has(c, 2, "t.conf:2: error: NFS targets are not supported by this build"));
	CHECK(line_has(c, 3, "t.conf:3: error: NFS_TIMEO '600s'"));
	// savecore tries SSH and NFS both: not two targets, two unsupported.
	CHECK(line_has(c, 4, "error: SSH targets are not supported by this build"));
	CHECK(line_has(c, 5, "warning: MAKEDUMP_ARGS: shell expansion"));
	CHECK(line_has(c, 6, "error: KDUMP_COREDIR: unterminated quote"));
	CHECK(line_has(c, 7, "warning: not a variable assignment"));
	CHECK(line_has(c, 8, "text after the value"));
	CHECK(line_has(c, 9, "HOSTTAG 'fqdn'"));
	CHECK(line_has(c, 10, "warning: USE_KDUMP set again (first on line 1)"));
	CHECK(c->target == DP_TARGET_NFS);
	dp_config_destroy(c);
	c = parse("USE_KDUMP=0\nSSH=host\n", 21, DP_CONFIG_KDUMP_TOOLS);
	CHECK(line_has(c, 1, "warning: USE_KDUMP is not set or 0"));
	CHECK(line_has(c, 2, "error: SSH 'host' is not <user>@<host>"));
	CHECK(c->use_kdump == 0);
	dp_config_destroy(c);
}

// kdump-config's verdicts (kdump-tools 1.8.1 /usr/sbin/kdump-config).
TEST(kdump_tools_like_kdump_config)
{
	struct dp_config *c = conf("USE_KDUMP=true\n");
	CHECK(c->use_kdump == 1);
	CHECK_EQ_U64(c->ndiags, 0);
	dp_config_destroy(c);
	c = conf("USE_KDUMP=\"\"\n");
	CHECK(c->use_kdump == 0);
	CHECK(line_has(c, 1, "warning: USE_KDUMP is not set or 0"));
	dp_config_destroy(c);
	// check_compression(): zstd is not one of kdump-config's.
	c = conf("USE_KDUMP=1\nKDUMP_COMPRESSION=zstd\n");
	CHECK_EQ_U64(c->nerrors, 1);
	CHECK_EQ_U64(c->nunsupported, 0);
	CHECK(line_has(c, 2, "KDUMP_COMPRESSION 'zstd': kdump-config supports bzip2, gzip, lz4 or xz"));
	dp_config_destroy(c);
	c = conf("USE_KDUMP=1\nKDUMP_COMPRESSION=gzip\n");
	CHECK_EQ_U64(c->nunsupported, 1);
	CHECK(line_has(c, 2, "KDUMP_COMPRESSION is not supported by this build"));
	dp_config_destroy(c);
	// -F is added unless the value starts with it; a bad level is an
	// error on the MAKEDUMP_ARGS line.
	c = conf("USE_KDUMP=1\nMAKEDUMP_ARGS=\"-F -l -d 31\"\n");
	CHECK_STR(join(&c->collector), "makedumpfile -F -l -d 31");
	CHECK_EQ_U64(c->ndiags, 0);
	dp_config_destroy(c);
	c = conf("USE_KDUMP=1\nMAKEDUMP_ARGS=\"-c -d 99\"\n");
	CHECK(line_has(c, 2, "error: MAKEDUMP_ARGS: makedumpfile refuses these options: the dump level"));
	dp_config_destroy(c);
	c = conf("USE_KDUMP=1\nKDUMP_COREDIR=crash\n");
	CHECK_EQ_U64(c->nerrors, 0);
	CHECK(line_has(c, 2, "warning: KDUMP_COREDIR 'crash' is relative"));
	dp_config_destroy(c);
	c = conf("USE_KDUMP=1\nFTP=ftp.example.com:/d\nSSH=a@b\n");
	CHECK_EQ_U64(c->nerrors, 2);
	CHECK_EQ_U64(c->nunsupported, 2);
	CHECK(c->target == DP_TARGET_FTP);
	dp_config_destroy(c);
}

// kdumpctl's verdicts (kdump-utils kdumpctl parse_config(),
// kdump-lib-initramfs.sh kdump_get_conf_val(), mkdumprd).
TEST(kdump_conf_like_kdumpctl)
{
	// IPv6 is valid syntax: the only error is that nfs is unsupported.
	struct dp_config *c = conf("nfs [2001:db8::1]:/export\n");
	CHECK_EQ_U64(c->nerrors, 1);
	CHECK_EQ_U64(c->nunsupported, 1);
	CHECK(line_has(c, 1, "error: nfs targets are not supported by this build"));
	CHECK_STR(c->target_spec, "[2001:db8::1]:/export");
	dp_config_destroy(c);
	c = conf("nfs [2001:db8::1/export\n");
	CHECK_EQ_U64(c->nerrors, 2);
	CHECK(line_has(c, 1, "is not <host>:/<export>"));
	dp_config_destroy(c);
	c = conf("nfs 192.168.1.1:/export\n");
	CHECK_EQ_U64(c->nerrors, c->nunsupported);
	dp_config_destroy(c);
	// virtiofs names a tag, not a device: no device warning.
	c = conf("virtiofs myfs\n");
	CHECK(c->target == DP_TARGET_VIRTIOFS);
	CHECK_STR(dp_target_kind_name(c->target), "virtiofs");
	CHECK_EQ_U64(c->nwarnings, 0);
	CHECK_EQ_U64(c->nunsupported, 1);
	CHECK(line_has(c, 1, "error: virtiofs targets are not supported by this build"));
	dp_config_destroy(c);
	// One pair of surrounding double quotes is stripped.
	c = conf("path \"/var/crash\"\ncore_collector \"makedumpfile -l -d 31\"\n");
	CHECK_EQ_U64(c->ndiags, 0);
	CHECK_STR(c->path, "/var/crash");
	CHECK_STR(join(&c->collector), "makedumpfile -l -d 31");
	dp_config_destroy(c);
	c = conf("path \"/var/crash\n");
	CHECK_STR(c->path, "\"/var/crash");
	dp_config_destroy(c);
	// A target is one word.
	c = conf("raw /dev/sdb1 extra\n");
	CHECK(line_has(c, 1, "error: 'raw' takes one value; '/dev/sdb1 extra' is more than one word"));
	CHECK_EQ_U64(c->nunsupported, 0);
	dp_config_destroy(c);
	c = conf("ssh root@host extra\n");
	CHECK(line_has(c, 1, "error: 'ssh' takes one value"));
	CHECK_EQ_U64(c->nerrors, 2);
	dp_config_destroy(c);
	// Hooks, extras and dracut_args: kdumpctl takes them, we cannot.
	c = conf("kdump_pre /a\nkdump_emergency /b\nextra_bins /bin/ls\n"
		 "dracut_args --omit-drivers \"a b\"\nfence_kdump_nodes n1\n"
		 "failure_action dump_to_rootfs\n");
	CHECK_EQ_U64(c->nerrors, 6);
	CHECK_EQ_U64(c->nunsupported, 6);
	for (unsigned l = 1; l <= 6; l++)
		CHECK(line_has(c, l, "is not supported by this build"));
	dp_config_destroy(c);
	// final_action, extra_modules and the local targets are supported.
	c = conf("btrfs UUID=1\nfinal_action halt\nfailure_action poweroff\n"
		 "extra_modules xfs\n");
	CHECK_EQ_U64(c->ndiags, 0);
	dp_config_destroy(c);
	c = conf("minix /dev/sdb1\n");
	CHECK(line_has(c, 1, "minix targets are not supported by this build"));
	dp_config_destroy(c);
}

// kdumpctl's checks that need the machine: sshkey, fence_kdump_nodes.
TEST(host_checks)
{
	const char *self[] = { "node1", "192.0.2.7" };
	struct dp_config *c = conf("ssh a@b\nsshkey /nonexistent/key\n");
	CHECK_OK(dp_config_check_host(c, "", self, 2));
	CHECK(line_has(c, 2, "warning: sshkey '/nonexistent/key' is not a file; kdumpctl uses the default"));
	CHECK_STR(c->sshkey, "/root/.ssh/kdump_id_rsa");
	dp_config_destroy(c);
	c = conf("ssh a@b\nsshkey /etc/hostname\n");
	CHECK_OK(dp_config_check_host(c, "", self, 2));
	CHECK(diag_at(c, 2) == NULL);
	CHECK_STR(c->sshkey, "/etc/hostname");
	dp_config_destroy(c);
	// kdump-config has no such rule: SSH_KEY is taken as written.
	c = conf("USE_KDUMP=1\nSSH=a@b\nSSH_KEY=/nonexistent/key\n");
	size_t warnings = c->nwarnings;
	CHECK_OK(dp_config_check_host(c, "", self, 2));
	CHECK_EQ_U64(c->nwarnings, warnings);
	CHECK_STR(c->sshkey, "/nonexistent/key");
	dp_config_destroy(c);
	c = conf("fence_kdump_nodes node2 192.0.2.7 node1\n");
	size_t before = c->nerrors;
	CHECK_OK(dp_config_check_host(c, "", self, 2));
	CHECK_EQ_U64(c->nerrors, before + 2);
	CHECK(line_has(c, 1, "error: fence_kdump_nodes cannot contain this host ('192.0.2.7')"));
	CHECK(line_has(c, 1, "('node1')"));
	dp_config_destroy(c);
}

// One table: every row is explained; the unsupported ones say so.
TEST(capability_table)
{
	size_t n;
	const struct dp_capability *t = dp_capabilities(&n);
	CHECK(n > 20);
	for (size_t i = 0; i < n; i++) {
		CHECK(t[i].note && t[i].note[0]);
		if (!t[i].supported)
			CHECK(has(t[i].note, "not supported by this build"));
	}
	CHECK(!dp_capability_supported("failure_action", "shell"));
	CHECK(dp_capability_supported("failure_action", "reboot"));
	CHECK(dp_capability_supported("core_collector", "makedumpfile"));
	CHECK(!dp_capability_supported("core_collector", NULL));
	CHECK(!dp_capability_supported("nfs", NULL));
	CHECK(dp_capability_supported("ext4", NULL));
	CHECK(dp_capability_lookup("force_rebuild", "1") == NULL);
}

// makedumpfile --check-params, with mkdumprd's appended file names.
TEST(collector_check_params)
{
	static const struct { const char *line; unsigned files; bool ok; } v[] = {
		{ "makedumpfile -l --message-level 7 -d 31", 2, true },
		{ "makedumpfile -F -l -d 31", 1, true },
		{ "makedumpfile -F -l -d 31", 2, false },
		{ "makedumpfile -l -d 31", 1, false },
		{ "makedumpfile -d 99", 2, false },
		{ "makedumpfile -d31", 2, true },
		{ "makedumpfile -d 11,31", 2, true },
		{ "makedumpfile -E -c", 2, false },
		{ "makedumpfile --bogus", 2, false },
		{ "makedumpfile --message-level=31 -c", 2, true },
		{ "makedumpfile --message-level 32", 2, false },
		{ "makedumpfile -x vmlinux", 2, false },
		{ "makedumpfile -d", 2, false },
		{ "makedumpfile -c extra", 2, false },
		{ "makedumpfile --split -d 31", 2, false },
		{ "makedumpfile -cF", 1, true },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct dp_config_words w = { 0 };
		char *copy = strdup(v[i].line), *save = NULL;
		char *argv[16];
		size_t n = 0;
		for (char *t = strtok_r(copy, " ", &save); t && n < 15;
		     t = strtok_r(NULL, " ", &save))
			argv[n++] = t;
		argv[n] = NULL;
		w.v = argv;
		w.n = n;
		const char *why = dp_collector_check_params(&w, 1, v[i].files);
		if ((why == NULL) != v[i].ok)
			printf("#   '%s' + %u files: %s\n", v[i].line,
			       v[i].files, why ? why : "accepted");
		CHECK((why == NULL) == v[i].ok);
		free(copy);
	}
}

TEST(detect_and_load)
{
	const char *a = "# USE_KDUMP=1 in a comment\npath /x\n";
	const char *b = "# comment\n\nUSE_KDUMP=1\n";
	CHECK(dp_config_detect(a, strlen(a)) == DP_CONFIG_KDUMP_CONF);
	CHECK(dp_config_detect(b, strlen(b)) == DP_CONFIG_KDUMP_TOOLS);
	struct dp_config *c;
	struct dp_error *err = dp_config_load("/nonexistent/kdump.conf",
					      DP_CONFIG_AUTO, &c);
	CHECK(err && err->code == DP_ERR_OS && err->errnum == ENOENT);
	CHECK(err && has(err->message, "/nonexistent/kdump.conf"));
	dp_error_destroy(err);
	err = dp_config_load("/", DP_CONFIG_AUTO, &c);
	CHECK(err && err->code == DP_ERR_INVALID);
	dp_error_destroy(err);
	CHECK_STR(dp_action_name(DP_ACTION_DUMP_TO_ROOTFS), "dump_to_rootfs");
	CHECK_STR(dp_target_kind_name(DP_TARGET_NFS), "nfs");
}

TEST(machine_config_or_defaults)
{
	char root[] = "/tmp/dp-test-config-XXXXXX", path[100], cmd[400];
	CHECK(mkdtemp(root) != NULL);
	struct dp_config *c;
	const char *which = "x";
	// none: the defaults, as kdumpctl has them
	CHECK_OK(dp_config_load_machine(root, &c, &which));
	CHECK(which == NULL && c->target == DP_TARGET_LOCAL &&
	      c->collector_default && !c->nerrors);
	CHECK_STR(c->path, "/var/crash");
	dp_config_destroy(c);
	// kdump-tools alone, then kdump.conf beside it wins
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/etc/default && echo "
		 "'KDUMP_COREDIR=\"/srv/k\"' > %s/etc/default/kdump-tools",
		 root, root);
	CHECK(system(cmd) == 0);
	CHECK_OK(dp_config_load_machine(root, &c, &which));
	CHECK(which && !strcmp(which, "/etc/default/kdump-tools"));
	CHECK_STR(c->path, "/srv/k");
	dp_config_destroy(c);
	snprintf(path, sizeof(path), "%s/etc/kdump.conf", root);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("path /srv/dumps\n", f);
		fclose(f);
	}
	CHECK_OK(dp_config_load_machine(root, &c, &which));
	CHECK(which && !strcmp(which, "/etc/kdump.conf"));
	CHECK_STR(c->path, "/srv/dumps");
	dp_config_destroy(c);
	// there but unreadable as a file: an error, not the defaults
	snprintf(cmd, sizeof(cmd), "rm %s && mkdir %s", path, path);
	CHECK(system(cmd) == 0);
	struct dp_error *err = dp_config_load_machine(root, &c, &which);
	CHECK(err && err->code == DP_ERR_INVALID);
	dp_error_destroy(err);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	CHECK(system(cmd) == 0);
}

TEST_MAIN(T(ssh_target_is_normalized),
	  T(empty_file_gets_kdumpctl_defaults),
	  T(fs_targets_and_device_forms), T(errors_carry_their_line),
	  T(collector_rules_follow_kdumpctl),
	  T(deprecated_default_and_other_rules), T(crlf_tabs_and_comments),
	  T(hostile_input), T(kdump_tools_file), T(kdump_tools_errors),
	  T(kdump_tools_like_kdump_config), T(kdump_conf_like_kdumpctl),
	  T(host_checks), T(capability_table), T(collector_check_params),
	  T(detect_and_load), T(machine_config_or_defaults))
