// SPDX-License-Identifier: MIT
/*
 * Zone creation: validate a config, then let the arch build its stage-2
 * map.  A static config's error is a build-time mistake of whoever wrote
 * it, but it is still checked here: a bad map would hand one zone another
 * zone's or the hypervisor's memory.  Zones created at run time
 * (arch/arm64/zone_create.c) pass hyp/zone_check.h's rules first, then
 * these too.
 *
 * The table: a slot is in use while @live is 1.  Slots are taken and
 * freed by one CPU at a time (boot, then the root zone's hypercalls
 * under their lock); other CPUs only look up their own zone
 * (hyp_zone_of_cpu()), with an acquire of @live that pairs with the
 * release that published the slot.
 */
#include <hvbridge/barrier.h>
#include <hyp/arch.h>
#include <hyp/kickslot.h>
#include <hyp/printk.h>
#include <hyp/zone.h>

static struct hyp_zone hyp_zones[HYP_MAX_ZONES];

struct hyp_zone *hyp_zone_at(__u32 index)
{
	if (index >= HYP_MAX_ZONES ||
	    !hvb_load_acquire_u32(&hyp_zones[index].live))
		return 0;
	return &hyp_zones[index];
}

int hyp_zone_free_slot(void)
{
	__u32 i;

	for (i = 0; i < HYP_MAX_ZONES; i++)
		if (!hvb_load_acquire_u32(&hyp_zones[i].live))
			return (int)i;
	return -1;
}

void hyp_zone_destroy(struct hyp_zone *z)
{
	hyp_printk("hvbridge-hyp: %s: zone removed (id %u)\n", z->cfg->name,
		   z->cfg->id);
	/* Its CPUs are off, and its generation's kicks drained by the
	 * daemon before it acknowledged (docs/abi.md, "Zone restarts"):
	 * nothing of this zone posts to these slots or waits in them. */
	hyp_kick_table_lock(&hyp_kick_table);
	if (hyp_kick_slot_free_zone(&hyp_kick_table, z->cfg->id))
		hyp_arch_kick_table_changed();
	hyp_kick_table_unlock(&hyp_kick_table);
	hvb_store_release_u32(&z->live, 0);
}

static int range_overlaps(__u64 a, __u64 asize, __u64 b, __u64 bsize)
{
	return a < b + bsize && b < a + asize;
}

static int range_wraps(__u64 base, __u64 size)
{
	return base + size < base;
}

/*
 * Does RAM region @r of a new zone overlap RAM of a zone that exists,
 * other than where both sides declared it shared?  Devices (HYP_MEM_IO)
 * may be passed through to several zones.
 */
static int hyp_zone_ram_clash(const struct hyp_mem_region *r)
{
	__u32 i, j;

	if (r->flags & HYP_MEM_IO)
		return 0;
	for (i = 0; i < HYP_MAX_ZONES; i++) {
		const struct hyp_zone_config *o;

		if (!hyp_zone_at(i))
			continue;
		o = hyp_zones[i].cfg;
		for (j = 0; j < o->nr_mem; j++) {
			const struct hyp_mem_region *q = &o->mem[j];

			if (q->flags & HYP_MEM_IO ||
			    !range_overlaps(r->phys_start, r->size,
					    q->phys_start, q->size))
				continue;
			if (!(r->flags & q->flags & HYP_MEM_SHARED))
				return 1;
		}
	}
	return 0;
}

/*
 * Interrupts: SPIs only, and none another zone owns (beside the memory
 * rules, as Jailhouse checks a cell's pins).
 */
static int hyp_zone_irq_check(const struct hyp_zone_config *cfg)
{
	const struct hyp_zone_irqs *irqs = cfg->irqs, *o;
	__u32 i, w;

	if (!irqs)
		return 0;
	for (w = 0; w < HYP_ZONE_IRQ_WORDS; w++) {
		for (i = 0; i < 32; i++) {
			__u32 n = w * 32 + i;

			if (irqs->bits[w] >> i & 1 &&
			    (n < HYP_ZONE_IRQ_MIN || n >= HYP_ZONE_IRQ_LIMIT)) {
				hyp_printk("hvbridge-hyp: %s: interrupt %u is not a shared peripheral interrupt (%u-%u)\n",
					   cfg->name, n, HYP_ZONE_IRQ_MIN,
					   HYP_ZONE_IRQ_LIMIT - 1);
				return -1;
			}
		}
		for (i = 0; i < HYP_MAX_ZONES; i++) {
			if (!hyp_zone_at(i))
				continue;
			o = hyp_zones[i].cfg->irqs;
			if (o && o->bits[w] & irqs->bits[w]) {
				hyp_printk("hvbridge-hyp: %s: interrupt %u belongs to %s\n",
					   cfg->name,
					   w * 32 + (__u32)__builtin_ctz(o->bits[w] &
							       irqs->bits[w]),
					   hyp_zones[i].cfg->name);
				return -1;
			}
		}
	}
	return 0;
}

