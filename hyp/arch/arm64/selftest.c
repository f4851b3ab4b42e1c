// SPDX-License-Identifier: MIT
/*
 * Self-tests built into separate images, chosen at build time so the
 * hypervisor needs no command line:
 *   hvbridge-hyp.elf            none
 *   hvbridge-hyp-crashtest.elf  HYP_SELFTEST_CRASH: an EL2 data abort,
 *                               to prove the crash report
 *   hvbridge-hyp-zonetest.elf   HYP_SELFTEST_ZONES: zone configs that
 *                               break one rule each must all be refused,
 *                               each for its own reason (the log says
 *                               which; tests/e2e checks); needs a third
 *                               CPU (-smp 3) so the CPU rule is not what
 *                               refuses the others
 */
#include <arm64/chan.h>
#include <arm64/hyp.h>
#include <arm64/mmio.h>
#include <arm64/vcpu.h>
#include <hyp/printk.h>
#include <hyp/zone.h>

/* Outside every range the EL2 stage-1 map covers (see mmu.c). */
#define HYP_SELFTEST_CRASH_ADDR		0xdead0000ul

void hyp_arm64_selftest(void)
{
#ifdef HYP_SELFTEST_CRASH
	hyp_printk("hvbridge-hyp: selftest: reading unmapped 0x%lx at EL2\n",
		   HYP_SELFTEST_CRASH_ADDR);
	(void)mmio_read32((const volatile void *)HYP_SELFTEST_CRASH_ADDR);
	hyp_printk("hvbridge-hyp: selftest: FAILED, the read did not abort\n");
#endif
}

#ifdef HYP_SELFTEST_ZONES
#define RW	(HYP_MEM_READ | HYP_MEM_WRITE)
#define FREE_CPU	(1ull << 2)
#define ST_RAM(pa, ipa, sz, fl) { .phys_start = (pa), .ipa_start = (ipa), \
				  .size = (sz), .flags = (fl) }

static const struct hyp_mem_region st_unaligned[] = {
	ST_RAM(0x50400000ull, 0x40000000ull, 0x1800, RW),
};
static const struct hyp_mem_region st_wraps[] = {
	ST_RAM(0x50400000ull, 0xfffffffffffff000ull, 0x2000, RW),
};
static const struct hyp_mem_region st_hyp_image[] = {
	ST_RAM(0xbfc00000ull, 0x40000000ull, 0x200000, RW),
};
static const struct hyp_mem_region st_channel[] = {
	ST_RAM(HYP_CHANNEL_BASE, HYP_CHANNEL_BASE, HYP_CHANNEL_SIZE,
	       RW | HYP_MEM_CHANNEL),
};
static const struct hyp_mem_region st_ipa_overlap[] = {
	ST_RAM(0x50400000ull, 0x40000000ull, 0x200000, RW),
	ST_RAM(0x50600000ull, 0x40100000ull, 0x200000, RW),
};
static const struct hyp_mem_region st_ram[] = {
	ST_RAM(0x50400000ull, 0x40000000ull, 0x200000, RW),
};
static const struct hyp_mem_region st_ram_clash[] = {
	/* zone2's RAM, which it does not share */
	ST_RAM(0x50200000ull, 0x40000000ull, 0x200000, RW | HYP_MEM_SHARED),
};
static const struct hyp_mmio_window st_window_over_ram[] = {
	{ .base = 0x40100000ull, .size = 0x1000, .name = "w" },
};

/* A PPI (the virtual timer's), and zone1's SPI 72. */
static const struct hyp_zone_irqs st_irq_ppi = { .bits = { 1u << 27 } };
static const struct hyp_zone_irqs st_irq_zone1 = { .bits = { [2] = 1u << 8 } };

#define ST_ZONE(zname, zmem, zcpus) {					\
	.name = (zname), .id = 9, .cpus = (zcpus),			\
	.nr_mem = sizeof(zmem) / sizeof((zmem)[0]), .mem = (zmem),	\
}

static const struct hyp_zone_config st_bad[] = {
	ST_ZONE("bad-unaligned", st_unaligned, FREE_CPU),
	ST_ZONE("bad-wraps", st_wraps, FREE_CPU),
	ST_ZONE("bad-hyp-image", st_hyp_image, FREE_CPU),
	ST_ZONE("bad-channel-not-root", st_channel, FREE_CPU),
	ST_ZONE("bad-ipa-overlap", st_ipa_overlap, FREE_CPU),
	ST_ZONE("bad-ram-clash", st_ram_clash, FREE_CPU),
	ST_ZONE("bad-no-cpu", st_ram, 0),
	ST_ZONE("bad-cpu-absent", st_ram, 1ull << 7),
	ST_ZONE("bad-cpu-shared", st_ram, 1ull << 1),
	{
		.name = "bad-window-over-ram", .id = 9, .cpus = FREE_CPU,
		.nr_mem = 1, .mem = st_ram,
		.nr_mmio = 1, .mmio = st_window_over_ram,
	}, {
		.name = "bad-irq-not-spi", .id = 9, .cpus = FREE_CPU,
		.nr_mem = 1, .mem = st_ram, .irqs = &st_irq_ppi,
	}, {
		.name = "bad-irq-taken", .id = 9, .cpus = FREE_CPU,
		.nr_mem = 1, .mem = st_ram, .irqs = &st_irq_zone1,
	}, {
		.name = "bad-boot-kind", .id = 9, .cpus = FREE_CPU,
		.nr_mem = 1, .mem = st_ram, .boot = 7,
	}, {
		/* A Linux zone's Image is the one in its RAM, not ours. */
		.name = "bad-linux-image", .id = 9, .cpus = FREE_CPU,
		.nr_mem = 1, .mem = st_ram, .boot = HYP_ZONE_BOOT_LINUX,
		.image = hyp_guest_start, .image_end = hyp_guest_end,
	},
};
#endif

void hyp_arm64_selftest_zones(void)
{
#ifdef HYP_SELFTEST_ZONES
	unsigned int i, n = sizeof(st_bad) / sizeof(st_bad[0]), refused = 0;

	for (i = 0; i < n; i++) {
		if (hyp_zone_create(&st_bad[i]))
			hyp_printk("hvbridge-hyp: selftest: FAILED, %s was accepted\n",
				   st_bad[i].name);
		else
			refused++;
	}
	hyp_printk("hvbridge-hyp: selftest: %u of %u bad zone configs refused\n",
		   refused, n);
#endif
}
