// SPDX-License-Identifier: MIT
// struct dp_program: lifecycle, address translation set-up and reading
// kernel virtual memory. Facts: FORMATS.md §1.7.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/program-priv.h"

// Physical reads for the translator go straight to the dump.
static struct dp_error *xlat_read_phys(void *arg, uint64_t paddr, void *buf,
				       size_t len)
{
	return dp_dump_read_phys(arg, paddr, buf, len);
}

static struct dp_error *vmci_u64(struct dp_dump *dump, const char *key,
				 uint64_t *ret)
{
	int64_t v;
	struct dp_error *err = dp_dump_vmcoreinfo_number(dump, key, &v);
	if (err)
		return dp_error_prefix(err, "VMCOREINFO %s", key);
	*ret = (uint64_t)v;
	return NULL;
}

// Optional VMCOREINFO number: absent keeps *ret, malformed is an error.
static struct dp_error *vmci_opt(struct dp_dump *dump, const char *key,
				 int64_t *ret)
{
	struct dp_error *err = dp_dump_vmcoreinfo_number(dump, key, ret);
	if (err && err->code == DP_ERR_NOT_FOUND) {
		dp_error_destroy(err);
		return NULL;
	}
	return err ? dp_error_prefix(err, "VMCOREINFO %s", key) : NULL;
}

struct phys_base_search {
	bool found;
	int64_t phys_base;
};

// Without NUMBER(phys_base): the first PT_LOAD mapping kernel text gives
// phys_base = p_paddr - (p_vaddr - __START_KERNEL_map) (makedumpfile's
// get_phys_base_x86_64, FORMATS.md §1.7).
static struct dp_error *phys_base_from_range(uint64_t paddr, uint64_t size,
					     uint64_t vaddr, void *arg)
{
	struct phys_base_search *s = arg;
	if (s->found || vaddr < DP_X86_64_START_KERNEL_MAP)
		return NULL;
	s->phys_base = (int64_t)(paddr - (vaddr - DP_X86_64_START_KERNEL_MAP));
	s->found = true;
	return NULL;
}

static struct dp_error *find_phys_base(struct dp_dump *dump, int64_t *ret)
{
	struct dp_error *err =
		dp_dump_vmcoreinfo_number(dump, "NUMBER(phys_base)", ret);
	if (!err || err->code != DP_ERR_NOT_FOUND)
		return err ? dp_error_prefix(err, "VMCOREINFO") : NULL;
	dp_error_destroy(err);
	struct phys_base_search s = { 0 };
	err = dp_dump_for_each_range(dump, phys_base_from_range, &s);
	if (err)
		return err;
	if (!s.found)
		return dp_error_create(DP_ERR_NOT_FOUND,
			"no NUMBER(phys_base) in VMCOREINFO and no kernel-text "
			"PT_LOAD to derive it from");
	*ret = s.phys_base;
	return NULL;
}

static struct dp_error *setup_xlat(struct dp_program *prog)
{
	struct dp_dump *dump = prog->dump;
	struct dp_xlat_params p = { 0 };
	int64_t l5 = 0, v;
	struct dp_error *err;

	// No note (QEMU without -device vmcoreinfo): derive one from memory.
	// The xlat callbacks are needed by the finder before init below.
	if (!dp_dump_vmcoreinfo(dump, NULL) &&
	    !dp_dump_derived_vmcoreinfo(dump, NULL)) {
		prog->xlat.read = xlat_read_phys;
		prog->xlat.arg = dump;
		if ((err = dp_program_find_kernel(prog)))
			return err;
		prog->page_offset_tried = false;
	}
	if ((err = vmci_u64(dump, "SYMBOL(init_top_pgt)", &prog->init_top_pgt)))
		return err;
	if ((err = find_phys_base(dump, &p.phys_base)))
		return err;
	if ((err = vmci_opt(dump, "NUMBER(pgtable_l5_enabled)", &l5)))
		return err;
	p.l5 = l5 != 0;
	v = 0;
	if ((err = vmci_opt(dump, "NUMBER(KERNEL_IMAGE_SIZE)", &v)))
		return err;
	p.kernel_image_size = (uint64_t)v;
	v = 0;
	if ((err = vmci_opt(dump, "NUMBER(MAX_PHYSMEM_BITS)", &v)))
		return err;
	if (v < 0 || v > 52)
		return dp_error_create(DP_ERR_BAD_DATA,
			"VMCOREINFO NUMBER(MAX_PHYSMEM_BITS)=%" PRId64
			" is out of range", v);
	p.max_physmem_bits = (unsigned int)v;
	v = 0;
	if ((err = vmci_opt(dump, "NUMBER(sme_mask)", &v)))
		return err;
	p.sme_mask = (uint64_t)v;
	// init_top_pgt is in the kernel image: text-mapping formula.
	if (prog->init_top_pgt < DP_X86_64_START_KERNEL_MAP)
		return dp_error_create(DP_ERR_BAD_DATA,
			"VMCOREINFO SYMBOL(init_top_pgt)=%" PRIx64
			" is not a kernel-image address", prog->init_top_pgt);
	p.pgd_paddr = prog->init_top_pgt - DP_X86_64_START_KERNEL_MAP +
		      (uint64_t)p.phys_base;
	dp_xlat_init(&prog->xlat, &p, xlat_read_phys, dump);
	return NULL;
}

