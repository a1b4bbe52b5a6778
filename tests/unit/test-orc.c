// SPDX-License-Identifier: MIT
// ORC decoding, table lookup and the stack walker on synthetic tables.
#include <dontpanic/unwind.h>

#include "test.h"

/* Encode an orc_entry in the 6.1 layout (type bits 8-9, end bit 10). */
static void enc61(uint8_t *b, int sp_off, int bp_off, int sp_reg, int bp_reg,
		  int type, int end)
{
	uint16_t bits = (uint16_t)(sp_reg | bp_reg << 4 | type << 8 |
				   end << 10);
	b[0] = (uint8_t)sp_off;
	b[1] = (uint8_t)(sp_off >> 8);
	b[2] = (uint8_t)bp_off;
	b[3] = (uint8_t)(bp_off >> 8);
	b[4] = (uint8_t)bits;
	b[5] = (uint8_t)(bits >> 8);
}

TEST(decode_versions)
{
	uint8_t b[6];
	struct dp_orc_entry e;
	enc61(b, -8, -16, DP_ORC_REG_SP, DP_ORC_REG_PREV_SP, 1, 0);
	dp_orc_decode(b, DP_ORC_V6_1, &e);
	CHECK(e.sp_offset == -8 && e.bp_offset == -16);
	CHECK(e.sp_reg == DP_ORC_REG_SP && e.bp_reg == DP_ORC_REG_PREV_SP);
	CHECK(e.type == DP_ORC_TYPE_REGS && e.signal);
	enc61(b, 0, 0, DP_ORC_REG_UNDEFINED, 0, 0, 1);
	dp_orc_decode(b, DP_ORC_V6_1, &e);
	CHECK(e.type == DP_ORC_TYPE_END_OF_STACK);
	enc61(b, 0, 0, DP_ORC_REG_UNDEFINED, 0, 0, 0);
	dp_orc_decode(b, DP_ORC_V6_1, &e);
	CHECK(e.type == DP_ORC_TYPE_UNDEFINED);
	/* 6.4: type 2 = CALL in bits 8-10, signal bit 11. */
	b[4] = DP_ORC_REG_SP;
	b[5] = 2 | 1 << 3;
	dp_orc_decode(b, DP_ORC_V6_4, &e);
	CHECK(e.type == DP_ORC_TYPE_CALL && e.signal);
	/* 6.3: end is bit 11, signal bit 10. */
	b[4] = 0;
	b[5] = 1 << 3;
	dp_orc_decode(b, DP_ORC_V6_3, &e);
	CHECK(e.type == DP_ORC_TYPE_END_OF_STACK && !e.signal);
}

/* A synthetic kernel: text at 0x1000.., a stack at STACK. */
#define STACK 0x100000ULL
#define NWORDS 64
static uint64_t stack_words[NWORDS];

struct synth {
	struct dp_orc_table t;
	bool no_stack_info;
};

static struct dp_error *synth_read(void *arg, uint64_t addr, void *buf,
				   size_t len)
{
	if (addr < STACK || addr + len > STACK + 8 * NWORDS)
		return dp_error_addr(DP_ERR_FAULT, addr, "unmapped");
	memcpy(buf, (uint8_t *)stack_words + (addr - STACK), len);
	return NULL;
}

static bool synth_find(void *arg, uint64_t ip, struct dp_orc_entry *ret)
{
	struct synth *s = arg;
	return ip >= 0x1000 && ip < 0x6000 && dp_orc_table_find(&s->t, ip, ret);
}

static bool synth_stack(void *arg, uint64_t sp, struct dp_stack_info *ret)
{
	struct synth *s = arg;
	if (s->no_stack_info || sp < STACK || sp >= STACK + 8 * NWORDS)
		return false;
	*ret = (struct dp_stack_info){ DP_STACK_TASK, STACK,
				       STACK + 8 * NWORDS };
	return true;
}

static const struct dp_unwind_ops synth_ops = {
	synth_read, synth_find, synth_stack, NULL,
};

/*
 * Functions: A at 0x1000 (no frame: CFA = sp + 8), B at 0x2000 (pushes
 * bp and 8 more bytes from 0x2004: CFA = sp + 24, bp at CFA - 16), E at
 * 0x3000 (entry code: a pt_regs at sp), F at 0x4000 (end of stack), and
 * a weak terminator at 0x2000 sorted after B's entry in the input.
 */
