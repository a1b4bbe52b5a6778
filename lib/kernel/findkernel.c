// SPDX-License-Identifier: MIT
// Find the kernel in a dump without VMCOREINFO (QEMU's dump-guest-memory
// without -device vmcoreinfo), then describe it the way VMCOREINFO would,
// so that every reader above works unchanged.
//
// 1. Page tables: QEMU's "QEMU" CPU note carries CR3 and CR4 (FORMATS.md
//    §9.2). CR3 of a CPU stopped in the kernel maps the kernel half of the
//    address space; CR4.LA57 says 4 or 5 levels.
// 2. Kernel text: the kernel-image mapping (__START_KERNEL_map, 1 GiB of
//    2 MiB PMDs in level2_kernel_pgt) maps exactly _text.._end at boot:
//    cleanup_highmap() (arch/x86/mm/init_64.c) clears every PMD below
//    _text and past the image. The first present PMD is therefore _text,
//    and its physical address gives phys_base (the text mapping is linear:
//    paddr = vaddr - __START_KERNEL_map + phys_base). KASLR offset =
//    _text - __START_KERNEL (0xffffffff81000000: __START_KERNEL_map +
//    CONFIG_PHYSICAL_START 16 MiB, the x86_64 default and Debian's).
//    We do not use the IDTR base: since 4.15 it points at the fixed
//    cpu_entry_area alias of idt_table, not into the image.
// 3. kallsyms: the tables are found by their structure in the image
//    (lib/debuginfo/kallsyms-scan.c) and decoded with _text as the anchor:
//    _text must decode to the first present PMD, and linux_banner must
//    read "Linux version ", or nothing is believed.
// 4. BTF: __start_BTF from kallsyms, else the BTF header scan.
// 5. VMCOREINFO: the keys the readers use (SYMBOL from kallsyms, SIZE and
//    OFFSET from BTF, OSRELEASE from init_uts_ns, BUILD-ID from the
//    kernel's .notes) are written as text and installed as the dump's
//    derived VMCOREINFO (dp_dump_set_derived_vmcoreinfo()).
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/types.h>

#include "debuginfo/kallsyms.h"
#include "kernel/program-priv.h"

#define START_KERNEL 0xffffffff81000000ULL
#define PMD_SIZE (2ULL << 20)
#define CR4_LA57 (1ULL << 12)
// Bigger than any kernel image (KERNEL_IMAGE_SIZE is 1 GiB, 6.1 Debian's
// image is 40 MiB): bounds what a damaged page table makes us read.
#define IMAGE_MAX (256ULL << 20)

struct image {
	uint64_t text, end;	/* virtual [_text, end of the mapping) */
	int64_t phys_base;
	uint8_t *buf;		/* end - text bytes; unreadable pages zero */
};

static const struct dp_cpu_note *sregs_note(struct dp_dump *dump)
{
	for (size_t i = 0; i < dp_dump_num_cpu_notes(dump); i++) {
		const struct dp_cpu_note *n = dp_dump_cpu_note(dump, i);
		if (n && n->has_sregs && (n->cr[3] & DP_X86_64_PTE_ADDR_MASK))
			return n;
	}
	return NULL;
}

// Step 2: _text, phys_base and the end of the kernel-image mapping, in
// the page tables prog->xlat walks.
static struct dp_error *image_extent(struct dp_program *prog, struct image *im)
{
	bool found = false;
	for (uint64_t v = DP_X86_64_START_KERNEL_MAP; v != 0; v += PMD_SIZE) {
		struct dp_xlat_walk w;
		struct dp_error *err = dp_xlat_walk(&prog->xlat, v, &w);
		if (err && !found)
			return dp_error_prefix(err, "kernel image mapping");
		dp_error_destroy(err);
		if (err || !w.mapped) {
			if (found)
				break;
			continue;
		}
		int64_t pb = (int64_t)(w.paddr - (v - DP_X86_64_START_KERNEL_MAP));
		if (!found) {
			im->text = v;
			im->phys_base = pb;
			found = true;
		} else if (pb != im->phys_base) {
			break;	// not the linear kernel-image mapping any more
		}
		im->end = v + PMD_SIZE;
		if (im->end - im->text >= IMAGE_MAX)
			break;
	}
	if (!found)
		return dp_error_create(DP_ERR_NOT_FOUND,
			"no kernel image mapped at 0x%llx",
			DP_X86_64_START_KERNEL_MAP);
	return NULL;
}

