// SPDX-License-Identifier: MIT
/*
 * The channel region at EL2: where it lives, who formats it, and each
 * CPU's producer (hyp/channel.h).
 *
 * The hypervisor creates the region at a fixed physical address, the
 * last 64 KiB of QEMU virt's 2 GiB RAM, mapped only in the root zone
 * (for the kernel module).  On the build machine a daemon can reach it
 * too: with QEMU's RAM in a shared file it is at file offset
 * HYP_CHANNEL_BASE - HYP_RAM_BASE; with the RAM split into two NUMA
 * nodes, the second a 64 KiB memory-backend-file, that file is the
 * region itself and `hvbridge daemon --region FILE` serves it as is
 * (tests/e2e, channel-hvbridge).
 *
 * Policy for a daemon that is gone or slow (hyp_channel_wait_check()):
 *  - a daemon attached (consumer_state not ABSENT) but slow or hung: a
 *    synchronous request waits at most the region's timeout (the
 *    built-in region's HYP_CHANNEL_TIMEOUT_NS, 500 ms; an attached
 *    region's is the root zone's choice, CHANNEL_TIMEOUT before its
 *    CHANNEL_ATTACH, 500 ms unless it makes one) from when its wait saw the daemon there, then the
 *    producer invalidates its slot and the guest gets a data abort;
 *  - no daemon attached, after one was (ABSENT, consumer_epoch != 0:
 *    hvbridge.ko writes ABSENT when the daemon's file is released, even
 *    after a SIGKILL; a daemon of another transport on a graceful
 *    detach): the request is held in its slot, not aborted, and a
 *    daemon that attaches serves it with its attach scan (the hold
 *    lasts until that scan is counted: the daemon says RUNNING before
 *    it has resumed its devices); at most HYP_CHANNEL_HOLD_NS (60 s)
 *    from publication, then the abort;
 *  - never a daemon on this region (epoch 0: the root zone runs none):
 *    the timeout and the abort, as before the hold;
 *  - a daemon of the host-file transport killed with SIGKILL leaves
 *    RUNNING or SLEEPING behind, which nobody clears: the timeout, as
 *    for a hung daemon.
 * While it waits, the vCPU's zone may be stopped (ZONE_STOP, a sibling's
 * SYSTEM_OFF/RESET) and the producers may switch regions (attach,
 * detach): every check of the wait looks (hyp_arm64_chan_wait_check()),
 * and the access is then given back to the guest unperformed, its
 * instruction not skipped, so a stopping CPU parks at once and a
 * running one replays the access on the new region.  The guest's vCPU
 * never hangs.
 *
 * hvbridge.ko brings its own region instead (HVB_HC_CHANNEL_ATTACH, in
 * the root zone's RAM) and gives it back on unload (HVB_HC_CHANNEL_DETACH);
 * docs/hypercalls.md.  Which region the producers use is one word,
 * hyp_chan_sel; each CPU rebinds its own producer when it sees the word
 * change, at the start of an access, so a producer is never changed
 * under a request in flight.  Detach waits out every access that may
 * have started on the old region (the grace period below) before it
 * returns, so the root zone may free the memory afterwards.
 */
#include <hvbridge/barrier.h>
#include <hvbridge/hypercall.h>
#include <hvbridge/region.h>
#include <arm64/chan.h>
#include <arm64/hyp.h>
#include <arm64/sysreg.h>
#include <arm64/hvc.h>
#include <arm64/vcpu.h>
#include <hyp/arch.h>
#include <hyp/channel.h>
#include <hyp/kickslot.h>
#include <hyp/printk.h>
#include <hyp/spinlock.h>
#include <hyp/zone.h>

