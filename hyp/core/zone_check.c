// SPDX-License-Identifier: MIT
/*
 * The rules of a zone descriptor (hyp/zone_check.h), one reason code each,
 * checked in the order of the descriptor's fields.  Nothing is assumed
 * of the caller: every size, count and address is bounded here before it
 * is used, and no sum may wrap.
 */
#include <hyp/zone_check.h>

#define ZONE_PAGE	0x1000ull

static int zc_overlaps(__u64 a, __u64 asize, __u64 b, __u64 bsize)
{
	return a < b + bsize && b < a + asize;
}

/* [a, a + asize) wholly inside [b, b + bsize); no sum wraps. */
static int zc_inside(__u64 a, __u64 asize, __u64 b, __u64 bsize)
{
	return a >= b && a - b <= bsize && asize <= bsize - (a - b);
}

static int zc_wraps(__u64 base, __u64 size)
{
	return base + size < base;
}

static int zc_any_overlap(__u64 base, __u64 size,
			  const struct hyp_zone_range *r, __u32 n)
{
	__u32 i;

	for (i = 0; r && i < n; i++)
		if (r[i].size && zc_overlaps(base, size, r[i].base, r[i].size))
			return 1;
	return 0;
}

static int zc_is_zero(const void *p, __u32 len)
{
	const __u8 *b = p;
	__u32 i;

	for (i = 0; i < len; i++)
		if (b[i])
			return 0;
	return 1;
}

static int zc_header_ok(const struct hvb_zone_desc *d)
{
	const char sig[8] = HVB_ZONE_DESC_SIGNATURE;
	__u32 i;

	for (i = 0; i < 8; i++)
		if (d->signature[i] != sig[i])
			return 0;
	return d->revision == HVB_ZONE_DESC_REVISION &&
	       d->size == sizeof(*d);
}

static __u32 zc_cpus(const struct hvb_zone_desc *d,
		     const struct hyp_zone_env *env, __u32 *index)
{
	__u32 cpu;

	if (!d->cpus)
		return HVB_ZONE_ECPU_NONE;
	for (cpu = 0; cpu < 64; cpu++) {
		if (!(d->cpus >> cpu & 1))
			continue;
		*index = cpu;
		if (!(env->cpus_present >> cpu & 1))
			return HVB_ZONE_ECPU_ABSENT;
		if (env->cpus_root >> cpu & 1)
			return HVB_ZONE_ECPU_ROOT;
		if (env->cpus_busy >> cpu & 1)
			return HVB_ZONE_ECPU_BUSY;
	}
	*index = 0;
	return HVB_ZONE_OK;
}

static __u32 zc_region(const struct hvb_zone_desc *d, __u32 i,
		       const struct hyp_zone_env *env)
{
	const struct hvb_zone_desc_mem *m = &d->mem[i];
	__u64 align = m->type == HVB_ZONE_MEM_VIRTIO ? 4 : ZONE_PAGE;
	__u32 j;

	if (m->reserved)
		return HVB_ZONE_ERESERVED;
	if (m->type > HVB_ZONE_MEM_VIRTIO)
		return HVB_ZONE_EMEM_TYPE;
	if (!m->size || zc_wraps(m->ipa, m->size) ||
	    zc_wraps(m->phys, m->size) || (m->ipa | m->size) % align ||
	    (m->type != HVB_ZONE_MEM_VIRTIO && m->phys % align))
		return HVB_ZONE_EMEM_ALIGN;
	/* Nothing of the zone may hide the windows the hypervisor traps. */
	if (zc_any_overlap(m->ipa, m->size, env->fixed, env->nr_fixed))
		return HVB_ZONE_EMEM_HYP;
	for (j = 0; j < i; j++)
		if (zc_overlaps(m->ipa, m->size, d->mem[j].ipa,
				d->mem[j].size))
			return HVB_ZONE_EMEM_OVERLAP;
	if (m->type == HVB_ZONE_MEM_VIRTIO)
		return HVB_ZONE_OK;	/* an IPA window only: never mapped */
	if (m->type == HVB_ZONE_MEM_RAM &&
	    !zc_inside(m->phys, m->size, env->pool.base, env->pool.size))
		return HVB_ZONE_EMEM_POOL;
	if (m->type == HVB_ZONE_MEM_IO &&
	    zc_overlaps(m->phys, m->size, env->ram.base, env->ram.size))
		return HVB_ZONE_EMEM_IO_RAM;
	if (zc_any_overlap(m->phys, m->size, env->hyp, env->nr_hyp))
		return HVB_ZONE_EMEM_HYP;
	if (zc_any_overlap(m->phys, m->size, env->busy, env->nr_busy))
		return HVB_ZONE_EMEM_ZONE;
	for (j = 0; j < i; j++)
		if (d->mem[j].type != HVB_ZONE_MEM_VIRTIO &&
		    zc_overlaps(m->phys, m->size, d->mem[j].phys,
				d->mem[j].size))
			return HVB_ZONE_EMEM_OVERLAP;
	return HVB_ZONE_OK;
}