static void build_table(struct synth *s)
{
	static const uint64_t ips[] = { 0x4000, 0x1000, 0x2000, 0x2004,
					0x3000, 0x2000, 0x5000 };
	uint8_t raw[7 * 6];
	int32_t rel[7];
	const uint64_t base = 0x800000;
	enc61(raw + 0, 0, 0, DP_ORC_REG_UNDEFINED, 0, 0, 1);	/* F */
	enc61(raw + 6, 8, 0, DP_ORC_REG_SP, 0, 0, 0);		/* A */
	enc61(raw + 12, 0, 0, DP_ORC_REG_UNDEFINED, 0, 0, 0);	/* weak */
	enc61(raw + 18, 24, -16, DP_ORC_REG_SP, DP_ORC_REG_PREV_SP, 0, 0);
	enc61(raw + 24, 0, 0, DP_ORC_REG_SP, 0, 1, 0);		/* E */
	enc61(raw + 30, 8, 0, DP_ORC_REG_SP, 0, 0, 0);		/* B entry */
	enc61(raw + 36, 0, 0, DP_ORC_REG_UNDEFINED, 0, 0, 0);	/* end */
	for (int i = 0; i < 7; i++)
		rel[i] = (int32_t)(ips[i] - (base + 4 * i));
	/* Put the weak terminator and B's real entry at the same ip. */
	rel[2] = (int32_t)(0x2000 - (base + 8));
	CHECK_OK(dp_orc_table_init(&s->t, base, rel, raw, 7, DP_ORC_V6_1));
}

TEST(table_sort_and_lookup)
{
	struct synth s = { 0 };
	struct dp_orc_entry e;
	build_table(&s);
	CHECK_EQ_U64(s.t.n, 7);
	for (size_t i = 1; i < s.t.n; i++)
		CHECK(s.t.ip[i - 1] <= s.t.ip[i]);
	CHECK(!dp_orc_table_find(&s.t, 0xfff, &e));
	CHECK(dp_orc_table_find(&s.t, 0x1050, &e));
	CHECK(e.sp_reg == DP_ORC_REG_SP && e.sp_offset == 8);
	/* The real entry at 0x2000 wins over the weak terminator. */
	CHECK(dp_orc_table_find(&s.t, 0x2000, &e));
	CHECK(e.type == DP_ORC_TYPE_CALL && e.sp_offset == 8);
	CHECK(dp_orc_table_find(&s.t, 0x2010, &e));
	CHECK(e.sp_offset == 24 && e.bp_reg == DP_ORC_REG_PREV_SP);
	dp_orc_table_deinit(&s.t);
}

static struct dp_regs_x86_64 start_regs(uint64_t ip, uint64_t sp,
					uint64_t bp)
{
	struct dp_regs_x86_64 r;
	memset(&r, 0, sizeof(r));
	r.rip = ip;
	r.rsp = sp;
	r.rbp = bp;
	r.cs = 0x10;
	return r;
}

TEST(call_frames_to_end)
{
	struct synth s = { 0 };
	struct dp_pt_regs_layout l;
	struct dp_stack_trace st;
	build_table(&s);
	dp_pt_regs_layout_default(&l);
	memset(stack_words, 0, sizeof(stack_words));
	/* B at 0x2010 with sp = STACK: bp saved at +8, return at +16. */
	stack_words[1] = 0xb0b0;
	stack_words[2] = 0x1010;	/* into A */
	stack_words[3] = 0x4005;	/* A returns into F: end */
	struct dp_regs_x86_64 r = start_regs(0x2010, STACK, 0x1234);
	CHECK_OK(dp_unwind(&synth_ops, &s, &l, &r, 0, &st));
	CHECK(st.error == NULL);
	CHECK_EQ_U64(st.n, 3);
	CHECK_EQ_U64(st.frames[0].ip, 0x2010);
	CHECK_EQ_U64(st.frames[0].sp, STACK);
	CHECK_EQ_U64(st.frames[1].ip, 0x1010);
	CHECK_EQ_U64(st.frames[1].sp, STACK + 16);
	CHECK_EQ_U64(st.frames[2].ip, 0x4005);
	CHECK_EQ_U64(st.frames[2].sp, STACK + 24);
	CHECK(st.frames[0].stack == DP_STACK_TASK);
	dp_stack_trace_deinit(&st);
	dp_orc_table_deinit(&s.t);
}