static int hyp_zone_check(const struct hyp_zone_config *cfg)
{
	const struct hyp_mem_region *m = cfg->mem;
	const struct hyp_mmio_window *w = cfg->mmio;
	__u32 i, j;

	/* The Image and DTB themselves are checked when the zone starts
	 * (they may be loaded later): here only the boot kind. */
	if (cfg->boot > HYP_ZONE_BOOT_LINUX) {
		hyp_printk("hvbridge-hyp: %s: unknown boot kind %u\n",
			   cfg->name, cfg->boot);
		return -1;
	}
	if (cfg->boot == HYP_ZONE_BOOT_LINUX && cfg->image != cfg->image_end) {
		hyp_printk("hvbridge-hyp: %s: a Linux boot runs the Image in its RAM, not a built-in image\n",
			   cfg->name);
		return -1;
	}
	if (!cfg->cpus || cfg->cpus & ~hyp_arch_cpu_mask()) {
		hyp_printk("hvbridge-hyp: %s: CPU set 0x%lx is empty or names a CPU the hypervisor does not run (0x%lx)\n",
			   cfg->name, cfg->cpus, hyp_arch_cpu_mask());
		return -1;
	}
	for (i = 0; i < HYP_MAX_ZONES; i++)
		if (hyp_zone_at(i) && hyp_zones[i].cfg->cpus & cfg->cpus) {
			hyp_printk("hvbridge-hyp: %s: shares CPUs 0x%lx with %s\n",
				   cfg->name,
				   hyp_zones[i].cfg->cpus & cfg->cpus,
				   hyp_zones[i].cfg->name);
			return -1;
		}
	for (i = 0; i < cfg->nr_mem; i++) {
		if (!m[i].size || range_wraps(m[i].ipa_start, m[i].size) ||
		    range_wraps(m[i].phys_start, m[i].size) ||
		    (m[i].phys_start | m[i].ipa_start | m[i].size) %
		    HYP_ZONE_PAGE) {
			hyp_printk("hvbridge-hyp: %s: region %u is empty, wraps or is not page aligned\n",
				   cfg->name, i);
			return -1;
		}
		if (m[i].flags & HYP_MEM_CHANNEL) {
			if (!(cfg->flags & HYP_ZONE_ROOT) ||
			    !hyp_arch_is_channel_region(m[i].phys_start,
							m[i].size)) {
				hyp_printk("hvbridge-hyp: %s: region %u: only the root zone maps the channel region, and all of it\n",
					   cfg->name, i);
				return -1;
			}
		} else if (hyp_arch_is_hyp_memory(m[i].phys_start,
						  m[i].size)) {
			hyp_printk("hvbridge-hyp: %s: region %u overlaps the hypervisor\n",
				   cfg->name, i);
			return -1;
		}
		if (hyp_zone_ram_clash(&m[i])) {
			hyp_printk("hvbridge-hyp: %s: region %u overlaps another zone's RAM\n",
				   cfg->name, i);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (range_overlaps(m[i].ipa_start, m[i].size,
					   m[j].ipa_start, m[j].size)) {
				hyp_printk("hvbridge-hyp: %s: regions %u and %u overlap\n",
					   cfg->name, j, i);
				return -1;
			}
	}
	if (hyp_zone_irq_check(cfg))
		return -1;
	for (i = 0; i < cfg->nr_mmio; i++) {
		if (!w[i].size || range_wraps(w[i].base, w[i].size)) {
			hyp_printk("hvbridge-hyp: %s: window %u is empty or wraps\n",
				   cfg->name, i);
			return -1;
		}
		/* A mapped region would hide the window: no trap, no
		 * emulation. */
		for (j = 0; j < cfg->nr_mem; j++)
			if (range_overlaps(w[i].base, w[i].size,
					   m[j].ipa_start, m[j].size)) {
				hyp_printk("hvbridge-hyp: %s: window %s overlaps region %u\n",
					   cfg->name, w[i].name, j);
				return -1;
			}
		for (j = 0; j < i; j++)
			if (range_overlaps(w[i].base, w[i].size, w[j].base,
					   w[j].size)) {
				hyp_printk("hvbridge-hyp: %s: windows %s and %s overlap\n",
					   cfg->name, w[j].name, w[i].name);
				return -1;
			}
	}
	return 0;
}

struct hyp_zone *hyp_zone_create(const struct hyp_zone_config *cfg)
{
	int slot = hyp_zone_free_slot();
	struct hyp_zone *z;
	__u32 i;

	if (slot < 0) {
		hyp_printk("hvbridge-hyp: %s: no free zone slot\n",
			   cfg->name);
		return 0;
	}
	if (hyp_zone_check(cfg))
		return 0;
	z = &hyp_zones[slot];
	z->cfg = cfg;
	z->index = (__u32)slot;
	z->vmid = (__u32)slot + 1;
	if (hyp_arch_zone_init(z))
		return 0;
	for (i = 0; i < cfg->nr_mem; i++)
		if (hyp_arch_zone_map(z, &cfg->mem[i])) {
			hyp_printk("hvbridge-hyp: %s: cannot map region %u\n",
				   cfg->name, i);
			return 0;
		}
	z->kick_full_told = 0;
	/* Its windows that are one device each; its strided windows'
	 * blocks are claimed as they are used (hyp_zone_kick_claim()). */
	hyp_kick_table_lock(&hyp_kick_table);
	if (hyp_kick_slots_alloc_zone(&hyp_kick_table, cfg))
		hyp_printk("hvbridge-hyp: %s: no kick slot left for some of its windows: their QueueNotify writes are synchronous\n",
			   cfg->name);
	hyp_arch_kick_table_changed();
	hyp_kick_table_unlock(&hyp_kick_table);
	/* Barrier: the slot's fields and its stage 2 before @live; pairs
	 * with the acquire in hyp_zone_at(). */
	hvb_store_release_u32(&z->live, 1);
	return z;
}

/* hyp_kick_slot_claim()'s publication: into the channel regions. */
static void hyp_zone_kick_publish(struct hyp_kick_table *t, void *ctx)
{
	(void)t;
	(void)ctx;
	hyp_arch_kick_table_changed();
}

void hyp_zone_kick_claim(const struct hyp_zone *z, __u64 base, __u32 size,
			 __u32 notify_off)
{
	struct hyp_zone *zw = &hyp_zones[z->index];

	if (hyp_kick_slot_claim(&hyp_kick_table, z->cfg->id, base, size,
				notify_off, hyp_zone_kick_publish, 0) >= 0)
		return;
	/* Once per zone (an atomic swap: its CPUs may race here): a guest
	 * that keeps notifying blocks without a slot must not flood the
	 * console. */
	if (!hvb_xchg_u32(&zw->kick_full_told, 1))
		hyp_printk("hvbridge-hyp: %s: no kick slot left (all %u in use) for its block at 0x%lx: its QueueNotify writes, and those of any other block without a slot, stay synchronous\n",
			   z->cfg->name, HVB_KICK_DEVS, base);
}

struct hyp_zone *hyp_zone_of_cpu(__u32 cpu)
{
	__u32 i;

	for (i = 0; i < HYP_MAX_ZONES && cpu < 64; i++)
		if (hyp_zone_at(i) && hyp_zones[i].cfg->cpus & 1ull << cpu)
			return &hyp_zones[i];
	return 0;
}

const struct hyp_mmio_window *hyp_zone_find_mmio(const struct hyp_zone *z,
						 __u64 ipa, __u32 size)
{
	const struct hyp_zone_config *cfg = z->cfg;
	__u32 i;

	for (i = 0; i < cfg->nr_mmio; i++) {
		const struct hyp_mmio_window *w = &cfg->mmio[i];

		if (ipa >= w->base && ipa - w->base < w->size &&
		    size <= w->size - (ipa - w->base))
			return w;
	}
	return 0;
}
