// SPDX-License-Identifier: MIT
/*
 * Stage-2 translation of a zone: IPA -> PA, 4 KiB granule, 39-bit IPA
 * space (VTCR_EL2.T0SZ 25), the walk starting at level 1 (SL0 = 1).
 * RAM and pass-through devices are mapped with 2 MiB blocks where both
 * addresses and the size allow, 4 KiB pages elsewhere.  Emulated MMIO
 * windows are never mapped, so a guest access is a stage-2 translation
 * fault (EC DABT_LOW) with the IPA in HPFAR_EL2.
 *
 * Tables come from a static pool per zone; nothing is ever unmapped yet.
 */
#include <arm64/chan.h>
#include <arm64/hyp.h>
#include <arm64/pgtable.h>
#include <arm64/stage2.h>
#include <arm64/sysreg.h>
#include <hyp/printk.h>
#include <hyp/zone.h>

#define S2_IPA_BITS		39
#define S2_POOL_PAGES		16	/* level-1 table + 15 lower tables */

struct s2_tables {
	__u64 pages[S2_POOL_PAGES][PT_ENTRIES];
};

static struct s2_tables s2_tables[HYP_MAX_ZONES]
	__attribute__((aligned(4096)));
static __u32 s2_used[HYP_MAX_ZONES];	/* pages handed out, L1 included */

static __u64 *s2_l1(const struct hyp_zone *z)
{
	return s2_tables[z->index].pages[0];
}

int hyp_arch_zone_init(struct hyp_zone *z)
{
	__u32 i, j;

	/* A failed earlier attempt may have left tables in this slot. */
	for (i = 0; i < s2_used[z->index]; i++)
		for (j = 0; j < PT_ENTRIES; j++)
			s2_tables[z->index].pages[i][j] = 0;
	s2_used[z->index] = 1;
	return 0;
}

/* The table that entry @e points to, allocating it if @e is empty;
 * NULL when the pool is empty or @e is already a block. */
static __u64 *s2_next(struct hyp_zone *z, __u64 *e)
{
	__u64 *t;

	if (*e & 1)
		return (*e & 3) == PT_TABLE ?
		       (__u64 *)(*e & PT_ADDR_MASK) : 0;
	if (s2_used[z->index] >= S2_POOL_PAGES)
		return 0;
	t = s2_tables[z->index].pages[s2_used[z->index]++];
	/* Barrier: the zeroed table is visible to the walker before the
	 * entry that links it (identity map: VA == PA). */
	arm64_dsb_ish();
	*e = (__u64)t | PT_TABLE;
	return t;
}

static __u64 s2_attrs(__u32 flags)
{
	__u64 a = PT_AF;

	if (flags & HYP_MEM_IO)
		a |= S2_MEMATTR_DEVICE_NGNRE | S2_XN;
	else
		a |= S2_MEMATTR_NORMAL_WB | PT_SH_INNER;
	if (flags & HYP_MEM_READ)
		a |= S2_AP_R;
	if (flags & HYP_MEM_WRITE)
		a |= S2_AP_W;
	if (!(flags & HYP_MEM_EXEC))
		a |= S2_XN;
	return a;
}

static unsigned int pt_index(__u64 ipa, unsigned int shift)
{
	return (ipa >> shift) & (PT_ENTRIES - 1);
}

int hyp_arch_zone_map(struct hyp_zone *z, const struct hyp_mem_region *r)
{
	__u64 ipa = r->ipa_start, pa = r->phys_start, left = r->size;
	__u64 attrs = s2_attrs(r->flags);
	const __u64 blk = 1ull << PT_L2_SHIFT;

	if (ipa + left > 1ull << S2_IPA_BITS)
		return -1;
	while (left) {
		__u64 *l2 = s2_next(z, &s2_l1(z)[pt_index(ipa, PT_L1_SHIFT)]);
		__u64 *l3, step;

		if (!l2)
			return -1;
		if (!((ipa | pa) & (blk - 1)) && left >= blk) {
			l2[pt_index(ipa, PT_L2_SHIFT)] = pa | attrs | PT_BLOCK;
			step = blk;
		} else {
			l3 = s2_next(z, &l2[pt_index(ipa, PT_L2_SHIFT)]);
			if (!l3)
				return -1;
			l3[pt_index(ipa, PT_L3_SHIFT)] = pa | attrs | PT_PAGE;
			step = 1ull << PT_L3_SHIFT;
		}
		ipa += step;
		pa += step;
		left -= step;
	}
	arm64_dsb_ish();
	return 0;
}

static int overlaps(__u64 a, __u64 asize, __u64 b, __u64 bsize)
{
	return a < b + bsize && b < a + asize;
}

int hyp_arch_is_channel_region(__u64 phys, __u64 size)
{
	return phys == HYP_CHANNEL_BASE && size == HYP_CHANNEL_SIZE;
}

/* The image (code, data, stacks, tables) and the channel region. */
int hyp_arch_is_hyp_memory(__u64 phys, __u64 size)
{
	return overlaps(phys, size, (__u64)__hyp_start,
			(__u64)__hyp_end - (__u64)__hyp_start) ||
	       overlaps(phys, size, HYP_CHANNEL_BASE, HYP_CHANNEL_SIZE);
}

void hyp_arm64_stage2_load(const struct hyp_zone *z)
{
	arm64_write_sysreg(vtcr_el2, VTCR_EL2_RES1 | TCR_T0SZ(S2_IPA_BITS) |
			   VTCR_SL0_L1 | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
			   TCR_SH0_INNER | TCR_TG0_4K |
			   TCR_PS_40BIT << TCR_PS_SHIFT);
	arm64_write_sysreg(vttbr_el2,
			   (__u64)s2_l1(z) | (__u64)z->vmid << 48);
	arm64_isb();
	/* This VMID may have been used before: drop its stale walks. */
	__asm__ volatile("tlbi vmalls12e1is\n\tdsb ish\n\tisb" ::: "memory");
}

__u32 hyp_arm64_stage2_pages(const struct hyp_zone *z)
{
	return s2_used[z->index];
}
