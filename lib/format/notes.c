// SPDX-License-Identifier: MIT
// ELF note areas (FORMATS §1.3): CPU registers from NT_PRSTATUS and QEMU
// CPU notes, and the VMCOREINFO text.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <core/reader.h>
#include <core/vector.h>

#include "elf-def.h"
#include "format.h"


static struct dp_error *cpu_append(struct dp_dump *dump,
				   struct dp_cpu_note **ret)
{
	if (!dp_array_reserve(dump->cpus, dump->ncpus_cap, dump->ncpus + 1))
		return &dp_enomem;
	struct dp_cpu_note *c = &dump->cpus[dump->ncpus];
	memset(c, 0, sizeof(*c));
	c->index = (uint32_t)dump->ncpus++;
	*ret = c;
	return NULL;
}

// x86_64 elf_prstatus (FORMATS §1.4): pr_pid at 32, 27 registers at 112
// in user_regs_struct order, which is the field order of dp_regs_x86_64.
static struct dp_error *add_prstatus(struct dp_dump *dump, const uint8_t *desc,
				     size_t len, size_t noff)
{
	if (len < DP_PRSTATUS_REG_OFF + 27 * 8)
		return dp_error_create(DP_ERR_BAD_DATA,
			"note at 0x%zx: NT_PRSTATUS is %zu bytes, expected %u "
			"(x86_64)", noff, len, DP_PRSTATUS_SIZE);
	struct dp_reader r;
	struct dp_cpu_note *c;
	struct dp_error *err = cpu_append(dump, &c);
	if (err)
		return err;
	dp_reader_init(&r, desc, len, false);
	dp_reader_seek(&r, DP_PRSTATUS_PID_OFF);
	dp_reader_s32(&r, &c->pid);
	dp_reader_seek(&r, DP_PRSTATUS_REG_OFF);
	uint64_t *regs = (uint64_t *)&c->regs;
	for (size_t i = 0; i < sizeof(c->regs) / 8; i++)
		dp_reader_u64(&r, &regs[i]);
	return NULL;
}

// QEMUCPUState (FORMATS §9.2): version, size, 16 GPRs in rax rbx rcx rdx
// rsi rdi rsp rbp r8..r15 order, rip, rflags, 10 segments of 24 bytes
// (cs ds es fs gs ss ldt tr gdt idt; base at +16), cr[5].
static void parse_qemu_state(const uint8_t *desc, size_t len,
			     struct dp_cpu_note *c)
{
	struct dp_regs_x86_64 *g = &c->regs;
	uint64_t *gpr[16] = {
		&g->rax, &g->rbx, &g->rcx, &g->rdx, &g->rsi, &g->rdi,
		&g->rsp, &g->rbp, &g->r8, &g->r9, &g->r10, &g->r11,
		&g->r12, &g->r13, &g->r14, &g->r15,
	};
	struct dp_reader r;
	uint64_t v;
	dp_reader_init(&r, desc, len, false);
	dp_reader_seek(&r, 8);
	for (size_t i = 0; i < 16; i++)
		dp_reader_u64(&r, gpr[i]);
	dp_reader_u64(&r, &g->rip);
	dp_reader_u64(&r, &g->eflags);
	uint64_t sel[10], base[10];
	for (size_t i = 0; i < 10; i++) {
		uint32_t s;
		dp_reader_u32(&r, &s);
		dp_reader_skip(&r, 12);
		dp_reader_u64(&r, &base[i]);
		sel[i] = s;
	}
	g->cs = sel[0];
	g->ds = sel[1];
	g->es = sel[2];
	g->fs = sel[3];
	g->gs = sel[4];
	g->ss = sel[5];
	g->fs_base = base[3];
	g->gs_base = base[4];
	c->idt_base = base[9];
	for (size_t i = 0; i < 5; i++)
		c->cr[i] = dp_reader_u64(&r, &v) ? v : 0;
	c->has_sregs = true;
	c->from_qemu = true;
}

