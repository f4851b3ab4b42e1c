// SPDX-License-Identifier: MIT
/*
 * Description: fuzz the zone descriptor checks (hyp/core/zone_check.c)
 * with a descriptor from the input against QEMU virt's layout as
 * tests/zonecheck has it (root zone on CPUs 0-1, another zone on CPU 3
 * with SPIs 64-71, the guest pool 0x50000000-0x7fffffff).
 *
 * Input: the descriptor's 800 bytes (zero past the input's end), then
 * 16 bytes: a physical range for hyp_zone_desc_ram_at().
 * A descriptor the check accepts is checked again here, rule by rule,
 * with 128-bit sums (so no wrap can hide anything): it must be safe to
 * build a zone from.  A refusal must name an index in range.
 */
#include <string.h>

#include <hyp/zone_check.h>

#include "fuzz.h"

typedef unsigned __int128 u128;

static const struct hyp_zone_range fz_hyp[] = {
	{ 0xbfc00000, 0x200000 },	/* hypervisor image */
	{ 0xbfff0000, 0x10000 },	/* channel region */
	{ 0x08000000, 0x10000 },	/* GICD */
	{ 0x080a0000, 0x80000 },	/* GICR */
	{ 0x09000000, 0x1000 },		/* UART */
};
static const struct hyp_zone_range fz_busy[] = {
	{ 0x50800000, 0x200000 },	/* zone 2's RAM */
	{ 0x0a004000, 0x1000 },		/* zone 2's device */
};
static const struct hyp_zone_range fz_fixed[] = {
	{ 0x08000000, 0x10000 },
	{ 0x080a0000, 0x80000 },
	{ 0x0b200000, 0x1000 },		/* console */
};
static const __u32 fz_ids[] = { 0, 2 };
static __u32 fz_irqs_busy[HVB_ZONE_DESC_IRQ_WORDS];
static __u32 fz_irqs_hyp[HVB_ZONE_DESC_IRQ_WORDS];

static const struct hyp_zone_env fz_env = {
	.cpus_present = 0xf,
	.cpus_root = 0x3,
	.cpus_busy = 0x8,
	.pool = { 0x50000000, 0x30000000 },
	.ram = { 0x40000000, 0x80000000 },
	.gicd = { 0x08000000, 0x10000 },
	.gicr = { 0x080a0000, 0x80000 },
	.hyp = fz_hyp,
	.nr_hyp = sizeof(fz_hyp) / sizeof(fz_hyp[0]),
	.busy = fz_busy,
	.nr_busy = sizeof(fz_busy) / sizeof(fz_busy[0]),
	.fixed = fz_fixed,
	.nr_fixed = sizeof(fz_fixed) / sizeof(fz_fixed[0]),
	.nr_ids = 2,
	.ids = fz_ids,
	.irqs_busy = fz_irqs_busy,
	.irqs_hyp = fz_irqs_hyp,
};

static int fz_overlap(__u64 a, __u64 as, __u64 b, __u64 bs)
{
	return as && bs && (u128)a < (u128)b + bs && (u128)b < (u128)a + as;
}

static int fz_within(__u64 a, __u64 as, __u64 b, __u64 bs)
{
	return a >= b && (u128)a + as <= (u128)b + bs;
}

/* [a, a + as) inside the IPA or physical span of one RAM region. */
static int fz_in_ram(const struct hvb_zone_desc *d, __u64 a, __u64 as,
		     int ipa)
{
	__u32 i;

	for (i = 0; i < d->nr_mem; i++)
		if (d->mem[i].type == HVB_ZONE_MEM_RAM &&
		    fz_within(a, as, ipa ? d->mem[i].ipa : d->mem[i].phys,
			      d->mem[i].size))
			return 1;
	return 0;
}