/*
 * The direct-map base (page_offset_base, randomized by
 * CONFIG_RANDOMIZE_MEMORY). Choice: translate VMCOREINFO SYMBOL(mem_section)
 * (the value of the mem_section pointer, a memblock allocation, so a
 * direct-map address) with a page-table walk: base = vaddr - paddr. This
 * needs neither kallsyms nor ELF PT_LOADs (kdump-compressed dumps have
 * none). The base must be 1 GiB aligned (the randomized regions are
 * PUD-aligned, arch/x86/mm/kaslr.c); if the derivation fails, the kernel
 * variable page_offset_base is read through kallsyms instead.
 */
static void find_page_offset(struct dp_program *prog)
{
	uint64_t va = 0, base = 0;
	struct dp_xlat_walk w;
	prog->page_offset_tried = true;
	struct dp_error *err = vmci_u64(prog->dump, "SYMBOL(mem_section)", &va);
	if (!err)
		err = dp_xlat_walk(&prog->xlat, va, &w);
	if (!err && w.mapped && va >= w.paddr &&
	    !((va - w.paddr) & ((1ULL << 30) - 1)))
		base = va - w.paddr;
	dp_error_destroy(err);
	if (!base) {
		uint64_t sym;
		err = dp_program_symbol_address(prog, "page_offset_base", &sym);
		if (!err)
			err = dp_program_read_u64(prog, sym, &base);
		dp_error_destroy(err);
		if (err)
			base = 0;
	}
	if (base)
		dp_xlat_set_page_offset(&prog->xlat, base);
}

struct dp_error *dp_program_create(struct dp_dump *dump,
				   const struct dp_program_opts *opts,
				   struct dp_program **ret)
{
	struct dp_program *prog = calloc(1, sizeof(*prog));
	if (!prog)
		return &dp_enomem;
	prog->dump = dump;
	if (opts) {
		prog->no_btf = opts->no_btf;
		prog->no_kallsyms = opts->no_kallsyms;
		if (opts->vmlinux && !(prog->vmlinux = strdup(opts->vmlinux))) {
			free(prog);
			return &dp_enomem;
		}
	}
	// A dump without VMCOREINFO still gives a program: physical reads and
	// notes work; virtual reads report why they cannot.
	prog->xlat_err = setup_xlat(prog);
	if (!prog->xlat_err) {
		int64_t off = 0;
		struct dp_error *err =
			vmci_opt(dump, "KERNELOFFSET", &off);
		if (err) {
			dp_program_destroy(prog);
			return err;
		}
		prog->kaslr_offset = (uint64_t)off;
	}
	*ret = prog;
	return NULL;
}

void dp_program_destroy(struct dp_program *prog)
{
	if (!prog)
		return;
	if (prog->btf && prog->btf_destroy)
		prog->btf_destroy(prog->btf);
	dp_error_destroy(prog->btf_err);
	dp_modsyms_destroy(prog->modsyms);
	dp_error_destroy(prog->modsyms_err);
	dp_kallsyms_destroy(prog->kallsyms);
	dp_error_destroy(prog->kallsyms_err);
	dp_error_destroy(prog->xlat_err);
	free(prog->vmlinux);
	free(prog);
}

struct dp_dump *dp_program_dump(struct dp_program *prog)
{
	return prog->dump;
}

uint64_t dp_program_kaslr_offset(struct dp_program *prog)
{
	return prog->kaslr_offset;
}

struct dp_error *dp_program_provider_error(const struct dp_error *err,
					   const char *what)
{
	struct dp_error *copy = dp_error_create(err->code, "%s: %s", what,
						err->message);
	if (copy != &dp_enomem) {
		copy->errnum = err->errnum;
		copy->address = err->address;
	}
	return copy;
}

