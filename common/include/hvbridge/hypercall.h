/* SPDX-License-Identifier: MIT */
/*
 * hvbridge/hypercall.h - the hypercalls (HVC) the root zone's hvbridge.ko
 * makes to the EL2 hypervisor; docs/hypercalls.md has the full table.
 *
 * Calling convention: SMCCC 1.1 fast calls over HVC (`hvc #0`, which is
 * what arm_smccc_1_1_hvc() emits).  x0 holds the function id below,
 * x1..x4 the arguments; on return x0 is the result, a non-negative value
 * or one of the negative HVB_HC_E* codes, and x1..x3 carry the extra
 * results a function documents (zero otherwise).  The ids are SMC64 fast
 * calls in the "vendor specific hypervisor service" owner range (6).
 *
 * Who may call: every function except HVB_HC_IRQ_POLL is for the root
 * zone only; from any other zone it returns HVB_HC_EDENIED and does
 * nothing.  HVB_HC_IRQ_POLL is for the other zones (the root zone gets
 * HVB_HC_EDENIED).  An id not listed here returns HVB_HC_ENOTSUP (-1,
 * SMCCC NOT_SUPPORTED), from every zone.
 *
 * Every argument is validated by the hypervisor; a bad one returns an
 * error and changes nothing.  Addresses passed by the root zone are its
 * IPAs, which equal physical addresses (the root zone is identity
 * mapped).  Nothing a caller passes can make the hypervisor panic.
 */
#ifndef HVBRIDGE_HYPERCALL_H
#define HVBRIDGE_HYPERCALL_H

#include <hvbridge/types.h>

/* Version of this hypercall ABI, returned by HVB_HC_VERSION. */
#define HVB_HC_ABI_MAJOR	1u
#define HVB_HC_ABI_MINOR	3u	/* 1: ZONE_CREATE, ZONE_DESTROY;
					 * 2: HVB_HC_EDEVICES;
					 * 3: CHANNEL_TIMEOUT */

#define HVB_HC_FN(n)		(0xc6000000u | (n))

/*
 * x0 = (HVB_HC_ABI_MAJOR << 16) | HVB_HC_ABI_MINOR.  A caller refuses any
 * other major.  x1 = the CPU slots an attached region needs (the highest
 * physical CPU the hypervisor runs, plus one): the root zone sees only its
 * own CPUs, the producers run on every CPU.
 */
#define HVB_HC_VERSION		HVB_HC_FN(0x10)

/*
 * x1 = physical address, x2 = size of a channel region the root zone
 * allocated, zeroed and formatted (hvb_region_format()).  Checked: both
 * HVB_REGION_ALIGN aligned, size in [HVB_HC_REGION_MIN, HVB_HC_REGION_MAX],
 * the range wholly inside the root zone's own RAM (not memory it shares
 * with another zone, not the hypervisor's memory, no other zone's memory),
 * no region attached yet (HVB_HC_EBUSY), then hvb_region_check() on it
 * (HVB_HC_EREGION, x1 = the HVB_REGION_E* code) and a slot for every CPU
 * the hypervisor runs (HVB_HC_EREGION, x1 = HVB_REGION_ECPUS).
 * On success (0) every CPU's producer uses this region for its next
 * request instead of the hypervisor's built-in one; requests already in
 * flight finish on the region they started on.
 */
#define HVB_HC_CHANNEL_ATTACH	HVB_HC_FN(0x11)

/*
 * x1 = physical address of the attached region (must match: HVB_HC_EINVAL,
 * or HVB_HC_ESTATE when none is attached).  Producers go back to the
 * built-in region for their next request.  A request in flight on the
 * detached region is waited for: it completes or times out (the
 * no-daemon policy: the guest gets a data abort) within the channel's
 * timeout, and only then does the call return 0.  After that return the
 * hypervisor never reads or writes that memory again, so the caller may
 * free it.
 */
#define HVB_HC_CHANNEL_DETACH	HVB_HC_FN(0x12)

/*
 * x1 = zone id, x2 = interrupt (GIC INTID).  Refused (HVB_HC_EINVAL)
 * unless the INTID is one of that zone's configured device interrupts
 * (HVB_HC_ZONE_LIST: irq_base .. irq_base + irq_count - 1); HVB_HC_ENOENT
 * for an unknown zone, HVB_HC_EDENIED for the root zone itself (it owns
 * the physical GIC).  The zones have no virtual GIC yet: the interrupt is
 * recorded as bit (INTID - irq_base) of the zone's pending word, which
 * the zone reads and clears with HVB_HC_IRQ_POLL.  Returns 0.
 */
#define HVB_HC_INJECT_IRQ	HVB_HC_FN(0x13)

