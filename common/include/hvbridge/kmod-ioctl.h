/* SPDX-License-Identifier: MIT */
/*
 * hvbridge/kmod-ioctl.h - the user ABI of hvbridge.ko: /dev/hvbridge, as
 * the daemon's kmod transport uses it (docs/kmod.md).
 *
 * open:  root only (mode 0600 and CAP_SYS_ADMIN); any number of files.
 *        Each open file holds a reference on the module, so rmmod is
 *        refused while any is open (or mapped: a mapping holds its file).
 *
 * roles: exactly one open file at a time may hold the DAEMON role, taken
 *        by HVB_IOC_CLAIM (a second claim, from any other file, fails
 *        with -EBUSY: another daemon runs).  The role goes with the file:
 *        it is released when the file is (closed and every mapping of it
 *        gone, e.g. when the daemon exits or is killed), and the next
 *        daemon can claim it.  Only the daemon's file may
 *          - map the region writable, and map zone windows;
 *          - read, poll and write the wake counter;
 *          - HVB_IOC_INJECT_IRQ;
 *        any other file gets -EACCES for these (poll: EPOLLERR).  Every
 *        open file may HVB_IOC_INFO, ZONE_LIST, ZONE_START, ZONE_STOP,
 *        ZONE_CREATE, ZONE_DESTROY,
 *        ZONE_MEM, and map the region read-only (PROT_READ; it cannot be
 *        mprotect()ed writable) to read its statistics.
 *
 * mmap:  MAP_SHARED only.  The offset chooses what is mapped:
 *        0               the channel region, at most HVB_IOC_INFO's
 *                        region_size bytes (exactly the region: no page
 *                        past it);
 *        phys            memory of a zone: the offset is the physical
 *                        address, and [offset, offset + length) must lie
 *                        inside one window that HVB_IOC_ZONE_MEM reports
 *                        (page aligned, as mmap requires);
 *        anything else   -EINVAL.
 *        Both are mapped Normal write-back cacheable, the attributes the
 *        hypervisor and the zones use, never device or uncached memory.
 *
 * read:  the wake counter.  The module counts the wake interrupts the
 *        hypervisor raises (and the writes below); each open file
 *        remembers the value its last read returned (at open: the value
 *        then).  read() of at least 8 bytes blocks until the counter
 *        differs from that value, then returns it as one __u64 (8 bytes)
 *        and remembers it; with O_NONBLOCK it fails with -EAGAIN instead
 *        of blocking; a signal ends the wait with -EINTR (or a restart).
 *        Fewer than 8 bytes: -EINVAL.
 * poll:  EPOLLIN | EPOLLRDNORM while the counter differs from the value
 *        the file's last read returned.
 *
 *        This is the daemon's sleep (docs/abi.md "No lost wake-up"): it
 *        acquire-loads wake_gen (Barrier W0), stores SLEEPING, full
 *        barrier (Barrier W1), looks for work one last time, then reads
 *        /dev/hvbridge.  A wake interrupt that arrives anywhere after its
 *        previous read (even before it stored SLEEPING) has changed the
 *        counter, so this read returns at once: the counter remembers a
 *        wake that came before the wait.  Spurious returns are possible
 *        and harmless (the daemon looks for work and sleeps again).
 *
 * write: 8 bytes, a __u64 that must be 1: increments the counter and
 *        wakes the reader, as a wake interrupt would (the daemon's stop
 *        signal handler uses it to end its own wait).  Anything else:
 *        -EINVAL.
 *
 * ioctl: below.  Every struct's reserved fields and unused flags must be
 *        zero on input (-EINVAL otherwise); the module zeroes them on
 *        output.  An unknown command fails with -ENOTTY.  A hypercall
 *        error comes back as a negative errno: HVB_HC_EINVAL -> -EINVAL,
 *        HVB_HC_ENOENT -> -ENOENT, HVB_HC_ESTATE/EBUSY -> -EBUSY,
 *        HVB_HC_EDENIED -> -EPERM, HVB_HC_EDEVICES -> -EAGAIN (ZONE_START:
 *        the daemon has not released the zone's devices yet; retry),
 *        anything else -> -EIO.
 */
#ifndef HVBRIDGE_KMOD_IOCTL_H
#define HVBRIDGE_KMOD_IOCTL_H

#include <hvbridge/types.h>
#include <hvbridge/hypercall.h>
#include <hvbridge/zone-desc.h>
#ifdef __KERNEL__
#include <linux/ioctl.h>
#else
#include <sys/ioctl.h>
#endif

