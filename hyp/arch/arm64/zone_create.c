// SPDX-License-Identifier: MIT
/*
 * Guest zones at run time: HVB_HC_ZONE_CREATE turns a zone descriptor
 * (hvbridge/zone-desc.h) into a struct hyp_zone_config, as Jailhouse's
 * cell create does with a cell config:
 *
 *   1. copy the descriptor out of root-zone memory into the slot's own
 *      storage, so the root zone cannot change what is checked after the
 *      check (TOCTOU);
 *   2. check the copy against the machine and the other zones
 *      (hyp_zone_desc_check(), hyp/core/zone_check.c);
 *   3. build the config: ram regions mapped (shared: the root zone maps
 *      the guest pool), io regions passed through as device memory,
 *      virtio windows trapped and forwarded to the daemon, plus the
 *      windows every guest zone gets (the trapped GICD and GICR, the
 *      write-only console);
 *   4. hyp_zone_create(): the core's own checks and the stage-2 map.
 *
 * The zone is then STOPPED; the root zone loads its images and starts it
 * (HVB_HC_ZONE_START).  Its first CPU enters at entry_point with x0 = the
 * DTB's IPA (the arm64 boot protocol).
 */
#include <hvbridge/channel.h>
#include <hvbridge/hypercall.h>
#include <hvbridge/zone-desc.h>
#include <arm64/chan.h>
#include <arm64/console.h>
#include <arm64/gic.h>
#include <arm64/hvc.h>
#include <arm64/hyp.h>
#include <arm64/sysreg.h>
#include <arm64/zone_create.h>
#include <hyp/console.h>
#include <hyp/printk.h>
#include <hyp/zone.h>
#include <hyp/zone_check.h>

/* QEMU virt's devices the hypervisor keeps (physical). */
#define QEMU_VIRT_GICD_SIZE	0x10000ull
#define QEMU_VIRT_GITS		0x08080000ull	/* the ITS: no zone's */
#define QEMU_VIRT_GITS_SIZE	0x20000ull
#define QEMU_VIRT_GICR_SIZE	0xf60000ull
#define QEMU_VIRT_UART		0x09000000ull
#define QEMU_VIRT_UART_INTID	33u	/* SPI 1 */
#define ZC_GICR_WINDOW		(HYP_VGIC_REDIST_FRAMES * 0x20000ull)

/* The windows every guest zone gets, then its virtio ones. */
#define ZC_FIXED_WINDOWS	4u	/* gicd, gicr, console, pl011 */

/* A zone created at run time: everything its config points to. */
struct zc_zone {
	struct hvb_zone_desc desc;	/* the copy that was checked */
	struct hyp_zone_config cfg;
	struct hyp_mem_region mem[HVB_ZONE_DESC_MAX_MEM];
	struct hyp_mmio_window mmio[ZC_FIXED_WINDOWS +
				    HVB_ZONE_DESC_MAX_MEM];
	struct hyp_zone_irqs irqs;
	struct hyp_console console;
	__u32 used;			/* 1: this slot's zone is ours */
	__u32 pad;
};

/* By zone slot (struct hyp_zone.index).  Under the zone-control lock. */
static struct zc_zone zc_zones[HYP_MAX_ZONES];

static const struct hyp_zone_range zc_fixed[] = {
	{ HYP_GICD_BASE, QEMU_VIRT_GICD_SIZE },
	{ HYP_GICR_BASE, ZC_GICR_WINDOW },
	{ HYP_ARM64_CONSOLE_IPA, HYP_CONSOLE_SIZE },
};

/* Scratch for the environment: the ranges and ids of the other zones. */
static struct hyp_zone_range zc_busy[HYP_MAX_ZONES * HVB_ZONE_DESC_MAX_MEM];
static __u32 zc_ids[HYP_MAX_ZONES];
static __u32 zc_irqs_busy[HVB_ZONE_DESC_IRQ_WORDS];
static __u32 zc_irqs_hyp[HVB_ZONE_DESC_IRQ_WORDS];