/*
 * x1 = physical address, x2 = size in bytes of a root-zone buffer (in
 * the root zone's own RAM, 8-byte aligned; size 0 with address 0 just
 * counts).  Writes min(zones, size / sizeof(struct hvb_zone_info)) entries
 * and returns the number of zones (x0 >= 0).
 */
#define HVB_HC_ZONE_LIST	HVB_HC_FN(0x14)

/*
 * x1 = zone id (not the root zone: HVB_HC_EDENIED; unknown: HVB_HC_ENOENT).
 *
 * START (zone stopped, else HVB_HC_ESTATE): the zone's first CPU is
 * powered on through PSCI CPU_ON into the hypervisor, which enters the
 * zone at its configured entry as at boot (the built-in test guest is
 * copied again; a loaded image is not reloaded: it runs what its RAM
 * holds).  Returns 0, or HVB_HC_ESTATE if the firmware refused CPU_ON.
 * Before that, if a daemon is attached to the channel and has not
 * acknowledged the zone's current generation (channel.h, zone_ack; the
 * hypervisor wakes it), the hypervisor waits for it at most
 * HVB_ZONE_RELEASE_SLICE_MS and then refuses with HVB_HC_EDEVICES: the
 * zone is not started while a device of its previous run may still write
 * into its memory.  A caller retries for HVB_ZONE_RELEASE_WAIT_MS.
 *
 * STOP (zone running, else HVB_HC_ESTATE): marks the zone to stop and
 * returns 0 at once.  Each of its CPUs parks at its next exit to the
 * hypervisor (an MMIO trap, a hypercall, or an interrupt: the hypervisor
 * sends each of the zone's CPUs its kick SGI, which a guest CPU takes at
 * EL2 whatever its EL1 masks, so a guest that never traps stops too): it
 * powers itself off with PSCI CPU_OFF; the zone is STOPPED when the last
 * one did.  A zone whose test guest ended (exit hypercall) is
 * STOPPED once its CPU is off, and may be started again (a guest on
 * physical CPU 0 halts instead: START keeps answering HVB_HC_ESTATE).
 */
#define HVB_HC_ZONE_START	HVB_HC_FN(0x15)
#define HVB_HC_ZONE_STOP	HVB_HC_FN(0x16)

/*
 * x1 = zone id, x2 = index.  The index-th RAM window of the zone (device
 * pass-through regions are not listed): x0 = HVB_ZONE_MEM_* flags (>= 0),
 * x1 = physical address, x2 = IPA in the zone, x3 = size.  HVB_HC_ENOENT
 * past the last window or for an unknown zone.  These are the only
 * windows hvbridge.ko lets the daemon mmap (besides the region).
 */
#define HVB_HC_ZONE_MEM		HVB_HC_FN(0x17)

/*
 * From a non-root zone, no arguments: x0 = its pending interrupt bits
 * (bit n: INTID irq_base + n was injected), which this call clears.
 */
#define HVB_HC_IRQ_POLL		HVB_HC_FN(0x18)

/*
 * x1 = physical address, x2 = size of a struct hvb_zone_desc
 * (hvbridge/zone-desc.h) in the root zone's own RAM (8-byte aligned, size
 * exactly sizeof(struct hvb_zone_desc): else HVB_HC_EINVAL).  The
 * hypervisor copies it out of root-zone memory, then checks the copy
 * (hyp/core/zone_check.c): a refusal is HVB_HC_EZONE with x1 = the
 * HVB_ZONE_E* reason and x2 = the index it is about.  Accepted, the zone
 * exists, STOPPED: its RAM is mapped in it (and, being in the guest pool,
 * in the root zone, which loads its images and starts it with
 * HVB_HC_ZONE_START), its SPIs and CPUs are its own.  Returns 0, x1 =
 * the zone's slot.
 */
#define HVB_HC_ZONE_CREATE	HVB_HC_FN(0x19)

/*
 * x1 = zone id (not the root zone: HVB_HC_EDENIED; unknown:
 * HVB_HC_ENOENT).  Removes the zone, static or created at run time.  A
 * running zone is first asked to stop, as HVB_HC_ZONE_STOP does, and the
 * call returns HVB_HC_EAGAIN while any of its CPUs is on: call again.
 * Once every CPU is off its SPIs are disabled, unpended and deactivated
 * in the distributor, its virtual GIC state forgotten, and its slot, CPUs,
 * memory and interrupts are free: returns 0.
 */
#define HVB_HC_ZONE_DESTROY	HVB_HC_FN(0x1a)

