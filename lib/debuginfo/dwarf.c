// SPDX-License-Identifier: MIT
// Optional vmlinux DWARF (libdw): checked against the dump by build-id
// (VMCOREINFO BUILD-ID vs the file's NT_GNU_BUILD_ID); when it matches it
// gives global variable types and source lines. A mismatch or an
// unreadable file is a warning; analysis goes on with BTF alone.
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debuginfo/debuginfo-priv.h"
#include "kernel/program-priv.h"

#define MAX_SPELLING 256

struct dp_dwarf {
	int fd;
	Elf *elf;
	Dwarf *dwarf;
};

void dp_dwarf_destroy(struct dp_dwarf *dw)
{
	if (!dw)
		return;
	if (dw->dwarf)
		dwarf_end(dw->dwarf);
	if (dw->elf)
		elf_end(dw->elf);
	if (dw->fd >= 0)
		close(dw->fd);
	free(dw);
}

static void hex(const void *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", ((const unsigned char *)p)[i]);
	out[2 * n] = '\0';
}

static char *warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *warning(const char *fmt, ...)
{
	char *s;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

// Open path and check it against the dump; on mismatch set *warn.
static struct dp_dwarf *open_checked(struct dp_program *prog, const char *path,
				     char **warn)
{
	struct dp_dump *dump = dp_program_dump(prog);
	const char *want = dp_dump_vmcoreinfo_get(dump, "BUILD-ID");
	const char *osrel = dp_dump_vmcoreinfo_get(dump, "OSRELEASE");
	char have[2 * 64 + 1] = "";
	const void *id;
	struct dp_dwarf *dw = calloc(1, sizeof(*dw));
	if (!dw)
		return NULL;
	dw->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (dw->fd < 0) {
		*warn = warning("vmlinux %s: %s; continuing without it",
				path, strerror(errno));
		goto fail;
	}
	elf_version(EV_CURRENT);
	dw->elf = elf_begin(dw->fd, ELF_C_READ_MMAP, NULL);
	if (!dw->elf || elf_kind(dw->elf) != ELF_K_ELF) {
		*warn = warning("vmlinux %s: not an ELF file; continuing without it",
				path);
		goto fail;
	}
	ssize_t n = dwelf_elf_gnu_build_id(dw->elf, &id);
	if (n > 0 && n <= 64)
		hex(id, (size_t)n, have);
	if (!want) {
		*warn = warning("vmlinux %s: the dump has no BUILD-ID in VMCOREINFO, so the file cannot be checked; continuing without it",
				path);
		goto fail;
	}
	if (strcmp(want, have)) {
		*warn = warning("vmlinux %s does not match the dump: the dump is kernel %s with build-id %s, the file has %s%s; install the debug vmlinux of exactly that build (e.g. Debian's linux-image-%s-dbg). Continuing without it",
				path, osrel ? osrel : "(unknown release)",
				want, have[0] ? "build-id " : "no build-id",
				have, osrel ? osrel : "<release>");
		goto fail;
	}
	dw->dwarf = dwarf_begin_elf(dw->elf, DWARF_C_READ, NULL);
	if (!dw->dwarf) {
		*warn = warning("vmlinux %s matches the dump but has no DWARF (%s); continuing without it",
				path, dwarf_errmsg(-1));
		goto fail;
	}
	return dw;
fail:
	dp_dwarf_destroy(dw);
	return NULL;
}

struct dp_dwarf *dp_program_dwarf(struct dp_program *prog)
{
	struct dp_debuginfo *di = dp_debuginfo_get(prog);
	if (!di)
		return NULL;
	if (!di->dwarf_tried && prog->vmlinux) {
		di->dwarf_tried = true;
		di->dwarf = open_checked(prog, prog->vmlinux,
					 &di->vmlinux_warning);
	}
	return di->dwarf;
}

Dwarf_CFI *dp_dwarf_cfi(struct dp_dwarf *dw, bool *own)
{
	// gcc puts the kernel's CFI in .debug_frame: x86_64 kernels build
	// with -fno-asynchronous-unwind-tables, so no .eh_frame (docs/
	// kernel-commands.md, "Unwinders").
	Dwarf_CFI *cfi = dwarf_getcfi(dw->dwarf);
	*own = false;
	if (!cfi) {
		cfi = dwarf_getcfi_elf(dw->elf);
		*own = cfi != NULL;
	}
	return cfi;
}

const char *dp_program_vmlinux_warning(struct dp_program *prog)
{
	struct dp_debuginfo *di = dp_debuginfo_get(prog);
	if (!di)
		return NULL;
	dp_program_dwarf(prog);
	return di->vmlinux_warning;
}

/* ---- variable types ---- */

static bool die_type(Dwarf_Die *die, Dwarf_Die *ret)
{
	Dwarf_Attribute a;
	return dwarf_attr_integrate(die, DW_AT_type, &a) &&
	       dwarf_formref_die(&a, ret);
}

// Append array dimensions of an array DIE: "[8192]" or "[]".
static bool append_dims(Dwarf_Die *arr, char *out, size_t size)
{
	Dwarf_Die sub;
	if (dwarf_child(arr, &sub))
		return false;
	do {
		Dwarf_Attribute a;
		Dwarf_Word w;
		size_t o = strlen(out);
		if (dwarf_tag(&sub) != DW_TAG_subrange_type)
			continue;
		if (dwarf_attr(&sub, DW_AT_count, &a) && !dwarf_formudata(&a, &w))
			snprintf(out + o, size - o, "[%llu]",
				 (unsigned long long)w);
		else if (dwarf_attr(&sub, DW_AT_upper_bound, &a) &&
			 !dwarf_formudata(&a, &w))
			snprintf(out + o, size - o, "[%llu]",
				 (unsigned long long)w + 1);
		else
			snprintf(out + o, size - o, "[]");
	} while (!dwarf_siblingof(&sub, &sub));
	return true;
}

/*
 * Spell a DWARF type the way dp_types_find() reads it: a base (struct X,
 * typedef or base type name), pointer stars, then array dimensions.
 * Qualifiers of the base are kept, those of pointers dropped; anonymous
 * and function types cannot be spelled.
 */
static bool spell(Dwarf_Die *type, char *out, size_t size)
{
	char dims[MAX_SPELLING] = "";
	int nptr = 0, qual = 0;
	bool seen_ptr = false;
	Dwarf_Die t = *type;
	for (int depth = 0; depth < 32; depth++) {
		int tag = dwarf_tag(&t);
		const char *name = dwarf_diename(&t);
		const char *kw = tag == DW_TAG_structure_type ? "struct " :
				 tag == DW_TAG_union_type ? "union " :
				 tag == DW_TAG_enumeration_type ? "enum " : "";
		switch (tag) {
		case DW_TAG_const_type:
		case DW_TAG_volatile_type:
		case DW_TAG_restrict_type:
			qual |= tag == DW_TAG_const_type ? 1 :
				tag == DW_TAG_volatile_type ? 2 : 0;
			if (!die_type(&t, &t)) {
				snprintf(out, size, "void");
				goto done;
			}
			continue;
		case DW_TAG_pointer_type:
			qual = 0;	/* qualified the pointer: dropped */
			nptr++;
			seen_ptr = true;
			if (!die_type(&t, &t)) {
				snprintf(out, size, "void");
				goto done;
			}
			continue;
		case DW_TAG_array_type:
			// "T *[4]" is fine, "T (*)[4]" is not expressible.
			if (seen_ptr || !append_dims(&t, dims, sizeof(dims)) ||
			    !die_type(&t, &t))
				return false;
			continue;
		case DW_TAG_base_type:
		case DW_TAG_typedef:
		case DW_TAG_structure_type:
		case DW_TAG_union_type:
		case DW_TAG_enumeration_type:
			if (!name)
				return false;
			snprintf(out, size, "%s%s%s%s", qual & 1 ? "const " : "",
				 qual & 2 ? "volatile " : "", kw, name);
			goto done;
		default:
			return false;
		}
	}
	return false;
done:;
	size_t o = strlen(out);
	for (int i = 0; i < nptr && o + 2 < size; i++) {
		memcpy(out + o, i ? "*" : " *", i ? 2 : 3);
		o = strlen(out);
	}
	snprintf(out + o, size - o, "%s", dims);
	return true;
}

static bool at_address(Dwarf_Die *d, uint64_t link_addr)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops;
	return dwarf_attr(d, DW_AT_location, &a) &&
	       !dwarf_getlocation(&a, &ops, &nops) && nops == 1 &&
	       ops[0].atom == DW_OP_addr && ops[0].number == link_addr;
}

