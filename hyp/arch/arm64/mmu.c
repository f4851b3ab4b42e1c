// SPDX-License-Identifier: MIT
/*
 * The EL2 stage-1 map: an identity map with a 39-bit VA (T0SZ 25), 4 KiB
 * granule, the walk starting at level 1.
 *
 *   0x00000000-0x3fffffff  Device-nGnRE, execute-never (QEMU virt's
 *                          devices: GIC, PL011, virtio-mmio, ...)
 *   0x40000000-0xbfffffff  Normal WB, inner shareable, 2 MiB blocks
 *                          (HYP_RAM_SIZE: the -m 2G the e2e tests use),
 *                          read-write, execute-never, except:
 *   the image's 2 MiB      4 KiB pages: text read-only and executable,
 *                          rodata read-only, the rest read-write; and
 *                          SCTLR_EL2.WXN on, so nothing is both
 *   everything else        unmapped: an access is a translation fault
 *
 * The tables are static, in BSS, so the image carries them and nothing
 * allocates.
 */
#include <arm64/hyp.h>
#include <arm64/pgtable.h>
#include <arm64/sysreg.h>
#include <hyp/printk.h>

#define HYP_VA_BITS	39

static __u64 hyp_pt_l1[PT_ENTRIES] __attribute__((aligned(4096)));
/* One level-2 table per GiB of RAM, back to back, so the RAM's 2 MiB
 * blocks are one array indexed from HYP_RAM_BASE. */
#define HYP_RAM_L2_TABLES	(HYP_RAM_SIZE >> PT_L1_SHIFT)
_Static_assert(HYP_RAM_BASE % (1ul << PT_L1_SHIFT) == 0 &&
	       HYP_RAM_SIZE % (1ul << PT_L1_SHIFT) == 0,
	       "the RAM is whole level-1 entries");
static __u64 hyp_pt_l2_ram[HYP_RAM_L2_TABLES * PT_ENTRIES]
	__attribute__((aligned(4096)));
static __u64 hyp_pt_l3_image[PT_ENTRIES] __attribute__((aligned(4096)));

/* The image's 2 MiB in pages: W^X by section (hyp.lds). */
static void hyp_mmu_build_image(__u64 normal)
{
	__u64 base = (__u64)__hyp_start, pa, attr;
	unsigned int i;

	for (i = 0; i < PT_ENTRIES; i++) {
		pa = base + ((__u64)i << PT_L3_SHIFT);
		if (pa < (__u64)__text_end)
			attr = normal | PT_AP_EL2_RO;
		else if (pa < (__u64)__rodata_end)
			attr = normal | PT_AP_EL2_RO | PT_XN;
		else
			attr = normal | PT_AP_EL2_RW | PT_XN;
		hyp_pt_l3_image[i] = pa | attr | PT_PAGE;
	}
	hyp_pt_l2_ram[(base - HYP_RAM_BASE) >> PT_L2_SHIFT] =
		(__u64)hyp_pt_l3_image | PT_TABLE;
}

static void hyp_mmu_build(void)
{
	__u64 normal = PT_ATTRIDX(MAIR_IDX_NORMAL) | PT_AF | PT_SH_INNER;
	__u64 device = PT_BLOCK | PT_ATTRIDX(MAIR_IDX_DEVICE) | PT_AF |
		       PT_AP_EL2_RW | PT_XN;
	unsigned int i;

	hyp_pt_l1[0] = 0 | device;
	for (i = 0; i < HYP_RAM_SIZE >> PT_L2_SHIFT; i++)
		hyp_pt_l2_ram[i] = (HYP_RAM_BASE + ((__u64)i << PT_L2_SHIFT)) |
				   normal | PT_AP_EL2_RW | PT_XN | PT_BLOCK;
	hyp_mmu_build_image(normal);
	for (i = 0; i < HYP_RAM_L2_TABLES; i++)
		hyp_pt_l1[(HYP_RAM_BASE >> PT_L1_SHIFT) + i] =
			(__u64)&hyp_pt_l2_ram[i * PT_ENTRIES] | PT_TABLE;
}

/*
 * The tables were written with the data cache off, so they are in memory;
 * clean and invalidate their lines anyway so a walk with cacheable
 * attributes cannot hit a stale line left from before reset.
 */