static __u32 zc_memory(const struct hvb_zone_desc *d,
		       const struct hyp_zone_env *env, __u32 *index)
{
	__u32 i, err, ram = 0;

	if (!d->nr_mem || d->nr_mem > HVB_ZONE_DESC_MAX_MEM)
		return HVB_ZONE_EMEM_COUNT;
	for (i = d->nr_mem; i < HVB_ZONE_DESC_MAX_MEM; i++)
		if (!zc_is_zero(&d->mem[i], sizeof(d->mem[i])))
			return HVB_ZONE_ERESERVED;
	for (i = 0; i < d->nr_mem; i++) {
		*index = i;
		err = zc_region(d, i, env);
		if (err)
			return err;
		ram += d->mem[i].type == HVB_ZONE_MEM_RAM;
	}
	*index = 0;
	return ram ? HVB_ZONE_OK : HVB_ZONE_EMEM_COUNT;
}

static __u32 zc_irqs(const struct hvb_zone_desc *d,
		     const struct hyp_zone_env *env, __u32 *index)
{
	__u32 w, b, bits;

	for (w = 0; w < HVB_ZONE_DESC_IRQ_WORDS; w++) {
		for (bits = d->irqs[w]; bits; bits &= bits - 1) {
			b = (__u32)__builtin_ctz(bits);
			*index = w * 32 + b;
			if (*index < 32 || *index >= 1020)
				return HVB_ZONE_EIRQ_NOT_SPI;
			if (env->irqs_hyp && env->irqs_hyp[w] >> b & 1)
				return HVB_ZONE_EIRQ_HYP;
			if (env->irqs_busy && env->irqs_busy[w] >> b & 1)
				return HVB_ZONE_EIRQ_BUSY;
		}
	}
	*index = 0;
	return HVB_ZONE_OK;
}

const struct hvb_zone_desc_mem *
hyp_zone_desc_ram_at(const struct hvb_zone_desc *d, __u64 phys, __u64 size)
{
	__u32 i;

	for (i = 0; i < d->nr_mem && i < HVB_ZONE_DESC_MAX_MEM; i++)
		if (d->mem[i].type == HVB_ZONE_MEM_RAM &&
		    zc_inside(phys, size, d->mem[i].phys, d->mem[i].size))
			return &d->mem[i];
	return 0;
}

static int zc_entry_ok(const struct hvb_zone_desc *d)
{
	__u32 i;

	if (d->entry % 4)
		return 0;
	for (i = 0; i < d->nr_mem; i++)
		if (d->mem[i].type == HVB_ZONE_MEM_RAM &&
		    zc_inside(d->entry, 4, d->mem[i].ipa, d->mem[i].size))
			return 1;
	return 0;
}

__u32 hyp_zone_desc_check(const struct hvb_zone_desc *d,
			  const struct hyp_zone_env *env, __u32 *index)
{
	__u32 i, err;

	*index = 0;
	if (!zc_header_ok(d))
		return HVB_ZONE_ESIGNATURE;
	if (d->flags || !zc_is_zero(d->reserved, sizeof(d->reserved)))
		return HVB_ZONE_ERESERVED;
	if (!d->id)
		return HVB_ZONE_EID;
	for (i = 0; env->ids && i < env->nr_ids; i++)
		if (env->ids[i] == d->id)
			return HVB_ZONE_EID;
	if (!d->name[0])
		return HVB_ZONE_ENAME;
	for (i = 0; i < HVB_ZONE_DESC_NAME_LEN && d->name[i]; i++)
		;
	if (i == HVB_ZONE_DESC_NAME_LEN)
		return HVB_ZONE_ENAME;
	/* After the NUL: zero, so nothing hides in the name. */
	if (!zc_is_zero(d->name + i, HVB_ZONE_DESC_NAME_LEN - i))
		return HVB_ZONE_ERESERVED;
	err = zc_cpus(d, env, index);
	if (!err)
		err = zc_memory(d, env, index);
	if (!err)
		err = zc_irqs(d, env, index);
	if (err)
		return err;
	if (!zc_entry_ok(d))
		return HVB_ZONE_EENTRY;
	if (!d->kernel_size ||
	    !hyp_zone_desc_ram_at(d, d->kernel_phys, d->kernel_size))
		return HVB_ZONE_EKERNEL;
	if (d->dtb_size &&
	    (!hyp_zone_desc_ram_at(d, d->dtb_phys, d->dtb_size) ||
	     zc_overlaps(d->dtb_phys, d->dtb_size, d->kernel_phys,
			 d->kernel_size)))
		return HVB_ZONE_EDTB;
	if (d->gic_version != HVB_ZONE_GIC_V3 ||
	    d->gicd_base != env->gicd.base || !d->gicd_size ||
	    d->gicr_base != env->gicr.base || !d->gicr_size)
		return HVB_ZONE_EGIC;
	return HVB_ZONE_OK;
}
