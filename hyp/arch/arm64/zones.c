// SPDX-License-Identifier: MIT
/*
 * The zones of QEMU virt (-smp 2 -m 2G), in the style of Jailhouse cell
 * configs.  Two sets, chosen at boot by what QEMU loaded:
 *
 *   a Linux Image at ROOT_KERNEL (-device loader): the root zone on CPUs
 *   0 and 1 (its kernel, with the DTB at ROOT_DTB; Linux starts CPU 1
 *   with PSCI) and zone1 on CPU 2 (-smp 3), or with a user's image and
 *   a fourth CPU (-smp 4) on CPUs 2 and 3 (the image starts CPU 3 with
 *   PSCI CPU_ON);
 *
 *   otherwise two test zones running the built-in guest (guest.S):
 *   zone1 on CPU 1 (RAM at PA 0x50000000) and zone2 on CPU 0 (RAM at
 *   PA 0x50200000).
 *
 * A zone1 image of the user's (docs/run.md), put by QEMU's loader at
 * zone1's RAM (PA 0x50000000, IPA 0x40000000), replaces the built-in
 * guest: zone1 then runs it alone (or next to the root zone), untraced;
 * an arm64 Linux Image is booted the Linux way (zone1_set_boot()).  The
 * root zone always is (HYP_ZONE_BOOT_LINUX, docs/psci.md).
 *
 * The root zone owns RAM 0x40000000-0x4fffffff and 0x80000000-0xbfbfffff
 * (two banks around the guest pool, up to the hypervisor) and every
 * device of the low 1 GiB but the UART, identity mapped, and keeps the
 * physical GIC; the UART is the hypervisor's, reached through a trapped
 * window (root_mmio, docs/console.md); it also maps the channel region
 * and the guest pool with zone1's RAM (shared), for hvbridge.ko and the
 * daemon.  The DTB it gets says so (tests/e2e/mkroot.sh makes it from
 * QEMU's, with an hvbridge node).
 *
 * Both see their RAM at IPA 0x40000000 (so a wrong stage 2 or VMID shows
 * at once), an emulated PL011 at the UART's address (hyp/console.h:
 * output only, printed as the zone's console lines), and two emulated
 * windows of the test device, never mapped:
 *
 *   0x0b100000  "testdev-hyp": served in the hypervisor, one per zone
 *   0x0b000000  "testdev": HVB_TESTDEV_DEFAULT_BASE, served by the
 *               root-zone daemon through the channel
 *
 * the same device both ways, so the cost of the channel can be measured
 * against an in-hypervisor handler in one run; and a third:
 *
 *   0x0b200000  "console": the write-only console (hyp/console.h),
 *               one per zone, lines printed as "[zoneN] ..."
 *
 * zone1 also has three virtio-mmio windows through the channel, at
 * 0x0a000000 + 0x200 * n (blk, console, rng; ZONE1_VIRTIO below).
 */
#include <hvbridge/testdev.h>
#include <arm64/chan.h>
#include <arm64/console.h>
#include <arm64/gic.h>
#include <arm64/hyp.h>
#include <arm64/kimage.h>
#include <arm64/vcpu.h>
#include <arm64/zone_create.h>
#include <arm64/zones.h>
#include <hyp/fdt.h>
#include <hyp/mmio.h>
#include <hyp/printk.h>

/*
 * Built twice: as is, and with HYP_BENCH for hvbridge-hyp-bench.elf,
 * where zone1 alone runs, untraced, and its guest then times
 * HYP_BENCH_ITERS reads of each test device window (x3 at entry).
 */
#ifdef HYP_BENCH
#define ZONE_FLAGS	0u
#define ZONE_BENCH	HYP_BENCH_ITERS
#define HYP_BENCH_ITERS	20000u
#else
#define ZONE_FLAGS	HYP_ZONE_TRACE_MMIO
#define ZONE_BENCH	0u
#endif

#define ZONE_RAM_IPA	0x40000000ull
#define ZONE_RAM_SIZE	0x00200000ull
#define QEMU_VIRT_UART	0x09000000ull
#define TESTDEV_HYP	0x0b100000ull
#define ZONE1_RAM	0x50000000ull

