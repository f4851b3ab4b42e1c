/* SPDX-License-Identifier: MIT */
/*
 * hyp/zone.h - zones: what a guest may touch, described statically in C
 * (in the style of a Jailhouse cell config) and checked once at creation.
 *
 * A zone has memory regions, mapped at stage 2 (RAM, or a device passed
 * through), and emulated MMIO windows, which are never mapped: a guest
 * access traps and is served by the hypervisor (later: by the root-zone
 * daemon through the channel).  Addresses seen by the guest are IPAs.
 */
#ifndef HYP_ZONE_H
#define HYP_ZONE_H

#include <hvbridge/types.h>
#include <hyp/mmio.h>

#define HYP_MAX_ZONES		4u

/* hyp_mem_region.flags */
#define HYP_MEM_READ		0x1u
#define HYP_MEM_WRITE		0x2u
#define HYP_MEM_EXEC		0x4u
#define HYP_MEM_IO		0x8u	/* device memory, not RAM */
/* RAM another zone may map too (zone1's RAM in the root zone, for the
 * daemon's virtqueue access); every zone mapping it must say so. */
#define HYP_MEM_SHARED		0x10u
/* Exactly the channel region; root zone only (the kernel module). */
#define HYP_MEM_CHANNEL		0x20u

/* Granule every region is aligned to. */
#define HYP_ZONE_PAGE		0x1000ull

struct hyp_console;

struct hyp_mem_region {
	__u64 phys_start;
	__u64 ipa_start;
	__u64 size;
	__u32 flags;		/* HYP_MEM_* */
	__u32 pad;
};

struct hyp_mmio_window {
	__u64 base;		/* IPA */
	__u64 size;
	const char *name;
	hyp_mmio_handler_t handler;	/* NULL: the daemon's (channel) */
	void *priv;			/* the handler's device state */
	/*
	 * Channel windows with HYP_MMIO_NOTIFY: a 4-byte write of queue q
	 * to @notify_off (a QueueNotify) is posted as a kick of the block's
	 * kick slot instead of a synchronous request, and the vCPU goes on
	 * at once.  The hypervisor gives the slot out (hyp/kickslot.h);
	 * until the daemon acknowledges it, and for q >= HVB_KICK_QUEUES,
	 * the write goes synchronously.  @notify_stride: the window is
	 * blocks of this many bytes, each with its own register at
	 * @notify_off and its own slot (virtio windows of a zone JSON: one
	 * virtio-mmio device each 0x200 bytes); 0: one block, the window.
	 */
	__u32 flags;
	__u32 notify_off;
	__u32 notify_stride;
	__u32 pad;
};

/* hyp_mmio_window.flags */
#define HYP_MMIO_NOTIFY		0x1u

/*
 * The interrupts a zone owns: bit n of bits[n / 32] is GIC INTID n.  Only
 * shared peripheral interrupts (32..1019) may be set, and no two zones
 * may own one.  A guest zone enables, routes and pends them through its
 * virtual distributor, and the root zone's INJECT_IRQ may raise them
 * (docs/interrupts.md).  The root zone lists none: it drives the
 * physical GIC itself.
 */
#define HYP_ZONE_IRQ_WORDS	32u
#define HYP_ZONE_IRQ_MIN	32u
#define HYP_ZONE_IRQ_LIMIT	1020u

struct hyp_zone_irqs {
	__u32 bits[HYP_ZONE_IRQ_WORDS];
};

/* hyp_zone_config.flags */
#define HYP_ZONE_TRACE_MMIO	0x1u	/* log every emulated access */
#define HYP_ZONE_ROOT		0x2u	/* may power the machine off/reset */

struct hyp_zone_config {
	const char *name;
	__u32 id;		/* zone id carried in channel requests */
	__u32 flags;		/* HYP_ZONE_* */
	__u32 nr_mem;
	__u32 pad0;
	__u64 cpus;		/* physical CPUs, bit n = CPU n; the lowest
				 * runs the first vCPU */
	const struct hyp_mem_region *mem;
	__u32 nr_mmio;
	__u32 boot;		/* HYP_ZONE_BOOT_*: how its first CPU enters */
	const struct hyp_mmio_window *mmio;
	/* HYP_ZONE_BOOT_ENTRY (bare metal): */
	__u64 entry;		/* IPA of the first instruction */
	__u64 entry_arg[4];	/* x0..x3 at entry */
	__u64 stack;		/* initial SP of the guest's EL, an IPA */
	const void *image;	/* [image, image_end) is copied to @entry */
	const void *image_end;	/* before the start; one RAM region */
	const struct hyp_zone_irqs *irqs;	/* its SPIs; NULL: none */
	/* HYP_ZONE_BOOT_LINUX (hvisor-tool's kernel_load_paddr and
	 * dtb_load_paddr, which are the zone's IPAs): */
	__u64 kernel_ipa;	/* the arm64 Image's first byte */
	__u64 dtb_ipa;		/* its DTB: x0 at entry */
	/* Its console (hyp/console.h), whose rate limit also bounds the
	 * lines of its test console hypercall; NULL: none (the root zone). */
	struct hyp_console *console;
};