/*
 * QEMU writes one "CORE" NT_PRSTATUS per vCPU, then one "QEMU" note per
 * vCPU, in the same vCPU order (FORMATS §9.2). We pair the k-th QEMU note
 * with the k-th CPU entry: the registers come from the QEMU note (it also
 * has CR0-4 and the IDT base, and its FS/GS bases are the live ones),
 * pr_pid (vCPU index + 1) stays from the PRSTATUS note. A QEMU note with
 * no PRSTATUS partner becomes its own entry with pid = its index + 1.
 */
static struct dp_error *add_qemu(struct dp_dump *dump, const uint8_t *desc,
				 size_t len, size_t noff)
{
	if (len < DP_QEMU_CPUSTATE_SIZE)
		return dp_error_create(DP_ERR_BAD_DATA,
			"note at 0x%zx: QEMU CPU state is %zu bytes, expected "
			"%u", noff, len, DP_QEMU_CPUSTATE_SIZE);
	size_t k = dump->nqemu_notes++;
	struct dp_cpu_note *c;
	if (k < dump->ncpus && !dump->cpus[k].has_sregs) {
		c = &dump->cpus[k];
	} else {
		struct dp_error *err = cpu_append(dump, &c);
		if (err)
			return err;
		c->pid = (int32_t)(k + 1);
	}
	parse_qemu_state(desc, len, c);
	return NULL;
}

static struct dp_error *add_vmcoreinfo(struct dp_dump *dump,
				       const uint8_t *desc, size_t len)
{
	if (dump->vmcoreinfo)
		return NULL;	// keep the first one
	size_t n = strnlen((const char *)desc, len);
	struct dp_vmci_table *t;
	struct dp_error *err = dp_vmci_parse((const char *)desc, n, &t);
	if (err)
		return err;
	char *copy = malloc(n + 1);
	if (!copy) {
		dp_vmci_destroy(t);
		return &dp_enomem;
	}
	memcpy(copy, desc, n);
	copy[n] = '\0';
	dump->vmcoreinfo = copy;
	dump->vmcoreinfo_len = n;
	dump->vmci = t;
	return NULL;
}

static struct dp_error *add_note(struct dp_dump *dump,
				 const struct dp_elf_note *n)
{
	if (dp_elf_note_is(n, "CORE") && n->type == NT_PRSTATUS)
		return add_prstatus(dump, n->desc, n->descsz, n->off);
	if (dp_elf_note_is(n, "QEMU") && n->type == 0)
		return add_qemu(dump, n->desc, n->descsz, n->off);
	if (dp_elf_note_is(n, "VMCOREINFO") && n->type == 0)
		return add_vmcoreinfo(dump, n->desc, n->descsz);
	return NULL;	// other notes (Xen, device dumps...) are not used
}

struct dp_error *dp_dump_add_notes(struct dp_dump *dump, const void *notes,
				   size_t len, bool big_endian)
{
	// Keep the raw area too: the collector copies it into its output.
	if (len) {
		uint8_t *raw = realloc(dump->notes_raw, dump->notes_raw_len + len);
		if (!raw)
			return &dp_enomem;
		memcpy(raw + dump->notes_raw_len, notes, len);
		dump->notes_raw = raw;
		dump->notes_raw_len += len;
	}
	struct dp_reader r;
	struct dp_elf_note n;
	enum dp_elf_note_step step;
	dp_reader_init(&r, notes, len, big_endian);
	while ((step = dp_elf_note_next(&r, &n)) == DP_ELF_NOTE_OK) {
		struct dp_error *err = add_note(dump, &n);
		if (err)
			return err;
	}
	if (step == DP_ELF_NOTE_OVERRUN)
		return dp_error_create(DP_ERR_BAD_DATA,
			"note at 0x%zx: name size %u + desc size %u run "
			"past the end of the note area (0x%zx bytes)",
			n.off, n.namesz, n.descsz, len);
	return NULL;
}
