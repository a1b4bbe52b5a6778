// SPDX-License-Identifier: MIT
#include <format/format.h>

#include "test.h"

struct nbuf {
	uint8_t b[8192];
	size_t n;
};

static void put32(struct nbuf *nb, uint32_t v)
{
	memcpy(nb->b + nb->n, &v, 4);
	nb->n += 4;
}

static void put_note(struct nbuf *nb, const char *name, uint32_t type,
		     const void *desc, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	put32(nb, namesz);
	put32(nb, descsz);
	put32(nb, type);
	memset(nb->b + nb->n, 0, (namesz + 3) & ~3u);
	memcpy(nb->b + nb->n, name, namesz);
	nb->n += (namesz + 3) & ~3u;
	memset(nb->b + nb->n, 0, (descsz + 3) & ~3u);
	memcpy(nb->b + nb->n, desc, descsz);
	nb->n += (descsz + 3) & ~3u;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void make_prstatus(uint8_t *d, int32_t pid, uint64_t base)
{
	memset(d, 0, DP_PRSTATUS_SIZE);
	memcpy(d + DP_PRSTATUS_PID_OFF, &pid, 4);
	for (int i = 0; i < 27; i++)
		put64(d + DP_PRSTATUS_REG_OFF + 8 * i, base + (uint64_t)i);
}

static struct dp_dump *new_dump(void)
{
	struct dp_dump *d = calloc(1, sizeof(*d));
	d->dump_level = -1;
	return d;
}

TEST(prstatus_and_vmcoreinfo)
{
	struct nbuf nb = { .n = 0 };
	uint8_t d[DP_PRSTATUS_SIZE];
	make_prstatus(d, 42, 0x1000);
	put_note(&nb, "CORE", 1, d, sizeof(d));
	make_prstatus(d, 0, 0x2000);
	put_note(&nb, "CORE", 1, d, sizeof(d));
	put_note(&nb, "CORE", 2, d, 16);	// NT_FPREGSET: ignored
	static const char vi[] = "OSRELEASE=6.1.0\nPAGESIZE=4096\n";
	put_note(&nb, "VMCOREINFO", 0, vi, sizeof(vi) - 1);
	put32(&nb, 0);	// final all-zero note ends the area
	put32(&nb, 0);
	put32(&nb, 0);
	put32(&nb, 0xdeadbeef);	// garbage after the end is not read
	struct dp_dump *dump = new_dump();
	CHECK_OK(dp_dump_add_notes(dump, nb.b, nb.n, false));
	CHECK_EQ_U64(dp_dump_num_cpu_notes(dump), 2);
	const struct dp_cpu_note *c = dp_dump_cpu_note(dump, 0);
	CHECK(c && c->pid == 42 && !c->from_qemu);
	// user_regs_struct order: r15 first, rip index 16, rsp 19, gs 26.
	CHECK_EQ_U64(c->regs.r15, 0x1000);
	CHECK_EQ_U64(c->regs.rbp, 0x1004);
	CHECK_EQ_U64(c->regs.rip, 0x1010);
	CHECK_EQ_U64(c->regs.rsp, 0x1013);
	CHECK_EQ_U64(c->regs.gs, 0x101a);
	c = dp_dump_cpu_note(dump, 1);
	CHECK(c && c->index == 1 && c->regs.rip == 0x2010);
	CHECK(dp_dump_cpu_note(dump, 2) == NULL);
	size_t len;
	const char *txt = dp_dump_vmcoreinfo(dump, &len);
	CHECK(txt && len == sizeof(vi) - 1 && !memcmp(txt, vi, len));
	CHECK_STR(dp_dump_vmcoreinfo_get(dump, "OSRELEASE"), "6.1.0");
	int64_t v;
	CHECK_OK(dp_dump_vmcoreinfo_number(dump, "PAGESIZE", &v));
	CHECK(v == 4096);
	struct dp_error *err = dp_dump_vmcoreinfo_number(dump, "NOPE", &v);
	CHECK(err && err->code == DP_ERR_NOT_FOUND);
	dp_error_destroy(err);
	dp_dump_destroy(dump);
}

static void make_qemu(uint8_t *q, uint64_t rip, uint64_t gsbase,
		      uint64_t cr3)
{
	memset(q, 0, DP_QEMU_CPUSTATE_SIZE);
	uint32_t ver = 1, size = DP_QEMU_CPUSTATE_SIZE;
	memcpy(q, &ver, 4);
	memcpy(q + 4, &size, 4);
	put64(q + 8, 0xaa);		// rax
	put64(q + 8 + 6 * 8, 0x5500);	// rsp (7th GPR)
	put64(q + 136, rip);
	put64(q + 144, 0x246);		// rflags
	uint32_t cs = 0x10;
	memcpy(q + 152, &cs, 4);
	put64(q + 152 + 4 * 24 + 16, gsbase);	// gs base
	put64(q + 368 + 16, 0xfffffe0000000000ull);	// idt base
	put64(q + 392 + 3 * 8, cr3);
}

TEST(qemu_notes_pair_with_prstatus)
{
	struct nbuf nb = { .n = 0 };
	uint8_t d[DP_PRSTATUS_SIZE], q[DP_QEMU_CPUSTATE_SIZE];
	make_prstatus(d, 1, 0);
	put_note(&nb, "CORE", 1, d, sizeof(d));
	make_prstatus(d, 2, 0);
	put_note(&nb, "CORE", 1, d, sizeof(d));
	make_qemu(q, 0xffffffff81000000ull, 0xffff888000001000ull, 0x1234000);
	put_note(&nb, "QEMU", 0, q, sizeof(q));
	make_qemu(q, 0xffffffff82000000ull, 0, 0x5678000);
	put_note(&nb, "QEMU", 0, q, sizeof(q));
	make_qemu(q, 0x3, 0, 0);	// a third QEMU note without a partner
	put_note(&nb, "QEMU", 0, q, sizeof(q));
	struct dp_dump *dump = new_dump();
	CHECK_OK(dp_dump_add_notes(dump, nb.b, nb.n, false));
	CHECK_EQ_U64(dp_dump_num_cpu_notes(dump), 3);
	const struct dp_cpu_note *c = dp_dump_cpu_note(dump, 0);
	CHECK(c->from_qemu && c->has_sregs && c->pid == 1);
	CHECK_EQ_U64(c->regs.rip, 0xffffffff81000000ull);
	CHECK_EQ_U64(c->regs.rax, 0xaa);
	CHECK_EQ_U64(c->regs.rsp, 0x5500);
	CHECK_EQ_U64(c->regs.eflags, 0x246);
	CHECK_EQ_U64(c->regs.cs, 0x10);
	CHECK_EQ_U64(c->regs.gs_base, 0xffff888000001000ull);
	CHECK_EQ_U64(c->cr[3], 0x1234000);
	CHECK_EQ_U64(c->idt_base, 0xfffffe0000000000ull);
	c = dp_dump_cpu_note(dump, 1);
	CHECK(c->pid == 2 && c->cr[3] == 0x5678000);
	c = dp_dump_cpu_note(dump, 2);
	CHECK(c->pid == 3 && c->from_qemu && c->regs.rip == 3);
	CHECK(dp_dump_vmcoreinfo(dump, NULL) == NULL);
	dp_dump_destroy(dump);
}

static void expect_bad(const void *buf, size_t len)
{
	struct dp_dump *dump = new_dump();
	struct dp_error *err = dp_dump_add_notes(dump, buf, len, false);
	CHECK(err && err->code == DP_ERR_BAD_DATA);
	if (err)
		printf("# %s\n", err->message);
	dp_error_destroy(err);
	dp_dump_destroy(dump);
}

TEST(malformed_notes)
{
	struct nbuf nb = { .n = 0 };
	uint8_t d[DP_PRSTATUS_SIZE];
	make_prstatus(d, 1, 0);
	// Short PRSTATUS.
	put_note(&nb, "CORE", 1, d, 100);
	expect_bad(nb.b, nb.n);
	// Descriptor runs past the area.
	nb.n = 0;
	put_note(&nb, "CORE", 1, d, sizeof(d));
	expect_bad(nb.b, nb.n - 8);
	// Huge sizes must not overflow.
	nb.n = 0;
	put32(&nb, 0xffffffff);
	put32(&nb, 0xffffffff);
	put32(&nb, 1);
	put32(&nb, 0);
	expect_bad(nb.b, nb.n);
	nb.n = 0;
	put32(&nb, 5);
	put32(&nb, 0xfffffffd);
	put32(&nb, 1);
	memcpy(nb.b + nb.n, "CORE\0\0\0", 8);
	nb.n += 8;
	expect_bad(nb.b, nb.n);
	// Short QEMU state.
	nb.n = 0;
	put_note(&nb, "QEMU", 0, d, 200);
	expect_bad(nb.b, nb.n);
	// A trailing partial header (< 12 bytes) is ignored, not read.
	nb.n = 0;
	put_note(&nb, "CORE", 1, d, sizeof(d));
	put32(&nb, 5);
	struct dp_dump *dump = new_dump();
	CHECK_OK(dp_dump_add_notes(dump, nb.b, nb.n, false));
	CHECK_EQ_U64(dp_dump_num_cpu_notes(dump), 1);
	dp_dump_destroy(dump);
	// The last note's descriptor may lack its padding.
	nb.n = 0;
	put_note(&nb, "VMCOREINFO", 0, "A=1\nB=22", 9);
	dump = new_dump();
	CHECK_OK(dp_dump_add_notes(dump, nb.b, nb.n - 3, false));
	CHECK_STR(dp_dump_vmcoreinfo_get(dump, "B"), "22");
	dp_dump_destroy(dump);
}

TEST_MAIN(T(prstatus_and_vmcoreinfo), T(qemu_notes_pair_with_prstatus),
	  T(malformed_notes))