/*
 * hyp_zone_config.boot.  ENTRY: @entry with x0..x3 = @entry_arg and
 * SP = @stack, after copying a built-in @image there (the bare-metal
 * test images).  LINUX: the arm64 boot protocol (booting.rst,
 * docs/zones.md): the Image header at @kernel_ipa and the DTB at
 * @dtb_ipa are checked when the zone starts (arm64/kimage.h), then its
 * first CPU enters at @kernel_ipa with x0 = @dtb_ipa, x1..x3 = 0, MMU and
 * D-cache off, DAIF masked, EL1h.  Either way, later CPUs enter where
 * the zone's PSCI CPU_ON says, with x0 = its context id.
 */
#define HYP_ZONE_BOOT_ENTRY	0u
#define HYP_ZONE_BOOT_LINUX	1u

struct hyp_zone {
	const struct hyp_zone_config *cfg;
	__u32 index;		/* slot in the zone table; arch state index */
	__u32 vmid;		/* stage-2 tag, never 0 (0: no zone) */
	__u32 live;		/* 1 while the slot holds a zone (zone.c) */
	/* 1 once the console said the kick slot table had no room for a
	 * block of this zone: set by its CPUs' claims (atomic swap),
	 * cleared by hyp_zone_create(). */
	__u32 kick_full_told;
};

/*
 * Check @cfg (alignment, overlaps, no hypervisor memory) and build its
 * stage-2 map.  Returns the zone, or NULL after printing why not.
 */
struct hyp_zone *hyp_zone_create(const struct hyp_zone_config *cfg);

/* The zone in slot @index, or NULL if the slot is free. */
struct hyp_zone *hyp_zone_at(__u32 index);
/* The slot hyp_zone_create() will take next, or -1 if none is free. */
int hyp_zone_free_slot(void);
/* Free @z's slot (its CPUs are off; the caller put its GIC state back).
 * Its stage 2 stays until the slot is taken again. */
void hyp_zone_destroy(struct hyp_zone *z);

/* The zone that owns physical CPU @cpu, or NULL. */
struct hyp_zone *hyp_zone_of_cpu(__u32 cpu);

/*
 * A device answered a QueueNotify at zone @z's block [@base, @base +
 * @size) of a strided window (a zone JSON's virtio region), its
 * register at @notify_off: give the block a kick slot if it has none,
 * and publish it, so the daemon can route it and its later QueueNotify
 * writes be posted (docs/abi.md, "Kick slots").  From the trap path of
 * any of the zone's CPUs.  With the table full the block stays
 * synchronous, and the console says so once per zone.
 */
void hyp_zone_kick_claim(const struct hyp_zone *z, __u64 base, __u32 size,
			 __u32 notify_off);

/* The emulated window holding [@ipa, @ipa + @size), or NULL. */
const struct hyp_mmio_window *hyp_zone_find_mmio(const struct hyp_zone *z,
						 __u64 ipa, __u32 size);

/* Arch hooks (hyp/arch/<arch>/). */

/* Physical CPUs present (the bits hyp_zone_config.cpus may use). */
__u64 hyp_arch_cpu_mask(void);
/* Non-zero if [@phys, @phys + @size) overlaps the hypervisor's memory
 * (its image or the channel region). */
int hyp_arch_is_hyp_memory(__u64 phys, __u64 size);
/* Non-zero if [@phys, @phys + @size) is exactly the channel region. */
int hyp_arch_is_channel_region(__u64 phys, __u64 size);
/* Prepare an empty stage-2 map for @z; 0 or -1. */
int hyp_arch_zone_init(struct hyp_zone *z);
/* Map @r into @z's stage 2; 0, or -1 when out of table memory. */
int hyp_arch_zone_map(struct hyp_zone *z, const struct hyp_mem_region *r);

#endif /* HYP_ZONE_H */
