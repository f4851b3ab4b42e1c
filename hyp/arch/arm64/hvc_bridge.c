// SPDX-License-Identifier: MIT
/*
 * The root zone's hypercalls (hvbridge/hypercall.h, docs/hypercalls.md):
 * decoding, argument checks, and the zone control behind them (list,
 * memory windows, start, stop, interrupts).  The channel region's attach
 * and detach live with the producers in chan.c.
 *
 * Nothing here trusts the caller: every address is checked against the
 * caller's own RAM before the hypervisor writes there, every zone id and
 * index against the zone table; an error is a return code, never a stop.
 */
#include <hvbridge/barrier.h>
#include <hvbridge/hypercall.h>
#include <arm64/chan.h>
#include <arm64/gic.h>
#include <arm64/hvc.h>
#include <arm64/hyp.h>
#include <arm64/psci.h>
#include <arm64/sysreg.h>
#include <arm64/vcpu.h>
#include <arm64/zone_create.h>
#include <hyp/arch.h>
#include <hyp/channel.h>
#include <hyp/printk.h>
#include <hyp/spinlock.h>
#include <hyp/zone.h>

/*
 * Zone control from the root zone: one call at a time (its two CPUs may
 * both make hypercalls), so a zone is not removed under a call that
 * looks it up, nor two zones created into one slot.  Not taken by
 * VERSION and CHANNEL_DETACH (which may wait for the channel's timeout).
 */
static struct hyp_spinlock hyp_hc_lock = HYP_SPINLOCK_INIT;

/*
 * Run state of each zone (by zone index).  Zero is RUNNING, as every
 * created zone is at boot.  RUNNING -> STOPPING by ZONE_STOP (cmpxchg),
 * STOPPING -> STOPPED when every CPU of the zone is off, STOPPED ->
 * RUNNING by ZONE_START (cmpxchg, before CPU_ON), any -> EXITED by the
 * test guest's exit hypercall, EXITED -> STOPPED when its CPU is off
 * (hvc.c powers it off, except CPU 0, which halts: not restartable).
 */
#define HC_RUNNING	0u
#define HC_STOPPING	1u
#define HC_STOPPED	2u
#define HC_EXITED	3u
static __u32 hyp_hc_run[HYP_MAX_ZONES];
/*
 * Who asked a zone to stop, for the log only ("stopped by ..."): 0 the
 * root zone's ZONE_STOP, else the zone's own SYSTEM_OFF or
 * SYSTEM_RESET.  Written (write-once) by that caller just before its
 * move to STOPPING, read by the zone's CPUs as they park; a race with a
 * second stop can only make the line name the wrong one.
 */
#define HC_BY_ROOT	0u
#define HC_BY_OFF	1u
#define HC_BY_RESET	2u
static __u32 hyp_hc_stop_by[HYP_MAX_ZONES];
/*
 * 1 from ZONE_START until the started CPU's first exit: its PSCI power
 * state reads OFF until it enters the zone, which must not pass for
 * "parked" (a STOP right after a START would see STOPPED at once).  Set
 * by the starting root-zone CPU, cleared (release, after its power state
 * went ON) by the zone's CPU.
 */
static __u32 hyp_hc_starting[HYP_MAX_ZONES];
/*
 * Each zone id's generation (docs/abi.md, "Zone restarts"), by id as
 * the daemon knows zones, so that a zone destroyed and created again
 * under its id continues its count: +1 (fetch-add) each time the zone is
 * stopped for good, by the CPU that moved it to STOPPED
 * (hyp_hc_zone_state()) or that restarts it after its SYSTEM_RESET; read
 * by the root zone's ZONE_START and ZONE_DESTROY.  The region's
 * zone_gen[] is a copy for the daemon; this one is the hypervisor's, so
 * nothing the root zone writes can change which acknowledgement counts.
 * An id of HVB_ZONE_GENS or more has none.
 */
static __u32 hyp_hc_gen[HVB_ZONE_GENS];
/* The generation whose refused start was logged last (a caller retries
 * for HVB_ZONE_RELEASE_WAIT_MS: one line, not one per try). */