/* Zeroed a word at a time: no compiler-made memset call in a
 * freestanding image (struct literals would make one). */
static void zc_zero(void *p, __u32 size)
{
	volatile __u64 *w = p;
	__u32 i;

	for (i = 0; i < size / 8; i++)
		w[i] = 0;
}

static void zc_range(struct hyp_zone_range *r, __u64 base, __u64 size)
{
	r->base = base;
	r->size = size;
}

static void zc_env(struct hyp_zone_env *env,
		   struct hyp_zone_range *hyp_ranges)
{
	const struct hyp_zone_config *cfg;
	struct hyp_zone *z;
	__u32 i, j, w, nb = 0, ni = 0;

	zc_range(&hyp_ranges[0], (__u64)__hyp_start,
		 (__u64)__hyp_end - (__u64)__hyp_start);
	zc_range(&hyp_ranges[1], HYP_CHANNEL_BASE, HYP_CHANNEL_SIZE);
	zc_range(&hyp_ranges[2], HYP_GICD_BASE, QEMU_VIRT_GICD_SIZE);
	zc_range(&hyp_ranges[3], QEMU_VIRT_GITS, QEMU_VIRT_GITS_SIZE);
	zc_range(&hyp_ranges[4], HYP_GICR_BASE, QEMU_VIRT_GICR_SIZE);
	zc_range(&hyp_ranges[5], QEMU_VIRT_UART, 0x1000);
	for (w = 0; w < HVB_ZONE_DESC_IRQ_WORDS; w++)
		zc_irqs_busy[w] = zc_irqs_hyp[w] = 0;
	w = 32 + HYP_CHANNEL_WAKE_SPI;
	zc_irqs_hyp[w / 32] |= 1u << (w % 32);
	/* The UART's interrupt: the UART is the hypervisor's and the root
	 * zone's (its console input), never a guest zone's. */
	w = QEMU_VIRT_UART_INTID;
	zc_irqs_hyp[w / 32] |= 1u << (w % 32);

	zc_zero(env, sizeof(*env));
	env->cpus_present = hyp_arch_cpu_mask();
	zc_range(&env->pool, hyp_guest_pool_base, hyp_guest_pool_size);
	zc_range(&env->ram, HYP_RAM_BASE, HYP_RAM_SIZE);
	zc_range(&env->gicd, HYP_GICD_BASE, QEMU_VIRT_GICD_SIZE);
	zc_range(&env->gicr, HYP_GICR_BASE, QEMU_VIRT_GICR_SIZE);
	env->hyp = hyp_ranges;
	env->nr_hyp = 6;
	env->busy = zc_busy;
	env->fixed = zc_fixed;
	env->nr_fixed = sizeof(zc_fixed) / sizeof(zc_fixed[0]);
	env->ids = zc_ids;
	env->irqs_busy = zc_irqs_busy;
	env->irqs_hyp = zc_irqs_hyp;
	for (i = 0; i < HYP_MAX_ZONES; i++) {
		z = hyp_zone_at(i);
		if (!z)
			continue;
		cfg = z->cfg;
		zc_ids[ni++] = cfg->id;
		if (cfg->flags & HYP_ZONE_ROOT) {
			env->cpus_root |= cfg->cpus;
			continue;	/* its maps are everyone's devices and
					 * the pool: the rules cover it */
		}
		env->cpus_busy |= cfg->cpus;
		for (j = 0; j < cfg->nr_mem; j++)
			zc_range(&zc_busy[nb++], cfg->mem[j].phys_start,
				 cfg->mem[j].size);
		for (w = 0; cfg->irqs && w < HVB_ZONE_DESC_IRQ_WORDS &&
		     w < HYP_ZONE_IRQ_WORDS; w++)
			zc_irqs_busy[w] |= cfg->irqs->bits[w];
	}
	env->nr_busy = nb;
	env->nr_ids = ni;
}

/* Root RAM -> our copy, a word at a time (volatile: no compiler-made
 * memcpy call in a freestanding image, and each word read once). */