TEST(exception_frames)
{
	struct synth s = { 0 };
	struct dp_pt_regs_layout l;
	struct dp_stack_trace st;
	build_table(&s);
	dp_pt_regs_layout_default(&l);
	memset(stack_words, 0, sizeof(stack_words));
	/* A at 0x1001 returns into E at 0x3008; E has a pt_regs at sp. */
	stack_words[0] = 0x3008;
	uint64_t *pt = &stack_words[1];	/* pt_regs at STACK + 8 */
	pt[4] = 0x5555;			/* bp */
	pt[16] = 0x1020;		/* ip: interrupted in A */
	pt[17] = 0x10;			/* cs: kernel */
	pt[19] = STACK + 8 * 30;	/* sp */
	stack_words[30] = 0x3010;	/* A returns into E again */
	uint64_t *pt2 = &stack_words[31];
	pt2[16] = 0x401000;		/* user ip */
	pt2[17] = 0x33;			/* cs: user */
	pt2[19] = 0x7ffd0000;
	struct dp_regs_x86_64 r = start_regs(0x1001, STACK, 0);
	CHECK_OK(dp_unwind(&synth_ops, &s, &l, &r, 0, &st));
	CHECK(st.error == NULL);
	CHECK_EQ_U64(st.n, 4);
	CHECK_EQ_U64(st.frames[1].ip, 0x3008);
	CHECK(st.frames[1].has_regs && !st.frames[1].user_regs);
	CHECK_EQ_U64(st.frames[1].regs.rbp, 0x5555);
	CHECK_EQ_U64(st.frames[2].ip, 0x1020);
	CHECK(st.frames[2].exact);
	CHECK_EQ_U64(st.frames[2].sp, STACK + 8 * 30);
	CHECK_EQ_U64(st.frames[3].ip, 0x3010);
	CHECK(st.frames[3].has_regs && st.frames[3].user_regs);
	CHECK_EQ_U64(st.frames[3].regs.rip, 0x401000);
	dp_stack_trace_deinit(&st);
	dp_orc_table_deinit(&s.t);
}

TEST(bad_stacks_stop_cleanly)
{
	struct synth s = { 0 };
	struct dp_pt_regs_layout l;
	struct dp_stack_trace st;
	build_table(&s);
	dp_pt_regs_layout_default(&l);
	memset(stack_words, 0, sizeof(stack_words));
	/* A returns to ip 0 (a NULL call): then the stack top is unmapped. */
	struct dp_regs_x86_64 r = start_regs(0x1001, STACK + 8 * 63, 0);
	CHECK_OK(dp_unwind(&synth_ops, &s, &l, &r, 0, &st));
	CHECK(st.error && strstr(st.error, "cannot read"));
	CHECK_EQ_U64(st.n, 2);
	CHECK_EQ_U64(st.frames[1].ip, 0);
	dp_stack_trace_deinit(&st);
	/* An ip inside the "end" terminator: no unwind information. */
	r = start_regs(0x5001, STACK, 0);
	CHECK_OK(dp_unwind(&synth_ops, &s, &l, &r, 0, &st));
	CHECK(st.error && strstr(st.error, "no unwind information"));
	dp_stack_trace_deinit(&st);
	/* A loop: every frame returns to 0x1001 one word up, forever. */
	for (int i = 0; i < NWORDS; i++)
		stack_words[i] = 0x1001;
	r = start_regs(0x1001, STACK, 0);
	CHECK_OK(dp_unwind(&synth_ops, &s, &l, &r, 0, &st));
	CHECK(st.error && strstr(st.error, "cannot read"));
	CHECK(st.n <= NWORDS + 1);
	dp_stack_trace_deinit(&st);
	dp_orc_table_deinit(&s.t);
}