// Steps 1-2: the page tables from CR3, _text and phys_base from them.
static struct dp_error *find_text(struct dp_program *prog, struct image *im,
				  bool *l5)
{
	const struct dp_cpu_note *n = sregs_note(prog->dump);
	if (!n)
		return dp_error_create(DP_ERR_UNSUPPORTED,
			"no QEMU CPU note with CR3 to find the kernel's page "
			"tables from (a QEMU dump taken without -device "
			"vmcoreinfo has one)");
	struct dp_xlat_params p = {
		.pgd_paddr = n->cr[3] & DP_X86_64_PTE_ADDR_MASK,
		.l5 = (n->cr[4] & CR4_LA57) != 0,
	};
	*l5 = p.l5;
	dp_xlat_init(&prog->xlat, &p, prog->xlat.read, prog->xlat.arg);
	struct dp_error *err = image_extent(prog, im);
	if (err)
		return dp_error_prefix(err, "page tables of CR3 0x%" PRIx64,
				       n->cr[3]);
	p.phys_base = im->phys_base;
	dp_xlat_init(&prog->xlat, &p, prog->xlat.read, prog->xlat.arg);
	return NULL;
}

// Copy [start, start + len) of kernel memory; unreadable pages stay zero
// (zeros match neither scan).
static struct dp_error *read_range(struct dp_program *prog, uint64_t start,
				   uint64_t len, uint8_t **ret)
{
	uint8_t *buf = calloc(1, len ? len : 1);
	if (!buf)
		return &dp_enomem;
	for (uint64_t off = 0; off < len; off += 4096) {
		uint64_t n = len - off < 4096 ? len - off : 4096;
		struct dp_error *err = dp_program_read(prog, start + off,
						       buf + off, n);
		if (err == &dp_enomem) {
			free(buf);
			return err;
		}
		dp_error_destroy(err);
	}
	*ret = buf;
	return NULL;
}

static bool ks_addr(const struct dp_kallsyms *ks, const char *name,
		    uint64_t *ret)
{
	size_t c = 0;
	struct dp_symbol s;
	if (!dp_kallsyms_find_name(ks, name, &c, &s))
		return false;
	*ret = s.address;
	return true;
}

// Step 3.
static struct dp_error *find_kallsyms(struct dp_program *prog,
				      const struct image *im,
				      struct dp_kallsyms **ret,
				      struct dp_kallsyms_found *found)
{
	struct dp_kallsyms_tables t;
	size_t len = (size_t)(im->end - im->text);
	struct dp_error *err = dp_kallsyms_scan(im->buf, len, im->text, &t,
						found);
	const struct dp_kallsyms_found *f = found;
	if (err)
		return err;
	t.stext = im->text;
	t.anchor = "_text";
	if ((err = dp_kallsyms_build(&t, ret)))
		return dp_error_prefix(err, "kallsyms found at 0x%" PRIx64,
				       f->token_table);
	uint64_t banner;
	char buf[16];
	if (!ks_addr(*ret, "linux_banner", &banner))
		err = dp_error_create(DP_ERR_BAD_DATA, "no linux_banner");
	else if (!(err = dp_program_read(prog, banner, buf, 14)) &&
		 memcmp(buf, "Linux version ", 14))
		err = dp_error_create(DP_ERR_BAD_DATA,
			"linux_banner at 0x%" PRIx64 " does not read "
			"\"Linux version\"", banner);
	if (err) {
		dp_kallsyms_destroy(*ret);
		*ret = NULL;
		return dp_error_prefix(err, "kallsyms found at 0x%" PRIx64,
				       f->token_table);
	}
	return NULL;
}

struct text {
	char *s;
	size_t len, cap;
	bool nomem;
};