static struct dp_error *need_xlat(struct dp_program *prog)
{
	if (prog->xlat_err)
		return dp_program_provider_error(prog->xlat_err,
			"kernel virtual memory is not available");
	if (!prog->page_offset_tried)
		find_page_offset(prog);
	return NULL;
}

struct dp_error *dp_program_vtop(struct dp_program *prog, uint64_t vaddr,
				 uint64_t *ret)
{
	struct dp_error *err = need_xlat(prog);
	return err ? err : dp_xlat_vtop(&prog->xlat, vaddr, ret, NULL);
}

struct dp_error *dp_program_vtop_walk(struct dp_program *prog, uint64_t vaddr,
				      struct dp_vtop_walk *ret)
{
	struct dp_xlat_walk w;
	struct dp_error *err = need_xlat(prog);
	if (!err)
		err = dp_xlat_walk(&prog->xlat, vaddr, &w);
	if (err)
		return err;
	*ret = (struct dp_vtop_walk){
		.vaddr = vaddr, .pgd_vaddr = prog->init_top_pgt,
		.nlevels = w.nlevels, .mapped = w.mapped,
		.page_size = w.page_size, .page_paddr = w.page_paddr,
		.paddr = w.paddr,
	};
	for (unsigned int i = 0; i < w.nlevels; i++)
		ret->levels[i] = (struct dp_vtop_level){
			.name = w.levels[i].name, .table = w.levels[i].table,
			.entry_paddr = w.levels[i].entry_paddr,
			.entry = w.levels[i].entry,
		};
	return NULL;
}

struct dp_error *dp_program_page_offset(struct dp_program *prog,
					uint64_t *ret)
{
	struct dp_error *err = need_xlat(prog);
	if (err)
		return err;
	if (!prog->xlat.p.page_offset)
		return dp_error_create(DP_ERR_NOT_FOUND,
			"the direct-map base (page_offset_base) could not be "
			"found");
	*ret = prog->xlat.p.page_offset;
	return NULL;
}

struct dp_error *dp_program_ptov(struct dp_program *prog, uint64_t paddr,
				 uint64_t *ret)
{
	struct dp_error *err = need_xlat(prog);
	return err ? err : dp_xlat_ptov(&prog->xlat, paddr, ret);
}

struct dp_error *dp_program_read(struct dp_program *prog, uint64_t vaddr,
				 void *buf, size_t len)
{
	uint8_t *out = buf;
	struct dp_error *err = need_xlat(prog);
	if (err)
		return err;
	while (len) {
		uint64_t paddr, chunk;
		err = dp_xlat_vtop(&prog->xlat, vaddr, &paddr, &chunk);
		if (err)
			return err;
		size_t n = chunk < len ? (size_t)chunk : len;
		err = dp_dump_read_phys(prog->dump, paddr, out, n);
		if (err) {
			err = dp_error_prefix(err, "cannot read 0x%" PRIx64
					      " (physical 0x%" PRIx64 ")",
					      vaddr, paddr);
			if (err != &dp_enomem)
				err->address = vaddr;
			return err;
		}
		out += n;
		vaddr += n;
		len -= n;
	}
	return NULL;
}

struct dp_error *dp_program_read_u64(struct dp_program *prog, uint64_t vaddr,
				     uint64_t *ret)
{
	uint8_t b[8];
	struct dp_error *err = dp_program_read(prog, vaddr, b, sizeof(b));
	if (err)
		return err;
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | b[i];
	*ret = v;
	return NULL;
}

struct dp_error *dp_program_read_string(struct dp_program *prog,
					uint64_t vaddr, char *buf, size_t max)
{
	size_t done = 0;
	if (!max)
		return dp_error_create(DP_ERR_INVALID,
				       "read_string: zero-sized buffer");
	// Read up to each page end, so a string ending before an unreadable
	// page is still read.
	while (done < max - 1) {
		uint64_t a = vaddr + done;
		size_t n = 4096 - (size_t)(a & 4095);
		if (n > max - 1 - done)
			n = max - 1 - done;
		struct dp_error *err = dp_program_read(prog, a, buf + done, n);
		if (err) {
			buf[done] = '\0';
			return err;
		}
		void *nul = memchr(buf + done, '\0', n);
		if (nul)
			return NULL;
		done += n;
	}
	buf[max - 1] = '\0';
	return dp_error_addr(DP_ERR_BAD_DATA, vaddr,
			     "string at 0x%" PRIx64 " is longer than %zu bytes",
			     vaddr, max - 1);
}