static void zc_copy_in(struct hvb_zone_desc *dst, __u64 pa)
{
	const volatile __u64 *src = (const volatile __u64 *)pa;
	__u64 *d = (__u64 *)dst;
	__u32 i;

	for (i = 0; i < sizeof(*dst) / 8; i++)
		d[i] = src[i];
}

static struct hyp_mmio_window *zc_window(struct zc_zone *zz, __u32 *nw,
					 __u64 base, __u64 size,
					 const char *name)
{
	struct hyp_mmio_window *w = &zz->mmio[(*nw)++];

	zc_zero(w, sizeof(*w));
	w->base = base;
	w->size = size;
	w->name = name;
	return w;
}

static void zc_build(struct zc_zone *zz)
{
	const struct hvb_zone_desc *d = &zz->desc;
	const struct hvb_zone_desc_mem *dtb;
	struct hyp_zone_config *cfg = &zz->cfg;
	struct hyp_mem_region *r;
	struct hyp_mmio_window *w;
	__u32 i, nm = 0, nw = 0;

	zc_window(zz, &nw, HYP_GICD_BASE, QEMU_VIRT_GICD_SIZE, "gicd")
		->handler = hyp_vgic_dist_access;
	zc_window(zz, &nw, HYP_GICR_BASE, ZC_GICR_WINDOW, "gicr")
		->handler = hyp_vgic_redist_access;
	zc_zero(&zz->console, sizeof(zz->console));
	zz->console.name = d->name;	/* lock and line: zero, unlocked */
	/* The PL011 registers as at reset; no TX interrupt (the JSON
	 * names none for it): polled output, as earlycon writes. */
	zz->console.cr = HYP_PL011_CR_RESET;
	zz->console.ifls = HYP_PL011_IFLS_RESET;
	w = zc_window(zz, &nw, HYP_ARM64_CONSOLE_IPA, HYP_CONSOLE_SIZE,
		      "console");
	w->handler = hyp_console_access;
	w->priv = &zz->console;
	/* Its console UART, at the physical UART's IPA as on every guest
	 * zone: emulated, its lines printed "[name] ..." (docs/console.md). */
	w = zc_window(zz, &nw, QEMU_VIRT_UART, HYP_PL011_SIZE, "pl011");
	w->handler = hyp_console_pl011_access;
	w->priv = &zz->console;
	for (i = 0; i < d->nr_mem; i++) {
		const struct hvb_zone_desc_mem *m = &d->mem[i];

		if (m->type == HVB_ZONE_MEM_VIRTIO) {
			/* Through the channel.  A virtio-mmio device each
			 * 0x200 bytes, as hvisor-tool's configs and QEMU
			 * virt lay them out: a block gets a kick slot when
			 * a device first answers its QueueNotify
			 * (hyp_zone_kick_claim()), and its QueueNotify is
			 * posted once the daemon routes that slot
			 * (docs/abi.md, "Kick slots"). */
			w = zc_window(zz, &nw, m->ipa, m->size, "virtio");
			w->flags = HYP_MMIO_NOTIFY;
			w->notify_off = HVB_VIRTIO_MMIO_NOTIFY;
			w->notify_stride = HVB_VIRTIO_MMIO_STRIDE;
			continue;
		}
		r = &zz->mem[nm++];
		r->phys_start = m->phys;
		r->ipa_start = m->ipa;
		r->size = m->size;
		r->flags = m->type == HVB_ZONE_MEM_IO ?
			   HYP_MEM_READ | HYP_MEM_WRITE | HYP_MEM_IO :
			   HYP_MEM_READ | HYP_MEM_WRITE | HYP_MEM_EXEC |
			   HYP_MEM_SHARED;
		r->pad = 0;
	}
	for (i = 0; i < HYP_ZONE_IRQ_WORDS; i++)
		zz->irqs.bits[i] = i < HVB_ZONE_DESC_IRQ_WORDS ? d->irqs[i] : 0;
	dtb = d->dtb_size ? hyp_zone_desc_ram_at(d, d->dtb_phys, d->dtb_size) :
			    0;
	zc_zero(cfg, sizeof(*cfg));
	cfg->name = d->name;
	cfg->id = d->id;
	cfg->cpus = d->cpus;
	cfg->nr_mem = nm;
	cfg->mem = zz->mem;
	cfg->nr_mmio = nw;
	cfg->mmio = zz->mmio;
	cfg->entry = d->entry;
	/* x0: the DTB's IPA (the arm64 boot protocol), 0 without one. */
	cfg->entry_arg[0] = dtb ? dtb->ipa + (d->dtb_phys - dtb->phys) : 0;
	cfg->irqs = &zz->irqs;
	/* Reset at each start; its rate limit bounds the zone's lines. */
	cfg->console = &zz->console;
}

