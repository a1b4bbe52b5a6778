// SPDX-License-Identifier: MIT
// The panic context: panic CPU, panic task, and which register note
// belongs to which CPU. FORMATS.md §1.4, §7.3.
#include <stdlib.h>
#include <string.h>

#include <dontpanic/printk.h>

#include "kernel-internal.h"

/* Elf64_Nhdr + "CORE\0" padded to 8, then struct elf_prstatus (§1.4). */
#define NOTE_DESC 20
#define PR_PID 32
#define PR_REG 112
#define PR_NREGS 27

static struct dp_error *read_cpu_int(struct dp_kernel *k, const char *name,
				     int *ret)
{
	uint64_t addr;
	int32_t v;
	struct dp_error *err = dp_program_symbol_address(k->prog, name, &addr);
	if (!err)
		err = dp_kernel_read_s32(k, addr, &v);
	if (!err)
		*ret = v;
	return err;
}

struct dp_error *dp_kernel_panic(struct dp_kernel *k, struct dp_panic *ret)
{
	unsigned int ncpus;
	struct dp_error *err = dp_kernel_nr_cpus(k, &ncpus);
	if (err)
		return err;
	memset(ret, 0, sizeof(*ret));
	ret->cpu = -1;
	// panic_cpu (atomic_t, -1 = none) is set by panic() and by the oops
	// path's crash_kexec(); x86's crashing_cpu by the crash shutdown.
	static const char *const vars[] = { "panic_cpu", "crashing_cpu" };
	for (size_t i = 0; i < 2 && ret->cpu < 0; i++) {
		int cpu;
		err = read_cpu_int(k, vars[i], &cpu);
		if (err) {
			dp_error_destroy(err);
			continue;
		}
		if (cpu >= 0 && (unsigned int)cpu < ncpus) {
			ret->cpu = cpu;
			ret->how = vars[i];
		}
	}
	if (ret->cpu < 0)
		return NULL;
	return dp_kernel_cpu_curr(k, (unsigned int)ret->cpu, &ret->task);
}

static bool regs_equal(const struct dp_regs_x86_64 *a,
		       const struct dp_regs_x86_64 *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

// Read CPU cpu's note from per_cpu_ptr(crash_notes, cpu) and find the
// dump note with the same pid and registers. -1 when none matches.
static int match_crash_note(struct dp_kernel *k, uint64_t notes,
			    unsigned int cpu)
{
	struct dp_dump *dump = dp_program_dump(k->prog);
	uint64_t off;
	uint8_t buf[PR_REG + 8 * PR_NREGS];
	struct dp_error *err = dp_kernel_percpu_offset(k, cpu, &off);
	if (!err)
		err = dp_program_read(k->prog, notes + off + NOTE_DESC, buf,
				      sizeof(buf));
	if (err) {
		dp_error_destroy(err);
		return -1;
	}
	int32_t pid;
	struct dp_regs_x86_64 regs;
	memcpy(&pid, buf + PR_PID, 4);
	memcpy(&regs, buf + PR_REG, sizeof(regs));
	for (size_t i = 0; i < dp_dump_num_cpu_notes(dump); i++) {
		const struct dp_cpu_note *n = dp_dump_cpu_note(dump, i);
		if (n && !n->from_qemu && n->pid == pid &&
		    regs_equal(&n->regs, &regs))
			return (int)i;
	}
	return -1;
}

static struct dp_error *map_notes(struct dp_kernel *k)
{
	if (k->notes_mapped)
		return NULL;
	unsigned int ncpus;
	struct dp_error *err = dp_kernel_nr_cpus(k, &ncpus);
	if (err)
		return err;
	int *map = malloc(ncpus * sizeof(*map));
	if (!map)
		return &dp_enomem;
	struct dp_dump *dump = dp_program_dump(k->prog);
	size_t nnotes = dp_dump_num_cpu_notes(dump);
	uint64_t notes_var, notes = 0;
	bool kdump = dp_dump_vmcoreinfo_get(dump, "CRASHTIME") != NULL;
	if (kdump) {
		err = dp_program_symbol_address(k->prog, "crash_notes",
						&notes_var);
		if (!err)
			err = dp_program_read_u64(k->prog, notes_var, &notes);
		if (err) {
			dp_error_destroy(err);
			notes = 0;
		}
	}
	if (notes) {
		// kdump: notes are written per CPU that answered the NMI, in
		// no particular order; crash_notes says which is whose.
		for (unsigned int cpu = 0; cpu < ncpus; cpu++)
			map[cpu] = match_crash_note(k, notes, cpu);
		k->notes_from_memory = true;
	} else {
		// Hypervisor (QEMU) dumps: one note per vCPU in CPU order,
		// pr_pid = cpu + 1 (QEMU's convention).
		for (unsigned int cpu = 0; cpu < ncpus; cpu++)
			map[cpu] = cpu < nnotes ? (int)cpu : -1;
		for (size_t i = 0; i < nnotes; i++) {
			const struct dp_cpu_note *n = dp_dump_cpu_note(dump, i);
			if (n && n->pid >= 1 && (unsigned int)n->pid <= ncpus &&
			    nnotes == ncpus)
				map[n->pid - 1] = (int)i;
		}
	}
	k->note_of_cpu = map;
	k->notes_mapped = true;
	return NULL;
}

struct dp_error *dp_kernel_cpu_regs(struct dp_kernel *k, unsigned int cpu,
				    struct dp_regs_x86_64 *ret)
{
	struct dp_error *err = map_notes(k);
	if (err)
		return err;
	if (cpu >= k->nr_cpus || k->note_of_cpu[cpu] < 0)
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "no register note for CPU %u", cpu);
	const struct dp_cpu_note *n =
		dp_dump_cpu_note(dp_program_dump(k->prog),
				 (size_t)k->note_of_cpu[cpu]);
	if (!n)
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "no register note for CPU %u", cpu);
	*ret = n->regs;
	return NULL;
}