static struct hyp_producer hyp_producers[HYP_MAX_CPUS];
static __u32 hyp_producer_state[HYP_MAX_CPUS];	/* this CPU's only */
#define PRODUCER_UNTRIED	0
#define PRODUCER_OK		1
#define PRODUCER_FAILED		2
/* The hyp_chan_sel value this CPU's producer is bound to (its own). */
static __u32 hyp_producer_sel[HYP_MAX_CPUS];
/*
 * While this CPU is in an access (from hyp_arm64_chan_producer() to
 * hyp_arm64_chan_put()): when it took its producer, or last checked
 * the selector in a completion wait (hyp_arch_cycles()); 0 when it is
 * in none.  Written by that CPU only, read by a detaching CPU.  An
 * access ends within the grace of hyp_chan_grace() of its timestamp: a
 * wait checks the selector every HYP_WAIT_CHECK_SPINS turns, each check
 * after a new timestamp (Barrier R), and gives the access up when it
 * changed; the rest of an access (two requests' publication at most, a
 * pair, and the trap's own work) is short.  The bound is the one of the
 * time before the hold (two requests of the region's timeout, plus
 * 100 ms), kept: a held request refreshes the timestamp, so the hold's
 * 60 s never enter it.  The 0 at the end of an access (Barrier R2) lets
 * a detach skip a CPU that is in none at once, instead of waiting out
 * the grace after its last one.  An access is one trap's: the
 * hypervisor does not take a trap inside another, so accesses on one
 * CPU never nest.
 */
static __u64 hyp_producer_since[HYP_MAX_CPUS];

static int hyp_channel_ready;	/* written by CPU 0 before others run */

/*
 * The region the producers use: bit 0 set for the attached region, else
 * the built-in one; the bits above count switches, so a CPU bound to an
 * earlier attached region sees a different value.  Written (release)
 * under hyp_chan_lock by attach and detach, read (acquire) by every
 * producer.  hyp_chan_base/size are those of the attached region: written
 * before the release that publishes them, and changed again only after a
 * detach has waited out every access that could still read them.
 */
#define HYP_CHAN_ATTACHED	1u
static __u32 hyp_chan_sel;
static __u64 hyp_chan_base, hyp_chan_size;
/* The attached region's timeout (ns): written and published as base
 * and size are, from hyp_chan_next_timeout, the root zone's choice
 * (CHANNEL_TIMEOUT) for its next attach, under hyp_chan_lock; a detach
 * puts the default back. */
static __u64 hyp_chan_timeout;
static __u64 hyp_chan_next_timeout = HYP_CHANNEL_TIMEOUT_NS;
static __u32 hyp_chan_nr_cpus;	/* of the attached region's checked header */
static struct hyp_spinlock hyp_chan_lock = HYP_SPINLOCK_INIT;

/* The kick slot table into the region at @base with @nr_cpus slots
 * (its checked header's).  Callers hold hyp_chan_lock. */
static void hyp_chan_kick_table_to(__u64 base, __u32 nr_cpus)
{
	hyp_kick_table_publish(&hyp_kick_table,
			       hvb_region_kick_slots((void *)base, nr_cpus),
			       &hvb_region_kicks((void *)base)->slots_gen);
}

/*
 * Both regions get the table: the built-in one, where the producers go
 * back after a detach, and the attached one.  Under hyp_chan_lock, so a
 * detach (which returns the attached region's memory to the root zone)
 * never overlaps a write into it; the caller holds hyp_kick_table.lock
 * (taken first, as in attach), so the table does not change under the
 * copy.  A claim on a guest's trap path may wait here for a detach's
 * grace period: the detach does not wait for the claim, only for time.
 */
void hyp_arch_kick_table_changed(void)
{
	if (!hyp_channel_ready)
		return;
	hyp_spin_lock(&hyp_chan_lock);
	hyp_chan_kick_table_to(HYP_CHANNEL_BASE, HYP_MAX_CPUS);
	if (hyp_chan_sel & HYP_CHAN_ATTACHED)
		hyp_chan_kick_table_to(hyp_chan_base, hyp_chan_nr_cpus);
	hyp_spin_unlock(&hyp_chan_lock);
}

void hyp_arm64_channel_init(void)
{
	volatile __u64 *w = (volatile __u64 *)HYP_CHANNEL_BASE;
	__u64 i;
	int err;

	/* hvb_region_format() wants zeroed memory; volatile stores, so no
	 * compiler-made memset call in a freestanding image. */
	for (i = 0; i < HYP_CHANNEL_SIZE / 8; i++)
		w[i] = 0;
	err = hvb_region_format((void *)HYP_CHANNEL_BASE, HYP_CHANNEL_SIZE,
				HYP_MAX_CPUS);
	if (err) {
		hyp_printk("hvbridge-hyp: channel region: %s\n",
			   hvb_region_strerror(err));
		return;
	}
	/* Complete before any CPU or the daemon can look at it. */
	arm64_dsb_ish();
	hyp_channel_ready = 1;
	hyp_printk("hvbridge-hyp: channel region at PA 0x%lx, 0x%lx bytes, %u CPU slots, timeout %lu ms\n",
		   HYP_CHANNEL_BASE, HYP_CHANNEL_SIZE, HYP_MAX_CPUS,
		   (__u64)(HYP_CHANNEL_TIMEOUT_NS / 1000000));
}

