// SPDX-License-Identifier: MIT
/*
 * The zones of QEMU virt (-m 1G), in the style of Jailhouse cell configs.
 *
 * zone1: 2 MiB of RAM at PA 0x50000000, seen by the guest at IPA
 * 0x40000000 (so a wrong stage 2 shows at once); the PL011 passed
 * through; the test device as an emulated window at
 * HVB_TESTDEV_DEFAULT_BASE, never mapped, served for now by the
 * hypervisor's own model (the daemon's once the channel is wired).
 */
#include <hvbridge/testdev.h>
#include <arm64/vcpu.h>
#include <arm64/zones.h>
#include <hyp/mmio.h>

#define ZONE1_RAM_PA	0x50000000ull
#define ZONE1_RAM_IPA	0x40000000ull
#define ZONE1_RAM_SIZE	0x00200000ull
#define QEMU_VIRT_UART	0x09000000ull

static const struct hyp_mem_region zone1_mem[] = {
	{
		.phys_start = ZONE1_RAM_PA,
		.ipa_start = ZONE1_RAM_IPA,
		.size = ZONE1_RAM_SIZE,
		.flags = HYP_MEM_READ | HYP_MEM_WRITE | HYP_MEM_EXEC,
	}, {
		.phys_start = QEMU_VIRT_UART,
		.ipa_start = QEMU_VIRT_UART,
		.size = 0x1000,
		.flags = HYP_MEM_READ | HYP_MEM_WRITE | HYP_MEM_IO,
	},
};

static struct hyp_testdev zone1_testdev;

static const struct hyp_mmio_window zone1_mmio[] = {
	{
		.base = HVB_TESTDEV_DEFAULT_BASE,
		.size = HVB_TESTDEV_SIZE,
		.name = "testdev",
		.handler = hyp_testdev_access,
		.priv = &zone1_testdev,
	},
};

const struct hyp_zone_config hyp_zone1_config = {
	.name = "zone1",
	.id = HVB_TESTDEV_DEFAULT_ZONE,
	.flags = HYP_ZONE_TRACE_MMIO,
	.nr_mem = sizeof(zone1_mem) / sizeof(zone1_mem[0]),
	.mem = zone1_mem,
	.nr_mmio = sizeof(zone1_mmio) / sizeof(zone1_mmio[0]),
	.mmio = zone1_mmio,
	.entry = ZONE1_RAM_IPA,
	.entry_arg = { HVB_TESTDEV_DEFAULT_BASE, QEMU_VIRT_UART },
	.stack = ZONE1_RAM_IPA + ZONE1_RAM_SIZE,
	.image = hyp_guest_start,
	.image_end = hyp_guest_end,
};