static __u32 hyp_hc_refused_gen[HVB_ZONE_GENS];
/* How long a SYSTEM_RESET waits for the daemon to release the zone's
 * devices (the channel's timeout policy); it is the zone's own CPU that
 * waits, not the root zone's. */
#define HYP_HC_RESET_RELEASE_NS	hyp_arm64_channel_timeout_ns()
/* How long a guest zone's SYSTEM_RESET waits for its other CPUs to park
 * (they are kicked: an interrupt at EL2 is an exit). */
#define HYP_HC_RESET_WAIT_NS	100000000ull

/*
 * Injected, not yet polled interrupts of each zone, bit n = INTID
 * hyp_hc_irq_base() + n: fetch-or by the root zone's INJECT_IRQ,
 * exchanged with 0 by the zone's IRQ_POLL (both fully ordered).  The
 * polled word stays for bare-metal images without a GIC driver; the
 * interrupt itself is raised in the zone's virtual GIC as well.
 */
static __u64 hyp_hc_irq_pending[HYP_MAX_ZONES];

/* The lowest and highest SPI @z owns (its config), 0 if none: a word
 * at a time (INJECT_IRQ asks on every interrupt the daemon raises);
 * hyp_zone_check() let only SPIs into the bitmap. */
static __u32 hyp_hc_irq_base(const struct hyp_zone *z, __u32 *last)
{
	const struct hyp_zone_irqs *irqs = z->cfg->irqs;
	__u32 w, first = 0;

	*last = 0;
	for (w = 0; irqs && w < HYP_ZONE_IRQ_WORDS; w++) {
		if (!irqs->bits[w])
			continue;
		if (!first)
			first = w * 32 + (__u32)__builtin_ctz(irqs->bits[w]);
		*last = w * 32 + 31 - (__u32)__builtin_clz(irqs->bits[w]);
	}
	return first;
}

static int hc_overlaps(__u64 a, __u64 asize, __u64 b, __u64 bsize)
{
	return a < b + bsize && b < a + asize;
}

/*
 * The zones, packed in slot order into @out (HYP_MAX_ZONES entries);
 * returns how many.  Slots freed by ZONE_DESTROY leave holes in the
 * table, not here.
 */
static __u32 hyp_hc_zones(struct hyp_zone **out)
{
	struct hyp_zone *z;
	__u32 i, n = 0;

	for (i = 0; i < HYP_MAX_ZONES; i++) {
		z = hyp_zone_at(i);
		if (z)
			out[n++] = z;
	}
	return n;
}

static struct hyp_zone *hyp_hc_zone_by_id(__u64 id)
{
	struct hyp_zone *zones[HYP_MAX_ZONES];
	__u32 i, n = hyp_hc_zones(zones);

	for (i = 0; i < n; i++)
		if (zones[i]->cfg->id == id)
			return zones[i];
	return 0;
}

static int hyp_hc_is_root(const struct hyp_zone *z)
{
	return z->cfg->flags & HYP_ZONE_ROOT;
}

int hyp_hc_is_own_ram(const struct hyp_zone *z, __u64 pa, __u64 size)
{
	const struct hyp_zone_config *cfg = z->cfg;
	__u32 i;

	if (!size || pa + size < pa)
		return 0;
	for (i = 0; i < cfg->nr_mem; i++) {
		const struct hyp_mem_region *r = &cfg->mem[i];

		if (r->flags & (HYP_MEM_IO | HYP_MEM_SHARED |
				HYP_MEM_CHANNEL) ||
		    r->phys_start != r->ipa_start)
			continue;
		if (pa >= r->phys_start && pa - r->phys_start < r->size &&
		    size <= r->size - (pa - r->phys_start))
			return 1;
	}
	return 0;
}

int hyp_hc_is_other_zones_ram(const struct hyp_zone *z, __u64 pa,
			      __u64 size)
{
	struct hyp_zone *zones[HYP_MAX_ZONES];
	__u32 i, j, n = hyp_hc_zones(zones);

	for (i = 0; i < n; i++) {
		const struct hyp_zone_config *cfg;

		if (zones[i] == z)
			continue;
		cfg = zones[i]->cfg;
		for (j = 0; j < cfg->nr_mem; j++)
			if (!(cfg->mem[j].flags & HYP_MEM_IO) &&
			    hc_overlaps(pa, size, cfg->mem[j].phys_start,
					cfg->mem[j].size))
				return 1;
	}
	return 0;
}