TEST(frame_pointer_fallback)
{
	struct synth s = { 0 };
	struct dp_pt_regs_layout l;
	struct dp_stack_trace st;
	build_table(&s);
	dp_pt_regs_layout_default(&l);
	memset(stack_words, 0, sizeof(stack_words));
	/* ip 0x9000 has no ORC: bp chain at STACK+16 -> return 0x4001. */
	stack_words[2] = STACK + 8 * 10;	/* saved bp */
	stack_words[3] = 0x4001;		/* return address */
	struct dp_regs_x86_64 r = start_regs(0x9000, STACK, STACK + 16);
	CHECK_OK(dp_unwind(&synth_ops, &s, &l, &r, 0, &st));
	CHECK(st.error == NULL);
	CHECK_EQ_U64(st.n, 2);
	CHECK(st.frames[0].fp_fallback);
	CHECK_EQ_U64(st.frames[1].ip, 0x4001);
	CHECK_EQ_U64(st.frames[1].sp, STACK + 24);
	dp_stack_trace_deinit(&st);
	dp_orc_table_deinit(&s.t);
}

TEST(wrong_direction)
{
	struct synth s = { 0 };
	struct dp_pt_regs_layout l;
	struct dp_stack_trace st;
	build_table(&s);
	dp_pt_regs_layout_default(&l);
	memset(stack_words, 0, sizeof(stack_words));
	/* No ORC at 0x9000; the bp chain points down the stack. */
	stack_words[20] = STACK;		/* saved bp */
	stack_words[21] = 0x9000;		/* return to itself */
	struct dp_regs_x86_64 r = start_regs(0x9000, STACK + 8 * 40,
					     STACK + 8 * 20);
	CHECK_OK(dp_unwind(&synth_ops, &s, &l, &r, 0, &st));
	CHECK(st.error && strstr(st.error, "wrong way"));
	dp_stack_trace_deinit(&st);
	dp_orc_table_deinit(&s.t);
}

TEST(prologue_analysis)
{
	/* __crash_kexec on Debian 6.1: call __fentry__; push rbx; mov edx,1;
	 * sub rsp,0xb0; test eax,eax; jne; then code after the branch. */
	static const uint8_t code[] = {
		0xe8, 0xeb, 0x70, 0xf0, 0xff, 0x53, 0xba, 0x01, 0x00, 0x00,
		0x00, 0x48, 0x81, 0xec, 0xb0, 0x00, 0x00, 0x00, 0x85, 0xc0,
		0x75, 0x50, 0x5b, 0x5b, 0xc3,
	};
	struct dp_orc_entry e;
	CHECK(dp_prologue_orc(code, sizeof(code), 0x1000, 0x1000 + 24, &e));
	CHECK(e.heuristic && e.type == DP_ORC_TYPE_CALL);
	CHECK(e.sp_reg == DP_ORC_REG_SP);
	CHECK_EQ_U64(e.sp_offset, 8 + 0xb0 + 8);
	CHECK(e.bp_reg == DP_ORC_REG_UNDEFINED);
	/* push rbp; mov rbp,rsp; push rbx: rbp saved at CFA - 16. */
	static const uint8_t fp[] = { 0x55, 0x48, 0x89, 0xe5, 0x53, 0x90 };
	CHECK(dp_prologue_orc(fp, sizeof(fp), 0x2000, 0x2005, &e));
	CHECK_EQ_U64(e.sp_offset, 24);
	CHECK(e.bp_reg == DP_ORC_REG_PREV_SP && e.bp_offset == -16);
	/* An ip outside the code is refused. */
	CHECK(!dp_prologue_orc(fp, sizeof(fp), 0x2000, 0x3000, &e));
}

/*
 * CFI rows (what lib/unwind/cfi.c gives from a vmlinux): function C at
 * 0x6000 has no ORC; its row says CFA = sp + 24 (or r10 + 24 in the DRAP
 * variant), rbx saved at CFA - 24, the return address at CFA - 8. A row
 * for A that would go the wrong way must give way to A's ORC entry.
 */
struct cfi_synth {
	struct synth s;
	bool drap;
};