static void add(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	if (!t->s && !t->nomem) {
		t->cap = 8192;
		if (!(t->s = malloc(t->cap)))
			t->nomem = true;
	}
	if (t->nomem)
		return;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->nomem = true;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = t->cap * 2 + (size_t)n + 64;
		char *s = realloc(t->s, cap);
		if (!s) {
			t->nomem = true;
			return;
		}
		t->s = s;
		t->cap = cap;
	}
}

static void add_sym(struct dp_program *prog, struct text *t, const char *n)
{
	uint64_t a;
	if (ks_addr(prog->kallsyms, n, &a))
		add(t, "SYMBOL(%s)=%" PRIx64 "\n", n, a);
}

// "type.member" -> OFFSET(type.member), when BTF has it.
static void add_offsets(struct dp_program *prog, struct text *t)
{
	static const char *const off[] = {
		"uts_namespace.name", "mem_section.section_mem_map",
		"page.flags", "page._refcount", "page.mapping", "page.lru",
		"page._mapcount", "page.private", "page.compound_dtor",
		"page.compound_order", "page.compound_head",
		"pglist_data.node_zones", "pglist_data.nr_zones",
		"pglist_data.node_start_pfn", "pglist_data.node_spanned_pages",
		"pglist_data.node_id", "zone.free_area", "zone.vm_stat",
		"zone.spanned_pages", "free_area.free_list", "list_head.next",
		"list_head.prev", "vmap_area.va_start", "vmap_area.list",
		"printk_ringbuffer.desc_ring",
		"printk_ringbuffer.text_data_ring", "printk_ringbuffer.fail",
		"prb_desc_ring.count_bits", "prb_desc_ring.descs",
		"prb_desc_ring.infos", "prb_desc_ring.head_id",
		"prb_desc_ring.tail_id", "prb_desc.state_var",
		"prb_desc.text_blk_lpos", "prb_data_blk_lpos.begin",
		"prb_data_blk_lpos.next", "printk_info.seq",
		"printk_info.ts_nsec", "printk_info.text_len",
		"printk_info.caller_id", "printk_info.dev_info",
		"dev_printk_info.subsystem", "dev_printk_info.device",
		"prb_data_ring.size_bits", "prb_data_ring.data",
		"prb_data_ring.head_lpos", "prb_data_ring.tail_lpos",
		"atomic_long_t.counter", "latched_seq.val",
	};
	static const char *const size[] = {
		"mem_section", "page", "pglist_data", "zone", "free_area",
		"list_head", "nodemask_t", "printk_ringbuffer",
		"prb_desc_ring", "prb_desc", "prb_data_blk_lpos",
		"printk_info", "dev_printk_info", "prb_data_ring",
		"atomic_long_t", "latched_seq",
	};
	for (size_t i = 0; i < sizeof(size) / sizeof(size[0]); i++) {
		uint64_t v;
		struct dp_error *err = dp_program_type_size(prog, size[i], &v);
		if (!err)
			add(t, "SIZE(%s)=%" PRIu64 "\n", size[i], v);
		dp_error_destroy(err);
	}
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		char type[64];
		const char *dot = strchr(off[i], '.');
		uint64_t v;
		snprintf(type, sizeof(type), "%.*s", (int)(dot - off[i]), off[i]);
		struct dp_error *err = dp_program_member_offset(prog, type,
								dot + 1, &v);
		if (!err)
			add(t, "OFFSET(%s)=%" PRIu64 "\n", off[i], v);
		dp_error_destroy(err);
	}
}

// LENGTH(printk_info_subsystem/device): the char arrays of dev_printk_info.
static void add_lengths(struct dp_program *prog, struct text *t)
{
	static const char *const arr[][2] = {
		{ "subsystem", "LENGTH(printk_info_subsystem)" },
		{ "device", "LENGTH(printk_info_device)" },
	};
	struct dp_types *types;
	struct dp_type st;
	struct dp_error *err = dp_program_types(prog, &types);
	if (!err)
		err = dp_types_find(types, "struct dev_printk_info", &st);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	for (size_t i = 0; i < 2; i++) {
		struct dp_member m;
		err = dp_type_find_member(st, arr[i][0], &m);
		if (!err && dp_type_kind(dp_type_resolve(m.type)) == DP_TYPE_ARRAY)
			add(t, "%s=%" PRIu32 "\n", arr[i][1],
			    dp_type_array_length(dp_type_resolve(m.type)));
		dp_error_destroy(err);
	}
}