/* Is every CPU of @z powered off (PSCI AFFINITY_INFO says OFF)? */
static int hyp_hc_zone_cpus_off(struct hyp_zone *z)
{
	__u32 cpu;

	for (cpu = 0; cpu < HYP_MAX_CPUS; cpu++)
		if (z->cfg->cpus & 1ull << cpu &&
		    hyp_vcpu_affinity_info(z, cpu) != 1)
			return 0;
	return 1;
}

/*
 * @z's CPUs are parked and its memory will be reused by its next run:
 * a new generation, and the daemon woken to reset the zone's devices
 * (hyp_channel_zone_gone(), Barrier G).  Returns the new generation.
 */
static __u32 hyp_hc_zone_gone(struct hyp_zone *z)
{
	struct hyp_producer *p;
	__u32 gen;

	if (z->cfg->id >= HVB_ZONE_GENS) {
		hyp_printk("hvbridge-hyp: %s: zone id %u has no generation word: the daemon is not told of its restarts\n",
			   z->cfg->name, z->cfg->id);
		return 0;
	}
	gen = hvb_fetch_add_u32(&hyp_hc_gen[z->cfg->id], 1) + 1;
	p = hyp_arm64_chan_producer();
	if (p)
		hyp_channel_zone_gone(p, z->cfg->id, gen);
	hyp_arm64_chan_put();
	return gen;
}

/* May @z start: has an attached daemon released its devices?  (Waits
 * at most @wait_ns; hyp_channel_zone_released().) */
static int hyp_hc_zone_released(struct hyp_zone *z, __u64 wait_ns)
{
	struct hyp_producer *p;
	int released;

	if (z->cfg->id >= HVB_ZONE_GENS)
		return 1;
	p = hyp_arm64_chan_producer();
	released = !p || hyp_channel_zone_released(p, z->cfg->id,
			hvb_load_acquire_u32(&hyp_hc_gen[z->cfg->id]), wait_ns);
	hyp_arm64_chan_put();
	return released;
}

void hyp_hc_zone_gens_publish(void *region)
{
	struct hvb_kicks *k = hvb_region_kicks(region);
	__u32 id;

	for (id = 0; id < HVB_ZONE_GENS; id++)
		/* Barrier G, as in hyp_channel_zone_gone(). */
		hvb_store_release_u32(&k->zone_gen[id],
				      hvb_load_acquire_u32(&hyp_hc_gen[id]));
}

static __u32 hyp_hc_zone_state(struct hyp_zone *z)
{
	__u32 *run = &hyp_hc_run[z->index];
	__u32 st = hvb_load_acquire_u32(run);

	if ((st == HC_STOPPING || st == HC_EXITED) &&
	    !hvb_load_acquire_u32(&hyp_hc_starting[z->index]) &&
	    hyp_hc_zone_cpus_off(z)) {
		/* Only the CPU that makes the move starts a generation. */
		if (hvb_cmpxchg_u32(run, st, HC_STOPPED) == st)
			hyp_hc_zone_gone(z);
		st = hvb_load_acquire_u32(run);
	}
	switch (st) {
	case HC_RUNNING:
		return HVB_ZONE_RUNNING;
	case HC_STOPPING:
		return HVB_ZONE_STOPPING;
	}
	return HVB_ZONE_STOPPED;
}

void hyp_hc_zone_exit_check(struct hyp_zone *z)
{
	if (!z || hyp_hc_is_root(z))
		return;
	/* Pairs with the acquire in hyp_hc_zone_state(): our power state
	 * is ON (set before we entered the zone) when it sees 0. */
	if (hvb_read_once_u32(&hyp_hc_starting[z->index]))
		hvb_store_release_u32(&hyp_hc_starting[z->index], 0);
	if (hvb_load_acquire_u32(&hyp_hc_run[z->index]) != HC_STOPPING)
		return;
	hyp_printk("hvbridge-hyp: %s: stopped by %s, CPU %u parked\n",
		   z->cfg->name,
		   (const char *const[]){ "the root zone", "its SYSTEM_OFF",
		   "its SYSTEM_RESET" }[hvb_read_once_u32(
			   &hyp_hc_stop_by[z->index]) % 3],
		   hyp_arm64_cpu_id());
	/* Powers this CPU off; returns only if the firmware refused. */
	hyp_vcpu_cpu_off(z);
	hyp_printk("hvbridge-hyp: %s: CPU_OFF refused, CPU %u halted\n",
		   z->cfg->name, hyp_arm64_cpu_id());
	arm64_halt();
}

