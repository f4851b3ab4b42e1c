// SPDX-License-Identifier: MIT
/*
 * The arm64 Linux boot protocol's checks (arm64/kimage.h): the Image
 * header and where the kernel and DTB lie in the zone's RAM.  Pure, and
 * built for the host as well (tests/kimage): everything the zone wrote
 * is read through @map, a byte at a time (no alignment assumed, no
 * library call a compiler could emit).
 */
#include <arm64/kimage.h>
#include <hyp/zone.h>

static __u64 kimage_le(const volatile __u8 *p, __u32 n)
{
	__u64 v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static __u32 kimage_be32(const volatile __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 |
	       p[3];
}

/* The RAM region of @mem holding [@ipa, @ipa + @size), with @need
 * flags, or NULL.  No sum that can wrap. */
static const struct hyp_mem_region *kimage_ram(
		const struct hyp_mem_region *mem, __u32 nr, __u64 ipa,
		__u64 size, __u32 need)
{
	__u32 i;

	for (i = 0; i < nr; i++) {
		const struct hyp_mem_region *r = &mem[i];

		if (r->flags & (HYP_MEM_IO | HYP_MEM_CHANNEL) ||
		    (r->flags & need) != need)
			continue;
		if (ipa >= r->ipa_start && ipa - r->ipa_start < r->size &&
		    size <= r->size - (ipa - r->ipa_start))
			return r;
	}
	return 0;
}

static __u64 kimage_phys(const struct hyp_mem_region *r, __u64 ipa)
{
	return r->phys_start + (ipa - r->ipa_start);
}

int hyp_kimage_check(const struct hyp_mem_region *mem, __u32 nr_mem,
		     __u64 kernel_ipa, __u64 dtb_ipa, hyp_kimage_map_t map,
		     void *priv, struct hyp_kimage *out)
{
	const __u32 kflags = HYP_MEM_READ | HYP_MEM_EXEC;
	const struct hyp_mem_region *r;
	const volatile __u8 *h;
	__u64 text_offset, image_size, flags, size;

	r = kimage_ram(mem, nr_mem, kernel_ipa, HYP_KIMAGE_HDR_SIZE, kflags);
	if (!r)
		return HYP_KIMAGE_ENOHDR;
	out->entry = kernel_ipa;
	out->kernel_phys = kimage_phys(r, kernel_ipa);
	h = map(priv, out->kernel_phys, HYP_KIMAGE_HDR_SIZE);
	if (kimage_le(h + 0x38, 4) != HYP_KIMAGE_MAGIC)
		return HYP_KIMAGE_EMAGIC;
	text_offset = kimage_le(h + 0x08, 8);
	image_size = kimage_le(h + 0x10, 8);
	flags = kimage_le(h + 0x18, 8);
	/* Before 3.17 image_size was 0 and text_offset not to be trusted:
	 * booting.rst says to assume 0x80000, and the size is unknown. */
	if (!image_size)
		text_offset = HYP_KIMAGE_LEGACY_TEXT_OFFSET;
	out->text_offset = text_offset;
	out->flags = flags;
	if (flags & HYP_KIMAGE_FLAG_BE)
		return HYP_KIMAGE_EENDIAN;
	/* The kernel goes at a 2 MiB aligned base + text_offset. */
	if ((kernel_ipa - text_offset) % HYP_KIMAGE_ALIGN ||
	    text_offset > kernel_ipa)
		return HYP_KIMAGE_EALIGN;
	size = image_size > HYP_KIMAGE_HDR_SIZE ? image_size :
						  HYP_KIMAGE_HDR_SIZE;
	out->image_size = size;
	/* The base is usable RAM too ("placed text_offset bytes from a
	 * 2MB aligned base address anywhere in usable system RAM"). */
	if (kimage_ram(mem, nr_mem, kernel_ipa - text_offset,
		       text_offset + size, kflags) != r ||
	    size > ~0ull - text_offset)
		return HYP_KIMAGE_ESIZE;

	out->dtb_ipa = dtb_ipa;
	if (dtb_ipa % HYP_FDT_ALIGN)
		return HYP_KIMAGE_EDTBALIGN;
	r = kimage_ram(mem, nr_mem, dtb_ipa, HYP_FDT_HDR_SIZE, HYP_MEM_READ);
	if (!r)
		return HYP_KIMAGE_EDTBRAM;
	out->dtb_phys = kimage_phys(r, dtb_ipa);
	h = map(priv, out->dtb_phys, HYP_FDT_HDR_SIZE);
	if (kimage_be32(h) != HYP_FDT_MAGIC)
		return HYP_KIMAGE_EDTBMAGIC;
	out->dtb_size = kimage_be32(h + 4);
	if (out->dtb_size < HYP_FDT_HDR_SIZE ||
	    out->dtb_size > HYP_FDT_MAX_SIZE ||
	    kimage_ram(mem, nr_mem, dtb_ipa, out->dtb_size,
		       HYP_MEM_READ) != r)
		return HYP_KIMAGE_EDTBSIZE;
	/* The kernel may use all of [entry, entry + image_size) at once
	 * (its bss): a DTB there would be overwritten. */
	if (dtb_ipa < kernel_ipa + size &&
	    kernel_ipa < dtb_ipa + out->dtb_size)
		return HYP_KIMAGE_EOVERLAP;
	return HYP_KIMAGE_OK;
}

const char *hyp_kimage_strerror(int err)
{
	static const char *const why[] = {
		[HYP_KIMAGE_OK] = "ok",
		[HYP_KIMAGE_ENOHDR] = "the kernel address is not in the zone's executable RAM",
		[HYP_KIMAGE_EMAGIC] = "no arm64 Image magic (\"ARM\\x64\" at 0x38)",
		[HYP_KIMAGE_EENDIAN] = "a big-endian kernel",
		[HYP_KIMAGE_EALIGN] = "the kernel is not at a 2 MiB aligned base + text_offset",
		[HYP_KIMAGE_ESIZE] = "image_size goes past the zone's RAM region",
		[HYP_KIMAGE_EDTBALIGN] = "the DTB is not 8-byte aligned",
		[HYP_KIMAGE_EDTBRAM] = "the DTB address is not in the zone's RAM",
		[HYP_KIMAGE_EDTBMAGIC] = "no DTB (FDT magic) at the DTB address",
		[HYP_KIMAGE_EDTBSIZE] = "the DTB's totalsize is too small, over 2 MiB, or past the zone's RAM region",
		[HYP_KIMAGE_EOVERLAP] = "the DTB lies inside the kernel's image_size",
	};

	if (err < 0 || err >= (int)(sizeof(why) / sizeof(why[0])))
		return "unknown error";
	return why[err];
}