// NUMBER(PG_*): enum pageflags in BTF (VMCOREINFO_NUMBER(PG_lru) etc. in
// kernel/crash_core.c are these enumerators; PG_head_mask = 1 << PG_head).
static void add_pageflags(struct dp_program *prog, struct text *t)
{
	static const char *const flags[] = {
		"PG_lru", "PG_private", "PG_swapcache", "PG_swapbacked",
		"PG_slab",
	};
	struct dp_types *types;
	int64_t v;
	struct dp_error *err = dp_program_types(prog, &types);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if ((err = dp_types_enum_value(types, flags[i], &v)))
			dp_error_destroy(err);
		else
			add(t, "NUMBER(%s)=%" PRId64 "\n", flags[i], v);
	}
	if ((err = dp_types_enum_value(types, "PG_head", &v)))
		dp_error_destroy(err);
	else if (v >= 0 && v < 63)
		add(t, "NUMBER(PG_head_mask)=%llu\n", 1ULL << v);
}

// OSRELEASE: init_uts_ns.name.release (struct new_utsname: char[65]
// fields sysname, nodename, release, ...; include/uapi/linux/utsname.h).
static void add_release(struct dp_program *prog, struct text *t)
{
	uint64_t uts, name;
	char rel[65];
	struct dp_error *err = dp_program_symbol_address(prog, "init_uts_ns",
							 &uts);
	if (!err)
		err = dp_program_member_offset(prog, "uts_namespace", "name",
					       &name);
	if (!err)
		err = dp_program_read_string(prog, uts + name + 2 * 65, rel,
					     sizeof(rel));
	if (!err && rel[0] && !strchr(rel, '\n'))
		add(t, "OSRELEASE=%s\n", rel);
	dp_error_destroy(err);
}

// BUILD-ID: the NT_GNU_BUILD_ID note among the kernel's .notes
// (__start_notes..__stop_notes), as in the vmlinux ELF.
static void add_build_id(struct dp_program *prog, struct text *t)
{
	uint64_t start, stop;
	uint8_t buf[4096];
	if (!ks_addr(prog->kallsyms, "__start_notes", &start) ||
	    !ks_addr(prog->kallsyms, "__stop_notes", &stop) ||
	    stop <= start || stop - start > sizeof(buf))
		return;
	size_t len = (size_t)(stop - start), pos = 0;
	struct dp_error *err = dp_program_read(prog, start, buf, len);
	if (err) {
		dp_error_destroy(err);
		return;
	}
	while (pos + 12 <= len) {
		uint32_t nsz, dsz, type;
		memcpy(&nsz, buf + pos, 4);
		memcpy(&dsz, buf + pos + 4, 4);
		memcpy(&type, buf + pos + 8, 4);
		size_t name = pos + 12, desc = name + ((nsz + 3u) & ~3u);
		if (nsz > len || dsz > len || desc + dsz > len)
			return;
		if (type == 3 && nsz == 4 && !memcmp(buf + name, "GNU", 4) &&
		    dsz > 0 && dsz <= 64) {
			add(t, "BUILD-ID=");
			for (uint32_t i = 0; i < dsz; i++)
				add(t, "%02x", buf[desc + i]);
			add(t, "\n");
			return;
		}
		pos = desc + ((dsz + 3u) & ~3u);
	}
}

// node_data[MAX_NUMNODES]: kallsyms has no sizes; the gap to the next
// symbol bounds the array (null entries are skipped by the readers).
static void add_node_data(struct dp_program *prog, struct text *t)
{
	uint64_t nd, next = UINT64_MAX;
	struct dp_symbol s;
	if (!ks_addr(prog->kallsyms, "node_data", &nd))
		return;
	for (size_t i = 0; i < dp_kallsyms_count(prog->kallsyms); i++) {
		dp_kallsyms_get(prog->kallsyms, i, &s);
		if (s.address > nd && s.address < next)
			next = s.address;
	}
	if (next != UINT64_MAX && next - nd <= 65536 * 8)
		add(t, "LENGTH(node_data)=%" PRIu64 "\n", (next - nd) / 8);
}

