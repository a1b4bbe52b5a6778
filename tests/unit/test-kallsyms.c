// SPDX-License-Identifier: MIT
// Unit tests for the kallsyms decoder on synthetic tables.
#include <dontpanic/error.h>

#include "debuginfo/kallsyms.h"
#include "test.h"

#define BASE 0xffffffff81000000ULL

struct synth {
	uint8_t tokens[4096];
	uint8_t names[8192];
	uint8_t addrs[8 * 64];
	struct dp_kallsyms_tables t;
	size_t nlen;
};

// Token i is the single character i, except 1 = "_s", 2 = "te", 3 = "xt".
static void synth_init(struct synth *s)
{
	memset(s, 0, sizeof(*s));
	size_t off = 0;
	for (int i = 0; i < 256; i++) {
		s->t.token_index[i] = (uint16_t)off;
		if (i == 1)
			memcpy(s->tokens + off, "_s", 2), off += 2;
		else if (i == 2)
			memcpy(s->tokens + off, "te", 2), off += 2;
		else if (i == 3)
			memcpy(s->tokens + off, "xt", 2), off += 2;
		else if (i != 0)
			s->tokens[off++] = (uint8_t)i;
		s->tokens[off++] = 0;
	}
	s->t.token_table = s->tokens;
	s->t.token_table_len = off;
	s->t.names = s->names;
	s->t.addrs = s->addrs;
	s->t.stext = BASE;
	s->t.relative_base = BASE;
	s->t.have_relative_base = true;
	s->t.offsets_vaddr = 0xffffffff82000000ULL;
}

// Append a symbol ("T_stext": type then name) with its raw table value.
static void add(struct synth *s, const char *typename, uint64_t raw)
{
	uint8_t enc[600];
	size_t n = 0;
	for (const char *p = typename; *p; p++) {
		if (!strncmp(p, "_stext", 6)) {
			enc[n++] = 1, enc[n++] = 2, enc[n++] = 3;	// _s te xt
			p += 5;
		} else {
			enc[n++] = (uint8_t)*p;
		}
	}
	if (n >= 128) {
		s->names[s->nlen++] = (uint8_t)(0x80 | (n & 0x7f));
		s->names[s->nlen++] = (uint8_t)(n >> 7);
	} else {
		s->names[s->nlen++] = (uint8_t)n;
	}
	memcpy(s->names + s->nlen, enc, n);
	s->nlen += n;
	uint32_t i = s->t.num_syms++;
	if (s->t.absolute) {
		for (int k = 0; k < 8; k++)
			s->addrs[i * 8 + k] = (uint8_t)(raw >> (8 * k));
	} else {
		for (int k = 0; k < 4; k++)
			s->addrs[i * 4 + k] = (uint8_t)(raw >> (8 * k));
	}
	s->t.names_len = s->nlen;
	s->t.addrs_len = s->t.num_syms * (s->t.absolute ? 8 : 4);
}

// absolute-percpu raw value for a kernel address (negative offset).
static uint32_t pcpu_neg(uint64_t addr)
{
	return (uint32_t)(int32_t)-(int64_t)(addr - BASE + 1);
}

static void add_standard(struct synth *s)
{
	add(s, "Apcpu_var", 0x1000);
	add(s, "T_text", pcpu_neg(BASE));
	add(s, "T_stext", pcpu_neg(BASE));
	add(s, "tfoo", pcpu_neg(BASE + 0x100));
	add(s, "tfoo", pcpu_neg(BASE + 0x200));
	add(s, "Dbar", pcpu_neg(BASE + 0x1000));
	add(s, "B_end", pcpu_neg(BASE + 0x2000));
}

