/* SPDX-License-Identifier: MIT */
/**
 * @file config.h
 * The kdump service configuration: one normalized model read from either
 * dialect users already have.
 *
 * - kdump.conf (Fedora/RHEL kdumpctl, kdump.conf(5)): one directive per
 *   line, `#` starts a comment anywhere on a line, the first word is the
 *   directive and the rest of the line its value.
 * - /etc/default/kdump-tools (Debian/Ubuntu, kdump-tools(5)): shell
 *   variable assignments (USE_KDUMP=1, SSH="user@host"...).
 *
 * Problems in the file are not dp_errors: they are diagnostics (errors and
 * warnings, each with its line) collected in the model, so that one run
 * reports all of them, as a compiler does. dp_error is returned only when
 * the file cannot be read or memory runs out.
 */
#ifndef DONTPANIC_CONFIG_H
#define DONTPANIC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include <dontpanic/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Limits that make hostile input harmless (larger input is an error). */
#define DP_CONFIG_MAX_SIZE (1u << 20)	/**< bytes in a config file */
#define DP_CONFIG_MAX_LINE 4096		/**< bytes in one line */
#define DP_CONFIG_MAX_WORDS 256		/**< words in one list/argv */
#define DP_CONFIG_MAX_DIAGS 100		/**< diagnostics kept */

/** Which dialect a file is written in. */
enum dp_config_format {
	DP_CONFIG_AUTO = 0,	/**< guess from the content */
	DP_CONFIG_KDUMP_CONF,	/**< kdumpctl's /etc/kdump.conf */
	DP_CONFIG_KDUMP_TOOLS,	/**< Debian's /etc/default/kdump-tools */
};

/** Where the dump goes. */
enum dp_target_kind {
	DP_TARGET_LOCAL = 0,	/**< none given: `path` on the root fs */
	DP_TARGET_RAW,		/**< a raw block device (`raw /dev/sdb1`) */
	DP_TARGET_FS,		/**< a file system (`ext4 UUID=...`) */
	DP_TARGET_NFS,		/**< `nfs host:/export` */
	DP_TARGET_SSH,		/**< `ssh user@host` */
	DP_TARGET_FTP,		/**< kdump-tools FTP= */
	DP_TARGET_DRACUT,	/**< `dracut_args --mount "..."` */
	DP_TARGET_VIRTIOFS,	/**< `virtiofs TAG` (a virtiofs tag, no device) */
};

/** What the capture kernel does after a failure or after the dump. */
enum dp_action {
	DP_ACTION_UNSET = 0,
	DP_ACTION_REBOOT,
	DP_ACTION_HALT,
	DP_ACTION_POWEROFF,
	DP_ACTION_SHELL,
	DP_ACTION_DUMP_TO_ROOTFS,
	DP_ACTION_COMMAND,	/**< kdump-tools KDUMP_FAIL_CMD */
};

/** One problem found in the file. */
struct dp_config_diag {
	bool error;		/**< false: a warning */
	unsigned line;		/**< 1-based; 0 = about the whole file */
	/** "<name>:<line>: error: <what is wrong>" ("warning:" likewise). */
	char *message;
	/**
	 * An error only because this build's capture cannot do it (see
	 * dp_capability_lookup()); kdumpctl or kdump-config would accept it.
	 */
	bool unsupported;
};

/** A list of words (argv-like). */
struct dp_config_words {
	char **v;
	size_t n;
};

/** The normalized configuration. Strings are NULL when not set. */
struct dp_config {
	enum dp_config_format format;
	char *name;			/**< file name used in messages */

	enum dp_target_kind target;
	char *fstype;			/**< DP_TARGET_FS: "ext4", "xfs"... */
	char *target_spec;		/**< device, host:/export, user@host */
	unsigned target_line;
	char *path;			/**< dump directory (default filled in) */
	bool path_default;
	char *sshkey;			/**< default filled in for ssh */
	unsigned sshkey_line;		/**< 0: the default */

	struct dp_config_words collector; /**< argv; default filled in */
	bool collector_default;

	enum dp_action failure_action;	/**< default filled in */
	bool failure_action_default;
	char *failure_command;		/**< DP_ACTION_COMMAND */
	enum dp_action final_action;	/**< default filled in */
	bool final_action_default;

	char *kdump_pre, *kdump_post, *kdump_emergency;
	struct dp_config_words extra_bins, extra_modules;
	struct dp_config_words fence_kdump_nodes;
	unsigned fence_kdump_nodes_line;
	char *fence_kdump_args;
	char *dracut_args;
	int force_rebuild;		/**< -1 unset, 0, 1 */
	int force_no_rebuild;		/**< -1 unset, 0, 1 */
	int auto_reset_crashkernel;	/**< -1 unset, 0 no, 1 yes */