/*
 * x1 = milliseconds: how long a synchronous access on the region the
 * root zone attaches next waits for a live daemon before the guest gets
 * its abort (0: the hypervisor's default, 500 ms; at most
 * HVB_HC_TIMEOUT_MAX_MS, else HVB_HC_EINVAL).  Only while no region is
 * attached (HVB_HC_ESTATE); a detach puts the default back, so each
 * attach starts from the default unless this is called before it.  The
 * hold for a daemon that is gone (docs/abi.md) does not change.
 */
#define HVB_HC_CHANNEL_TIMEOUT	HVB_HC_FN(0x1b)
#define HVB_HC_TIMEOUT_MAX_MS	10000u
#define HVB_HC_TIMEOUT_DEFAULT_MS	500u	/* x1 = 0 */

/* Results (x0). */
#define HVB_HC_OK		0
#define HVB_HC_ENOTSUP		(-1)	/* unknown function id */
#define HVB_HC_EDENIED		(-2)	/* not for the calling zone */
#define HVB_HC_EINVAL		(-3)	/* bad argument: range, alignment */
#define HVB_HC_ENOENT		(-4)	/* no such zone or window */
#define HVB_HC_EBUSY		(-5)	/* a region is attached already */
#define HVB_HC_EREGION		(-6)	/* region check failed, x1 = code */
#define HVB_HC_ESTATE		(-7)	/* wrong state for the request */
#define HVB_HC_EZONE		(-8)	/* descriptor refused: x1 reason, x2
					 * index (hvbridge/zone-desc.h) */
#define HVB_HC_EAGAIN		(-9)	/* in progress: call again */
/* ZONE_START: the attached daemon has not acknowledged the zone's
 * generation (channel.h, zone_ack): its devices may still write into
 * the zone's memory.  Retry for up to HVB_ZONE_RELEASE_WAIT_MS. */
#define HVB_HC_EDEVICES		(-10)

/* How long a caller of ZONE_START keeps retrying HVB_HC_EDEVICES (the
 * channel's timeout policy: HYP_CHANNEL_TIMEOUT_NS); each try spins at
 * most HVB_ZONE_RELEASE_SLICE_MS in the hypervisor, so the root zone's
 * CPU is not held while the daemon may need it. */
#define HVB_ZONE_RELEASE_WAIT_MS	500u
#define HVB_ZONE_RELEASE_SLICE_MS	20u

/* Bounds of an attached region (bytes). */
#define HVB_HC_REGION_MIN	0x1000ull
#define HVB_HC_REGION_MAX	0x100000ull

/* Interrupts a zone may be sent: at most this many, from irq_base. */
#define HVB_HC_MAX_ZONE_IRQS	64u

/* struct hvb_zone_info.state */
#define HVB_ZONE_STOPPED	0u
#define HVB_ZONE_RUNNING	1u
#define HVB_ZONE_STOPPING	2u	/* STOP asked, a CPU still runs */

/* struct hvb_zone_info.flags */
#define HVB_ZONE_ROOT		0x1u	/* the root zone */

/* HVB_HC_ZONE_MEM x0 */
#define HVB_ZONE_MEM_READ	0x1u
#define HVB_ZONE_MEM_WRITE	0x2u
#define HVB_ZONE_MEM_EXEC	0x4u
#define HVB_ZONE_MEM_SHARED	0x8u	/* mapped in the root zone as well */

#define HVB_ZONE_NAME_LEN	16u

/* One entry of HVB_HC_ZONE_LIST; written by the hypervisor only. */
struct hvb_zone_info {
	__u32 id;		/* zone id, as in channel requests */
	__u32 state;		/* HVB_ZONE_* */
	__u32 flags;		/* HVB_ZONE_ROOT */
	__u32 nr_mem;		/* RAM windows (HVB_HC_ZONE_MEM indexes) */
	__u64 cpus;		/* physical CPUs, bit n = CPU n */
	__u32 irq_base;		/* first INTID HVB_HC_INJECT_IRQ takes */
	__u32 irq_count;	/* how many, <= HVB_HC_MAX_ZONE_IRQS */
	char name[HVB_ZONE_NAME_LEN];	/* NUL-terminated */
	__u32 reserved[4];	/* zero */
};

_Static_assert(sizeof(struct hvb_zone_info) == 64, "zone info size");
_Static_assert(__builtin_offsetof(struct hvb_zone_info, cpus) == 16,
	       "zone info cpus");
_Static_assert(__builtin_offsetof(struct hvb_zone_info, irq_base) == 24,
	       "zone info irq_base");
_Static_assert(__builtin_offsetof(struct hvb_zone_info, name) == 32,
	       "zone info name");

#endif /* HVBRIDGE_HYPERCALL_H */
