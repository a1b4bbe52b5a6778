/* SPDX-License-Identifier: MIT */
/**
 * @file triage.h
 * Automatic crash triage: what kind of crash, which task, which frame and
 * module is guilty, and a stable bucket id.
 *
 * The analysis is a pure function of a small input model
 * (struct dp_triage_input) that says what is known about the crashed
 * machine: the kernel log records, the panic CPU and task, per-task states
 * and stacks, modules with their taint letters, the taint mask and memory
 * totals. Every part is optional; the analysis uses what is there and says
 * in the report what was missing. lib/triage/collect.c fills the input from
 * a dump; dp_triage_log_parse() fills the log from a dmesg text file
 * (makedumpfile --dump-dmesg, vmcore-dmesg.txt, dmesg output).
 *
 * The classifier, guilty-frame skip list and bucket id are documented in
 * docs/triage.md; the JSON rendering in docs/report-schema.json.
 */
#ifndef DONTPANIC_TRIAGE_H
#define DONTPANIC_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Input model ---- */

/** One kernel log record. text may hold continuation lines ('\n'). */
struct dp_triage_logrec {
	uint64_t ts_nsec;	/**< timestamp since boot, ns */
	int level;		/**< syslog level 0-7, -1 when unknown */
	const char *text;	/**< record text, NUL-terminated */
	/** printk caller id (CONFIG_PRINTK_CALLER "[ T123]" / "[ C1]"):
	 *  'T' << 24 | pid or 'C' << 24 | cpu; 0 when unknown. Lines of one
	 *  report share it, which separates reports interleaved by CPUs. */
	uint32_t caller;
};

/** A kernel log (an array of records), owned by whoever made it. */
struct dp_triage_log {
	struct dp_triage_logrec *recs;
	size_t nrecs;
	char *buf;		/**< storage for the texts (dp_triage_log_parse) */
};

/** One stack frame of a task, innermost first. */
struct dp_triage_frame {
	const char *function;	/**< symbol name, NULL when unknown */
	const char *module;	/**< module name, NULL for vmlinux */
	uint64_t pc;		/**< 0 when unknown (log traces) */
	uint64_t offset;	/**< pc - symbol start */
	uint64_t size;		/**< symbol size, 0 when unknown */
	bool unreliable;	/**< a "? " guess in a log trace */
};

/** A task and what it was doing. */
struct dp_triage_task {
	int32_t pid;
	const char *comm;
	char state;		/**< 'R','S','D','T','t','Z','X','I', 0 = unknown */
	int32_t cpu;		/**< CPU it last ran on, -1 unknown */
	bool on_cpu;		/**< running on cpu when the dump was taken */
	int64_t blocked_ns;	/**< time since it last ran, -1 unknown */
	const struct dp_triage_frame *frames;
	size_t nframes;
	const char *stack_error; /**< why there is no stack, or NULL */
};

/** A loaded module. */
struct dp_triage_module {
	const char *name;
	const char *taints;	/**< taint letters ("OE"), NULL when unknown */
};

/** Everything the analysis may use. Zero-init, then set what is known. */
struct dp_triage_input {
	const struct dp_triage_logrec *log;
	size_t nlog;
	const char *log_error;	/**< why there is no log, or NULL */
	const char *dump_warning; /**< pages lost (incomplete/truncated dump) */

	bool have_panic_cpu;
	int32_t panic_cpu;	/**< the CPU that panicked (panic_cpu) */
	const struct dp_triage_task *panic_task; /**< current on panic_cpu */
	bool panicked;		/**< the dump says the kernel panicked */

	const struct dp_triage_task *tasks; /**< all tasks known (may be few) */
	size_t ntasks;
	const char *tasks_error; /**< why tasks or stacks are missing */

	const struct dp_triage_module *modules;
	size_t nmodules;
	bool have_modules;

	bool have_taint;
	uint64_t taint_mask;	/**< tainted_mask */