int hyp_hc_zone_is_stopping(const struct hyp_zone *z)
{
	/* Acquire, as in hyp_hc_zone_exit_check(): pairs with the fully
	 * ordered move to STOPPING (ZONE_STOP, SYSTEM_OFF/RESET). */
	return z && !hyp_hc_is_root(z) &&
	       hvb_load_acquire_u32(&hyp_hc_run[z->index]) == HC_STOPPING;
}

void hyp_hc_zone_entry_check(struct hyp_zone *z)
{
	/* Only a stop: the starting flag stays until the first exit, as
	 * the CPU's power state reads OFF until it enters. */
	if (z && !hyp_hc_is_root(z) &&
	    hvb_load_acquire_u32(&hyp_hc_run[z->index]) == HC_STOPPING)
		hyp_hc_zone_exit_check(z);
}

void hyp_hc_zone_exited(const struct hyp_zone *z)
{
	hvb_xchg_u32(&hyp_hc_run[z->index], HC_EXITED);
	/* A zone that failed to start (vcpu.c) never reaches an exit
	 * that clears it; its power state stayed OFF.  Pairs with the
	 * acquire in hyp_hc_zone_state(). */
	hvb_store_release_u32(&hyp_hc_starting[z->index], 0);
}

static __s64 hyp_hc_zone_start(struct hyp_zone *z)
{
	__u32 *run = &hyp_hc_run[z->index];
	__u32 cpu = (__u32)__builtin_ctzll(z->cfg->cpus);
	int err;

	if (hyp_hc_zone_state(z) != HVB_ZONE_STOPPED)
		return HVB_HC_ESTATE;
	/* STOPPED starts no new generation: the one checked here is the
	 * one the zone will run in. */
	if (!hyp_hc_zone_released(z, HVB_ZONE_RELEASE_SLICE_MS * 1000000ull)) {
		__u32 gen = hvb_load_acquire_u32(&hyp_hc_gen[z->cfg->id]);

		/* (released() said 1 for an id without a generation.) */
		if (hvb_xchg_u32(&hyp_hc_refused_gen[z->cfg->id], gen) != gen)
			hyp_printk("hvbridge-hyp: %s: not started: the daemon has not released its devices from the previous run (generation %u)\n",
				   z->cfg->name, gen);
		return HVB_HC_EDEVICES;
	}
	if (hvb_cmpxchg_u32(run, HC_STOPPED, HC_RUNNING) != HC_STOPPED)
		return HVB_HC_ESTATE;
	hyp_printk("hvbridge-hyp: %s: started by the root zone on CPU %u\n",
		   z->cfg->name, cpu);
	hyp_arm64_zone_sync_images(z);
	hvb_store_release_u32(&hyp_hc_starting[z->index], 1);
	/* Into the hypervisor (hyp_secondary_entry), which enters the zone
	 * as at boot; its power state is OFF, so nothing is pending.  A CPU
	 * that parked a moment ago may still be on its way off. */
	err = hyp_psci_cpu_on_settled(cpu);
	if (err) {
		hvb_store_release_u32(&hyp_hc_starting[z->index], 0);
		hyp_printk("hvbridge-hyp: %s: CPU_ON CPU %u failed (%d)\n",
			   z->cfg->name, cpu, err);
		hvb_store_release_u32(run, HC_STOPPED);
		return HVB_HC_ESTATE;
	}
	return HVB_HC_OK;
}

/* Make every CPU of @z exit to EL2 (the kick SGI, taken at EL2 on a
 * guest CPU whatever its EL1 masks), where it parks if stopping. */
