/* SPDX-License-Identifier: MIT */
/*
 * On-disk layout of ELF64 core files as vmcores use them, for the reader
 * (format/elf.c) and the collector (writer/source.c reads /proc/vmcore,
 * writer/elf.c writes makedumpfile -E files). Facts: FORMATS.md 1.1-1.2
 * and 2.9; the structs and constants are glibc's <elf.h> (the System V
 * gABI), so there is one definition of each field.
 *
 * Reading goes through the bounds-checked reader at offsetof() of the
 * <elf.h> members (little-endian: the only byte order either side takes),
 * so the structs are never overlaid on file data. Writing fills the
 * structs and copies them out: the collector runs on the machine whose
 * memory it dumps, an x86_64 (little-endian) kernel.
 */
#ifndef DP_FORMAT_ELF_DEF_H
#define DP_FORMAT_ELF_DEF_H

#include <assert.h>
#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <core/reader.h>

static_assert(sizeof(Elf64_Ehdr) == 64, "Elf64_Ehdr");
static_assert(sizeof(Elf64_Phdr) == 56, "Elf64_Phdr");
static_assert(sizeof(Elf64_Shdr) == 64, "Elf64_Shdr");
static_assert(offsetof(Elf64_Ehdr, e_phoff) == 32, "e_phoff");
static_assert(offsetof(Elf64_Ehdr, e_phnum) == 56, "e_phnum");
static_assert(offsetof(Elf64_Shdr, sh_info) == 44, "sh_info");

/* e_flags bit 0: makedumpfile -E has not finished (FORMATS.md 2.7). */
#define DUMP_ELF_INCOMPLETE	1

/*
 * Parse the ELF header at b (sizeof(Elf64_Ehdr) bytes, little-endian).
 * e_ident is copied as is; the caller checks it.
 */
static inline void dp_elf_parse_ehdr(const uint8_t *b, Elf64_Ehdr *h)
{
	struct dp_reader r;
	dp_reader_init(&r, b, sizeof(*h), false);
	dp_reader_bytes(&r, h->e_ident, EI_NIDENT);
	dp_reader_u16(&r, &h->e_type);
	dp_reader_u16(&r, &h->e_machine);
	dp_reader_u32(&r, &h->e_version);
	dp_reader_u64(&r, &h->e_entry);
	dp_reader_u64(&r, &h->e_phoff);
	dp_reader_u64(&r, &h->e_shoff);
	dp_reader_u32(&r, &h->e_flags);
	dp_reader_u16(&r, &h->e_ehsize);
	dp_reader_u16(&r, &h->e_phentsize);
	dp_reader_u16(&r, &h->e_phnum);
	dp_reader_u16(&r, &h->e_shentsize);
	dp_reader_u16(&r, &h->e_shnum);
	dp_reader_u16(&r, &h->e_shstrndx);
}

/* Parse one program header at b (sizeof(Elf64_Phdr) bytes). */
static inline void dp_elf_parse_phdr(const uint8_t *b, Elf64_Phdr *p)
{
	struct dp_reader r;
	dp_reader_init(&r, b, sizeof(*p), false);
	dp_reader_u32(&r, &p->p_type);
	dp_reader_u32(&r, &p->p_flags);
	dp_reader_u64(&r, &p->p_offset);
	dp_reader_u64(&r, &p->p_vaddr);
	dp_reader_u64(&r, &p->p_paddr);
	dp_reader_u64(&r, &p->p_filesz);
	dp_reader_u64(&r, &p->p_memsz);
	dp_reader_u64(&r, &p->p_align);
}

/* sh_info of the section header at b: the real e_phnum under PN_XNUM. */
static inline uint32_t dp_elf_shdr_info(const uint8_t *b)
{
	struct dp_reader r;
	uint32_t info = 0;
	dp_reader_init(&r, b + offsetof(Elf64_Shdr, sh_info), sizeof(info),
		       false);
	dp_reader_u32(&r, &info);
	return info;
}

/*
 * One note of a PT_NOTE area (FORMATS.md 1.3): a 12-byte header (namesz,
 * descsz, type), the name and the descriptor, each padded to 4 bytes.
 */
struct dp_elf_note {
	size_t off;			/* of the header, in the area */
	uint32_t namesz, descsz, type;
	const uint8_t *name;		/* namesz bytes (NUL included) */
	const uint8_t *desc;		/* descsz bytes */
};

enum dp_elf_note_step {
	DP_ELF_NOTE_END,		/* < 12 bytes left, or an all-zero
					   header (the kernel's last note,
					   page padding) */
	DP_ELF_NOTE_OK,
	DP_ELF_NOTE_OVERRUN,		/* ret->off, sizes set: the note runs
					   past the area */
};

/*
 * Read the note at r's position into *ret and move past it. The last
 * note's descriptor may lack its padding.
 */
static inline enum dp_elf_note_step dp_elf_note_next(struct dp_reader *r,
						     struct dp_elf_note *ret)
{
	if (dp_reader_left(r) < 12)
		return DP_ELF_NOTE_END;
	ret->off = r->pos;
	dp_reader_u32(r, &ret->namesz);
	dp_reader_u32(r, &ret->descsz);
	dp_reader_u32(r, &ret->type);
	if (ret->namesz == 0 && ret->descsz == 0 && ret->type == 0)
		return DP_ELF_NOTE_END;
	uint64_t nsz = ((uint64_t)ret->namesz + 3) & ~(uint64_t)3;
	uint64_t dsz = ((uint64_t)ret->descsz + 3) & ~(uint64_t)3;
	if (nsz > dp_reader_left(r) || ret->descsz > dp_reader_left(r) - nsz)
		return DP_ELF_NOTE_OVERRUN;
	ret->name = dp_reader_take(r, nsz);
	if (dsz > dp_reader_left(r))
		dsz = dp_reader_left(r);
	ret->desc = dp_reader_take(r, dsz);
	return DP_ELF_NOTE_OK;
}

/* Is the note's name want ("CORE", "VMCOREINFO"...)? */
static inline bool dp_elf_note_is(const struct dp_elf_note *n,
				  const char *want)
{
	size_t len = strnlen((const char *)n->name, n->namesz);
	return len == strlen(want) && memcmp(n->name, want, len) == 0;
}

#endif /* DP_FORMAT_ELF_DEF_H */
