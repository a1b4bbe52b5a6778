/* SPDX-License-Identifier: MIT */
/**
 * @file kernel.h
 * The kernel model: per-CPU data, tasks, the panic context, modules and
 * system facts, read from a dump through a `struct dp_program`.
 *
 * Every structure offset comes from BTF (dp_program_member_offset) or
 * VMCOREINFO; nothing is hard-coded except kernel ABI constants (task
 * state bits, taint letters), which are named where they are used.
 * Results are computed lazily and cached in the `struct dp_kernel`; the
 * pointers returned stay valid until dp_kernel_destroy().
 *
 * Threading: one dp_kernel is used by one thread at a time.
 */
#ifndef DONTPANIC_KERNEL_H
#define DONTPANIC_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dontpanic/dump.h>
#include <dontpanic/error.h>
#include <dontpanic/program.h>
#include <dontpanic/unwind.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dp_kernel;

/** Create the kernel model on a program (borrowed; must outlive it). */
struct dp_error *dp_kernel_create(struct dp_program *prog,
				  struct dp_kernel **ret);

/** Destroy the model. Accepts NULL. */
void dp_kernel_destroy(struct dp_kernel *k);

/** The program underneath. */
struct dp_program *dp_kernel_program(struct dp_kernel *k);

/* ---- Per-CPU (lib/kernel/percpu.c) ---- */

/**
 * Number of CPUs with a per-CPU area (nr_cpu_ids, bounded by the set-up
 * entries of __per_cpu_offset).
 */
struct dp_error *dp_kernel_nr_cpus(struct dp_kernel *k, unsigned int *ret);

/** Per-CPU offset of a CPU (__per_cpu_offset[cpu]). */
struct dp_error *dp_kernel_percpu_offset(struct dp_kernel *k, unsigned int cpu,
					 uint64_t *ret);

/** Address of per-CPU variable `name` on `cpu`. */
struct dp_error *dp_kernel_percpu_symbol(struct dp_kernel *k, const char *name,
					 unsigned int cpu, uint64_t *ret);

/** The task running on a CPU (runqueues[cpu].curr). */
struct dp_error *dp_kernel_cpu_curr(struct dp_kernel *k, unsigned int cpu,
				    uint64_t *ret);

/** The idle task of a CPU (runqueues[cpu].idle). */
struct dp_error *dp_kernel_cpu_idle(struct dp_kernel *k, unsigned int cpu,
				    uint64_t *ret);

/* ---- Tasks (lib/kernel/tasks.c) ---- */

/** One task, as read from its task_struct. */
struct dp_task {
	uint64_t addr;		/**< task_struct address */
	int32_t pid;
	int32_t tgid;
	int32_t ppid;		/**< real_parent->pid (0 for pid 0) */
	char comm[16];		/**< NUL-terminated */
	uint32_t state;		/**< raw __state */
	uint32_t exit_state;
	uint32_t flags;		/**< PF_* */
	unsigned int cpu;	/**< thread_info.cpu */
	bool active;		/**< current task of its CPU */
	bool idle;		/**< a CPU's idle task (swapper/N) */
	uint64_t mm;		/**< NULL for kernel threads */
	uint64_t stack;		/**< base of the kernel stack */
	uint64_t rss_pages;	/**< resident pages of its mm (0 without mm) */
	uint64_t vm_pages;	/**< mm->total_vm */
};

/**
 * All tasks: every CPU's idle task first (in CPU order), then the tasks
 * on init_task.tasks with their threads, sorted by pid. The array is
 * cached in k. Damage (an unreadable task, a broken, cyclic or endless
 * list) loses only the tasks behind it: the walk keeps what it found,
 * adds each CPU's running task, and dp_kernel_tasks_warning() says what
 * went wrong.
 */
struct dp_error *dp_kernel_tasks(struct dp_kernel *k,
				 const struct dp_task **ret, size_t *count_ret);

/** Why the task list is incomplete, or NULL (valid after dp_kernel_tasks). */
const char *dp_kernel_tasks_warning(struct dp_kernel *k);

/** Find a task by pid (first match, idle tasks last) or NULL. */
const struct dp_task *dp_kernel_task_by_pid(struct dp_kernel *k, int32_t pid);