TEST(absolute_percpu)
{
	static struct synth s;
	struct dp_kallsyms *ks = NULL;
	struct dp_symbol sym;
	uint64_t off;
	synth_init(&s);
	add_standard(&s);
	CHECK_OK(dp_kallsyms_build(&s.t, &ks));
	if (!ks)
		return;
	CHECK(dp_kallsyms_encoding(ks) == DP_KALLSYMS_ABSOLUTE_PERCPU);
	CHECK_EQ_U64(dp_kallsyms_count(ks), 7);
	dp_kallsyms_get(ks, 0, &sym);
	CHECK_STR(sym.name, "pcpu_var");
	CHECK_EQ_U64(sym.address, 0x1000);
	CHECK(sym.type == 'A');
	size_t c = 0;
	CHECK(dp_kallsyms_find_name(ks, "bar", &c, &sym));
	CHECK_EQ_U64(sym.address, BASE + 0x1000);
	CHECK(sym.type == 'D');
	CHECK_EQ_U64(sym.size, 0x1000);
	// Two symbols called foo: both found, then no more.
	c = 0;
	int nfoo = 0;
	while (dp_kallsyms_find_name(ks, "foo", &c, &sym))
		nfoo++;
	CHECK_EQ_U64(nfoo, 2);
	c = 0;
	CHECK(!dp_kallsyms_find_name(ks, "nope", &c, &sym));
	// Address lookups: aliases give the first in table order (_text).
	CHECK(dp_kallsyms_lookup_addr(ks, BASE + 0x10, &sym, &off));
	CHECK_STR(sym.name, "_text");
	CHECK_EQ_U64(off, 0x10);
	CHECK(dp_kallsyms_lookup_addr(ks, BASE + 0x216, &sym, &off));
	CHECK_STR(sym.name, "foo");
	CHECK_EQ_U64(off, 0x16);
	CHECK(!dp_kallsyms_lookup_addr(ks, BASE - 1, &sym, &off));
	CHECK(!dp_kallsyms_lookup_addr(ks, BASE + 0x2000, &sym, &off));
	CHECK(!dp_kallsyms_lookup_addr(ks, 0x1000, &sym, &off));
	dp_kallsyms_destroy(ks);
}

TEST(other_encodings)
{
	static struct synth s;
	struct dp_kallsyms *ks = NULL;
	struct dp_symbol sym;
	size_t c;
	// base-relative: relative_base + (u32)off.
	synth_init(&s);
	add(&s, "T_stext", 0);
	add(&s, "Tzed", 0x1000);
	CHECK_OK(dp_kallsyms_build(&s.t, &ks));
	CHECK(ks && dp_kallsyms_encoding(ks) == DP_KALLSYMS_BASE_RELATIVE);
	c = 0;
	CHECK(ks && dp_kallsyms_find_name(ks, "zed", &c, &sym) &&
	      sym.address == BASE + 0x1000);
	dp_kallsyms_destroy(ks);
	ks = NULL;
	// place-relative: &offsets[i] + (s32)off, no relative_base (7.0+).
	synth_init(&s);
	s.t.have_relative_base = false;
	add(&s, "T_stext", (uint32_t)(BASE - s.t.offsets_vaddr));
	add(&s, "Tzed", 0);
	CHECK_OK(dp_kallsyms_build(&s.t, &ks));
	CHECK(ks && dp_kallsyms_encoding(ks) == DP_KALLSYMS_PLACE_RELATIVE);
	c = 0;
	CHECK(ks && dp_kallsyms_find_name(ks, "zed", &c, &sym) &&
	      sym.address == s.t.offsets_vaddr + 4);
	dp_kallsyms_destroy(ks);
	ks = NULL;
	// absolute: u64 kallsyms_addresses.
	synth_init(&s);
	s.t.absolute = true;
	add(&s, "T_stext", BASE);
	add(&s, "tlater", BASE + 8);
	CHECK_OK(dp_kallsyms_build(&s.t, &ks));
	CHECK(ks && dp_kallsyms_encoding(ks) == DP_KALLSYMS_ABSOLUTE);
	dp_kallsyms_destroy(ks);
}

TEST(long_names)
{
	static struct synth s;
	struct dp_kallsyms *ks = NULL;
	struct dp_symbol sym;
	char name[300];
	synth_init(&s);
	add(&s, "T_stext", pcpu_neg(BASE));
	name[0] = 't';
	for (int i = 1; i < 200; i++)
		name[i] = (char)('a' + i % 26);
	name[200] = '\0';
	add(&s, name, pcpu_neg(BASE + 4));	// 200 bytes: 2-byte length
	add(&s, "tafter", pcpu_neg(BASE + 8));
	CHECK_OK(dp_kallsyms_build(&s.t, &ks));
	size_t c = 0;
	CHECK(ks && dp_kallsyms_find_name(ks, name + 1, &c, &sym) &&
	      sym.address == BASE + 4);
	c = 0;
	CHECK(ks && dp_kallsyms_find_name(ks, "after", &c, &sym) &&
	      sym.address == BASE + 8);
	dp_kallsyms_destroy(ks);
}

