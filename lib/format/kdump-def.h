/* SPDX-License-Identifier: MIT */
/*
 * On-disk layout of the kdump-compressed ("diskdump") format written by
 * makedumpfile and QEMU dump-guest-memory. Facts: FORMATS.md section 2
 * (from makedumpfile diskdump_mod.h and IMPLEMENTATION, crash diskdump.c,
 * libkdumpfile diskdump.c). Offsets are for LP64 (x86_64, arm64...);
 * 32-bit producers pad these differently and are not supported.
 *
 * The structs document the layout; kdump.c parses the bytes through the
 * bounds-checked reader at offsetof() of these members, in the dump's own
 * byte order, so the structs are never overlaid on file data.
 *
 * File layout, in blocks of block_size (the page size):
 *   block 0                      struct kdump_disk_header, rest zero
 *   block 1 .. 1+sub_hdr_size    struct kdump_sub_header + ELF note area
 *   then bitmap_blocks blocks    1st bitmap (in memory), 2nd (dumpable)
 *   then                         struct kdump_page_desc[#dumpable]
 *   then                         page data, back to back, unaligned
 */
#ifndef DP_FORMAT_KDUMP_DEF_H
#define DP_FORMAT_KDUMP_DEF_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define KDUMP_SIGNATURE		"KDUMP   "	/* makedumpfile, QEMU */
#define DISKDUMP_SIGNATURE	"DISKDUMP"	/* old diskdump module */
#define KDUMP_SIG_LEN		8

#define KDUMP_UTS_LEN		65

/* disk_dump_header, at file offset 0 (FORMATS.md 2.2). */
struct kdump_disk_header {
	char signature[KDUMP_SIG_LEN];		/* 0 */
	int32_t header_version;			/* 8: 1..6 seen */
	char utsname[6][KDUMP_UTS_LEN];		/* 12: sysname, nodename,
						   release, version,
						   machine @272, domain */
	char pad[6];				/* 402 */
	int64_t tv_sec;				/* 408: CRASHTIME, 0 (QEMU) */
	int64_t tv_usec;			/* 416 */
	uint32_t status;			/* 424: KDUMP_STATUS_* */
	int32_t block_size;			/* 428: page size */
	int32_t sub_hdr_size;			/* 432: in blocks */
	uint32_t bitmap_blocks;			/* 436: both bitmaps */
	uint32_t max_mapnr;			/* 440: 32-bit copy */
	uint32_t total_ram_blocks;		/* 444 */
	uint32_t device_blocks;			/* 448 */
	uint32_t written_blocks;		/* 452 */
	uint32_t current_cpu;			/* 456 */
	int32_t nr_cpus;			/* 460 */
};
static_assert(sizeof(struct kdump_disk_header) == 464, "disk_dump_header");
static_assert(offsetof(struct kdump_disk_header, tv_sec) == 408, "tv_sec");
static_assert(offsetof(struct kdump_disk_header, status) == 424, "status");
static_assert(offsetof(struct kdump_disk_header, nr_cpus) == 460, "nr_cpus");

#define KDUMP_UTS_MACHINE	4	/* index of machine in utsname[] */

/* disk_dump_header.status and page_desc.flags (FORMATS.md 2.4). */
#define KDUMP_STATUS_ZLIB		0x01
#define KDUMP_STATUS_LZO		0x02
#define KDUMP_STATUS_SNAPPY		0x04
#define KDUMP_STATUS_INCOMPLETE		0x08	/* header only: ENOSPC */
#define KDUMP_STATUS_EXCLUDED_VMEMMAP	0x10	/* header only: -e */
#define KDUMP_STATUS_ZSTD		0x20
#define KDUMP_COMPRESS_MASK	(KDUMP_STATUS_ZLIB | KDUMP_STATUS_LZO | \
				 KDUMP_STATUS_SNAPPY | KDUMP_STATUS_ZSTD)

/*
 * kdump_sub_header, at file offset block_size (FORMATS.md 2.3). The
 * comment after each field is the header_version that introduced it;
 * older files leave later fields as garbage, so they must not be read.
 */
struct kdump_sub_header {
	uint64_t phys_base;			/* 0   v1 */
	int32_t dump_level;			/* 8   v1 */
	int32_t split;				/* 12  v2 */
	uint64_t start_pfn;			/* 16  v2, obsolete */
	uint64_t end_pfn;			/* 24  v2, obsolete */
	uint64_t offset_vmcoreinfo;		/* 32  v3: VMCOREINFO text */
	uint64_t size_vmcoreinfo;		/* 40  v3 */
	uint64_t offset_note;			/* 48  v4: ELF note area */
	uint64_t size_note;			/* 56  v4 */
	uint64_t offset_eraseinfo;		/* 64  v5 */
	uint64_t size_eraseinfo;		/* 72  v5 */
	uint64_t start_pfn_64;			/* 80  v6 */
	uint64_t end_pfn_64;			/* 88  v6: exclusive */
	uint64_t max_mapnr_64;			/* 96  v6 */
};
static_assert(sizeof(struct kdump_sub_header) == 104, "kdump_sub_header");
static_assert(offsetof(struct kdump_sub_header, offset_note) == 48, "note");
static_assert(offsetof(struct kdump_sub_header, start_pfn_64) == 80, "pfn");

/* One per dumpable pfn, right after the bitmaps (FORMATS.md 2.5). */
struct kdump_page_desc {
	int64_t offset;				/* 0: file offset of data */
	uint32_t size;				/* 8: stored length */
	uint32_t flags;				/* 12: one KDUMP_STATUS_ codec
						   bit, or 0 = raw */
	uint64_t page_flags;			/* 16: always 0 */
};
static_assert(sizeof(struct kdump_page_desc) == 24, "page_desc");

#endif /* DP_FORMAT_KDUMP_DEF_H */
