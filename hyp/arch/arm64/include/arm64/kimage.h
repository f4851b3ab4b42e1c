/* SPDX-License-Identifier: MIT */
/*
 * arm64/kimage.h - the arm64 Linux boot protocol's checks
 * (Documentation/arch/arm64/booting.rst): the Image header a zone's
 * kernel must carry, where the kernel and its DTB may lie, and what the
 * hypervisor enters it with.  Pure: kimage.c builds for the host too
 * (tests/kimage) and reads guest memory only through the @map hook.
 *
 * The Image header, 64 bytes at the kernel's first byte, little-endian:
 *
 *   0x00 code0, 0x04 code1    the kernel's first two instructions
 *   0x08 text_offset          where the Image goes past a 2 MiB aligned
 *                             base (0x80000 if image_size is 0)
 *   0x10 image_size           bytes from the Image's start the kernel
 *                             uses (bss included); 0 on kernels < 3.17
 *   0x18 flags                bit 0: big-endian; bits 1-2: page size;
 *                             bit 3: the base may be anywhere in RAM
 *   0x20 res2, res3, res4
 *   0x38 magic                "ARM\x64"
 *   0x3c res5
 */
#ifndef ARM64_KIMAGE_H
#define ARM64_KIMAGE_H

#include <hvbridge/types.h>

struct hyp_mem_region;

#define HYP_KIMAGE_HDR_SIZE	64u
#define HYP_KIMAGE_MAGIC	0x644d5241u	/* "ARM\x64" at 0x38 */
#define HYP_KIMAGE_ALIGN	0x200000ull	/* the base: 2 MiB */
#define HYP_KIMAGE_LEGACY_TEXT_OFFSET	0x80000ull
#define HYP_KIMAGE_FLAG_BE	0x1ull

/* The flattened device tree: magic and totalsize, big-endian words. */
#define HYP_FDT_MAGIC		0xd00dfeedu
#define HYP_FDT_HDR_SIZE	40u	/* struct fdt_header, v17 */
#define HYP_FDT_MAX_SIZE	0x200000ull	/* booting.rst: 2 MiB */
#define HYP_FDT_ALIGN		8u

/* hyp_kimage_check() results. */
#define HYP_KIMAGE_OK		0
#define HYP_KIMAGE_ENOHDR	1	/* no RAM at the kernel's address */
#define HYP_KIMAGE_EMAGIC	2	/* no "ARM\x64" at 0x38 */
#define HYP_KIMAGE_EENDIAN	3	/* a big-endian kernel */
#define HYP_KIMAGE_EALIGN	4	/* address - text_offset not 2 MiB aligned */
#define HYP_KIMAGE_ESIZE	5	/* image_size past the RAM region */
#define HYP_KIMAGE_EDTBALIGN	6	/* DTB not 8-byte aligned */
#define HYP_KIMAGE_EDTBRAM	7	/* no RAM at the DTB's address */
#define HYP_KIMAGE_EDTBMAGIC	8	/* no FDT magic there */
#define HYP_KIMAGE_EDTBSIZE	9	/* totalsize too small, > 2 MiB, or
					 * past the RAM region */
#define HYP_KIMAGE_EOVERLAP	10	/* the DTB inside the kernel's image_size */

/* What a checked kernel is entered with. */
struct hyp_kimage {
	__u64 entry;		/* IPA: the Image's first byte */
	__u64 text_offset;
	__u64 image_size;	/* as used for the checks (at least the
				 * header for a legacy 0) */
	__u64 flags;
	__u64 kernel_phys;	/* entry's physical address */
	__u64 dtb_ipa;		/* x0 at entry */
	__u64 dtb_phys;
	__u64 dtb_size;		/* its totalsize */
};

/*
 * Map [@phys, @phys + @size) of a zone's RAM for reading: the hypervisor
 * returns @phys itself (identity map at EL2), a test its buffer.
 */
typedef const void *(*hyp_kimage_map_t)(void *priv, __u64 phys, __u64 size);

/*
 * Check a zone's Linux boot: the Image at IPA @kernel_ipa and the DTB at
 * IPA @dtb_ipa, in the zone's RAM regions @mem[0..@nr_mem) (RAM only:
 * not device, not the channel; the kernel's executable).  Returns
 * HYP_KIMAGE_OK and fills @out, or a HYP_KIMAGE_E* code.
 */
int hyp_kimage_check(const struct hyp_mem_region *mem, __u32 nr_mem,
		     __u64 kernel_ipa, __u64 dtb_ipa, hyp_kimage_map_t map,
		     void *priv, struct hyp_kimage *out);

/* A line of text for a HYP_KIMAGE_E* code. */
const char *hyp_kimage_strerror(int err);

#endif /* ARM64_KIMAGE_H */