/* Does every part @p uses lie inside [@base, @base + @size)?  The header
 * is in the root zone's memory, which may rewrite it at any time:
 * hyp_channel_attach() reads it once, into a private copy, and derives
 * every pointer from that copy, so this holds by construction.  Checked
 * anyway: a producer outside the region would write where the root zone
 * pointed it. */
static int hyp_producer_in(const struct hyp_producer *p, __u64 base,
			   __u64 size)
{
	__u64 end = base + size;

	return (__u64)(p->slot + 1) <= end && (__u64)(p->stats + 1) <= end &&
	       (__u64)p->slot >= base && (__u64)p->stats >= base;
}

static void hyp_producer_bind(__u32 cpu, __u32 sel)
{
	struct hyp_producer *p = &hyp_producers[cpu];
	__u64 base = HYP_CHANNEL_BASE, size = HYP_CHANNEL_SIZE;
	__u64 timeout = HYP_CHANNEL_TIMEOUT_NS;
	int err;

	if (sel & HYP_CHAN_ATTACHED) {
		base = hvb_read_once_u64(&hyp_chan_base);
		size = hvb_read_once_u64(&hyp_chan_size);
		timeout = hvb_read_once_u64(&hyp_chan_timeout);
	}
	err = hyp_channel_attach(p, (void *)base, size, cpu, timeout);
	p->hold_ns = HYP_CHANNEL_HOLD_NS;
	if (!err && !hyp_producer_in(p, base, size))
		err = HVB_REGION_ELAYOUT;
	hyp_producer_state[cpu] = err ? PRODUCER_FAILED : PRODUCER_OK;
	hyp_producer_sel[cpu] = sel;
	if (err)
		hyp_printk("hvbridge-hyp: CPU %u: channel attach at PA 0x%lx: %s\n",
			   cpu, base, hvb_region_strerror(err));
}

struct hyp_producer *hyp_arm64_producer(void)
{
	if (hyp_arm64_cpu_id() >= HYP_MAX_CPUS)
		return 0;
	/* A zone asked to stop parks here, at an exit
	 * (hyp_hc_zone_exit_check(), hvc_bridge.c). */
	hyp_hc_zone_exit_check(hyp_vcpu_current());
	return hyp_arm64_chan_producer();
}

struct hyp_producer *hyp_arm64_chan_producer(void)
{
	__u32 cpu = hyp_arm64_cpu_id(), sel;

	if (cpu >= HYP_MAX_CPUS || !hyp_channel_ready)
		return 0;
	hvb_write_once_u64(&hyp_producer_since[cpu], hyp_arch_cycles());
	/* Barrier R: the timestamp before the load of the selector; pairs
	 * with Barrier R' in hyp_arm64_channel_detach(): either we see its
	 * new selector, or it sees our timestamp and waits for us. */
	hvb_mb();
	sel = hvb_load_acquire_u32(&hyp_chan_sel);
	if (hyp_producer_state[cpu] == PRODUCER_UNTRIED ||
	    hyp_producer_sel[cpu] != sel)
		hyp_producer_bind(cpu, sel);
	return hyp_producer_state[cpu] == PRODUCER_OK ?
	       &hyp_producers[cpu] : 0;
}

void hyp_arm64_chan_put(void)
{
	__u32 cpu = hyp_arm64_cpu_id();

	if (cpu >= HYP_MAX_CPUS)
		return;
	/* Barrier R2: every access this CPU made to the region (through
	 * its producer) before the 0 that says it made its last; pairs
	 * with Barrier R2' in hyp_chan_grace(): a detach that reads this
	 * 0 returns the region only after them. */
	hvb_store_release_u64(&hyp_producer_since[cpu], 0);
}