static void hyp_hc_zone_kick(const struct hyp_zone *z)
{
	__u32 cpu;

	for (cpu = 0; cpu < HYP_MAX_CPUS; cpu++)
		if (z->cfg->cpus & 1ull << cpu)
			hyp_gic_kick(cpu);
}

/* Is every CPU of @z but the calling one off? */
static int hyp_hc_others_off(struct hyp_zone *z, __u32 self)
{
	__u32 cpu;

	for (cpu = 0; cpu < HYP_MAX_CPUS; cpu++)
		if (cpu != self && z->cfg->cpus & 1ull << cpu &&
		    hyp_vcpu_affinity_info(z, cpu) != PSCI_AFF_OFF)
			return 0;
	return 1;
}

void hyp_hc_zone_power_off(struct hyp_zone *z, int reset)
{
	__u32 self = hyp_arm64_cpu_id(), cpu;
	__u64 t0;

	hyp_printk("hvbridge-hyp: %s: %s from CPU %u: the zone stops, not the machine\n",
		   z->cfg->name, reset ? "SYSTEM_RESET" : "SYSTEM_OFF", self);
	/* Fully ordered, and before the kick (whose Barrier K, a dsb in
	 * hyp_gic_kick(), completes it before the SGI goes): pairs with the
	 * acquire of the run state in hyp_hc_zone_exit_check(), which each
	 * other CPU of the zone runs when it takes the kick at EL2. */
	hvb_write_once_u32(&hyp_hc_stop_by[z->index],
			   reset ? HC_BY_RESET : HC_BY_OFF);
	hvb_xchg_u32(&hyp_hc_run[z->index], HC_STOPPING);
	for (cpu = 0; cpu < HYP_MAX_CPUS; cpu++)
		if (cpu != self && z->cfg->cpus & 1ull << cpu)
			hyp_gic_kick(cpu);
	if (!reset)
		goto off;
	t0 = hyp_arch_now_ns();
	while (!hyp_hc_others_off(z, self))
		if (hyp_arch_now_ns() - t0 > HYP_HC_RESET_WAIT_NS) {
			hyp_printk("hvbridge-hyp: %s: reset: a CPU did not stop, the zone stays stopped\n",
				   z->cfg->name);
			goto off;
		}
	/* Every other CPU is off: the zone is this CPU's alone, and it
	 * restarts it as ZONE_START does (hyp_hc_zone_start()), in a new
	 * generation whose devices the daemon must have released first. */
	hyp_hc_zone_gone(z);
	if (!hyp_hc_zone_released(z, HYP_HC_RESET_RELEASE_NS)) {
		hyp_printk("hvbridge-hyp: %s: reset: the daemon has not released its devices, the zone stays stopped\n",
			   z->cfg->name);
		goto off;
	}
	cpu = (__u32)__builtin_ctzll(z->cfg->cpus);
	hyp_printk("hvbridge-hyp: %s: reset: restarting on CPU %u\n",
		   z->cfg->name, cpu);
	/* As in hyp_hc_zone_start(): starting before RUNNING, both
	 * release; pair with the acquires in hyp_hc_zone_state(), so the
	 * root zone never sees RUNNING -> STOPPED while the CPU boots. */
	hvb_store_release_u32(&hyp_hc_starting[z->index], 1);
	hvb_store_release_u32(&hyp_hc_run[z->index], HC_RUNNING);
	if (cpu == self)
		hyp_arm64_zone_start(z);	/* does not return */
	/* This vCPU leaves the zone before the new run begins: the
	 * restarted zone must find it OFF (its CPU_ON of this CPU may come
	 * at once; the firmware's ALREADY_ON meanwhile is retried). */
	hyp_vcpu_leave(z);
	if (hyp_psci_cpu_on_settled(cpu)) {
		hyp_printk("hvbridge-hyp: %s: reset: CPU_ON CPU %u failed\n",
			   z->cfg->name, cpu);
		hvb_store_release_u32(&hyp_hc_starting[z->index], 0);
		hvb_store_release_u32(&hyp_hc_run[z->index], HC_STOPPING);
	}
	hyp_psci_call(PSCI_0_2_CPU_OFF, 0, 0, 0);
	hyp_printk("hvbridge-hyp: %s: CPU_OFF refused, CPU %u halted\n",
		   z->cfg->name, self);
	arm64_halt();
off:
	hyp_vcpu_cpu_off(z);	/* returns only if the firmware refused */
	hyp_printk("hvbridge-hyp: %s: CPU_OFF refused, CPU %u halted\n",
		   z->cfg->name, self);
	arm64_halt();
}

