// SPDX-License-Identifier: MIT
/*
 * hyp_main(): CPU 0's path from head.S to a running hypervisor.  Each
 * step prints one line; tests/e2e asserts those lines.
 */
#include <arm64/hyp.h>
#include <arm64/sysreg.h>
#include <arm64/vcpu.h>
#include <arm64/zones.h>
#include <hyp/printk.h>

/* The flattened device tree starts with this magic, big-endian. */
#define FDT_MAGIC	0xd00dfeedu

static __u32 be32_to_cpu(__u32 v)
{
	return __builtin_bswap32(v);
}

static void hyp_report_dtb(__u64 boot_x0)
{
	/* QEMU puts the DTB at the start of RAM for an ELF kernel; x0 is
	 * not defined for that boot path, so look there first. */
	const __u32 *at_ram = (const __u32 *)HYP_RAM_BASE;

	if (be32_to_cpu(*at_ram) == FDT_MAGIC)
		hyp_printk("hvbridge-hyp: DTB at 0x%lx, %u bytes\n",
			   HYP_RAM_BASE, be32_to_cpu(at_ram[1]));
	else
		hyp_printk("hvbridge-hyp: no DTB at 0x%lx (x0 0x%lx)\n",
			   HYP_RAM_BASE, boot_x0);
}

void hyp_main(__u64 cpu, __u64 boot_x0)
{
	struct hyp_zone *zone;

	hyp_arm64_console_init();
	hyp_printk("\nhvbridge-hyp: EL2 reached on CPU %lu, CurrentEL %lu, image 0x%lx-0x%lx\n",
		   cpu, (arm64_read_sysreg(CurrentEL) >> 2) & 3,
		   (__u64)__hyp_start, (__u64)__hyp_end);
	hyp_report_dtb(boot_x0);
	hyp_arm64_mmu_init();
	hyp_printk("hvbridge-hyp: vectors installed, VBAR_EL2 0x%lx\n",
		   arm64_read_sysreg(vbar_el2));
	hyp_arm64_selftest();
	zone = hyp_zone_create(&hyp_zone1_config);
	if (zone)
		hyp_arm64_zone_start(zone);
	hyp_printk("hvbridge-hyp: CPU %lu idle\n", cpu);
	arm64_halt();
}