#define ROOT_RAM	0x40000000ull
#define ROOT_RAM_SIZE	0x10000000ull
/* Its second bank: the RAM between the guest pool and the hypervisor's
 * image (hyp.lds); the zone checks refuse it if the two ever overlap. */
#define ROOT_RAM_HIGH	0x80000000ull
#define ROOT_RAM_HIGH_SIZE	0x3fc00000ull
#define ROOT_KERNEL	0x40200000ull	/* 2 MiB aligned, text_offset 0 */
#define ROOT_DTB	0x48000000ull
#define ARM64_IMAGE_MAGIC	0x644d5241u	/* "ARM\x64" at offset 0x38 */

#define ZONE_MEM(pa, share) {						\
	{								\
		.phys_start = (pa),					\
		.ipa_start = ZONE_RAM_IPA,				\
		.size = ZONE_RAM_SIZE,					\
		.flags = HYP_MEM_READ | HYP_MEM_WRITE | HYP_MEM_EXEC |	\
			 (share),					\
	},								\
}

#define ZONE_TESTDEV(dev, con) { ZONE_TESTDEV_WINDOWS(dev, con) }

/*
 * Every guest zone's GIC: the distributor and redistributors at the
 * physical IPAs, never mapped, trapped and filtered to its own
 * interrupts and CPUs (vgic.c, docs/interrupts.md).
 */
#define ZONE_GIC_WINDOWS						\
	{								\
		.base = HYP_GICD_BASE,					\
		.size = 0x10000,					\
		.name = "gicd",						\
		.handler = hyp_vgic_dist_access,			\
	}, {								\
		.base = HYP_GICR_BASE,					\
		.size = HYP_VGIC_REDIST_FRAMES * 0x20000ull,		\
		.name = "gicr",						\
		.handler = hyp_vgic_redist_access,			\
	}

/* A zone's SPIs: INTIDs [first, first + 8). */
#define ZONE_IRQS8(first) {						\
	.bits = { [(first) / 32] = 0xffu << ((first) % 32) },		\
}

#define ZONE_TESTDEV_WINDOWS(dev, con)					\
	ZONE_GIC_WINDOWS,						\
	{								\
		.base = TESTDEV_HYP,					\
		.size = HVB_TESTDEV_SIZE,				\
		.name = "testdev-hyp",					\
		.handler = hyp_testdev_access,				\
		.priv = (dev),						\
	}, {								\
		.base = HVB_TESTDEV_DEFAULT_BASE,			\
		.size = HVB_TESTDEV_SIZE,				\
		.name = "testdev",					\
		.flags = HYP_MMIO_NOTIFY,				\
		.notify_off = HVB_TESTDEV_NOTIFY,			\
	}, {								\
		.base = HYP_ARM64_CONSOLE_IPA,				\
		.size = HYP_CONSOLE_SIZE,				\
		.name = "console",					\
		.handler = hyp_console_access,				\
		.priv = (con),						\
	}, {								\
		.base = QEMU_VIRT_UART,					\
		.size = HYP_PL011_SIZE,					\
		.name = "pl011",					\
		.handler = hyp_console_pl011_access,			\
		.priv = (con),						\
	}

#define ZONE_CONFIG(zname, zid, cpu, zmem, zmmio, zirqs, zcon)		\
	ZONE_CONFIG_IMAGE(zname, zid, cpu, zmem, zmmio, ZONE_FLAGS,	\
			  hyp_guest_start, hyp_guest_end, zirqs, zcon)

/* An empty image: the zone runs what is already in its RAM. */
#define ZONE_CONFIG_IMAGE(zname, zid, cpu, zmem, zmmio, zflags, img,	\
			  img_end, zirqs, zcon)				\
	ZONE_CONFIG_CPUS(zname, zid, 1ull << (cpu), zmem, zmmio, zflags, \
			 img, img_end, zirqs, zcon)