int hyp_arm64_chan_wait_check(struct hyp_producer *p)
{
	__u32 cpu = hyp_arm64_cpu_id();

	(void)p;
	if (cpu >= HYP_MAX_CPUS)
		return 0;
	/* A stop must not wait for the daemon (a hold lasts up to 60 s):
	 * the caller gives the access back and parks. */
	if (hyp_hc_zone_is_stopping(hyp_vcpu_current()))
		return 1;
	hvb_write_once_u64(&hyp_producer_since[cpu], hyp_arch_cycles());
	/* Barrier R, as in hyp_arm64_chan_producer(): the timestamp
	 * before the selector; pairs with Barrier R' in
	 * hyp_arm64_channel_detach().  Either we see the new selector
	 * here, or the detach sees this timestamp and waits for us. */
	hvb_mb();
	return hvb_load_acquire_u32(&hyp_chan_sel) != hyp_producer_sel[cpu];
}

/* [@pa, @pa + @size) inside one of the root zone's own RAM regions
 * (identity mapped, shared with no zone) and in nobody else's memory. */
static int hyp_chan_root_ram(const struct hyp_zone *root, __u64 pa,
			     __u64 size)
{
	return hyp_hc_is_own_ram(root, pa, size) &&
	       !hyp_arch_is_hyp_memory(pa, size) &&
	       !hyp_hc_is_other_zones_ram(root, pa, size);
}

__u32 hyp_arm64_channel_min_cpus(void)
{
	__u64 mask = hyp_arch_cpu_mask();

	return mask ? 64u - (__u32)__builtin_clzll(mask) : 1;
}

__u64 hyp_arm64_channel_timeout_ns(void)
{
	return hvb_load_acquire_u32(&hyp_chan_sel) & HYP_CHAN_ATTACHED ?
	       hvb_read_once_u64(&hyp_chan_timeout) : HYP_CHANNEL_TIMEOUT_NS;
}

__s64 hyp_arm64_channel_timeout(__u64 ms)
{
	__s64 ret = HVB_HC_OK;

	if (ms > HVB_HC_TIMEOUT_MAX_MS)
		return HVB_HC_EINVAL;
	hyp_spin_lock(&hyp_chan_lock);
	if (hyp_chan_sel & HYP_CHAN_ATTACHED)
		ret = HVB_HC_ESTATE;
	else
		hyp_chan_next_timeout = ms ? ms * 1000000ull :
				       HYP_CHANNEL_TIMEOUT_NS;
	hyp_spin_unlock(&hyp_chan_lock);
	return ret;
}

__s64 hyp_arm64_channel_attach(const struct hyp_zone *root, __u64 pa,
			       __u64 size, __u64 *detail)
{
	struct hvb_region_header h;
	__s64 ret = HVB_HC_OK;
	int err;

	*detail = 0;
	if (!hyp_channel_ready)
		return HVB_HC_ESTATE;
	if ((pa | size) % HVB_REGION_ALIGN || size < HVB_HC_REGION_MIN ||
	    size > HVB_HC_REGION_MAX || pa + size < pa ||
	    !hyp_chan_root_ram(root, pa, size))
		return HVB_HC_EINVAL;
	/* The kick table's lock first (hyp/kickslot.h): the copy below
	 * must not meet a block claimed meanwhile on another CPU. */
	hyp_kick_table_lock(&hyp_kick_table);
	hyp_spin_lock(&hyp_chan_lock);
	if (hyp_chan_sel & HYP_CHAN_ATTACHED) {
		ret = HVB_HC_EBUSY;
		goto out;
	}
	/* The root zone may change the header after this check: each CPU
	 * checks it again, on its own copy, when it binds (hyp_producer_bind). */
	err = hvb_region_attach_header((const void *)pa, size, &h);
	if (!err && h.nr_cpus < hyp_arm64_channel_min_cpus())
		err = HVB_REGION_ECPUS;
	if (err) {
		hyp_printk("hvbridge-hyp: channel: region at PA 0x%lx refused: %s\n",
			   pa, hvb_region_strerror(err));
		*detail = (__u64)(__s64)err;
		ret = HVB_HC_EREGION;
		goto out;
	}
	hyp_chan_base = pa;
	hyp_chan_size = size;
	hyp_chan_timeout = hyp_chan_next_timeout;
	hyp_chan_nr_cpus = h.nr_cpus;
	/* Before any producer or daemon uses it: the zones' generations,
	 * so a daemon that attaches sees the current ones, and the kick
	 * slot table. */
	hyp_hc_zone_gens_publish((void *)pa);
	hyp_chan_kick_table_to(pa, h.nr_cpus);
	/* Publishes base and size to the producers' acquire of the
	 * selector (hyp_arm64_producer()). */
	hvb_store_release_u32(&hyp_chan_sel,
			      (hyp_chan_sel | HYP_CHAN_ATTACHED) + 2);
	hyp_printk("hvbridge-hyp: channel: region at PA 0x%lx, 0x%lx bytes, %u CPU slots attached by %s, timeout %lu ms\n",
		   pa, size, h.nr_cpus, root->cfg->name,
		   hyp_chan_timeout / 1000000);
out:
	hyp_spin_unlock(&hyp_chan_lock);
	hyp_kick_table_unlock(&hyp_kick_table);
	return ret;
}