/*
 * Find a global variable by name: the definition at link_addr (one with
 * its own type first), else any definition, else a declaration (jiffies is only declared: the linker
 * script defines it). Definitions of the same name can differ (6.1 has
 * linux_banner in both init/version.c and version-timestamp.c).
 */
static bool find_variable(Dwarf *dwarf, const char *name, uint64_t link_addr,
			  Dwarf_Die *ret)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	bool have_def = false, have_decl = false;
	Dwarf_Die def, decl;
	while (!dwarf_nextcu(dwarf, off, &next, &hsize, NULL, NULL, NULL)) {
		Dwarf_Die cu, d;
		if (dwarf_offdie(dwarf, off + hsize, &cu) &&
		    !dwarf_child(&cu, &d)) {
			do {
				const char *n;
				if (dwarf_tag(&d) != DW_TAG_variable)
					continue;
				n = dwarf_diename(&d);
				if (!n || strcmp(n, name))
					continue;
				bool here = at_address(&d, link_addr);
				// A definition with its own DW_AT_type completes
				// the declared one ("char[]" -> "char[204]").
				if (here && dwarf_hasattr(&d, DW_AT_type)) {
					*ret = d;
					return true;
				}
				if (here || (!have_def &&
					     dwarf_hasattr(&d, DW_AT_location))) {
					def = d;
					have_def = true;
				} else if (!have_decl) {
					decl = d;
					have_decl = true;
				}
			} while (!dwarf_siblingof(&d, &d));
		}
		off = next;
	}
	if (have_def || have_decl)
		*ret = have_def ? def : decl;
	return have_def || have_decl;
}