/* @zcpus: a set; the zone starts on its lowest CPU. */
#define ZONE_CONFIG_CPUS(zname, zid, zcpus, zmem, zmmio, zflags, img,	\
			 img_end, zirqs, zcon) {			\
	.name = (zname),						\
	.id = (zid),							\
	.flags = (zflags),						\
	.cpus = (zcpus),						\
	.nr_mem = sizeof(zmem) / sizeof((zmem)[0]),			\
	.mem = (zmem),							\
	.nr_mmio = sizeof(zmmio) / sizeof((zmmio)[0]),			\
	.mmio = (zmmio),						\
	.entry = ZONE_RAM_IPA,						\
	.entry_arg = { TESTDEV_HYP, QEMU_VIRT_UART,			\
		       HVB_TESTDEV_DEFAULT_BASE, ZONE_BENCH },		\
	.stack = ZONE_RAM_IPA + ZONE_RAM_SIZE,				\
	.image = (img),							\
	.image_end = (img_end),						\
	.irqs = (zirqs),						\
	.console = (zcon),						\
}

static struct hyp_testdev zone1_testdev;
/* Its UART's TX interrupt: INTID 77 (SPI 45 in a DTB), of zone1's 72-79
 * the one no daemon config uses (docs/console.md); zone2's INTID 71. */
static struct hyp_console zone1_console = HYP_CONSOLE_INIT_IRQ("zone1", 77);
/* zone1's RAM is shared with the root zone, where the daemon runs. */
static const struct hyp_mem_region zone1_mem[] =
	ZONE_MEM(ZONE1_RAM, HYP_MEM_SHARED);

/*
 * zone1 also gets ZONE1_VIRTIO_NR virtio-mmio windows, served by the
 * daemon through the channel (configs/zone1-virtio-host.json: blk,
 * console, rng in this order), each QueueNotify posted as a kick of the
 * slot the hypervisor gives the window when the zone is created
 * (hyp/kickslot.h: the lowest free, so 1, 2, 3 after the test device's
 * 0 at boot; the daemon learns them from the region).
 */
#define ZONE1_VIRTIO_BASE	0x0a000000ull
#define ZONE1_VIRTIO_SIZE	0x200ull
#define ZONE1_VIRTIO_NOTIFY	0x50u	/* VIRTIO_MMIO_QUEUE_NOTIFY */
#define ZONE1_VIRTIO(i, vname) {					\
	.base = ZONE1_VIRTIO_BASE + (i) * ZONE1_VIRTIO_SIZE,		\
	.size = ZONE1_VIRTIO_SIZE,					\
	.name = (vname),						\
	.flags = HYP_MMIO_NOTIFY,					\
	.notify_off = ZONE1_VIRTIO_NOTIFY,				\
}

static const struct hyp_mmio_window zone1_mmio[] = {
	ZONE_TESTDEV_WINDOWS(&zone1_testdev, &zone1_console),
	ZONE1_VIRTIO(0, "virtio-blk"),
	ZONE1_VIRTIO(1, "virtio-console"),
	ZONE1_VIRTIO(2, "virtio-rng"),
};

/*
 * zone1's interrupts: INTIDs 72-79, the ones the daemon's configs give
 * its virtio-mmio devices (configs/ JSON) and INJECT_IRQ raises; QEMU
 * virt wires no device of its own to them when none is on its command
 * line.  zone2's: 64-71.
 */
static const struct hyp_zone_irqs zone1_irqs = ZONE_IRQS8(72);

static const struct hyp_zone_config zone1_config =
	ZONE_CONFIG("zone1", HVB_TESTDEV_DEFAULT_ZONE, 1, zone1_mem,
		    zone1_mmio, &zone1_irqs, &zone1_console);
#ifndef HYP_BENCH
static struct hyp_testdev zone2_testdev;
static struct hyp_console zone2_console = HYP_CONSOLE_INIT_IRQ("zone2", 71);
static const struct hyp_mem_region zone2_mem[] = ZONE_MEM(0x50200000ull, 0);
static const struct hyp_mmio_window zone2_mmio[] =
	ZONE_TESTDEV(&zone2_testdev, &zone2_console);
static const struct hyp_zone_irqs zone2_irqs = ZONE_IRQS8(64);
static const struct hyp_zone_config zone2_config =
	ZONE_CONFIG("zone2", 2, 0, zone2_mem, zone2_mmio, &zone2_irqs,
		    &zone2_console);
#endif
/* Next to the root zone, zone1 takes the third CPU (-smp 3). */
static const struct hyp_zone_config zone1_root_config =
	ZONE_CONFIG("zone1", HVB_TESTDEV_DEFAULT_ZONE, 2, zone1_mem,
		    zone1_mmio, &zone1_irqs, &zone1_console);