/** Find a task by task_struct address, or NULL. */
const struct dp_task *dp_kernel_task_by_addr(struct dp_kernel *k,
					     uint64_t addr);

/** Two-letter state as crash prints it ("RU", "IN", "UN", "ID"...). */
const char *dp_task_state_short(const struct dp_task *t);

/** Long state name ("TASK_RUNNING", "TASK_INTERRUPTIBLE"...). */
const char *dp_task_state_name(const struct dp_task *t);

/** Read a task_struct into a dp_task (no active/idle marking). */
struct dp_error *dp_kernel_read_task(struct dp_kernel *k, uint64_t addr,
				     struct dp_task *ret);

/* ---- Panic context (lib/kernel/panic.c) ---- */

/** The panic context of a dump. */
struct dp_panic {
	int cpu;		/**< panic CPU, -1 if none (idle hypervisor dump) */
	uint64_t task;		/**< current task of the panic CPU, or 0 */
	const char *how;	/**< "panic_cpu", "crashing_cpu", "cpu note"... */
};

/** Find the panic CPU and task. */
struct dp_error *dp_kernel_panic(struct dp_kernel *k, struct dp_panic *ret);

/**
 * The registers a CPU was stopped with: its NT_PRSTATUS (kdump, mapped
 * through per-CPU crash_notes) or QEMU CPU note (note order = CPU order).
 * DP_ERR_NOT_FOUND when the dump has no note for that CPU.
 */
struct dp_error *dp_kernel_cpu_regs(struct dp_kernel *k, unsigned int cpu,
				    struct dp_regs_x86_64 *ret);

/**
 * Find the panic message in kernel log text: the last "Kernel panic - not
 * syncing: ..." line, else the last Oops / "kernel BUG at" line (with
 * kdump and panic_on_oops the kernel kexecs before panic() prints).
 * Returns a malloc'ed line or NULL when no line matches.
 */
char *dp_panic_message_from_log(const char *log, size_t len, bool *oops_ret);

/**
 * The panic message from the dump's kernel log (dp_printk_for_each()),
 * as crash's PANIC line: *ret is malloc'ed, NULL when the log has none;
 * *oops_ret is true for an Oops/BUG line.
 */
struct dp_error *dp_kernel_panic_message(struct dp_kernel *k, char **ret,
					 bool *oops_ret);

/* ---- Stacks (lib/kernel/stack.c) ---- */

/** Where a stack trace started. */
enum dp_trace_start {
	DP_TRACE_CPU_REGS,	/**< the CPU's saved registers (note) */
	DP_TRACE_SWITCHED_OUT,	/**< task->thread.sp (inactive frame) */
};

/**
 * Unwind a task's kernel stack: from its CPU's saved registers when it
 * was running on a CPU with a register note, else from its switched-out
 * frame. start_ret (may be NULL) says which.
 */
struct dp_error *dp_kernel_stack_trace(struct dp_kernel *k,
				       const struct dp_task *task,
				       struct dp_stack_trace *ret,
				       enum dp_trace_start *start_ret);

/**
 * For a trace started from a CPU's register note (DP_TRACE_CPU_REGS):
 * when kdump stopped that CPU with its NMI, put the frames of the NMI
 * handler in front (crash_nmi_callback ... the NMI entry, whose pt_regs
 * hold the note's registers), on the NMI stack. Otherwise, or when the
 * handler's frames cannot be proven, st is left as it is.
 */
struct dp_error *dp_kernel_nmi_frames(struct dp_kernel *k,
				      const struct dp_task *task,
				      struct dp_stack_trace *st);

/** Unwind from an explicit register set (e.g. a CPU note). */
struct dp_error *dp_kernel_unwind_regs(struct dp_kernel *k,
				       const struct dp_task *task,
				       const struct dp_regs_x86_64 *regs,
				       unsigned int flags,
				       struct dp_stack_trace *ret);

/* ---- Modules (lib/kernel/modules.c) ---- */

/** One loaded module. */
/** A piece of a module's memory. */
struct dp_mod_range {
	uint64_t base, size;
};

#define DP_MODULE_MAX_CORE 4

