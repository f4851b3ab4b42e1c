// SPDX-License-Identifier: MIT
/*
 * Description: the arm64 Linux boot protocol's checks
 * (hyp/arch/arm64/kimage.c) on the host, over a fake zone of 8 MiB of
 * RAM at IPA 0x40000000 (PA 0x80000000) backed by a buffer: a good
 * Image and DTB pass and give the entry, x0 and the physical addresses;
 * each way to break the rules is refused with its own code: bad magic,
 * big-endian, a base that is not 2 MiB aligned (text_offset honoured,
 * and 0x80000 assumed for a legacy header), image_size past the RAM,
 * a kernel outside RAM or in device memory, and a DTB misaligned, absent,
 * too big, past the RAM or inside the kernel's image_size.
 */
#include <string.h>

#include <criterion/criterion.h>

#include <arm64/kimage.h>
#include <hyp/zone.h>

#define RAM_IPA		0x40000000ull
#define RAM_PA		0x80000000ull
#define RAM_SIZE	0x800000ull
#define DEV_IPA		0x09000000ull

static __u8 ram[RAM_SIZE];
static struct hyp_mem_region mem[2];
static struct hyp_kimage k;

static const void *map(void *priv, __u64 phys, __u64 size)
{
	cr_assert_eq(priv, (void *)ram);
	cr_assert(phys >= RAM_PA && phys - RAM_PA + size <= RAM_SIZE,
		  "map outside RAM: 0x%llx + 0x%llx",
		  (unsigned long long)phys, (unsigned long long)size);
	return ram + (phys - RAM_PA);
}

static void put_le(__u64 ipa, __u64 v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		ram[ipa - RAM_IPA + i] = (__u8)(v >> (8 * i));
}

static void put_be32(__u64 ipa, __u32 v)
{
	int i;

	for (i = 0; i < 4; i++)
		ram[ipa - RAM_IPA + i] = (__u8)(v >> (24 - 8 * i));
}

/* An Image header at @ipa as Linux's head.S writes it. */
static void image(__u64 ipa, __u64 text_offset, __u64 size, __u64 flags)
{
	put_le(ipa, 0x14000010, 4);		/* b +0x40 */
	put_le(ipa + 8, text_offset, 8);
	put_le(ipa + 0x10, size, 8);
	put_le(ipa + 0x18, flags, 8);
	put_le(ipa + 0x38, HYP_KIMAGE_MAGIC, 4);
}

static void fdt(__u64 ipa, __u32 size)
{
	put_be32(ipa, HYP_FDT_MAGIC);
	put_be32(ipa + 4, size);
}

static int check(__u64 kernel, __u64 dtb)
{
	memset(&k, 0, sizeof(k));
	return hyp_kimage_check(mem, 2, kernel, dtb, map, ram, &k);
}

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	mem[0] = (struct hyp_mem_region){
		.phys_start = RAM_PA, .ipa_start = RAM_IPA, .size = RAM_SIZE,
		.flags = HYP_MEM_READ | HYP_MEM_WRITE | HYP_MEM_EXEC,
	};
	mem[1] = (struct hyp_mem_region){
		.phys_start = DEV_IPA, .ipa_start = DEV_IPA, .size = 0x1000,
		.flags = HYP_MEM_READ | HYP_MEM_WRITE | HYP_MEM_EXEC |
			 HYP_MEM_IO,
	};
	/* A kernel at the second 2 MiB, 1 MiB big, DTB 4 KiB at 6 MiB. */
	image(RAM_IPA + 0x200000, 0, 0x100000, 0xa);
	fdt(RAM_IPA + 0x600000, 0x1000);
}

TestSuite(kimage, .init = setup);

Test(kimage, good)
{
	cr_assert_eq(check(RAM_IPA + 0x200000, RAM_IPA + 0x600000),
		     HYP_KIMAGE_OK);
	cr_assert_eq(k.entry, RAM_IPA + 0x200000);
	cr_assert_eq(k.kernel_phys, RAM_PA + 0x200000);
	cr_assert_eq(k.image_size, 0x100000);
	cr_assert_eq(k.dtb_ipa, RAM_IPA + 0x600000);
	cr_assert_eq(k.dtb_phys, RAM_PA + 0x600000);
	cr_assert_eq(k.dtb_size, 0x1000);
}

Test(kimage, bad_magic)
{
	put_le(RAM_IPA + 0x200000 + 0x38, 0x644d5242, 4);
	cr_assert_eq(check(RAM_IPA + 0x200000, RAM_IPA + 0x600000),
		     HYP_KIMAGE_EMAGIC);
	/* An image with no header at all. */
	cr_assert_eq(check(RAM_IPA + 0x400000, RAM_IPA + 0x600000),
		     HYP_KIMAGE_EMAGIC);
}

Test(kimage, big_endian)
{
	image(RAM_IPA + 0x200000, 0, 0x100000, 0xb);
	cr_assert_eq(check(RAM_IPA + 0x200000, RAM_IPA + 0x600000),
		     HYP_KIMAGE_EENDIAN);
}