	bool have_mem;
	uint64_t mem_total_kb;	/**< totalram */
	uint64_t mem_free_kb;	/**< free pages */
};

/* ---- Report ---- */

/** What kind of crash. Names (dp_triage_class_name) are the bucket prefixes. */
enum dp_triage_class {
	DP_CLASS_UNKNOWN,	/**< panicked, cause not recognised */
	DP_CLASS_NO_PANIC,	/**< no panic: dump of a live or hung system */
	DP_CLASS_SYSRQ,		/**< SysRq-c (operator-triggered crash) */
	DP_CLASS_PANIC,		/**< explicit panic() call */
	DP_CLASS_OOPS_NULL_DEREF, /**< Oops: NULL pointer dereference */
	DP_CLASS_OOPS_PAGING,	/**< Oops: unable to handle page fault */
	DP_CLASS_OOPS_GPF,	/**< general protection fault */
	DP_CLASS_OOPS,		/**< other Oops (invalid opcode, ...) */
	DP_CLASS_BUG,		/**< BUG() / BUG_ON() */
	DP_CLASS_SOFT_LOCKUP,	/**< soft lockup watchdog */
	DP_CLASS_HARD_LOCKUP,	/**< hard lockup / NMI watchdog */
	DP_CLASS_HUNG_TASK,	/**< hung task detector (khungtaskd) */
	DP_CLASS_OOM,		/**< out of memory panic */
	DP_CLASS_RCU_STALL,	/**< RCU stall with panic_on_rcu_stall */
	DP_CLASS_WARN,		/**< WARN() with panic_on_warn */
	DP_CLASS_MCE,		/**< machine check */
	DP_CLASS_KASAN,		/**< KASAN memory error report */
	DP_CLASS_KMSAN,		/**< KMSAN uninitialised value / infoleak */
	DP_CLASS_KFENCE,	/**< KFENCE memory error report */
	DP_CLASS_KCSAN,		/**< KCSAN data race */
	DP_CLASS_UBSAN,		/**< UBSAN undefined behaviour */
	DP_CLASS_MEMLEAK,	/**< kmemleak: unreferenced object */
	DP_CLASS_LOCKDEP,	/**< lockdep / spinlock debug / RCU lockdep */
	DP_CLASS_INVALID_CONTEXT, /**< sleeping or scheduling in atomic */
	DP_CLASS_REFCOUNT,	/**< refcount_t saturation / underflow */
	DP_CLASS_ODEBUG,	/**< debugobjects: object state misuse */
	DP_CLASS_BAD_PAGE,	/**< Bad page state / map / rss-counter */
	DP_CLASS_STACK_CORRUPTION, /**< stack guard page, overflow, canary */
	DP_CLASS_DOUBLE_FAULT,	/**< x86 double fault */
	DP_CLASS_DIVIDE_ERROR,	/**< divide error (#DE) */
	DP_CLASS_INVALID_OPCODE, /**< invalid opcode (#UD) outside BUG() */
	DP_CLASS_LIST_CORRUPTION, /**< lib/list_debug.c corruption */
	DP_CLASS_USERCOPY,	/**< hardened usercopy violation */
	DP_CLASS_COUNT
};

/** Where the guilty frame came from. */
enum dp_triage_source {
	DP_SOURCE_NONE,		/**< no frame found */
	DP_SOURCE_STACK,	/**< unwound stack from the dump */
	DP_SOURCE_LOG,		/**< RIP line or call trace in the kernel log */
};

/** A task named by the report (culprit, blocked task, memory user). */
struct dp_triage_who {
	int32_t pid;		/**< -1 when unknown */
	char comm[17];
	int32_t cpu;		/**< -1 when unknown */
};

/** A blocked task (hung task, or D state in a no-panic dump). */
struct dp_triage_blocked {
	struct dp_triage_who task;
	int64_t blocked_s;	/**< seconds blocked, -1 unknown */
	char *wait_function;	/**< first non-scheduler frame, or NULL */
	struct dp_triage_frame *frames; /**< its stack (strings owned) */
	size_t nframes;
};