/* Nanoseconds since @since (hyp_arch_cycles()); 0 if it is later. */
static __u64 hyp_chan_age_ns(__u64 since)
{
	__u64 now = hyp_arch_cycles();

	return now > since ? hyp_arch_cycles_to_ns(now - since) : 0;
}

/*
 * Wait until no access that may have taken the old selector still runs:
 * one that did took its timestamp before our Barrier R', so it ends
 * within the grace below of the timestamp we read now (or of a later
 * one the same CPU took since, which is only later still), or sooner,
 * when the CPU's word reads 0: that access is over (Barrier R2), and
 * any the CPU starts after it sees the new selector (Barrier R against
 * R': our read of 0 came before its timestamp).  A word that changes
 * to another timestamp may be the same access's wait refreshing it, so
 * only 0 ends the wait early.
 */
static void hyp_chan_grace(void)
{
	__u32 cpu, self = hyp_arm64_cpu_id();
	__u64 t0 = hyp_arch_cycles(), since;
	/* The attached region's: under hyp_chan_lock, so still its. */
	__u64 grace = 2 * hyp_chan_timeout + 100000000ull;
	int waited = 0;

	for (cpu = 0; cpu < HYP_MAX_CPUS; cpu++) {
		if (cpu == self)
			continue;
		/* Barrier R2': the CPU's 0 before our return of the region
		 * (the caller's writes, the root zone's reuse); pairs with
		 * Barrier R2 in hyp_arm64_chan_put(). */
		since = hvb_load_acquire_u64(&hyp_producer_since[cpu]);
		while (since && hyp_chan_age_ns(since) < grace) {
			waited = 1;
			hvb_cpu_relax();
			/* Barrier R2' again, for the 0 that ends the wait. */
			if (!hvb_load_acquire_u64(&hyp_producer_since[cpu]))
				break;
		}
	}
	if (waited)
		hyp_printk("hvbridge-hyp: channel: detach waited %lu ms for accesses in flight\n",
			   hyp_chan_age_ns(t0) / 1000000);
}

__s64 hyp_arm64_channel_detach(const struct hyp_zone *root, __u64 pa)
{
	__s64 ret = HVB_HC_OK;

	hyp_spin_lock(&hyp_chan_lock);
	if (!(hyp_chan_sel & HYP_CHAN_ATTACHED)) {
		ret = HVB_HC_ESTATE;
		goto out;
	}
	if (pa != hyp_chan_base) {
		ret = HVB_HC_EINVAL;
		goto out;
	}
	hvb_store_release_u32(&hyp_chan_sel,
			      (hyp_chan_sel & ~HYP_CHAN_ATTACHED) + 2);
	/* Barrier R': the new selector before the timestamps; pairs with
	 * Barrier R in hyp_arm64_producer(). */
	hvb_mb();
	hyp_chan_grace();
	hyp_chan_base = 0;
	hyp_chan_size = 0;
	hyp_chan_next_timeout = HYP_CHANNEL_TIMEOUT_NS;
	hyp_printk("hvbridge-hyp: channel: region at PA 0x%lx detached by %s, back to PA 0x%lx\n",
		   pa, root->cfg->name, HYP_CHANNEL_BASE);
out:
	hyp_spin_unlock(&hyp_chan_lock);
	return ret;
}