struct dp_error *dp_dwarf_variable_spelling(struct dp_dwarf *dw,
					    const char *name,
					    uint64_t link_addr, char **ret)
{
	Dwarf_Die var, type;
	char buf[MAX_SPELLING];
	if (!find_variable(dw->dwarf, name, link_addr, &var))
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "no DWARF variable '%s'", name);
	if (!die_type(&var, &type) || !spell(&type, buf, sizeof(buf)))
		return dp_error_create(DP_ERR_UNSUPPORTED,
				       "DWARF type of '%s' cannot be mapped to BTF",
				       name);
	*ret = strdup(buf);
	return *ret ? NULL : &dp_enomem;
}

struct dp_error *dp_dwarf_source_line(struct dp_dwarf *dw, uint64_t link_addr,
				      const char **file, int *line)
{
	Dwarf_Die cu;
	Dwarf_Line *l;
	if (!dwarf_addrdie(dw->dwarf, link_addr, &cu) ||
	    !(l = dwarf_getsrc_die(&cu, link_addr)) ||
	    !(*file = dwarf_linesrc(l, NULL, NULL)) ||
	    dwarf_lineno(l, line))
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "no line information for 0x%llx",
				       (unsigned long long)link_addr);
	return NULL;
}

struct dp_error *dp_program_source_line(struct dp_program *prog,
					uint64_t addr, const char **file,
					int *line)
{
	struct dp_dwarf *dw = dp_program_dwarf(prog);
	if (!dw)
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "no source lines: no matching vmlinux with DWARF given");
	return dp_dwarf_source_line(dw, addr - dp_program_kaslr_offset(prog),
				    file, line);
}