/* zone1 with the user's image (zone1_has_image()), alone or next to
 * the root zone. */
static struct hyp_zone_config zone1_image_config =
	ZONE_CONFIG_IMAGE("zone1", HVB_TESTDEV_DEFAULT_ZONE, 1, zone1_mem,
			  zone1_mmio, 0u, 0, 0, &zone1_irqs,
			  &zone1_console);
static struct hyp_zone_config zone1_root_image_config =
	ZONE_CONFIG_IMAGE("zone1", HVB_TESTDEV_DEFAULT_ZONE, 2, zone1_mem,
			  zone1_mmio, 0u, 0, 0, &zone1_irqs,
			  &zone1_console);
/* With a fourth CPU, zone1 next to the root zone gets CPU 3 as well
 * (its second vCPU: tests/guest/hammer.c starts it). */
#define ZONE1_SMP_CPUS	((1ull << 2) | (1ull << 3))
static struct hyp_zone_config zone1_root_smp_image_config =
	ZONE_CONFIG_CPUS("zone1", HVB_TESTDEV_DEFAULT_ZONE, ZONE1_SMP_CPUS,
			 zone1_mem, zone1_mmio, 0u, 0, 0, &zone1_irqs,
			  &zone1_console);

/* Without the root zone, with a zone1 image and a third CPU (-smp 3),
 * zone1 gets CPUs 1 and 2 (tests/guest/gic.c's SGI cases). */
#define ZONE1_PAIR_CPUS	((1ull << 1) | (1ull << 2))
static struct hyp_zone_config zone1_pair_image_config =
	ZONE_CONFIG_CPUS("zone1", HVB_TESTDEV_DEFAULT_ZONE, ZONE1_PAIR_CPUS,
			 zone1_mem, zone1_mmio, 0u, 0, 0, &zone1_irqs,
			  &zone1_console);

/* Its entry for the guest pool is set at boot (hyp_zones_read_pool()). */
#define ROOT_MEM_POOL	4
static struct hyp_mem_region root_mem[] = {
	{
		.phys_start = ROOT_RAM,
		.ipa_start = ROOT_RAM,
		.size = ROOT_RAM_SIZE,
		.flags = HYP_MEM_READ | HYP_MEM_WRITE | HYP_MEM_EXEC,
	}, {
		.phys_start = ROOT_RAM_HIGH,
		.ipa_start = ROOT_RAM_HIGH,
		.size = ROOT_RAM_HIGH_SIZE,
		.flags = HYP_MEM_READ | HYP_MEM_WRITE | HYP_MEM_EXEC,
	}, {
		/* GIC, RTC, virtio-mmio, ...: the whole low 1 GiB but
		 * the UART's page (root_mmio). */
		.phys_start = 0,
		.ipa_start = 0,
		.size = QEMU_VIRT_UART,
		.flags = HYP_MEM_READ | HYP_MEM_WRITE | HYP_MEM_IO,
	}, {
		.phys_start = QEMU_VIRT_UART + HYP_PL011_SIZE,
		.ipa_start = QEMU_VIRT_UART + HYP_PL011_SIZE,
		.size = 0x40000000ull - QEMU_VIRT_UART - HYP_PL011_SIZE,
		.flags = HYP_MEM_READ | HYP_MEM_WRITE | HYP_MEM_IO,
	}, {
		/* The guest pool (zone_create.h), zone1's RAM in it: for
		 * the daemon's virtqueue access and the module's image
		 * loads. */
		.phys_start = HYP_GUEST_POOL_BASE,
		.ipa_start = HYP_GUEST_POOL_BASE,
		.size = HYP_GUEST_POOL_SIZE,
		.flags = HYP_MEM_READ | HYP_MEM_WRITE | HYP_MEM_SHARED,
	}, {
		/* The channel region, for hvbridge.ko and the daemon. */
		.phys_start = HYP_CHANNEL_BASE,
		.ipa_start = HYP_CHANNEL_BASE,
		.size = HYP_CHANNEL_SIZE,
		.flags = HYP_MEM_READ | HYP_MEM_WRITE | HYP_MEM_CHANNEL,
	},
};

