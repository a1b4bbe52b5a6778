/* SPDX-License-Identifier: MIT */
/* Private state of the kernel model (lib/kernel). */
#ifndef DP_KERNEL_INTERNAL_H
#define DP_KERNEL_INTERNAL_H

#include <dontpanic/kernel.h>
#include <dontpanic/unwind.h>

/* Upper bounds for list walks over untrusted memory. */
#define DP_MAX_TASKS 4194304	/* PID_MAX_LIMIT */
#define DP_MAX_THREADS 4194304
#define DP_MAX_MODULES 65536
#define DP_MAX_CPUS 8192	/* NR_CPUS upper bound on x86_64 */

/* task_struct and friends, from BTF. */
struct dp_task_layout {
	uint64_t tasks, pid, tgid, comm, state, exit_state, flags, cpu;
	uint64_t real_parent, mm, stack, signal, thread_node, thread_sp;
	uint64_t thread_group;		/* UINT64_MAX when absent (6.7+) */
	uint64_t sig_thread_head;	/* UINT64_MAX when absent (< 3.?) */
	uint64_t mm_total_vm, mm_rss;	/* mm_struct.total_vm, rss_stat */
	uint64_t task_rss;		/* task_struct.rss_stat, or UINT64_MAX */
	/* 6.2+: rss_stat is percpu_counter[]; else rss_pcc_size = UINT64_MAX */
	uint64_t rss_pcc_size, pcc_count, pcc_counters;
	uint64_t rq_curr, rq_idle;
};

struct dp_kernel {
	struct dp_program *prog;
	/* per-CPU */
	bool cpus_loaded;
	unsigned int nr_cpus;
	uint64_t *percpu_offset;
	/* tasks */
	bool layout_loaded;
	struct dp_task_layout tl;
	struct dp_task *tasks;
	size_t ntasks;
	char *tasks_warning;
	/* modules */
	bool modules_loaded;
	struct dp_module *modules;
	char *modules_warning;
	size_t nmodules;
	/* panic */
	bool notes_mapped;
	bool notes_from_memory;	/* mapped through crash_notes */
	int *note_of_cpu;	/* nr_cpus entries: note index or -1 */
	/* unwinding (stack.c) */
	bool unwind_loaded;
	enum dp_orc_version orc_version;
	struct dp_orc_table vmlinux_orc;
	uint64_t text_begin, text_end;	/* ranges the vmlinux table covers */
	uint64_t inittext_begin, inittext_end;
	struct dp_cfi *cfi;	/* vmlinux DWARF CFI (--vmlinux), or NULL */
	struct dp_orc_table *module_orc; /* per module, loaded lazily */
	bool *module_orc_tried;
	struct dp_pt_regs_layout pt_regs;
	uint64_t thread_size;
	uint64_t itf_size, itf_bp, itf_ret;	/* inactive_task_frame */
	uint64_t ret_from_fork;
	struct dp_stack_info *cpu_stacks; /* nr_cpus * (DP_STACK_NKINDS) */
	struct dp_stack_info cur_task_stack;
};

/* Byte offset of type.member from BTF, with the error prefixed. */
struct dp_error *dp_kernel_member(struct dp_kernel *k, const char *type,
				  const char *member, uint64_t *ret);

/* Like dp_kernel_member() but UINT64_MAX when the member is missing. */
uint64_t dp_kernel_member_opt(struct dp_kernel *k, const char *type,
			      const char *member);

struct dp_error *dp_kernel_task_layout(struct dp_kernel *k,
				       const struct dp_task_layout **ret);

/* Free the unwinder caches (stack.c). */
void dp_kernel_unwind_free(struct dp_kernel *k);

/* Read small integers of kernel memory. */
struct dp_error *dp_kernel_read_u32(struct dp_kernel *k, uint64_t addr,
				    uint32_t *ret);
struct dp_error *dp_kernel_read_s32(struct dp_kernel *k, uint64_t addr,
				    int32_t *ret);

/* Value of a global variable by symbol name. */
struct dp_error *dp_kernel_read_sym_u64(struct dp_kernel *k, const char *name,
					uint64_t *ret);

#endif /* DP_KERNEL_INTERNAL_H */
