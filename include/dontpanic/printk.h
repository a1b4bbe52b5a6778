/* SPDX-License-Identifier: MIT */
/**
 * @file printk.h
 * The kernel log (printk ring buffer, Linux 5.10+) read from a dump.
 *
 * Only VMCOREINFO is needed: SYMBOL(prb) and the SIZE/OFFSET lines that
 * describe printk_ringbuffer, prb_desc_ring, prb_desc, printk_info and
 * prb_data_ring (FORMATS.md §5). Neither kallsyms nor BTF is used, so the
 * log is readable when those are damaged.
 */
#ifndef DONTPANIC_PRINTK_H
#define DONTPANIC_PRINTK_H

#include <stddef.h>
#include <stdint.h>

#include <dontpanic/error.h>
#include <dontpanic/program.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One log record. Pointers are valid only during the callback. */
struct dp_printk_record {
	uint64_t seq;
	uint64_t ts_nsec;	/**< local_clock() time of the record */
	uint32_t caller_id;	/**< bit 31 set: CPU id, else a thread id */
	int level;		/**< 0..7, or -1 when the layout is unknown */
	int facility;		/**< syslog facility, or -1 */
	const char *text;	/**< not NUL-terminated; may contain '\\n' */
	size_t text_len;
	const char *subsystem;	/**< dev_printk dictionary, "" if none */
	const char *device;	/**< dev_printk dictionary, "" if none */
};

/** Callback; a non-NULL error stops the walk and is returned. */
typedef struct dp_error *(*dp_printk_fn)(const struct dp_printk_record *rec,
					 void *arg);

/**
 * Visit the records from oldest to newest (tail to head of the descriptor
 * ring), skipping descriptors that are not committed/finalized or whose id
 * does not match, like makedumpfile --dump-dmesg. Garbage (absurd ring
 * sizes, lpos values outside the data ring) never reads out of bounds:
 * ring sizes are capped and each record's text is clamped to its block.
 */
struct dp_error *dp_printk_for_each(struct dp_program *prog, dp_printk_fn fn,
				    void *arg);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_PRINTK_H */