/** One line of the OOM killer's task table. */
struct dp_triage_memuser {
	struct dp_triage_who task;
	uint64_t rss_pages;
	uint64_t total_vm_pages;
};

/** One kernel report found in the log (a header such as "BUG: KASAN:",
 *  "WARNING: CPU:", "INFO: task ... blocked", with its stack). */
struct dp_triage_found {
	enum dp_triage_class cls;
	char *title;		/**< "KIND in FUNCTION" */
	char *function;		/**< the title's function, or NULL */
	char *symbol;		/**< the frame as printed, or NULL */
	char *module;		/**< its module, NULL for vmlinux */
	char *header;		/**< the header line */
	size_t rec;		/**< log record of the header */
};

/** The triage result. All strings are owned by the report. */
struct dp_triage_report {
	enum dp_triage_class cls;
	char *panic_message;	/**< the line that names the crash */
	char *summary;		/**< one paragraph for a human */

	struct dp_triage_who panicked; /**< task that raised the panic */
	struct dp_triage_who culprit;  /**< task that caused it */

	bool has_fault_address;
	uint64_t fault_address;	/**< Oops: faulting address (CR2 / message) */
	char *fault_access;	/**< "supervisor write access in kernel mode" */
	char *bug_file;		/**< BUG/WARN: file */
	int bug_line;		/**< BUG/WARN: line, 0 unknown */
	int lockup_cpu;		/**< soft/hard lockup: stuck CPU, -1 */
	int lockup_seconds;	/**< soft lockup: stuck for N s, -1 */
	char *detail;		/**< class detail (RCU/MCE/NMI text), or NULL */

	struct dp_triage_blocked *blocked; /**< hung / D-state tasks */
	size_t nblocked;
	/** Per CPU, the task running when the dump was taken (from the
	 *  dump's tasks); wait_function is its first non-machinery frame. */
	struct dp_triage_blocked *running;
	size_t nrunning;
	struct dp_triage_memuser *memusers; /**< OOM: top RSS first */
	size_t nmemusers;
	bool have_mem;
	uint64_t mem_total_kb, mem_free_kb;

	/* Guilty frame. */
	char *guilty_function;	/**< normalised (".cold" etc. removed) */
	char *guilty_symbol;	/**< as seen, with +off/size when known */
	char *guilty_module;	/**< NULL for vmlinux */
	enum dp_triage_source guilty_source;
	char *guilty_module_taints; /**< module's taint letters, or NULL */
	bool guilty_out_of_tree; /**< module taint 'O' */
	bool guilty_unsigned;	/**< module taint 'E' */
	bool guilty_proprietary; /**< module taint 'P' */

	bool have_taint;
	uint64_t taint_mask;
	char taint_letters[40];	/**< e.g. "G OE" style, kernel's format */

	char *bucket;		/**< "CLASS:module!function" */
	char bucket_hash[9];	/**< 8 hex digits */

	/* Evidence. */
	struct dp_triage_frame *backtrace; /**< culprit's stack used */
	size_t nbacktrace;
	enum dp_triage_source backtrace_source;
	size_t panic_rec;	/**< index of the panic record in the log */
	bool have_panic_rec;
	size_t log_first;	/**< first evidence record index */
	size_t log_count;	/**< evidence records: [log_first, +log_count) */

	char **notes;		/**< what was missing or inconsistent */
	size_t nnotes;

	/** "KIND in FUNCTION" (automated kernel testing's convention, e.g.
	 *  "KASAN: slab-use-after-free Read in foo"), or NULL. */
	char *title;
	/** Every kernel report found in the log, in log order. */
	struct dp_triage_found *reports;
	size_t nreports;
	size_t subject;		/**< index of the report analysed */
	bool have_subject;
	char *subject_reason;	/**< why that report was chosen, or NULL */
};