/*
 * The UART is the hypervisor's: the root zone's accesses trap and are
 * forwarded to it, its output kept apart from the hypervisor's lines
 * (pl011.c, docs/console.md).
 */
static const struct hyp_mmio_window root_mmio[] = {
	{
		.base = QEMU_VIRT_UART,
		.size = HYP_PL011_SIZE,
		.name = "uart",
		.handler = hyp_arm64_uart_root_access,
	},
};

static const struct hyp_zone_config root_config = {
	.name = "root",
	.id = 0,
	.flags = HYP_ZONE_ROOT,
	.cpus = (1ull << 0) | (1ull << 1),	/* Linux starts CPU 1 */
	.nr_mem = sizeof(root_mem) / sizeof(root_mem[0]),
	.mem = root_mem,
	.nr_mmio = sizeof(root_mmio) / sizeof(root_mmio[0]),
	.mmio = root_mmio,
	.boot = HYP_ZONE_BOOT_LINUX,		/* arm64 boot protocol */
	.kernel_ipa = ROOT_KERNEL,
	.dtb_ipa = ROOT_DTB,
};

static const struct hyp_zone_config *const test_zones[] = {
	&zone1_config,
#ifndef HYP_BENCH
	&zone2_config,
#endif
};

static const struct hyp_zone_config *const root_zones[] = {
	&root_config,
	&zone1_root_config,
};

static const struct hyp_zone_config *const image_zones[] = {
	&zone1_image_config,
};

static const struct hyp_zone_config *const pair_image_zones[] = {
	&zone1_pair_image_config,
};

static const struct hyp_zone_config *const root_image_zones[] = {
	&root_config,
	&zone1_root_image_config,
};

static const struct hyp_zone_config *const root_smp_image_zones[] = {
	&root_config,
	&zone1_root_smp_image_config,
};

/*
 * QEMU starts with its RAM zeroed and its loaders run before any CPU, so
 * a non-zero first word of zone1's RAM is an image someone loaded there
 * (no entry instruction is all zeros: that is UDF #0).
 */
static int zone1_has_image(void)
{
	return *(const volatile __u64 *)ZONE1_RAM != 0;
}

/*
 * A zone1 image that carries the arm64 Image header's magic is booted
 * the Linux way (HYP_ZONE_BOOT_LINUX): the Image at the start of its
 * RAM, its DTB ZONE1_DTB_OFF into it (the last 64 KiB), where the user
 * loads one (docs/run.md).  Any other image keeps its bare-metal entry.
 */
#define ZONE1_DTB_OFF	0x1f0000ull

static int zone1_is_linux(void)
{
	return *(const volatile __u32 *)(ZONE1_RAM + 0x38) ==
	       ARM64_IMAGE_MAGIC;
}

static void zone1_set_boot(void)
{
	struct hyp_zone_config *const cfgs[] = {
		&zone1_image_config, &zone1_root_image_config,
		&zone1_root_smp_image_config, &zone1_pair_image_config,
	};
	unsigned int i;

	for (i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		cfgs[i]->boot = HYP_ZONE_BOOT_LINUX;
		cfgs[i]->kernel_ipa = ZONE_RAM_IPA;
		cfgs[i]->dtb_ipa = ZONE_RAM_IPA + ZONE1_DTB_OFF;
	}
}

__u64 hyp_guest_pool_base = HYP_GUEST_POOL_BASE;
__u64 hyp_guest_pool_size = HYP_GUEST_POOL_SIZE;

static int zones_overlap(__u64 a, __u64 asize, __u64 b, __u64 bsize)
{
	return a < b + bsize && b < a + asize;
}

/*
 * The guest pool, from the root zone's DTB (QEMU's loader put it at
 * ROOT_DTB before we ran): the no-map /reserved-memory node that keeps
 * the root zone's Linux off it (hyp/fdt.h).  No DTB there, or no such
 * node: QEMU virt's constant, said on the console.  Returns -1, after
 * saying why, when the DTB is malformed or the pool is not one this
 * machine can give guest zones: the boot then starts no zone.
 */
