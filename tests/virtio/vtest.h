/* SPDX-License-Identifier: MIT */
/*
 * vtest.h - one simulated zone with one virtio device, served end to end:
 * a region file, a physical-memory file and an interrupt page in
 * /dev/shm; the sim transport opened on them; the zone's memory map
 * registered; the device created by type name through the device table;
 * the real consumer serving it on its own thread (hvb_consumer_run()); and
 * the test thread as the guest vCPU, driving it with vdriver.h through the
 * real producer.
 *
 * The files are unlinked as soon as both sides have mapped them, so a
 * crashed test leaves nothing behind.  Every wait is bounded: the
 * producer gives up after VT_PRODUCER_TIMEOUT_NS (the access then fails
 * with HVB_STATUS_TIMEOUT), and Criterion's .timeout ends the rest.
 */
#ifndef HVB_TESTS_VIRTIO_VTEST_H
#define HVB_TESTS_VIRTIO_VTEST_H

#include <pthread.h>

#include "consumer.h"
#include "device.h"
#include "guestmem.h"
#include "transport.h"
#include "vdriver.h"

struct hvb_virtio_dev;

#define VT_PHYS_BASE	0x80000000ull	/* root-zone physical */
#define VT_GUEST_IPA	0x40000000ull	/* the same memory in zone 1 */
#define VT_MEM_SIZE	(2ull << 20)
#define VT_ZONE		1u
#define VT_DEV_BASE	0x0a000000ull
#define VT_WINDOW	0x200u
#define VT_IRQ		48u
#define VT_KICK_DEV	3
#define VT_WAIT_MS	3000u
#define VT_PRODUCER_TIMEOUT_NS	(5ull * 1000 * 1000 * 1000)
#define VT_SUITE_TIMEOUT_S	30

/* The test-only device of vtest_dev.c: a 6-byte config space (a
 * read-only word, then a writable 16-bit field) and an echo queue; 6, so
 * that a naturally aligned access can start inside and end outside. */
#define VT_DEV_TYPE	"virtio-vtest"
#define VT_DEV_ID	0x3fu
#define VT_DEV_RO_WORD	0x5654u		/* config offset 0 */
#define VT_DEV_CONFIG	6u
/*
 * Its settle() (virtio.h): counts its calls in vt_settle_calls and, if
 * vt_settle_raises is set, sets the used-buffer bit, as a device thread
 * finishing its notification would.  Written by the test before the
 * access, read after it: the channel's round trip orders both.
 */
extern unsigned int vt_settle_calls;
extern int vt_settle_raises;

struct vt_env {
	struct hvb_transport t;
	struct hvb_guestmem gm;
	struct hvb_devices devs;
	struct hvb_device *dev;
	struct hvb_consumer c;
	volatile int stop;
	pthread_t thread;
	bool running;
	int run_err;
	struct hyp_producer p;
	struct vdrv drv;
};

/* Start the zone with one device of @type; asserts.  The env is a
 * process-wide one (Criterion runs each test in its own process). */
struct vt_env *vt_start(const char *type);
/* The same with backend options @opts (a JSON object, or NULL), as the
 * config would give them (device.h); devices copy what they keep. */
struct vt_env *vt_start_opts(const char *type, const struct cJSON *opts);
/* Stop the daemon thread and free everything; for TestSuite .fini. */
void vt_stop(void);

/* The device's register file, for asserting its state directly (it
 * belongs to the daemon thread: read only what the test made stable). */
struct hvb_virtio_dev *vt_vdev(struct vt_env *e);

/* Status as the guest reads it through the channel; asserts the read. */
__u32 vt_status(struct vt_env *e);

/*
 * The daemon still serves: reset the device, initialize it again, and
 * for virtio-rng get random bytes back (for the test device: its config
 * word).  Asserts.
 */
void vt_assert_recovers(struct vt_env *e);

/*
 * Hold the device's thread named @comm back against the consumer: both
 * on one CPU, the device thread at SCHED_IDLE, so it runs at full speed
 * only while the consumer sleeps and is preempted the moment a request
 * wakes the consumer; the caller, the guest, on another CPU.  A test then
 * catches the device thread inside a stretch of its work on nearly every
 * try.  Skips the test with fewer than two CPUs to run on.  Asserts.
 */
void vt_slow_device_thread(struct vt_env *e, const char *comm);

/* One rng request of @len bytes at fresh guest memory; returns the IPA
 * of the buffer after asserting it completed with @len bytes. */
__u64 vt_rng_request(struct vt_env *e, __u32 len);

#endif /* HVB_TESTS_VIRTIO_VTEST_H */