static __s64 hyp_hc_zone_stop(struct hyp_zone *z)
{
	if (hvb_load_acquire_u32(&hyp_hc_run[z->index]) == HC_RUNNING)
		hvb_write_once_u32(&hyp_hc_stop_by[z->index], HC_BY_ROOT);
	if (hvb_cmpxchg_u32(&hyp_hc_run[z->index], HC_RUNNING,
			    HC_STOPPING) != HC_RUNNING)
		return HVB_HC_ESTATE;
	hyp_printk("hvbridge-hyp: %s: stop requested by the root zone\n",
		   z->cfg->name);
	/* After STOPPING is visible (the cmpxchg is fully ordered): a CPU
	 * that takes the kick sees it. */
	hyp_hc_zone_kick(z);
	return HVB_HC_OK;
}

/* ZONE_DESTROY: stop, wait (the caller calls again), remove. */
static __s64 hyp_hc_zone_destroy(struct hyp_zone *z)
{
	__u32 st = hyp_hc_zone_state(z);

	if (st == HVB_ZONE_RUNNING) {
		hyp_hc_zone_stop(z);
		return HVB_HC_EAGAIN;
	}
	/* STOPPED also covers a guest that exited with its CPU still on
	 * its way off: wait until PSCI says every CPU is off. */
	if (st == HVB_ZONE_STOPPING || !hyp_hc_zone_cpus_off(z)) {
		hyp_hc_zone_kick(z);
		return HVB_HC_EAGAIN;
	}
	/* STOPPED gave the zone a new generation (hyp_hc_zone_state()):
	 * its memory goes back to the pool only once an attached daemon
	 * has reset the zone's devices (docs/abi.md, "Zone restarts"). */
	if (!hyp_hc_zone_released(z, 0))
		return HVB_HC_EAGAIN;
	hyp_arm64_zone_remove(z);
	return HVB_HC_OK;
}

static __s64 hyp_hc_zone_create(const struct hyp_zone *root, __u64 pa,
				__u64 size, struct hyp_trap_frame *tf)
{
	struct hyp_zone *z = 0;
	__u32 reason, index;
	__s64 ret;

	ret = hyp_arm64_zone_create(root, pa, size, &reason, &index, &z);
	if (ret == HVB_HC_EZONE) {
		tf->x[1] = reason;
		tf->x[2] = index;
	}
	if (ret || !z)
		return ret;
	/* A new zone is STOPPED, whatever its slot's last zone left. */
	hyp_hc_irq_pending[z->index] = 0;
	hvb_store_release_u32(&hyp_hc_starting[z->index], 0);
	hvb_store_release_u32(&hyp_hc_run[z->index], HC_STOPPED);
	/* No new generation: the destroy of an earlier zone of this id
	 * waited for the daemon's release of its last one (or no daemon
	 * was attached, and the next one starts that id's devices afresh
	 * if its state files are older). */
	tf->x[1] = z->index;
	return HVB_HC_OK;
}

/* The index-th RAM region of @z that ZONE_MEM reports, or NULL. */
static const struct hyp_mem_region *hyp_hc_zone_ram(const struct hyp_zone *z,
						    __u64 index)
{
	const struct hyp_zone_config *cfg = z->cfg;
	__u32 i;
	__u64 n = 0;

	for (i = 0; i < cfg->nr_mem; i++) {
		if (cfg->mem[i].flags & (HYP_MEM_IO | HYP_MEM_CHANNEL))
			continue;
		if (n++ == index)
			return &cfg->mem[i];
	}
	return 0;
}

static __u32 hyp_hc_zone_nr_ram(const struct hyp_zone *z)
{
	__u32 n = 0;

	while (hyp_hc_zone_ram(z, n))
		n++;
	return n;
}

