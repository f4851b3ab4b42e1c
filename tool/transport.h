/* SPDX-License-Identifier: MIT */
/*
 * transport.h - how the daemon reaches a channel region and sleeps on it.
 *
 *   sim   a shared file (e.g. in /dev/shm) created by hvbridge-sim; sleeps
 *         with a futex on the region's wake_gen word
 *   host  the file QEMU uses as guest RAM (transport_host.c); polls
 *   kmod  /dev/hvbridge in the root zone (transport_kmod.c); sleeps in
 *         poll(), woken by the wake SPI through hvbridge.ko
 *
 * Besides the region, a transport gives the virtio devices (tool/virtio/)
 * the two things they need of the root zone: guest memory (map_phys) and
 * guest interrupts (raise_irq).
 */
#ifndef HVB_TOOL_TRANSPORT_H
#define HVB_TOOL_TRANSPORT_H

#include <stdbool.h>
#include <hvbridge/types.h>

struct hvb_transport;

struct hvb_transport_ops {
	const char *name;
	/* HVB_OWNER_*: what a daemon on this transport writes into the
	 * region's consumer_owner (claim.h). */
	__u32 owner;
	/* Map the region named by @where; set t->region and t->size.
	 * Returns 0 or a negative errno, with a message in t->error. */
	int (*open)(struct hvb_transport *t, const char *where);
	/* Can this transport sleep?  If not the consumer only polls. */
	bool (*can_sleep)(struct hvb_transport *t);
	/*
	 * Block until a producer signals, or return at once if @wake_word
	 * no longer holds @token (the wake_gen value the consumer read with
	 * Barrier W0).  Returns 0, or -EINTR on a signal, or another
	 * negative errno.  While it blocks it wakes every HVB_HEARTBEAT_MS
	 * to add 1 to *t->heartbeat, if set, and to check t->stop.  With
	 * t->wait_ns set it also returns 0 once that long has passed.
	 */
	int (*wait)(struct hvb_transport *t, __u32 *wake_word, __u32 token);
	void (*close)(struct hvb_transport *t);
	/*
	 * Optional.  Make a wait in progress, or one about to start, return
	 * at once; async-signal-safe, so a signal handler can call it.
	 * @wake_word is the word wait() sleeps on.
	 */
	void (*interrupt)(struct hvb_transport *t, __u32 *wake_word);
	/*
	 * Optional.  Map root-zone physical range [@phys, @phys + @size)
	 * (hvisor's zone0_ipa of a zone's memory region) into the daemon,
	 * read-write and shared with the guest, and return its address; on
	 * failure return NULL with a reason in *why.  The mapping stays
	 * until close().  Each transport backs "physical memory" its own way:
	 *   sim   a file given by hvb_transport_sim_set_phys(), standing for
	 *         physical [phys_base, phys_base + file size)
	 *   host  the file QEMU uses as RAM (memory-backend-file), at
	 *         offset phys - the RAM base of the machine
	 *   kmod  mmap() of /dev/hvbridge at offset @phys, which the module
	 *         allows only inside a zone's window
	 * Called while the daemon sets up, from one thread.
	 */
	void *(*map_phys)(struct hvb_transport *t, __u64 phys, __u64 size,
			  const char **why);
	/*
	 * Optional.  Raise interrupt @irq in zone @zone (a virtio device's
	 * used-buffer or config-change notification).  Thread-safe: device
	 * I/O threads call it concurrently with the serving thread.  Edge
	 * semantics: one call, one interrupt; the hypervisor (kmod: the
	 * hypercall) checks that @irq belongs to @zone.  Returns 0 or a
	 * negative errno (-ENOTSUP: this transport cannot interrupt).
	 *   sim   increments counter @irq of the interrupt page given by
	 *         hvb_transport_sim_set_irq() and wakes its futex
	 */
	int (*raise_irq)(struct hvb_transport *t, __u32 zone, __u32 irq);
	/*
	 * Optional.  Now on the clock this transport's producers stamp
	 * hvb_wake.wake_sent_ns with (ns), so the daemon can tell how long
	 * ago a request that woke it came; NULL where it cannot be read:
	 *   sim   CLOCK_MONOTONIC (the host simulation's hyp_arch_now_ns())
	 *   kmod  on arm64, CNTVCT_EL0 in ns (the root zone's view of the
	 *         generic timer EL2 reads, CNTVOFF_EL2 being 0)
	 *   host  none: the hypervisor runs inside QEMU, on its clock
	 */
	__u64 (*hyp_clock_ns)(struct hvb_transport *t);
};

