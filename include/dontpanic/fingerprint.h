/* SPDX-License-Identifier: MIT */
/**
 * @file fingerprint.h
 * What a capture initramfs was built from, recorded beside it
 * (IMAGE.fingerprint) so that the boot service rebuilds it only when one
 * of its inputs changed (kdumpctl compares timestamps instead; a content
 * hash also catches a file restored with an old mtime). Text, one
 * "key=value" a line:
 *
 *   format=1
 *   kver=RELEASE
 *   kernel=SIZE:HASH of ROOT/boot/vmlinuz-RELEASE ("none": absent)
 *   modules=SIZE:HASH of ROOT/lib/modules/RELEASE/modules.dep ("none")
 *   config=PATH:SIZE:HASH of the kdump configuration ("none": defaults)
 *   dontpanic=VERSION:SIZE:HASH of the binary packed as /init
 *
 * HASH is 64-bit FNV-1a in hex: change detection, not security (whoever
 * can write these files can write the image).
 */
#ifndef DONTPANIC_FINGERPRINT_H
#define DONTPANIC_FINGERPRINT_H

#include <stdbool.h>

#include <dontpanic/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The inputs of one image. */
struct dp_fingerprint_opts {
	const char *root;	/**< "" or NULL: this machine */
	const char *kver;
	const char *config_file;	/**< NULL: no configuration */
	const char *binary;	/**< the binary packed (a host path) */
	const char *version;	/**< dontpanic's version */
};

/** The fingerprint text (malloc'd). A missing kernel or modules.dep is
 * "none"; an unreadable config or binary is an error. */
struct dp_error *dp_fingerprint_make(const struct dp_fingerprint_opts *o,
				     char **ret);

/**
 * What differs between a recorded fingerprint (@p old, NULL: none
 * recorded) and a fresh one: NULL when they are equal, else a malloc'd
 * phrase naming the inputs that changed ("kernel and config changed",
 * "no fingerprint"). Sets *@p nomem on memory exhaustion (then NULL).
 */
char *dp_fingerprint_diff(const char *old, const char *new_, bool *nomem);

#ifdef __cplusplus
}
#endif

#endif /* DONTPANIC_FINGERPRINT_H */