static __s64 hyp_hc_zone_mem(struct hyp_zone *z, __u64 index,
			     struct hyp_trap_frame *tf)
{
	const struct hyp_mem_region *r = hyp_hc_zone_ram(z, index);
	__s64 flags = 0;

	if (!r)
		return HVB_HC_ENOENT;
	if (r->flags & HYP_MEM_READ)
		flags |= HVB_ZONE_MEM_READ;
	if (r->flags & HYP_MEM_WRITE)
		flags |= HVB_ZONE_MEM_WRITE;
	if (r->flags & HYP_MEM_EXEC)
		flags |= HVB_ZONE_MEM_EXEC;
	if (r->flags & HYP_MEM_SHARED)
		flags |= HVB_ZONE_MEM_SHARED;
	tf->x[1] = r->phys_start;
	tf->x[2] = r->ipa_start;
	tf->x[3] = r->size;
	return flags;
}

static void hyp_hc_zone_info(struct hyp_zone *z, struct hvb_zone_info *info)
{
	volatile __u64 *w = (volatile __u64 *)info;
	const char *name = z->cfg->name;
	__u32 i, last;

	/* volatile: no compiler-made memset call in a freestanding image. */
	for (i = 0; i < sizeof(*info) / 8; i++)
		w[i] = 0;
	info->id = z->cfg->id;
	info->state = hyp_hc_zone_state(z);
	info->flags = hyp_hc_is_root(z) ? HVB_ZONE_ROOT : 0;
	info->nr_mem = hyp_hc_zone_nr_ram(z);
	info->cpus = z->cfg->cpus;
	if (!hyp_hc_is_root(z)) {
		info->irq_base = hyp_hc_irq_base(z, &last);
		info->irq_count = info->irq_base ? last - info->irq_base + 1 : 0;
	}
	for (i = 0; name && name[i] && i < HVB_ZONE_NAME_LEN - 1; i++)
		info->name[i] = name[i];
}

static __s64 hyp_hc_zone_list(struct hyp_zone *root, __u64 pa, __u64 size)
{
	struct hyp_zone *zones[HYP_MAX_ZONES];
	struct hvb_zone_info info;
	__u32 i, j, n = hyp_hc_zones(zones);
	__u64 max = size / sizeof(info);
	volatile __u64 *dst;

	if (!pa && !size)
		return n;
	if (pa % 8 || !hyp_hc_is_own_ram(root, pa, size) ||
	    hyp_arch_is_hyp_memory(pa, size) ||
	    hyp_hc_is_other_zones_ram(root, pa, size))
		return HVB_HC_EINVAL;
	for (i = 0; i < n && i < max; i++) {
		hyp_hc_zone_info(zones[i], &info);
		dst = (volatile __u64 *)(pa + i * sizeof(info));
		for (j = 0; j < sizeof(info) / 8; j++)
			dst[j] = ((const __u64 *)&info)[j];
	}
	return n;
}

/*
 * INJECT_IRQ: only an SPI the zone's config gives it.  The SPI is set
 * pending in the physical distributor, where the zone's virtual
 * distributor enabled and routed it to one of its CPUs (both put back
 * first if the root zone's GIC set-up undid them): that CPU takes
 * it at EL2 at once if it runs the zone (the pending interrupt is its
 * own kick) and gets it in a list register, hardware-linked (gic.c).
 */
static __s64 hyp_hc_inject_irq(__u64 id, __u64 intid)
{
	struct hyp_zone *z = hyp_hc_zone_by_id(id);
	__u32 base, last;

	if (!z)
		return HVB_HC_ENOENT;
	if (hyp_hc_is_root(z))
		return HVB_HC_EDENIED;
	if (intid >= HYP_ZONE_IRQ_LIMIT || !hyp_vgic_owns_spi(z, (__u32)intid))
		return HVB_HC_EINVAL;
	base = hyp_hc_irq_base(z, &last);
	/* Fully ordered: whatever the daemon wrote before (used ring)
	 * is visible to the zone that polls this bit. */
	if (intid - base < 64)
		hvb_fetch_or_u64(&hyp_hc_irq_pending[z->index],
				 1ull << (intid - base));
	/* Barrier: the daemon's writes (the used ring) complete before the
	 * distributor sees the pending bit; pairs with the guest's
	 * acknowledge (ICC_IAR1_EL1), after which it reads the ring. */
	arm64_dsb_ish();
	hyp_vgic_spi_restore(z, (__u32)intid);
	hyp_gic_spi_set_pending((__u32)intid);
	return HVB_HC_OK;
}