static void expect_bad(const struct dp_kallsyms_tables *t, const char *what)
{
	struct dp_kallsyms *ks = NULL;
	struct dp_error *err = dp_kallsyms_build(t, &ks);
	CHECK(err && err->code == DP_ERR_BAD_DATA);
	if (err && !strstr(err->message, what)) {
		printf("#   message \"%s\" lacks \"%s\"\n", err->message, what);
		CHECK(0);
	}
	dp_error_destroy(err);
	if (!err)
		dp_kallsyms_destroy(ks);
}

TEST(damaged)
{
	static struct synth s;
	// Token index pointing past the token table.
	synth_init(&s);
	add_standard(&s);
	s.t.token_index['f'] = 0xfff0;
	expect_bad(&s.t, "kallsyms_token_table: token 102");
	// Names stream cut short.
	synth_init(&s);
	add_standard(&s);
	s.t.names_len -= 3;
	expect_bad(&s.t, "runs past the end");
	// Wrong _stext: no encoding matches.
	synth_init(&s);
	add_standard(&s);
	s.t.stext = BASE + 0x1234;
	expect_bad(&s.t, "_stext decodes to");
	// Addresses out of order (the kernel binary-searches them).
	synth_init(&s);
	add(&s, "T_stext", pcpu_neg(BASE));
	add(&s, "tlate", pcpu_neg(BASE + 0x100));
	add(&s, "tearly", pcpu_neg(BASE + 0x80));
	expect_bad(&s.t, "symbol 2 (early) decodes to 0xffffffff81000080, below");
	// Absurd symbol count, address table too short.
	synth_init(&s);
	add_standard(&s);
	s.t.num_syms = 0xffffffff;
	expect_bad(&s.t, "kallsyms_num_syms");
	synth_init(&s);
	add_standard(&s);
	s.t.addrs_len = 8;
	expect_bad(&s.t, "address table");
	// Zero-length name.
	synth_init(&s);
	add_standard(&s);
	s.names[0] = 0;
	expect_bad(&s.t, "length 0");
}

static bool err_is(struct dp_error *err, enum dp_error_code code)
{
	bool ok = err && err->code == code;
	if (err && !ok)
		printf("#   unexpected error: %s\n", err->message);
	dp_error_destroy(err);
	return ok;
}

// Lay the synthetic tables out as a 6.1 kernel image does (every table
// 8-aligned: offsets, relative_base, num_syms, names, markers, optional
// seqs_of_names, token_table, token_index). Returns the image length.
// layout 2: the 6.4+ order (num_syms, names, markers, token_table,
// token_index, offsets, relative_base, seqs_of_names).
static size_t lay_out(uint8_t *img, const struct synth *s, int seqs,
		      size_t *offs, size_t *tab)
{
#define AL(x) (((x) + 7) & ~(size_t)7)
	uint32_t n = s->t.num_syms;
	size_t pos = 64;
	memset(img, 0x5a, pos);
	if (seqs < 2) {
		*offs = pos;
		memcpy(img + pos, s->addrs, 4 * n);
		pos = AL(pos + 4 * n);
		for (int k = 0; k < 8; k++)
			img[pos + k] = (uint8_t)(BASE >> (8 * k));
		pos += 8;
	}
	for (int k = 0; k < 4; k++)
		img[pos + k] = (uint8_t)(n >> (8 * k));
	pos = AL(pos + 4);
	memcpy(img + pos, s->names, s->nlen);
	pos = AL(pos + s->nlen);
	memset(img + pos, 0, 4);	// markers[0] = 0 (one marker)
	pos = AL(pos + 4);
	if (seqs == 1) {
		memset(img + pos, 0xaa, 3 * n);
		pos = AL(pos + 3 * n);
	}
	*tab = pos;
	memcpy(img + pos, s->tokens, s->t.token_table_len);
	pos = AL(pos + s->t.token_table_len);
	for (int i = 0; i < 256; i++) {
		img[pos + 2 * i] = (uint8_t)s->t.token_index[i];
		img[pos + 2 * i + 1] = (uint8_t)(s->t.token_index[i] >> 8);
	}
	pos += 512;
	if (seqs == 2) {
		*offs = pos;
		memcpy(img + pos, s->addrs, 4 * n);
		pos = AL(pos + 4 * n);
		for (int k = 0; k < 8; k++)
			img[pos + k] = (uint8_t)(BASE >> (8 * k));
		pos += 8;
		memset(img + pos, 0xaa, 3 * n);
		pos = AL(pos + 3 * n);
	}
	memset(img + pos, 0x5a, 512);
	return pos + 512;
#undef AL
}