// The last line of log that starts with key.
static const char *find_line(const char *log, size_t len, const char *key,
			     size_t *line_len)
{
	size_t kl = strlen(key);
	const char *hit = NULL;
	for (size_t i = 0; i + kl <= len; i++) {
		if ((i > 0 && log[i - 1] != '\n') ||
		    memcmp(log + i, key, kl) != 0)
			continue;
		hit = log + i;
	}
	if (!hit)
		return NULL;
	const char *end = memchr(hit, '\n', (size_t)(log + len - hit));
	*line_len = end ? (size_t)(end - hit) : (size_t)(log + len - hit);
	return hit;
}

char *dp_panic_message_from_log(const char *log, size_t len, bool *oops_ret)
{
	size_t ll;
	const char *p;
	*oops_ret = false;
	if ((p = find_line(log, len, "Kernel panic - not syncing", &ll)))
		return strndup(p, ll);
	// With kdump and panic_on_oops, oops_end() kexecs before panic()
	// prints: crash reports the "Oops:" or "kernel BUG at" line, which
	// dumpstack prints as "<msg> [#N] ...".
	static const struct {
		const char *key;
		bool oops;	/* crash adds "(check log for details)" */
	} keys[] = {
		{ "kernel BUG at ", false },
		{ "Oops: ", true },
		{ "general protection fault", true },
		{ "BUG: unable to handle", true },
	};
	const char *best = NULL;
	size_t best_len = 0;
	bool best_oops = false;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		p = find_line(log, len, keys[i].key, &ll);
		if (p && p > best) {
			best = p;
			best_len = ll;
			best_oops = keys[i].oops;
		}
	}
	if (!best)
		return NULL;
	*oops_ret = best_oops;
	return strndup(best, best_len);
}

struct logbuf {
	char *buf;
	size_t len, cap;
};

#define DP_MAX_LOG (64u << 20)

static struct dp_error *append_record(const struct dp_printk_record *rec,
				      void *arg)
{
	struct logbuf *b = arg;
	size_t need = b->len + rec->text_len + 2;
	if (need > DP_MAX_LOG)
		return NULL;	/* keep what fits */
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		while (cap < need)
			cap *= 2;
		char *nb = realloc(b->buf, cap);
		if (!nb)
			return &dp_enomem;
		b->buf = nb;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, rec->text, rec->text_len);
	b->len += rec->text_len;
	b->buf[b->len++] = '\n';
	return NULL;
}

struct dp_error *dp_kernel_panic_message(struct dp_kernel *k, char **ret,
					 bool *oops_ret)
{
	struct logbuf b = { 0 };
	struct dp_error *err = dp_printk_for_each(k->prog, append_record, &b);
	*ret = NULL;
	*oops_ret = false;
	if (!err && b.len)
		*ret = dp_panic_message_from_log(b.buf, b.len, oops_ret);
	free(b.buf);
	return err;
}