	/* kdump-tools only (-1 / NULL when not set) */
	int use_kdump;
	char *kernel, *initrd;
	int num_dumps;
	int dump_dmesg;
	int nfs_timeo, nfs_retrans;
	char *kexec_args, *cmdline, *cmdline_append, *hosttag, *compression;

	struct dp_config_diag *diags;
	size_t ndiags;
	size_t nerrors, nwarnings;
	size_t nunsupported;		/**< errors that are `unsupported` */
	bool diags_truncated;		/**< more than DP_CONFIG_MAX_DIAGS */
};

/**
 * Parse a configuration held in memory (need not be NUL-terminated; may
 * hold NULs, CRLF line ends, overlong lines). @p name is used in the
 * diagnostics. The model is returned even when the file has errors (see
 * nerrors). Fails only on memory exhaustion.
 */
struct dp_error *dp_config_parse(const char *text, size_t len,
				 const char *name,
				 enum dp_config_format format,
				 struct dp_config **ret);

/** Read and parse a file (at most DP_CONFIG_MAX_SIZE bytes). */
struct dp_error *dp_config_load(const char *path, enum dp_config_format format,
				struct dp_config **ret);

/**
 * The machine's configuration, as the capture kernel's /init finds it:
 * @p root/etc/kdump.conf, else @p root/etc/default/kdump-tools (dialect
 * detected), else the defaults of an empty kdump.conf (the root file
 * system's /var/crash, the default core_collector and actions: what
 * kdumpctl does without a file). @p path_ret gets the file read
 * ("/etc/kdump.conf", "/etc/default/kdump-tools") or NULL for the
 * defaults. A file that exists but cannot be read is an error.
 */
struct dp_error *dp_config_load_machine(const char *root,
					struct dp_config **ret,
					const char **path_ret);

/**
 * Checks that need the machine the configuration is for, as kdumpctl makes
 * them when it starts: an `sshkey` that is not a file (a warning: the
 * default key is used), `fence_kdump_nodes` naming this host (an error).
 * @p root prefixes the sshkey path ("" or NULL: /); @p self lists this
 * host's names and addresses (hostname, IP addresses), @p nself of them.
 * Adds diagnostics to @p cfg, in line order. Fails only on memory
 * exhaustion.
 */
struct dp_error *dp_config_check_host(struct dp_config *cfg, const char *root,
				      const char *const *self, size_t nself);

/**
 * Would `makedumpfile --check-params` accept these options? @p argv is a
 * core_collector line, its options from index @p first on (after
 * "makedumpfile" or "dontpanic collect"); @p nfiles is the number of file
 * arguments kdumpctl's mkdumprd appends (1: vmcore, for a stream to a raw
 * device or ssh; 2: vmcore dumpfile). Stricter than makedumpfile where
 * dontpanic's collector is (-d must be a number; -x, -i refused).
 * Returns NULL when they are valid, else a static sentence saying why.
 */
const char *dp_collector_check_params(const struct dp_config_words *argv,
				      size_t first, unsigned nfiles);

/** One row of what this build's capture can carry out at crash time. */
struct dp_capability {
	const char *directive;	/**< kdump.conf directive or kdump-tools variable */
	const char *value;	/**< this value only; NULL: any value */
	bool supported;
	/** What the capture does; when unsupported, the error message. */
	const char *note;
};

/** The whole table (for docs and tests); @p n gets its length. */
const struct dp_capability *dp_capabilities(size_t *n);

/**
 * The row for @p directive with @p value (NULL: look for an any-value
 * row), or NULL when the table has none (then it does not act at crash
 * time: kexec arguments, rebuild flags).
 */
const struct dp_capability *dp_capability_lookup(const char *directive,
						 const char *value);

/** No row, or a supported one. */
bool dp_capability_supported(const char *directive, const char *value);

/** Free a config. Accepts NULL. */
void dp_config_destroy(struct dp_config *cfg);

/** Guess the dialect of a text: kdump-tools if it assigns variables. */
enum dp_config_format dp_config_detect(const char *text, size_t len);

/** "kdump.conf", "kdump-tools". */
const char *dp_config_format_name(enum dp_config_format format);

/** "local", "raw", "fs", "nfs", "ssh", "ftp", "dracut". */
const char *dp_target_kind_name(enum dp_target_kind kind);

/** "reboot", "halt", ... ("unset" for DP_ACTION_UNSET). */
const char *dp_action_name(enum dp_action action);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_CONFIG_H */