static void hyp_mmu_flush_tables(void)
{
	__u64 ctr = arm64_read_sysreg(ctr_el0);
	__u64 line = 4ull << ((ctr >> 16) & 0xf);	/* DminLine, bytes */
	__u64 a;

	for (a = (__u64)hyp_pt_l1; a < (__u64)hyp_pt_l1 + sizeof(hyp_pt_l1);
	     a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	for (a = (__u64)hyp_pt_l2_ram;
	     a < (__u64)hyp_pt_l2_ram + sizeof(hyp_pt_l2_ram); a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	for (a = (__u64)hyp_pt_l3_image;
	     a < (__u64)hyp_pt_l3_image + sizeof(hyp_pt_l3_image); a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	arm64_dsb_sy();
}

/* Translate @va with the EL2 stage-1 regime: its PA, or ~0 on a fault;
 * @write: as a store would. */
static __u64 hyp_mmu_probe_rw(__u64 va, int write)
{
	__u64 par;

	if (write)
		__asm__ volatile("at s1e2w, %0" : : "r"(va) : "memory");
	else
		__asm__ volatile("at s1e2r, %0" : : "r"(va) : "memory");
	arm64_isb();
	par = arm64_read_sysreg(par_el1);
	if (par & 1)			/* PAR_EL1.F: the walk faulted */
		return ~0ull;
	return (par & PT_ADDR_MASK) | (va & 0xfff);
}

static __u64 hyp_mmu_probe(__u64 va)
{
	return hyp_mmu_probe_rw(va, 0);
}

/* Refuse to go on with a map that does not say what the comment says. */
static int hyp_mmu_check(void)
{
	static const struct {
		__u64 va;
		int mapped;
	} probes[] = {
		{ 0x09000000ul, 1 },			/* PL011 */
		{ HYP_RAM_BASE + (1ul << PT_L1_SHIFT), 1 },	/* 2nd table */
		{ HYP_RAM_BASE + HYP_RAM_SIZE - 8, 1 },
		{ HYP_RAM_BASE + HYP_RAM_SIZE, 0 },
		{ 0xdead0000ul, 0 },
	};
	unsigned int i;
	int bad = 0;

	if (hyp_mmu_probe((__u64)hyp_main) != (__u64)hyp_main) {
		hyp_printk("hvbridge-hyp: MMU check: the image is not identity mapped\n");
		bad = 1;
	}
	/* W^X: text and rodata refuse a store, data takes it. */
	if (hyp_mmu_probe_rw((__u64)hyp_main, 1) != ~0ull ||
	    hyp_mmu_probe_rw((__u64)__rodata_end - 8, 1) != ~0ull ||
	    hyp_mmu_probe_rw((__u64)hyp_pt_l1, 1) != (__u64)hyp_pt_l1) {
		hyp_printk("hvbridge-hyp: MMU check: text/rodata writable or data read-only\n");
		bad = 1;
	}
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		__u64 pa = hyp_mmu_probe(probes[i].va);
		__u64 want = probes[i].mapped ? probes[i].va : ~0ull;

		if (pa != want) {
			hyp_printk("hvbridge-hyp: MMU check: VA 0x%lx -> 0x%lx, want 0x%lx\n",
				   probes[i].va, pa, want);
			bad = 1;
		}
	}
	return bad;
}

/* Turn this CPU's EL2 MMU on with the tables hyp_arm64_mmu_init() built. */
void hyp_arm64_mmu_enable(void)
{
	__u64 sctlr;

	arm64_write_sysreg(mair_el2,
			   MAIR_ATTR_NORMAL_WB << (8 * MAIR_IDX_NORMAL) |
			   MAIR_ATTR_DEVICE_NGNRE << (8 * MAIR_IDX_DEVICE));
	arm64_write_sysreg(tcr_el2, TCR_EL2_RES1 | TCR_T0SZ(HYP_VA_BITS) |
			   TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
			   TCR_TG0_4K | TCR_PS_40BIT << TCR_PS_SHIFT);
	arm64_write_sysreg(ttbr0_el2, (__u64)hyp_pt_l1);
	arm64_isb();
	/* Nothing from before reset may survive in the TLB or I-cache. */
	__asm__ volatile("tlbi alle2\n\tdsb ish\n\tic iallu\n\tdsb ish\n\tisb"
			 ::: "memory");

	sctlr = arm64_read_sysreg(sctlr_el2);
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SA | SCTLR_WXN;
	arm64_write_sysreg(sctlr_el2, sctlr);
	arm64_isb();
}

void hyp_arm64_mmu_init(void)
{
	hyp_mmu_build();
	hyp_mmu_flush_tables();
	hyp_arm64_mmu_enable();
	if (!(arm64_read_sysreg(sctlr_el2) & SCTLR_M) || hyp_mmu_check()) {
		hyp_printk("hvbridge-hyp: MMU setup FAILED\n");
		arm64_halt();
	}
	hyp_printk("hvbridge-hyp: MMU on: SCTLR_EL2 0x%lx TCR_EL2 0x%lx MAIR_EL2 0x%lx TTBR0_EL2 0x%lx\n",
		   arm64_read_sysreg(sctlr_el2), arm64_read_sysreg(tcr_el2),
		   arm64_read_sysreg(mair_el2), arm64_read_sysreg(ttbr0_el2));
}