static int hyp_zones_read_pool(void)
{
	__u64 base = 0, size = 0;
	const char *why = 0;
	int err = hyp_fdt_guest_pool((const void *)ROOT_DTB, HYP_FDT_MAX_SIZE,
				     &base, &size);

	if (err == HYP_FDT_ABSENT) {
		hyp_printk("hvbridge-hyp: guest pool: none in the root zone's DTB at 0x%lx; QEMU virt's, 0x%lx-0x%lx\n",
			   (__u64)ROOT_DTB, hyp_guest_pool_base,
			   hyp_guest_pool_base + hyp_guest_pool_size - 1);
		return 0;
	}
	if (err)
		why = hyp_fdt_strerror(err);
	else if ((base | size) & 0xfffull)
		why = "the guest pool is not 4 KiB aligned";
	else if (base < HYP_RAM_BASE || size > HYP_RAM_SIZE ||
		 base - HYP_RAM_BASE > HYP_RAM_SIZE - size)
		why = "the guest pool is not inside the machine's RAM";
	else if (zones_overlap(base, size, ROOT_RAM, ROOT_RAM_SIZE) ||
		 zones_overlap(base, size, ROOT_RAM_HIGH, ROOT_RAM_HIGH_SIZE))
		why = "the guest pool overlaps the root zone's own RAM";
	else if (hyp_arch_is_hyp_memory(base, size))
		why = "the guest pool overlaps the hypervisor's memory";
	else if (ZONE1_RAM < base ||
		 ZONE1_RAM + ZONE_RAM_SIZE > base + size)
		why = "the guest pool does not hold zone1's RAM (0x50000000, 2 MiB), which the root zone reaches through it";
	if (why) {
		hyp_printk("hvbridge-hyp: root zone's DTB at 0x%lx: %s (pool 0x%lx, 0x%lx bytes): no zone started\n",
			   (__u64)ROOT_DTB, why, base, size);
		return -1;
	}
	hyp_guest_pool_base = base;
	hyp_guest_pool_size = size;
	root_mem[ROOT_MEM_POOL].phys_start = base;
	root_mem[ROOT_MEM_POOL].ipa_start = base;
	root_mem[ROOT_MEM_POOL].size = size;
	hyp_printk("hvbridge-hyp: guest pool 0x%lx-0x%lx, from the root zone's DTB\n",
		   base, base + size - 1);
	return 0;
}

const struct hyp_zone_config *const *hyp_zone_configs(unsigned int *nr)
{
	const volatile __u32 *magic =
		(const volatile __u32 *)(ROOT_KERNEL + 0x38);

	int image = zone1_has_image();

	if (*magic == ARM64_IMAGE_MAGIC && hyp_zones_read_pool()) {
		*nr = 0;
		return root_zones;
	}

	if (image)
		hyp_printk("hvbridge-hyp: zone1: image loaded at PA 0x%lx, entry IPA 0x%lx\n",
			   (__u64)ZONE1_RAM, (__u64)ZONE_RAM_IPA);
	if (image && zone1_is_linux()) {
		hyp_printk("hvbridge-hyp: zone1: the image is an arm64 Linux Image: Linux boot, DTB at IPA 0x%lx\n",
			   (__u64)(ZONE_RAM_IPA + ZONE1_DTB_OFF));
		zone1_set_boot();
	}
	if (*magic == ARM64_IMAGE_MAGIC && image &&
	    (hyp_arch_cpu_mask() & ZONE1_SMP_CPUS) == ZONE1_SMP_CPUS) {
		*nr = sizeof(root_smp_image_zones) /
		      sizeof(root_smp_image_zones[0]);
		return root_smp_image_zones;
	}
	if (*magic == ARM64_IMAGE_MAGIC && image) {
		*nr = sizeof(root_image_zones) / sizeof(root_image_zones[0]);
		return root_image_zones;
	}
	if (*magic == ARM64_IMAGE_MAGIC) {
		*nr = sizeof(root_zones) / sizeof(root_zones[0]);
		return root_zones;
	}
	if (image && (hyp_arch_cpu_mask() & ZONE1_PAIR_CPUS) ==
	    ZONE1_PAIR_CPUS) {
		*nr = sizeof(pair_image_zones) / sizeof(pair_image_zones[0]);
		return pair_image_zones;
	}
	if (image) {
		*nr = sizeof(image_zones) / sizeof(image_zones[0]);
		return image_zones;
	}
	*nr = sizeof(test_zones) / sizeof(test_zones[0]);
	return test_zones;
}