static void add_mem_section(struct dp_program *prog, struct text *t)
{
	uint64_t a, v;
	if (!ks_addr(prog->kallsyms, "mem_section", &a))
		return;
	// VMCOREINFO SYMBOL(mem_section) is the pointer's value
	// (SPARSEMEM_EXTREME, kernel/crash_core.c).
	struct dp_error *err = dp_program_read_u64(prog, a, &v);
	if (!err && v)
		add(t, "SYMBOL(mem_section)=%" PRIx64 "\n", v);
	dp_error_destroy(err);
}

// Symbols VMCOREINFO lists that kallsyms does not: the kallsyms tables
// themselves (scripts/kallsyms.c leaves them out), swapper_pg_dir (a
// #define for init_top_pgt, asm/pgtable_64.h) and node_online_map
// (node_states[N_ONLINE], linux/nodemask.h).
static void add_special(struct dp_program *prog, struct text *t,
			const struct dp_kallsyms_found *f)
{
	const struct { const char *name; uint64_t addr; } k[] = {
		{ "kallsyms_names", f->names },
		{ "kallsyms_num_syms", f->num_syms },
		{ "kallsyms_token_table", f->token_table },
		{ "kallsyms_token_index", f->token_index },
		{ "kallsyms_offsets", f->offsets },
		{ "kallsyms_relative_base", f->relative_base },
	};
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		add(t, "SYMBOL(%s)=%" PRIx64 "\n", k[i].name, k[i].addr);
	uint64_t a, sz;
	int64_t n;
	struct dp_types *types;
	if (ks_addr(prog->kallsyms, "init_top_pgt", &a))
		add(t, "SYMBOL(swapper_pg_dir)=%" PRIx64 "\n", a);
	struct dp_error *err = dp_program_types(prog, &types);
	if (!err)
		err = dp_types_enum_value(types, "N_ONLINE", &n);
	if (!err)
		err = dp_program_type_size(prog, "nodemask_t", &sz);
	if (!err && n >= 0 && n < 64 && ks_addr(prog->kallsyms, "node_states", &a))
		add(t, "SYMBOL(node_online_map)=%" PRIx64 "\n",
		    a + (uint64_t)n * sz);
	dp_error_destroy(err);
}

static struct dp_error *describe(struct dp_program *prog,
				 const struct image *im,
				 const struct dp_kallsyms_found *f, bool l5)
{
	static const char *const syms[] = {
		"init_uts_ns", "_stext", "vmap_area_list", "prb",
		"printk_rb_static", "clear_seq", "init_top_pgt", "node_data",
	};
	struct text t = { 0 };
	add(&t, "PAGESIZE=4096\n");
	add_release(prog, &t);
	add_build_id(prog, &t);
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		add_sym(prog, &t, syms[i]);
	add_special(prog, &t, f);
	add_mem_section(prog, &t);
	add_node_data(prog, &t);
	add_offsets(prog, &t);
	add_lengths(prog, &t);
	add_pageflags(prog, &t);
	add(&t, "NUMBER(phys_base)=%" PRId64 "\n", im->phys_base);
	add(&t, "NUMBER(pgtable_l5_enabled)=%d\n", l5 ? 1 : 0);
	add(&t, "KERNELOFFSET=%" PRIx64 "\n", (uint64_t)(im->text - START_KERNEL));
	if (t.nomem) {
		free(t.s);
		return &dp_enomem;
	}
	struct dp_error *err =
		dp_dump_set_derived_vmcoreinfo(prog->dump, t.s, t.len);
	free(t.s);
	return err;
}