struct dp_module {
	uint64_t addr;		/**< struct module address */
	char name[64];
	uint64_t base;		/**< core text base */
	uint64_t size;		/**< core size (all core sections) */
	/** core memory: one range before 6.4; text, data, rodata,
	 * ro_after_init (separate allocations) since */
	struct dp_mod_range core[DP_MODULE_MAX_CORE];
	unsigned int ncore;
	uint64_t text_size;	/**< core text size (for ip lookups) */
	uint64_t init_base;	/**< init text base (0 once freed) */
	uint64_t init_size;
	uint64_t taints;	/**< module->taints bits */
	uint32_t num_orcs;	/**< module ORC entries */
	uint64_t orc_unwind_ip;	/**< int32[num_orcs] */
	uint64_t orc_unwind;	/**< struct orc_entry[num_orcs] */
};

/**
 * All modules, in list order (newest first, like /proc/modules). Damage
 * in the list (a cycle, a bad link, an unreadable module) loses only the
 * modules behind it; dp_kernel_modules_warning() says what went wrong.
 */
struct dp_error *dp_kernel_modules(struct dp_kernel *k,
				   const struct dp_module **ret,
				   size_t *count_ret);

/** Why the module list is incomplete, or NULL (valid after dp_kernel_modules). */
const char *dp_kernel_modules_warning(struct dp_kernel *k);

/** The module whose core or init area holds addr, or NULL. */
const struct dp_module *dp_kernel_module_by_addr(struct dp_kernel *k,
						 uint64_t addr);

/**
 * Symbolize addr inside a module from the module's own kallsyms (used when
 * dp_program_symbolize() does not cover modules).
 */
struct dp_error *dp_kernel_module_symbolize(struct dp_kernel *k, uint64_t addr,
					    char *name, size_t name_len,
					    uint64_t *offset_ret,
					    const struct dp_module **mod_ret);

/**
 * Decode a taint mask into letters ("POE"), kernel order, one letter per
 * set bit (Documentation/admin-guide/tainted-kernels.rst). buf >= 32.
 */
void dp_taint_string(uint64_t mask, char *buf, size_t len);

/* ---- System facts (lib/kernel/sysinfo.c) ---- */

/** What `sys` shows. Fields that could not be read are zero / empty. */
struct dp_sysinfo {
	char sysname[65], nodename[65], release[65], version[65];
	char machine[65];
	uint64_t uptime_sec;	/**< (jiffies - INITIAL_JIFFIES) / HZ */
	bool have_uptime;
	uint64_t avenrun[3];	/**< fixed point, FSHIFT = 11 */
	bool have_load;
	uint64_t totalram_pages;
	uint64_t tainted_mask;
	unsigned int nr_cpus;
	uint64_t memory_pages;	/**< present pages of all nodes */
	uint64_t cpu_khz;	/**< cpu_khz (tsc_khz), 0 if unknown */
	int64_t xtime_sec;	/**< wall clock at the last tick, 0 if unknown */
	unsigned int online_cpus; /**< CPUs in __cpu_online_mask */
};

/** Read the system facts. Individual failures leave fields empty. */
struct dp_error *dp_kernel_sysinfo(struct dp_kernel *k, struct dp_sysinfo *ret);

/* ---- Memory summary (lib/kernel/meminfo.c), for `kmem -i` ---- */

/** Page counts; UINT64_MAX when unknown. */
struct dp_meminfo {
	uint64_t total;		/**< totalram_pages */
	uint64_t free;		/**< NR_FREE_PAGES */
	uint64_t buffers;	/**< block device page cache */
	uint64_t cached;	/**< file pages - swap cache - buffers */
	uint64_t shared;	/**< NR_SHMEM */
	uint64_t slab;		/**< reclaimable + unreclaimable slab */
	uint64_t total_huge;	/**< hugetlb pages (in base pages) */
	uint64_t huge_free;
	uint64_t high_total;	/**< 0 on x86_64 */
	uint64_t swap_total;
	uint64_t swap_free;
	uint64_t committed;	/**< vm_committed_as */
	uint64_t commit_limit;
};

/** Compute the memory summary. */
struct dp_error *dp_kernel_meminfo(struct dp_kernel *k, struct dp_meminfo *ret);

#ifdef __cplusplus
}
#endif
#endif /* DONTPANIC_KERNEL_H */