/* A root-zone function that takes a non-root zone id in x1. */
static struct hyp_zone *hyp_hc_guest_zone(__u64 id, __s64 *ret)
{
	struct hyp_zone *z = hyp_hc_zone_by_id(id);

	if (!z)
		*ret = HVB_HC_ENOENT;
	else if (hyp_hc_is_root(z))
		*ret = HVB_HC_EDENIED;
	return z && !hyp_hc_is_root(z) ? z : 0;
}

static __s64 hyp_hc_root_locked(struct hyp_zone *root, __u64 fn,
				struct hyp_trap_frame *tf, __u64 a1, __u64 a2)
{
	__u64 detail;
	struct hyp_zone *z;
	__s64 ret;

	switch (fn) {
	case HVB_HC_CHANNEL_ATTACH:
		ret = hyp_arm64_channel_attach(root, a1, a2, &detail);
		tf->x[1] = detail;
		return ret;
	case HVB_HC_INJECT_IRQ:
		return hyp_hc_inject_irq(a1, a2);
	case HVB_HC_ZONE_LIST:
		return hyp_hc_zone_list(root, a1, a2);
	case HVB_HC_ZONE_MEM:
		z = hyp_hc_zone_by_id(a1);
		return z ? hyp_hc_zone_mem(z, a2, tf) : HVB_HC_ENOENT;
	case HVB_HC_ZONE_START:
		z = hyp_hc_guest_zone(a1, &ret);
		return z ? hyp_hc_zone_start(z) : ret;
	case HVB_HC_ZONE_STOP:
		z = hyp_hc_guest_zone(a1, &ret);
		return z ? hyp_hc_zone_stop(z) : ret;
	case HVB_HC_ZONE_CREATE:
		return hyp_hc_zone_create(root, a1, a2, tf);
	case HVB_HC_ZONE_DESTROY:
		z = hyp_hc_guest_zone(a1, &ret);
		return z ? hyp_hc_zone_destroy(z) : ret;
	case HVB_HC_CHANNEL_TIMEOUT:
		return hyp_arm64_channel_timeout(a1);
	}
	return HVB_HC_EDENIED;		/* HVB_HC_IRQ_POLL */
}

static __s64 hyp_hc_root(struct hyp_zone *root, __u64 fn,
			 struct hyp_trap_frame *tf)
{
	__u64 a1 = tf->x[1], a2 = tf->x[2];
	__s64 ret;

	tf->x[1] = tf->x[2] = tf->x[3] = 0;
	switch (fn) {
	case HVB_HC_VERSION:
		tf->x[1] = hyp_arm64_channel_min_cpus();
		return HVB_HC_ABI_MAJOR << 16 | HVB_HC_ABI_MINOR;
	case HVB_HC_CHANNEL_DETACH:
		return hyp_arm64_channel_detach(root, a1);
	}
	hyp_spin_lock(&hyp_hc_lock);
	ret = hyp_hc_root_locked(root, fn, tf, a1, a2);
	hyp_spin_unlock(&hyp_hc_lock);
	return ret;
}

void hyp_hc_call(struct hyp_zone *z, struct hyp_trap_frame *tf)
{
	__u64 fn = tf->x[0];
	__s64 ret;

	if (fn < HVB_HC_VERSION || fn > HVB_HC_CHANNEL_TIMEOUT) {
		ret = HVB_HC_ENOTSUP;
	} else if (hyp_hc_is_root(z)) {
		ret = hyp_hc_root(z, fn, tf);
	} else if (fn == HVB_HC_IRQ_POLL) {
		ret = (__s64)hvb_xchg_u64(&hyp_hc_irq_pending[z->index], 0);
	} else {
		ret = HVB_HC_EDENIED;
	}
	tf->x[0] = (__u64)ret;
}