struct dp_error *dp_program_find_kernel(struct dp_program *prog)
{
	struct image im = { 0 };
	bool l5 = false;
	struct dp_kallsyms *ks = NULL;
	struct dp_kallsyms_found found;
	// No direct-map lookup (it would load kallsyms) until we are done.
	prog->page_offset_tried = true;
	struct dp_error *err = find_text(prog, &im, &l5);
	if (!err)
		err = read_range(prog, im.text, im.end - im.text, &im.buf);
	if (!err)
		err = find_kallsyms(prog, &im, &ks, &found);
	if (err) {
		free(im.buf);
		return dp_error_prefix(err, "no VMCOREINFO note, and the "
				       "kernel was not found in memory");
	}
	size_t off, size;
	if (dp_btf_scan(im.buf, (size_t)(im.end - im.text), &off, &size)) {
		prog->btf_scan_vaddr = im.text + off;
		prog->btf_scan_size = size;
	}
	prog->btf_scan_tried = true;
	free(im.buf);
	// The description needs kallsyms and BTF through the program API.
	prog->kallsyms = ks;
	prog->kallsyms_tried = true;
	prog->kallsyms_source = DP_KALLSYMS_SOURCE_NOVMCI;
	err = describe(prog, &im, &found, l5);
	if (prog->no_kallsyms) {
		// Used to find the kernel; not offered to the commands.
		dp_kallsyms_destroy(prog->kallsyms);
		prog->kallsyms = NULL;
		prog->kallsyms_tried = false;
		prog->kallsyms_source = NULL;
	}
	return err ? dp_error_prefix(err, "no VMCOREINFO note, and the "
				     "kernel could not be described") : NULL;
}

/*
 * A VMCOREINFO without SYMBOL(kallsyms_*) (kernels before 6.0, or a note
 * that lost them): steps 2-3 in the page tables VMCOREINFO gave, plus the
 * BTF scan while the image is at hand.
 */
struct dp_error *dp_program_scan_kallsyms(struct dp_program *prog,
					  struct dp_kallsyms **ret)
{
	struct image im = { 0 };
	struct dp_kallsyms_found found;
	struct dp_error *err = image_extent(prog, &im);
	if (!err)
		err = read_range(prog, im.text, im.end - im.text, &im.buf);
	if (!err)
		err = find_kallsyms(prog, &im, ret, &found);
	if (!err && !prog->btf_scan_tried) {
		size_t off, size;
		if (dp_btf_scan(im.buf, (size_t)(im.end - im.text), &off,
				&size)) {
			prog->btf_scan_vaddr = im.text + off;
			prog->btf_scan_size = size;
		}
		prog->btf_scan_tried = true;
	}
	free(im.buf);
	return err ? dp_error_prefix(err, "VMCOREINFO has no "
				     "SYMBOL(kallsyms_names), and scanning "
				     "the kernel image found no kallsyms") :
		     NULL;
}

struct dp_error *dp_program_scan_btf(struct dp_program *prog,
				     uint64_t *start, uint64_t *size)
{
	if (!prog->btf_scan_tried) {
		// A dump with VMCOREINFO whose kallsyms lacks __start_BTF:
		// scan _text.._end.
		uint64_t text, end;
		struct dp_kallsyms *ks;
		uint8_t *buf;
		prog->btf_scan_tried = true;
		struct dp_error *err = dp_program_load_kallsyms(prog, &ks);
		if (err)
			return dp_program_provider_error(err, "kallsyms");
		if (!ks_addr(ks, "_text", &text) || !ks_addr(ks, "_end", &end) ||
		    end <= text || end - text > IMAGE_MAX)
			return dp_error_create(DP_ERR_NOT_FOUND,
				"no _text/_end in kallsyms to scan for BTF");
		if ((err = read_range(prog, text, end - text, &buf)))
			return err;
		size_t off, sz;
		if (dp_btf_scan(buf, (size_t)(end - text), &off, &sz)) {
			prog->btf_scan_vaddr = text + off;
			prog->btf_scan_size = sz;
		}
		free(buf);
	}
	if (!prog->btf_scan_size)
		return dp_error_create(DP_ERR_NOT_FOUND,
			"no BTF header (magic 0xeB9F) in the kernel image");
	*start = prog->btf_scan_vaddr;
	*size = prog->btf_scan_size;
	return NULL;
}
