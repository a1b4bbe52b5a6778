/* SPDX-License-Identifier: MIT */
/**
 * @file capture.h
 * Pieces of the capture kernel's /init (`dontpanic capture`) that are
 * plain data work and so can be tested anywhere: the dump target the
 * initramfs builder resolved (/etc/dontpanic/target), file system
 * superblocks (to find the target by UUID or label in the capture kernel,
 * where device names can differ), the core_collector translated to our
 * collector's arguments, and the dump directory's name.
 */
#ifndef DONTPANIC_CAPTURE_H
#define DONTPANIC_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <dontpanic/config.h>
#include <dontpanic/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of a device dp_blkid_probe wants (btrfs's superblock is at 64 KiB). */
#define DP_BLKID_PROBE_SIZE 0x11000

/** What a superblock says. */
struct dp_blkid {
	char fstype[8];		/**< "ext2", "ext3", "ext4", "xfs", "btrfs" */
	char uuid[37];		/**< lower-case 8-4-4-4-12 */
	char label[64];
};

/**
 * Identify the file system whose first bytes are buf (len may be short:
 * what is not there is not probed). DP_ERR_NOT_FOUND when none we know.
 */
struct dp_error *dp_blkid_probe(const uint8_t *buf, size_t len,
				struct dp_blkid *ret);

/** The dump target, from /etc/dontpanic/target or the configuration. */
struct dp_capture_target {
	char kind[16];		/**< "ext4", "xfs", ..., "raw", "nfs", "ssh" */
	char device[256];	/**< as written in the config */
	char uuid[64];		/**< from uuid= or device UUID= */
	char label[64];		/**< from device LABEL= */
	char fstype[16];	/**< fstype= (may be empty) */
	char path[1024];	/**< dump directory on the target */
};

/**
 * Parse /etc/dontpanic/target (key=value lines; keys kind, device, uuid,
 * fstype, path; `#` comments; unknown keys are ignored for forward
 * compatibility). DP_ERR_BAD_DATA on a malformed line or a value too long.
 */
struct dp_error *dp_capture_target_parse(const char *text, size_t len,
					 struct dp_capture_target *ret);

/**
 * The target from the configuration alone (no target file): kind from the
 * config's target, UUID=/LABEL= split out of the device, path.
 * DP_ERR_UNSUPPORTED for a target with no device (local, dracut, ftp).
 */
struct dp_error *dp_capture_target_from_config(const struct dp_config *cfg,
					       struct dp_capture_target *ret);

/** The core_collector as arguments for `dontpanic collect`. */
struct dp_capture_collector {
	struct dp_config_words args;	/**< the options (argv without a program) */
	bool flattened;			/**< -F: the output is a stream */
};

/**
 * Translate a core_collector argv (`makedumpfile OPTIONS`, `dontpanic
 * collect OPTIONS`, any path to either) to our collector's options.
 * DP_ERR_UNSUPPORTED for another program (cp, a script), or for file
 * arguments (the capture adds /proc/vmcore and the output).
 */
struct dp_error *dp_capture_collector(const struct dp_config_words *argv,
				      struct dp_capture_collector *ret);

/** Free what dp_capture_collector allocated. */
void dp_capture_collector_free(struct dp_capture_collector *c);

/**
 * The dump directory's name for time t (UTC): "YYYY-MM-DD-HH:MM:SS", the
 * date part of kdumpctl's "<host-ip>-YYYY-MM-DD-HH:MM:SS" (no network in
 * this capture, so no address).
 */
void dp_capture_dirname(time_t t, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_CAPTURE_H */