TEST(scan)
{
	static struct synth s;
	static uint8_t img[16384];
	const uint64_t va = 0xffffffff82000000ULL;
	synth_init(&s);
	add_standard(&s);
	for (int seqs = 0; seqs < 3; seqs++) {	// 2: the 6.4+ order
		size_t offs, tab, len = lay_out(img, &s, seqs, &offs, &tab);
		struct dp_kallsyms_tables t;
		struct dp_kallsyms_found f;
		struct dp_kallsyms *ks = NULL;
		CHECK_OK(dp_kallsyms_scan(img, len, va, &t, &f));
		CHECK_EQ_U64(f.offsets, va + offs);
		CHECK_EQ_U64(f.token_table, va + tab);
		CHECK_EQ_U64(t.num_syms, 7);
		t.stext = BASE;
		t.anchor = "_text";
		CHECK_OK(dp_kallsyms_build(&t, &ks));
		size_t c = 0;
		struct dp_symbol sym;
		CHECK(ks && dp_kallsyms_find_name(ks, "bar", &c, &sym) &&
		      sym.address == BASE + 0x1000);
		dp_kallsyms_destroy(ks);
		// A wrong anchor address is refused by the decoder.
		t.stext = BASE + 0x200000;
		ks = NULL;
		CHECK(err_is(dp_kallsyms_build(&t, &ks), DP_ERR_BAD_DATA));
		CHECK(!ks);
	}
	// Damage: tokens out of order, then a wrong num_syms: nothing found.
	size_t offs, tab, len = lay_out(img, &s, true, &offs, &tab);
	struct dp_kallsyms_tables t;
	struct dp_kallsyms_found f;
	size_t idx = len - 1024;
	img[idx + 10] = 0xff;
	CHECK(err_is(dp_kallsyms_scan(img, len, va, &t, &f), DP_ERR_NOT_FOUND));
	len = lay_out(img, &s, true, &offs, &tab);
	img[offs + 4 * 7 + 4 + 8] = 8;	// num_syms 7 -> 8
	CHECK(err_is(dp_kallsyms_scan(img, len, va, &t, &f), DP_ERR_NOT_FOUND));
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int k = 0; k < 4; k++)
		p[k] = (uint8_t)(v >> (8 * k));
}

// A BTF header at p: 24-byte header, tlen bytes of types, strings.
static size_t btf_at(uint8_t *p, uint32_t tlen, uint32_t slen)
{
	p[0] = 0x9f, p[1] = 0xeb, p[2] = 1, p[3] = 0;
	put32(p + 4, 24);
	put32(p + 8, 0);
	put32(p + 12, tlen);
	put32(p + 16, tlen);
	put32(p + 20, slen);
	memset(p + 24, 0x11, tlen);
	memset(p + 24 + tlen, 'a', slen);
	p[24 + tlen] = 0;
	p[24 + tlen + slen - 1] = 0;
	return 24 + tlen + slen;
}

TEST(btf_scan)
{
	static uint8_t img[4096];
	size_t off, size;
	memset(img, 0x33, sizeof(img));
	CHECK(!dp_btf_scan(img, sizeof(img), &off, &size));
	size_t small = btf_at(img + 100, 16, 8);
	size_t big = btf_at(img + 1000, 400, 200);
	CHECK(dp_btf_scan(img, sizeof(img), &off, &size));
	CHECK_EQ_U64(off, 1000);
	CHECK_EQ_U64(size, big);
	// Strings not NUL-terminated, or running off the end: not BTF.
	img[1000 + big - 1] = 'x';
	CHECK(dp_btf_scan(img, sizeof(img), &off, &size));
	CHECK_EQ_U64(off, 100);
	CHECK_EQ_U64(size, small);
	put32(img + 100 + 20, 5000);
	CHECK(!dp_btf_scan(img, sizeof(img), &off, &size));
}

TEST_MAIN(T(absolute_percpu), T(other_encodings), T(long_names), T(damaged),
	  T(scan), T(btf_scan))