struct hvb_transport {
	const struct hvb_transport_ops *ops;
	void *region;
	__u64 size;
	int fd;
	/*
	 * Optional stop flag, set by whoever owns the transport (the daemon's
	 * signal handler).  wait() returns -EINTR without sleeping when it is
	 * non-zero: with interrupt() this closes the window between the
	 * consumer's last stop check and its sleep (see daemon.c).
	 */
	const volatile int *stop;
	/*
	 * Optional: the region's hvb_daemon_stats.heartbeat, set by the
	 * daemon once attached.  wait() is called by the serving thread, the
	 * heartbeat's one writer, and bumps it while the daemon sleeps.
	 */
	__u64 *heartbeat;
	/*
	 * Set by the serving loop before each wait(): 0, wait until a
	 * producer signals (the adaptive idling of tool/idle.h asks for
	 * nothing else at no load); otherwise return after about this many
	 * ns even unsignalled, to poll just before a request it predicts.
	 * A transport that ignores it only makes those requests wake it.
	 */
	__u64 wait_ns;
	/* Transport-private state (sim: the phys and interrupt mappings);
	 * NULL until a setter needs it, freed by close(). */
	void *priv;
	char error[256];
};

/*
 * For a wait() that honours t->wait_ns: hvb_transport_wait_end() is its
 * deadline (CLOCK_MONOTONIC ns; 0: none), taken once on entry;
 * hvb_transport_wait_next() the next timeout to sleep, HVB_HEARTBEAT_MS
 * or what is left before @end (*@beat false: the heartbeat is not due
 * when it runs out), or false when @end has passed.
 */
struct timespec;
__u64 hvb_transport_wait_end(const struct hvb_transport *t);
/* hyp_clock_ns() implementations: CLOCK_MONOTONIC; the generic timer's
 * virtual count in ns (arm64 only). */
__u64 hvb_transport_monotonic_ns(struct hvb_transport *t);
#if defined(__aarch64__)
__u64 hvb_transport_counter_ns(struct hvb_transport *t);
#endif
bool hvb_transport_wait_next(__u64 end, struct timespec *ts, bool *beat);

/* Look up a transport by name ("sim", ...); NULL if unknown. */
const struct hvb_transport_ops *hvb_transport_find(const char *name);

/*
 * The module's device node: $HVBRIDGE_DEVICE if set and not empty (tests,
 * or a udev rule that names it otherwise), else HVB_DEVICE_PATH.
 */
#define HVB_DEVICE_ENV	"HVBRIDGE_DEVICE"
const char *hvb_kmod_device_path(void);

/*
 * The transport when neither the command line nor the config names one:
 * "kmod" if @region is a character device, or if @region is NULL and the
 * module's device exists (the root zone); "sim" otherwise.
 */
const char *hvb_transport_default(const char *region);

/* Every known transport, NULL-terminated (for --help and messages). */
extern const struct hvb_transport_ops *const hvb_transport_table[];

extern const struct hvb_transport_ops hvb_transport_kmod;
extern const struct hvb_transport_ops hvb_transport_sim;
extern const struct hvb_transport_ops hvb_transport_host;

/*
 * The host transport's layout (docs/transports.md): the RAM file's byte 0
 * is physical @ram_base, and the hypervisor's channel region is at
 * physical @region_phys.  Defaults, without a call: QEMU virt's RAM base
 * and the region hyp/arch/arm64 formats (the last 64 KiB of 2 GiB).
 * Call before open(); returns 0 or a negative errno.
 */
#define HVB_HOST_RAM_BASE	0x40000000ull
#define HVB_HOST_REGION_PHYS	0xbfff0000ull

int hvb_transport_host_set_layout(struct hvb_transport *t, __u64 ram_base,
				  __u64 region_phys);

/*
 * The sim transport's stand-ins for physical memory and the interrupt
 * controller, shared with the test that plays the guest.  Both may be set
 * before or after open(); close() unmaps them (call it even when open()
 * failed after a setter ran).
 *
 * hvb_transport_sim_set_phys(): file @path (e.g. in /dev/shm) is physical
 * memory [@phys_base, @phys_base + its size); map_phys() hands out ranges
 * of it.  hvb_transport_sim_set_irq(): file @path holds a struct
 * hvb_sim_irq_page; raise_irq(zone, irq) adds 1 to count[irq] and
 * FUTEX_WAKEs it (a shared futex: the guest may be another process).  The
 * sim has no zones: @zone is not checked.  Both return 0 or a negative
 * errno with a message in t->error.
 */
#define HVB_SIM_IRQS	1024u

struct hvb_sim_irq_page {
	/* Written by the daemon (atomic add, then futex wake), read by the
	 * guest (acquire load or FUTEX_WAIT on the word it last saw). */
	__u32 count[HVB_SIM_IRQS];
};

int hvb_transport_sim_set_phys(struct hvb_transport *t, const char *path,
			       __u64 phys_base);
int hvb_transport_sim_set_irq(struct hvb_transport *t, const char *path);

#endif /* HVB_TOOL_TRANSPORT_H */