#define HVB_DEVICE_PATH		"/dev/hvbridge"
#define HVB_IOC_MAGIC		0xb9

/* The mmap offset of the channel region. */
#define HVB_MMAP_REGION		0ull

/* HVB_IOC_INFO: all output. */
struct hvb_ioc_info {
	__u16 abi_major;	/* HVB_ABI_MAJOR of the region */
	__u16 abi_minor;	/* HVB_ABI_MINOR of the region */
	__u32 hc_version;	/* HVB_HC_VERSION's answer */
	__u64 region_size;	/* bytes to mmap at HVB_MMAP_REGION */
	__u64 region_phys;	/* where the region is (for logs) */
	__u32 nr_cpus;		/* slots in the region */
	__u32 nr_zones;		/* zones HVB_IOC_ZONE_LIST would report */
	__u64 wakes;		/* the wake counter now */
	/*
	 * CLOCK_REALTIME, in ns, when the module formatted the region: the
	 * region's counters (hvb_cpu_stats, hvb_daemon_stats) count from
	 * zero since then.  0 from a module that does not say.
	 */
	__u64 formatted_ns;
	/*
	 * The attached region's channel timeout in ms: the module's
	 * timeout_ms, or HVB_HC_TIMEOUT_DEFAULT_MS without it (what a live
	 * daemon has before the guest's access is aborted).  0 from a
	 * module that does not say.
	 */
	__u32 timeout_ms;
	__u32 reserved[3];
};

/* HVB_IOC_INJECT_IRQ: input. */
struct hvb_ioc_irq {
	__u32 zone_id;		/* target zone */
	__u32 irq;		/* GIC INTID, one of the zone's */
	__u32 flags;		/* zero */
	__u32 reserved[5];
};

/*
 * HVB_IOC_CLAIM: input, all zero (no flags yet).  Makes this file the
 * daemon's; 0 if it already is, -EBUSY if another file is.
 */
struct hvb_ioc_claim {
	__u32 flags;		/* zero */
	__u32 reserved[7];
};

/* HVB_IOC_ZONE_START, HVB_IOC_ZONE_STOP: input. */
struct hvb_ioc_zone {
	__u32 zone_id;
	__u32 flags;		/* zero */
	__u32 reserved[6];
};

/*
 * HVB_IOC_ZONE_LIST: @zones is a user pointer to @max entries; the module
 * fills min(@max, zones) of them and sets @nr to the number of zones
 * (@max 0 and @zones 0 just count).  At most HVB_IOC_MAX_ZONES.
 */
struct hvb_ioc_zone_list {
	__u64 zones;		/* in: struct hvb_zone_info *, as a __u64 */
	__u32 max;		/* in: entries at @zones */
	__u32 nr;		/* out: number of zones */
	__u32 flags;		/* zero */
	__u32 reserved[3];
};

#define HVB_IOC_MAX_ZONES	16u

/*
 * HVB_IOC_ZONE_MEM: the @index-th RAM window of zone @zone_id (in), as
 * HVB_HC_ZONE_MEM reports it (out); -ENOENT past the last.  @phys is the
 * mmap offset of the window.
 */
struct hvb_ioc_zone_mem {
	__u32 zone_id;		/* in */
	__u32 index;		/* in */
	__u64 phys;		/* out: physical address = mmap offset */
	__u64 ipa;		/* out: address in the zone */
	__u64 size;		/* out: bytes */
	__u32 flags;		/* out: HVB_ZONE_MEM_*; zero on input */
	__u32 reserved[5];
};

/*
 * HVB_IOC_ZONE_CREATE: a guest zone from a descriptor (hvbridge/zone-desc.h)
 * and its images, started at once.  The module copies @desc in (its
 * signature, revision, size and reserved words checked here too), has
 * the hypervisor check and create the zone (HVB_HC_ZONE_CREATE), copies
 * desc.kernel_size bytes from @kernel to desc.kernel_phys and
 * desc.dtb_size bytes from @dtb to desc.dtb_phys (only into RAM the
 * hypervisor now reports as the zone's, HVB_HC_ZONE_MEM), cleans them to
 * the point of coherency, and starts the zone (HVB_HC_ZONE_START); any
 * failure after the create destroys the zone again.  A refusal, by the
 * module or the hypervisor, is -EINVAL with @reason (HVB_ZONE_E*) and
 * @index set (the struct is copied back even then); other errors leave
 * @reason 0: -EFAULT (a bad pointer), -ENOMEM, -EIO.
 */