static bool cfi_find(void *arg, uint64_t ip, struct dp_cfi_row *ret)
{
	struct cfi_synth *c = arg;
	memset(ret, 0, sizeof(*ret));
	for (int r = 0; r < DP_CFI_NREGS; r++)
		ret->reg[r].kind = DP_CFI_SAME;
	ret->reg[7].kind = DP_CFI_VAL_CFA;	/* rsp = CFA */
	ret->reg[DP_CFI_REG_RA].kind = DP_CFI_AT_CFA;
	ret->reg[DP_CFI_REG_RA].off = -8;
	if (ip >= 0x6000 && ip < 0x7000) {
		ret->cfa_reg = c->drap ? 10 : 7;
		ret->cfa_off = 24;
		ret->reg[3].kind = DP_CFI_AT_CFA;	/* rbx */
		ret->reg[3].off = -24;
		return true;
	}
	if (ip >= 0x1000 && ip < 0x2000) {
		ret->cfa_reg = 7;
		ret->cfa_off = -64;	/* bogus: below sp */
		return true;
	}
	return false;
}

static bool cfi_synth_find(void *arg, uint64_t ip, struct dp_orc_entry *ret)
{
	return synth_find(&((struct cfi_synth *)arg)->s, ip, ret);
}

static bool cfi_synth_stack(void *arg, uint64_t sp, struct dp_stack_info *ret)
{
	return synth_stack(&((struct cfi_synth *)arg)->s, sp, ret);
}

static const struct dp_unwind_ops cfi_ops = {
	synth_read, cfi_synth_find, cfi_synth_stack, cfi_find,
};

TEST(cfi_rows_then_orc)
{
	struct cfi_synth c = { 0 };
	struct dp_pt_regs_layout l;
	struct dp_stack_trace st;
	build_table(&c.s);
	dp_pt_regs_layout_default(&l);
	memset(stack_words, 0, sizeof(stack_words));
	stack_words[0] = 0xbbbb;	/* C's saved rbx */
	stack_words[2] = 0x1010;	/* C returns into A */
	stack_words[3] = 0x4005;	/* A returns into F: end */
	struct dp_regs_x86_64 r = start_regs(0x6010, STACK, 0x1234);
	CHECK_OK(dp_unwind(&cfi_ops, &c, &l, &r, 0, &st));
	CHECK(st.error == NULL);
	CHECK_EQ_U64(st.n, 3);
	CHECK(st.frames[0].unwinder == DP_UNWINDER_CFI);
	CHECK(!st.frames[0].fp_fallback);
	CHECK_EQ_U64(st.frames[0].cfa, STACK + 24);
	CHECK_EQ_U64(st.frames[1].ip, 0x1010);
	CHECK_EQ_U64(st.frames[1].sp, STACK + 16);
	/* A's CFI row goes below sp: ORC unwinds A, quietly. */
	CHECK(st.frames[1].unwinder == DP_UNWINDER_ORC);
	CHECK_EQ_U64(st.frames[2].ip, 0x4005);
	CHECK_EQ_U64(st.frames[2].sp, STACK + 24);
	CHECK(strcmp(dp_unwinder_name(st.frames[0].unwinder), "cfi") == 0);
	dp_stack_trace_deinit(&st);

	/* CFA from r10, unknown in a switched-out frame: frame pointers. */
	c.drap = true;
	stack_words[1] = STACK + 8 * 10;	/* saved bp */
	r = start_regs(0x6010, STACK, STACK + 8);
	CHECK_OK(dp_unwind(&cfi_ops, &c, &l, &r, DP_UNWIND_RETURN_IP, &st));
	CHECK(st.error == NULL);
	CHECK(st.n >= 2);
	CHECK(st.frames[0].unwinder == DP_UNWINDER_FP);
	CHECK_EQ_U64(st.frames[1].ip, 0x1010);
	dp_stack_trace_deinit(&st);

	/* With r10 known (full registers) the DRAP row applies. */
	r = start_regs(0x6010, STACK + 8, STACK + 8);
	r.r10 = STACK;
	CHECK_OK(dp_unwind(&cfi_ops, &c, &l, &r, 0, &st));
	CHECK(st.n >= 2);
	CHECK(st.frames[0].unwinder == DP_UNWINDER_CFI);
	CHECK_EQ_U64(st.frames[1].ip, 0x1010);
	dp_stack_trace_deinit(&st);
	dp_orc_table_deinit(&c.s.t);
}

TEST_MAIN(T(decode_versions), T(prologue_analysis), T(table_sort_and_lookup),
	  T(call_frames_to_end), T(exception_frames),
	  T(bad_stacks_stop_cleanly), T(frame_pointer_fallback),
	  T(wrong_direction), T(cfi_rows_then_orc))