static void fz_check_accepted(const struct hvb_zone_desc *d)
{
	__u32 i, j, ram = 0;
	size_t nul;

	FUZZ_CHECK(!memcmp(d->signature, HVB_ZONE_DESC_SIGNATURE, 8));
	FUZZ_CHECK(d->revision == HVB_ZONE_DESC_REVISION &&
		   d->size == sizeof(*d) && !d->flags);
	for (i = 0; i < 8; i++)
		FUZZ_CHECK(!d->reserved[i]);
	FUZZ_CHECK(d->id != 0 && d->id != 2);
	nul = strnlen(d->name, sizeof(d->name));
	FUZZ_CHECK(nul > 0 && nul < sizeof(d->name));
	for (; nul < sizeof(d->name); nul++)
		FUZZ_CHECK(!d->name[nul]);
	FUZZ_CHECK(d->cpus && !(d->cpus & ~fz_env.cpus_present) &&
		   !(d->cpus & (fz_env.cpus_root | fz_env.cpus_busy)));
	FUZZ_CHECK(d->nr_mem >= 1 && d->nr_mem <= HVB_ZONE_DESC_MAX_MEM);
	for (i = d->nr_mem; i < HVB_ZONE_DESC_MAX_MEM; i++) {
		static const struct hvb_zone_desc_mem zero;

		FUZZ_CHECK(!memcmp(&d->mem[i], &zero, sizeof(zero)));
	}
	for (i = 0; i < d->nr_mem; i++) {
		const struct hvb_zone_desc_mem *m = &d->mem[i];

		FUZZ_CHECK(m->type <= HVB_ZONE_MEM_VIRTIO && !m->reserved);
		FUZZ_CHECK(m->size);
		FUZZ_CHECK((u128)m->ipa + m->size <= (u128)1 << 64);
		for (j = 0; j < fz_env.nr_fixed; j++)
			FUZZ_CHECK(!fz_overlap(m->ipa, m->size,
					       fz_fixed[j].base,
					       fz_fixed[j].size));
		for (j = 0; j < d->nr_mem; j++)
			FUZZ_CHECK(i == j || !fz_overlap(m->ipa, m->size,
							 d->mem[j].ipa,
							 d->mem[j].size));
		if (m->type == HVB_ZONE_MEM_VIRTIO) {
			FUZZ_CHECK(!(m->ipa % 4) && !(m->size % 4));
			continue;
		}
		/* What gets mapped: page aligned, the zone's own. */
		FUZZ_CHECK(!((m->ipa | m->phys | m->size) % 0x1000));
		FUZZ_CHECK((u128)m->phys + m->size <= (u128)1 << 64);
		if (m->type == HVB_ZONE_MEM_RAM) {
			ram++;
			FUZZ_CHECK(fz_within(m->phys, m->size,
					     fz_env.pool.base,
					     fz_env.pool.size));
		} else {
			FUZZ_CHECK(!fz_overlap(m->phys, m->size,
					       fz_env.ram.base,
					       fz_env.ram.size));
		}
		for (j = 0; j < fz_env.nr_hyp; j++)
			FUZZ_CHECK(!fz_overlap(m->phys, m->size,
					       fz_hyp[j].base,
					       fz_hyp[j].size));
		for (j = 0; j < fz_env.nr_busy; j++)
			FUZZ_CHECK(!fz_overlap(m->phys, m->size,
					       fz_busy[j].base,
					       fz_busy[j].size));
		for (j = 0; j < d->nr_mem; j++)
			FUZZ_CHECK(i == j ||
				   d->mem[j].type == HVB_ZONE_MEM_VIRTIO ||
				   !fz_overlap(m->phys, m->size,
					       d->mem[j].phys,
					       d->mem[j].size));
	}
	FUZZ_CHECK(ram);
	for (i = 0; i < 32 * HVB_ZONE_DESC_IRQ_WORDS; i++) {
		if (!(d->irqs[i / 32] >> (i % 32) & 1))
			continue;
		FUZZ_CHECK(i >= 32 && i < 1020);
		FUZZ_CHECK(!(fz_irqs_busy[i / 32] >> (i % 32) & 1));
		FUZZ_CHECK(!(fz_irqs_hyp[i / 32] >> (i % 32) & 1));
	}
	FUZZ_CHECK(!(d->entry % 4) && fz_in_ram(d, d->entry, 4, 1));
	FUZZ_CHECK(d->kernel_size &&
		   fz_in_ram(d, d->kernel_phys, d->kernel_size, 0));
	FUZZ_CHECK(!d->dtb_size ||
		   (fz_in_ram(d, d->dtb_phys, d->dtb_size, 0) &&
		    !fz_overlap(d->dtb_phys, d->dtb_size, d->kernel_phys,
				d->kernel_size)));
	FUZZ_CHECK(d->gic_version == HVB_ZONE_GIC_V3 &&
		   d->gicd_base == fz_env.gicd.base && d->gicd_size &&
		   d->gicr_base == fz_env.gicr.base && d->gicr_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hvb_zone_desc d;
	const struct hvb_zone_desc_mem *m;
	__u32 reason, index = 0xdead;
	__u64 phys, len;

	if (!fz_irqs_hyp[152 / 32]) {
		for (index = 64; index < 72; index++)
			fz_irqs_busy[index / 32] |= 1u << (index % 32);
		fz_irqs_hyp[152 / 32] |= 1u << (152 % 32);
	}
	memset(&d, 0, sizeof(d));
	memcpy(&d, data, size < sizeof(d) ? size : sizeof(d));
	reason = hyp_zone_desc_check(&d, &fz_env, &index);
	FUZZ_CHECK(reason < HVB_ZONE_NR_REASONS);
	switch (reason) {
	case HVB_ZONE_OK:
		FUZZ_CHECK(index == 0);
		fz_check_accepted(&d);
		break;
	case HVB_ZONE_ECPU_ABSENT:
	case HVB_ZONE_ECPU_ROOT:
	case HVB_ZONE_ECPU_BUSY:
		FUZZ_CHECK(index < 64 && (d.cpus >> index & 1));
		break;
	case HVB_ZONE_EIRQ_NOT_SPI:
	case HVB_ZONE_EIRQ_BUSY:
	case HVB_ZONE_EIRQ_HYP:
		FUZZ_CHECK(index < 32 * HVB_ZONE_DESC_IRQ_WORDS &&
			   (d.irqs[index / 32] >> (index % 32) & 1));
		break;
	default:
		FUZZ_CHECK(index < HVB_ZONE_DESC_MAX_MEM);
		break;
	}
	/* The lookup the loader uses, on any descriptor at all. */
	phys = fuzz_le(data + sizeof(d), size > sizeof(d) ?
		       size - sizeof(d) : 0, 8);
	len = fuzz_le(data + sizeof(d) + 8, size > sizeof(d) + 8 ?
		      size - sizeof(d) - 8 : 0, 8);
	m = hyp_zone_desc_ram_at(&d, phys, len);
	if (m) {
		FUZZ_CHECK(m >= d.mem && m < d.mem + HVB_ZONE_DESC_MAX_MEM &&
			   (__u32)(m - d.mem) < d.nr_mem);
		FUZZ_CHECK(m->type == HVB_ZONE_MEM_RAM &&
			   fz_within(phys, len, m->phys, m->size));
	}
	return 0;
}