Test(kimage, misaligned)
{
	/* text_offset 0 but 64 KiB past a 2 MiB boundary. */
	image(RAM_IPA + 0x210000, 0, 0x100000, 0xa);
	cr_assert_eq(check(RAM_IPA + 0x210000, RAM_IPA + 0x600000),
		     HYP_KIMAGE_EALIGN);
	/* The same place is right for text_offset 0x10000 ... */
	image(RAM_IPA + 0x210000, 0x10000, 0x100000, 0xa);
	cr_assert_eq(check(RAM_IPA + 0x210000, RAM_IPA + 0x600000),
		     HYP_KIMAGE_OK);
	cr_assert_eq(k.text_offset, 0x10000);
	/* ... and a 2 MiB aligned address then is not. */
	image(RAM_IPA + 0x200000, 0x10000, 0x100000, 0xa);
	cr_assert_eq(check(RAM_IPA + 0x200000, RAM_IPA + 0x600000),
		     HYP_KIMAGE_EALIGN);
}

Test(kimage, legacy_text_offset)
{
	/* image_size 0 (before 3.17): text_offset is taken as 0x80000,
	 * whatever the header says. */
	image(RAM_IPA + 0x280000, 0, 0, 0);
	cr_assert_eq(check(RAM_IPA + 0x280000, RAM_IPA + 0x600000),
		     HYP_KIMAGE_OK);
	cr_assert_eq(k.text_offset, 0x80000);
	image(RAM_IPA + 0x200000, 0, 0, 0);
	cr_assert_eq(check(RAM_IPA + 0x200000, RAM_IPA + 0x600000),
		     HYP_KIMAGE_EALIGN);
}

Test(kimage, too_big)
{
	fdt(RAM_IPA + 0x100000, 0x1000);
	/* 6 MiB + 1 from 2 MiB: one byte past the 8 MiB of RAM. */
	image(RAM_IPA + 0x200000, 0, 0x600001, 0xa);
	cr_assert_eq(check(RAM_IPA + 0x200000, RAM_IPA + 0x100000),
		     HYP_KIMAGE_ESIZE);
	image(RAM_IPA + 0x200000, 0, 0x600000, 0xa);
	cr_assert_eq(check(RAM_IPA + 0x200000, RAM_IPA + 0x100000),
		     HYP_KIMAGE_OK);
	/* A size that wraps. */
	image(RAM_IPA + 0x200000, 0, ~0ull - 0x100, 0xa);
	cr_assert_eq(check(RAM_IPA + 0x200000, RAM_IPA + 0x100000),
		     HYP_KIMAGE_ESIZE);
	/* text_offset large enough that the base is below the RAM. */
	image(RAM_IPA + 0x10000, 0x210000, 0x1000, 0xa);
	cr_assert_eq(check(RAM_IPA + 0x10000, RAM_IPA + 0x600000),
		     HYP_KIMAGE_ESIZE);
}

Test(kimage, kernel_not_in_ram)
{
	cr_assert_eq(check(RAM_IPA + RAM_SIZE, RAM_IPA + 0x600000),
		     HYP_KIMAGE_ENOHDR);
	cr_assert_eq(check(RAM_IPA + RAM_SIZE - 32, RAM_IPA + 0x600000),
		     HYP_KIMAGE_ENOHDR);
	/* Device memory is not RAM, even when executable. */
	cr_assert_eq(check(DEV_IPA, RAM_IPA + 0x600000), HYP_KIMAGE_ENOHDR);
	/* RAM that is not executable. */
	mem[0].flags &= ~HYP_MEM_EXEC;
	cr_assert_eq(check(RAM_IPA + 0x200000, RAM_IPA + 0x600000),
		     HYP_KIMAGE_ENOHDR);
}

Test(kimage, dtb)
{
	const __u64 kern = RAM_IPA + 0x200000;

	cr_assert_eq(check(kern, RAM_IPA + 0x600004), HYP_KIMAGE_EDTBALIGN);
	cr_assert_eq(check(kern, RAM_IPA + RAM_SIZE), HYP_KIMAGE_EDTBRAM);
	cr_assert_eq(check(kern, DEV_IPA), HYP_KIMAGE_EDTBRAM);
	cr_assert_eq(check(kern, RAM_IPA + 0x700000), HYP_KIMAGE_EDTBMAGIC);
	fdt(RAM_IPA + 0x700000, 0x200001);		/* over 2 MiB */
	cr_assert_eq(check(kern, RAM_IPA + 0x700000), HYP_KIMAGE_EDTBSIZE);
	fdt(RAM_IPA + 0x700000, 8);			/* under a header */
	cr_assert_eq(check(kern, RAM_IPA + 0x700000), HYP_KIMAGE_EDTBSIZE);
	fdt(RAM_IPA + 0x7ff000, 0x1008);		/* past the RAM */
	cr_assert_eq(check(kern, RAM_IPA + 0x7ff000), HYP_KIMAGE_EDTBSIZE);
	fdt(RAM_IPA + 0x7ff000, 0x1000);		/* exactly to its end */
	cr_assert_eq(check(kern, RAM_IPA + 0x7ff000), HYP_KIMAGE_OK);
	/* Inside the kernel's image_size (its bss): overwritten. */
	fdt(RAM_IPA + 0x2ff000, 0x1000);
	cr_assert_eq(check(kern, RAM_IPA + 0x2ff000), HYP_KIMAGE_EOVERLAP);
	fdt(RAM_IPA + 0x300000, 0x1000);		/* right after it */
	cr_assert_eq(check(kern, RAM_IPA + 0x300000), HYP_KIMAGE_OK);
}

Test(kimage, strerror)
{
	int e;

	for (e = HYP_KIMAGE_OK; e <= HYP_KIMAGE_EOVERLAP; e++)
		cr_assert_str_neq(hyp_kimage_strerror(e), "unknown error");
	cr_assert_str_eq(hyp_kimage_strerror(99), "unknown error");
	cr_assert_str_eq(hyp_kimage_strerror(-1), "unknown error");
}
