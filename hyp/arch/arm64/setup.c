// SPDX-License-Identifier: MIT
/*
 * From head.S to running zones.  CPU 0 (hyp_main) brings the hypervisor
 * up, creates the zones, starts the other CPUs that run one, and enters
 * its own; every other CPU (hyp_secondary_main) turns its MMU on and
 * enters its zone.  Each step prints one line; tests/e2e asserts them.
 */
#include <arm64/chan.h>
#include <arm64/gic.h>
#include <arm64/hvc.h>
#include <arm64/hyp.h>
#include <arm64/psci.h>
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

/* The CPU that starts @z's first vCPU: the lowest of its set. */
static __u32 zone_boot_cpu(const struct hyp_zone *z)
{
	return (__u32)__builtin_ctzll(z->cfg->cpus);
}

static void hyp_create_zones(void)
{
	const struct hyp_zone_config *const *cfgs;
	unsigned int i, nr, n = 0;

	cfgs = hyp_zone_configs(&nr);
	for (i = 0; i < nr; i++)
		if (hyp_zone_create(cfgs[i])) {
			hyp_printk("hvbridge-hyp: zone %s created (id %u)\n",
				   cfgs[i]->name, cfgs[i]->id);
			n++;
		}
	hyp_vcpu_set_running(n);
	hyp_printk("hvbridge-hyp: %u of %u zones created\n", n, nr);
}

static void hyp_start_secondaries(void)
{
	struct hyp_zone *z;
	__u32 cpu;
	int err;

	for (cpu = 1; cpu < HYP_MAX_CPUS; cpu++) {
		z = hyp_zone_of_cpu(cpu);
		if (!z || zone_boot_cpu(z) != cpu)
			continue;
		err = hyp_psci_cpu_on(cpu);
		if (err)
			hyp_printk("hvbridge-hyp: CPU %u: CPU_ON failed (%d), %s not started\n",
				   cpu, err, z->cfg->name);
	}
}

static __attribute__((noreturn)) void hyp_run(__u32 cpu)
{
	struct hyp_zone *z = hyp_zone_of_cpu(cpu);

	/* Stopped before it got here (a kick sent now would be cleared
	 * with its CPU interface on entry): park at once. */
	hyp_hc_zone_entry_check(z);
	/* A zone's own CPU_ON first, for any of its CPUs, its first one
	 * included: the entry and context it asked for.  Else the zone's
	 * first CPU starts the zone (boot, ZONE_START, reset). */
	if (z)
		hyp_arm64_vcpu_start_pending(z);
	if (z && zone_boot_cpu(z) == cpu)
		hyp_arm64_zone_start(z);
	hyp_printk("hvbridge-hyp: CPU %u idle\n", cpu);
	arm64_halt();
}

void hyp_main(__u64 cpu, __u64 boot_x0)
{
	__s64 psci;

	hyp_arm64_console_init();
	hyp_printk("\nhvbridge-hyp: EL2 reached on CPU %lu, CurrentEL %lu, image 0x%lx-0x%lx\n",
		   cpu, (arm64_read_sysreg(CurrentEL) >> 2) & 3,
		   (__u64)__hyp_start, (__u64)__hyp_end);
	hyp_report_dtb(boot_x0);
	hyp_arm64_mmu_init();
	hyp_printk("hvbridge-hyp: vectors installed, VBAR_EL2 0x%lx\n",
		   arm64_read_sysreg(vbar_el2));
	hyp_arm64_selftest();
	psci = hyp_psci_call(PSCI_0_2_VERSION, 0, 0, 0);
	hyp_printk("hvbridge-hyp: PSCI %lu.%lu, CPUs 0x%lx\n",
		   (__u64)psci >> 16, (__u64)psci & 0xffff,
		   hyp_arch_cpu_mask());
	hyp_arm64_channel_init();
	hyp_gic_init();
	hyp_create_zones();
	hyp_arm64_selftest_zones();
	/* From here on other CPUs print too. */
	hyp_printk_smp_begin();
	hyp_start_secondaries();
	hyp_run((__u32)cpu);
}

void hyp_secondary_main(__u64 cpu)
{
	/* First, before any shared data: with the MMU off, loads are
	 * non-cacheable and could miss what CPU 0 has in its cache. */
	hyp_arm64_mmu_enable();
	hyp_printk("hvbridge-hyp: CPU %lu online, MMU on\n", cpu);
	hyp_run((__u32)cpu);
}