/** Analyse. *ret is a new report, freed with dp_triage_report_destroy(). */
struct dp_error *dp_triage_analyze(const struct dp_triage_input *in,
				   struct dp_triage_report **ret);

/** Free a report. Accepts NULL. */
void dp_triage_report_destroy(struct dp_triage_report *rep);

/** Upper-case class name used in bucket ids ("OOPS_NULL_DEREF"). */
const char *dp_triage_class_name(enum dp_triage_class cls);

/** A few words for humans ("NULL pointer dereference (Oops)"). */
const char *dp_triage_class_description(enum dp_triage_class cls);

/** "stack", "log" or "none". */
const char *dp_triage_source_name(enum dp_triage_source src);

/* ---- Collecting the input from a dump (lib/triage/collect.c) ---- */

struct dp_program;

/** The input model filled from a dump, and the storage behind it. */
struct dp_triage_collected;

/**
 * Fill the input model from a program on a dump: the kernel log (printk
 * ring buffer), panic CPU and task, tasks with their states and the
 * stacks that matter (panic task, running tasks, D-state tasks), modules
 * with taints, taint mask and memory totals. What cannot be read is left
 * out and explained in the input's *_error fields; only allocation
 * failure is an error. prog is borrowed and must outlive *ret.
 */
struct dp_error *dp_triage_collect(struct dp_program *prog,
				   struct dp_triage_collected **ret);

/** The collected input (owned by c). */
const struct dp_triage_input *
dp_triage_collected_input(const struct dp_triage_collected *c);

/** Free what dp_triage_collect() made. Accepts NULL. */
void dp_triage_collected_destroy(struct dp_triage_collected *c);

/* ---- Helpers (exposed for tests and the CLI) ---- */

/**
 * Parse kernel log text ("[    1.234567] text" lines, continuation lines
 * indented; optional "<N>" level prefixes) into records. Lines without a
 * timestamp are continuation lines of the previous record.
 */
struct dp_error *dp_triage_log_parse(const char *text, size_t len,
				     struct dp_triage_log **ret);

/** Free a log made by dp_triage_log_parse(). Accepts NULL. */
void dp_triage_log_destroy(struct dp_triage_log *log);

/**
 * The logrec caller of a printk ring buffer record's caller_id
 * (kernel/printk/printk.c printk_caller_id(): bit 31 set = the CPU
 * number, in interrupt context; else the task's pid), encoded as the
 * "[ C1]" / "[ T123]" console prefixes are: 'C' << 24 | cpu, 'T' << 24 |
 * pid. 0 (unknown) when the number does not fit in 24 bits.
 */
uint32_t dp_triage_caller_from_printk(uint32_t caller_id);

/**
 * Kernel taint letters for a mask, in the kernel's print_tainted() style
 * but only the set flags, e.g. "OE" or "DOE"; "" when not tainted.
 */
void dp_triage_taint_letters(uint64_t mask, char *buf, size_t size);

/** Description of taint bit (0-based), or NULL if unknown. */
const char *dp_triage_taint_description(unsigned int bit);

/** Taint mask from letters as printed ("G           OE"; 'G' ignored). */
uint64_t dp_triage_taint_from_letters(const char *letters);

/**
 * Is this function part of panic/printk/dump/exception/locking/scheduler
 * machinery (the documented skip list)? Name may carry ".cold" suffixes.
 */
bool dp_triage_skip_function(const char *name);

/**
 * Normalise a symbol for bucketing: strip "+0x../0x..", and compiler
 * suffixes ".cold", ".constprop.N", ".isra.N", ".part.N", ".lto_priv.N".
 * Writes at most size bytes including the NUL.
 */
void dp_triage_normalize_function(const char *name, char *buf, size_t size);

/** 32-bit FNV-1a of a string (the bucket hash). */
uint32_t dp_triage_fnv1a(const char *s);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_TRIAGE_H */