struct hvb_ioc_zone_create {
	__u64 desc;		/* in: struct hvb_zone_desc *, as a __u64 */
	__u64 kernel;		/* in: desc.kernel_size bytes */
	__u64 dtb;		/* in: desc.dtb_size bytes; 0 if none */
	__u32 reason;		/* out: HVB_ZONE_E*, 0 if not refused */
	__u32 index;		/* out: the entry @reason is about */
	__u32 flags;		/* zero */
	__u32 reserved[5];
};

/* The largest image HVB_IOC_ZONE_CREATE copies (kernel or DTB). */
#define HVB_IOC_ZONE_IMAGE_MAX	(256ull << 20)

#define HVB_IOC_INFO		_IOR(HVB_IOC_MAGIC, 0x00, struct hvb_ioc_info)
#define HVB_IOC_INJECT_IRQ	_IOW(HVB_IOC_MAGIC, 0x01, struct hvb_ioc_irq)
#define HVB_IOC_ZONE_START	_IOW(HVB_IOC_MAGIC, 0x02, struct hvb_ioc_zone)
#define HVB_IOC_ZONE_STOP	_IOW(HVB_IOC_MAGIC, 0x03, struct hvb_ioc_zone)
#define HVB_IOC_ZONE_LIST	_IOWR(HVB_IOC_MAGIC, 0x04, \
				      struct hvb_ioc_zone_list)
#define HVB_IOC_ZONE_MEM	_IOWR(HVB_IOC_MAGIC, 0x05, \
				      struct hvb_ioc_zone_mem)
#define HVB_IOC_CLAIM		_IOW(HVB_IOC_MAGIC, 0x06, struct hvb_ioc_claim)
#define HVB_IOC_ZONE_CREATE	_IOWR(HVB_IOC_MAGIC, 0x07, \
				      struct hvb_ioc_zone_create)
/*
 * HVB_IOC_ZONE_DESTROY (hvisor-tool's "zone shutdown"): stop zone
 * @zone_id if it runs (its CPUs are made to exit, even from a loop that
 * never traps), wait until they are off, then remove the zone: its CPUs,
 * memory and interrupts are free for the next HVB_IOC_ZONE_CREATE.
 * -ENOENT: no such zone; -EPERM: the root zone; -ETIMEDOUT: its CPUs did
 * not stop within a second (the zone stays, stopping).
 */
#define HVB_IOC_ZONE_DESTROY	_IOW(HVB_IOC_MAGIC, 0x08, struct hvb_ioc_zone)

_Static_assert(sizeof(struct hvb_ioc_info) == 64, "info size");
_Static_assert(sizeof(struct hvb_ioc_irq) == 32, "irq size");
_Static_assert(sizeof(struct hvb_ioc_claim) == 32, "claim size");
_Static_assert(sizeof(struct hvb_ioc_zone) == 32, "zone size");
_Static_assert(sizeof(struct hvb_ioc_zone_list) == 32, "zone list size");
_Static_assert(sizeof(struct hvb_ioc_zone_mem) == 56, "zone mem size");
_Static_assert(sizeof(struct hvb_ioc_zone_create) == 56, "zone create size");
_Static_assert(__builtin_offsetof(struct hvb_ioc_info, formatted_ns) == 40,
	       "info formatted_ns");
_Static_assert(__builtin_offsetof(struct hvb_ioc_zone_mem, phys) == 8,
	       "zone mem phys");

/*
 * Every input struct ends in its flags word and then its reserved words:
 * the module checks that tail for zero as one range.
 */
#define HVB_IOC_TAIL_OK(type)						\
	(__builtin_offsetof(struct type, flags) + 4 ==			\
	 __builtin_offsetof(struct type, reserved) &&			\
	 __builtin_offsetof(struct type, reserved) +			\
	 sizeof(((struct type *)0)->reserved) == sizeof(struct type))
_Static_assert(HVB_IOC_TAIL_OK(hvb_ioc_irq), "irq tail");
_Static_assert(HVB_IOC_TAIL_OK(hvb_ioc_claim), "claim tail");
_Static_assert(HVB_IOC_TAIL_OK(hvb_ioc_zone), "zone tail");
_Static_assert(HVB_IOC_TAIL_OK(hvb_ioc_zone_list), "zone list tail");
_Static_assert(HVB_IOC_TAIL_OK(hvb_ioc_zone_mem), "zone mem tail");
_Static_assert(HVB_IOC_TAIL_OK(hvb_ioc_zone_create), "zone create tail");
#undef HVB_IOC_TAIL_OK

#endif /* HVBRIDGE_KMOD_IOCTL_H */