__s64 hyp_arm64_zone_create(const struct hyp_zone *root, __u64 pa,
			    __u64 size, __u32 *reason, __u32 *index,
			    struct hyp_zone **zone)
{
	struct hyp_zone_range hyp_ranges[6];
	struct hyp_zone_env env;
	struct zc_zone *zz;
	struct hyp_zone *z;
	int slot;

	*reason = HVB_ZONE_OK;
	*index = 0;
	if (size != sizeof(struct hvb_zone_desc) || pa % 8 ||
	    !hyp_hc_is_own_ram(root, pa, size) ||
	    hyp_arch_is_hyp_memory(pa, size) ||
	    hyp_hc_is_other_zones_ram(root, pa, size))
		return HVB_HC_EINVAL;
	slot = hyp_zone_free_slot();
	if (slot < 0) {
		*reason = HVB_ZONE_EFULL;
		return HVB_HC_EZONE;
	}
	zz = &zc_zones[slot];
	/* From here on only the copy is read. */
	zc_copy_in(&zz->desc, pa);
	zc_env(&env, hyp_ranges);
	*reason = hyp_zone_desc_check(&zz->desc, &env, index);
	if (*reason) {
		hyp_printk("hvbridge-hyp: zone create refused: reason %u, index %u\n",
			   *reason, *index);
		return HVB_HC_EZONE;
	}
	zc_build(zz);
	z = hyp_zone_create(&zz->cfg);
	if (!z) {
		*reason = HVB_ZONE_EMAP;
		return HVB_HC_EZONE;
	}
	zz->used = 1;
	hyp_printk("hvbridge-hyp: zone %s created (id %u) by the root zone: CPUs 0x%lx, entry IPA 0x%lx\n",
		   zz->cfg.name, zz->cfg.id, zz->cfg.cpus, zz->cfg.entry);
	*zone = z;
	return HVB_HC_OK;
}

/* Clean and invalidate [pa, pa + size) to the point of coherency. */
static void zc_clean(__u64 pa, __u64 size)
{
	__u64 line = 4ull << ((arm64_read_sysreg(ctr_el0) >> 16) & 0xf), a;

	for (a = pa & ~(line - 1); a < pa + size; a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
}

void hyp_arm64_zone_sync_images(const struct hyp_zone *z)
{
	const struct zc_zone *zz = &zc_zones[z->index];

	if (z->index >= HYP_MAX_ZONES || !zz->used || z->cfg != &zz->cfg)
		return;
	/* The module cleaned them too; a guest starting with its caches
	 * off must not find a stale line of an earlier run here. */
	zc_clean(zz->desc.kernel_phys, zz->desc.kernel_size);
	if (zz->desc.dtb_size)
		zc_clean(zz->desc.dtb_phys, zz->desc.dtb_size);
	__asm__ volatile("dsb ish\n\tic ialluis\n\tdsb ish\n\tisb" ::: "memory");
}

void hyp_arm64_zone_remove(struct hyp_zone *z)
{
	hyp_vgic_zone_release(z);
	if (z->index < HYP_MAX_ZONES)
		zc_zones[z->index].used = 0;
	hyp_zone_destroy(z);
}
