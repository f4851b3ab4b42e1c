// SPDX-License-Identifier: MIT
/*
 * The virtio image's driver core (virtio.h): the virtio-mmio version 2
 * transport (virtio 1.2, 4.2.3) and a polled split virtqueue (2.7).
 *
 * Every register access goes through arm64/mmio.h (plain [Xn], recorded
 * for check-mmio.sh) and counts the aborts it took: a window with no
 * device behind it, or a daemon that does not answer, aborts (docs/
 * run.md), and the step then fails with "data abort" instead of acting
 * on a value that never came.
 */
#include <stddef.h>
#include <arm64/mmio.h>
#include <hvbridge/barrier.h>
#include "virtio.h"

_Static_assert(offsetof(struct gvq_rings, avail_flags) % 2 == 0,
	       "avail ring alignment (2.7)");
_Static_assert(offsetof(struct gvq_rings, used_flags) % 4 == 0,
	       "used ring alignment (2.7)");
_Static_assert(sizeof(struct gvq_rings) == 4096, "one page per queue");

/* Polls of used_idx wait at most this long (the daemon polls too). */
#define GVQ_TIMEOUT_MS		2000u
/* Tries of the first register read while the daemon attaches; each
 * unanswered one costs the hypervisor's 500 ms timeout, so after one
 * probe found nothing, the next ones try only GVIRTIO_PROBE_RETRIES. */
#define GVIRTIO_PROBE_TRIES	20
#define GVIRTIO_PROBE_RETRIES	2
/* How long the first probe waits for the daemon to attach (the root
 * zone's Linux boots in seconds under TCG), and the pause between two
 * of its tries. */
#define GVIRTIO_WAIT_MS		90000u
#define GVIRTIO_WAIT_GAP_MS	100u

/*
 * The compilers call memset for zeroed aggregates and zeroing loops
 * even freestanding; the image has no libc.  The volatile store keeps
 * this loop from being turned into a call to itself.
 */
void *memset(void *s, int c, size_t n);
void *memset(void *s, int c, size_t n)
{
	volatile __u8 *p = s;

	while (n--)
		*p++ = (__u8)c;
	return s;
}

/* And memcpy for structure copies (virq.c's counts). */
void *memcpy(void *d, const void *s, size_t n);
void *memcpy(void *d, const void *s, size_t n)
{
	volatile __u8 *p = d;
	const __u8 *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

static __u64 gvirtio_aborts;	/* guest_abort.count at the last check */

static void gvirtio_arm(void)
{
	gvirtio_aborts = guest_abort.count;
}

static int gvirtio_aborted(void)
{
	return guest_abort.count != gvirtio_aborts;
}

static volatile void *gvirtio_reg(struct gvirtio *d, __u32 off)
{
	return (volatile void *)(d->base + off);
}

static __u32 gvirtio_read(struct gvirtio *d, __u32 off)
{
	return mmio_read32(gvirtio_reg(d, off));
}

static void gvirtio_write(struct gvirtio *d, __u32 off, __u32 v)
{
	mmio_write32(gvirtio_reg(d, off), v);
}


/*
 * zone1 starts at the hypervisor's boot; the root zone's daemon attaches
 * seconds later (its Linux boots first).  Until then each read of the
 * first window times out in the hypervisor and aborts: expected, not a
 * failure.  Read MagicValue until one does not abort, at most
 * GVIRTIO_WAIT_MS by the generic timer, and say how long it took.
 * Returns nonzero if the window answered.
 */
static int gvirtio_wait_daemon(struct gvirtio *d)
{
	__u64 tpm = guest_ticks_per_ms(), start = guest_ticks(), now;
	__u64 aborts = 0;
	int answered = 0;

	for (;;) {
		gvirtio_arm();
		(void)gvirtio_read(d, VIRTIO_MMIO_MAGIC_VALUE);
		now = guest_ticks();
		if (!gvirtio_aborted()) {
			answered = 1;
			break;
		}
		aborts++;
		if (now - start >= GVIRTIO_WAIT_MS * tpm)
			break;
		/* An abort that came at once (no channel at all) must not
		 * turn into a flood of abort lines. */
		while (guest_ticks() - now < GVIRTIO_WAIT_GAP_MS * tpm)
			hvb_cpu_relax();
	}
	guest_puts(answered ? "guest: virtio: the daemon answered after " :
		   "guest: virtio: no answer from the daemon after ");
	guest_putdec((now - start) / tpm);
	guest_puts(" ms (");
	guest_putdec(aborts);
	guest_puts(" aborted reads while waiting)\n");
	return answered;
}

const char *gvirtio_probe(struct gvirtio *d)
{
	static int tries = GVIRTIO_PROBE_TRIES;
	static int waited;
	__u32 magic = 0;
	int i;

	/* Once, before the first device step: the daemon may not be up. */
	if (!waited) {
		waited = 1;
		if (!gvirtio_wait_daemon(d)) {
			tries = GVIRTIO_PROBE_RETRIES;
			return "data abort: no device answers the window";
		}
	}
	for (i = 0; i < tries; i++) {
		gvirtio_arm();
		magic = gvirtio_read(d, VIRTIO_MMIO_MAGIC_VALUE);
		if (!gvirtio_aborted())
			break;
	}
	if (i == tries) {
		tries = GVIRTIO_PROBE_RETRIES;
		return "data abort: no device answers the window";
	}
	if (magic != GVIRTIO_MAGIC)
		return "MagicValue is not \"virt\"";
	gvirtio_arm();
	if (gvirtio_read(d, VIRTIO_MMIO_VERSION) != 2)
		return "Version is not 2 (virtio-mmio 1.0+)";
	if (gvirtio_read(d, VIRTIO_MMIO_DEVICE_ID) != d->device_id)
		return "DeviceID is not the expected device";
	return gvirtio_aborted() ? "data abort" : 0;
}

void gvirtio_reset(struct gvirtio *d)
{
	gvirtio_write(d, VIRTIO_MMIO_STATUS, 0);
}

const char *gvirtio_negotiate(struct gvirtio *d, __u64 want, __u64 need)
{
	__u64 offered;
	__u32 status;

	gvirtio_arm();
	/* 3.1.1: reset, then ACKNOWLEDGE, DRIVER. */
	gvirtio_reset(d);
	if (gvirtio_read(d, VIRTIO_MMIO_STATUS) != 0)
		return "Status not 0 after reset";
	gvirtio_write(d, VIRTIO_MMIO_STATUS, GVIRTIO_S_ACKNOWLEDGE);
	gvirtio_write(d, VIRTIO_MMIO_STATUS,
		      GVIRTIO_S_ACKNOWLEDGE | GVIRTIO_S_DRIVER);
	gvirtio_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	offered = gvirtio_read(d, VIRTIO_MMIO_DEVICE_FEATURES);
	gvirtio_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered |= (__u64)gvirtio_read(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	if (gvirtio_aborted())
		return "data abort";
	need |= 1ull << GVIRTIO_F_VERSION_1;
	if ((offered & need) != need)
		return "a needed feature is not offered";
	d->features = offered & (want | need);
	gvirtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	gvirtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES, (__u32)d->features);
	gvirtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	gvirtio_write(d, VIRTIO_MMIO_DRIVER_FEATURES,
		      (__u32)(d->features >> 32));
	gvirtio_write(d, VIRTIO_MMIO_STATUS, GVIRTIO_S_ACKNOWLEDGE |
		      GVIRTIO_S_DRIVER | GVIRTIO_S_FEATURES_OK);
	/* 3.1.1 step 6: the device may refuse; read it back. */
	status = gvirtio_read(d, VIRTIO_MMIO_STATUS);
	if (gvirtio_aborted())
		return "data abort";
	if (!(status & GVIRTIO_S_FEATURES_OK))
		return "FEATURES_OK refused";
	return 0;
}

const char *gvirtio_queue(struct gvirtio *d, struct gvq *q, __u32 index,
			  struct gvq_rings *rings)
{
	__u64 desc = (__u64)&rings->desc;
	__u64 avail = (__u64)&rings->avail_flags;
	__u64 used = (__u64)&rings->used_flags;
	__u32 max;

	/* The rings go to the device below; nothing of a previous run
	 * (the device was reset) may be left in them. */
	memset(rings, 0, sizeof(*rings));
	q->rings = rings;
	q->index = index;
	q->next_avail = 0;
	q->last_used = 0;
	gvirtio_arm();
	gvirtio_write(d, VIRTIO_MMIO_QUEUE_SEL, index);
	if (gvirtio_read(d, VIRTIO_MMIO_QUEUE_READY) != 0)
		return "queue already live after reset";
	max = gvirtio_read(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (gvirtio_aborted())
		return "data abort";
	if (max == 0)
		return "QueueNumMax 0: no such queue";
	q->size = max < GVQ_SIZE ? max : GVQ_SIZE;
	gvirtio_write(d, VIRTIO_MMIO_QUEUE_NUM, q->size);
	gvirtio_write(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (__u32)desc);
	gvirtio_write(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (__u32)(desc >> 32));
	gvirtio_write(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (__u32)avail);
	gvirtio_write(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (__u32)(avail >> 32));
	gvirtio_write(d, VIRTIO_MMIO_QUEUE_USED_LOW, (__u32)used);
	gvirtio_write(d, VIRTIO_MMIO_QUEUE_USED_HIGH, (__u32)(used >> 32));
	/* The zeroed rings before the device reads them: the MMIO store
	 * below is what hands them over. */
	__asm__ volatile("dsb st" ::: "memory");
	gvirtio_write(d, VIRTIO_MMIO_QUEUE_READY, 1);
	if (gvirtio_read(d, VIRTIO_MMIO_QUEUE_READY) != 1)
		return "QueueReady did not stick (rings refused)";
	return gvirtio_aborted() ? "data abort" : 0;
}

const char *gvirtio_driver_ok(struct gvirtio *d)
{
	__u32 status;

	gvirtio_arm();
	gvirtio_write(d, VIRTIO_MMIO_STATUS, GVIRTIO_S_ACKNOWLEDGE |
		      GVIRTIO_S_DRIVER | GVIRTIO_S_FEATURES_OK |
		      GVIRTIO_S_DRIVER_OK);
	status = gvirtio_read(d, VIRTIO_MMIO_STATUS);
	if (gvirtio_aborted())
		return "data abort";
	if (status & (GVIRTIO_S_NEEDS_RESET | GVIRTIO_S_FAILED))
		return "device needs reset";
	return status & GVIRTIO_S_DRIVER_OK ? 0 : "DRIVER_OK did not stick";
}

const char *gvirtio_setup(struct gvirtio *d, __u64 want, struct gvq *q,
			  __u32 index, struct gvq_rings *rings)
{
	const char *why;

	why = gvirtio_negotiate(d, want, want);
	if (!why)
		why = gvirtio_queue(d, q, index, rings);
	if (!why)
		why = gvirtio_driver_ok(d);
	return why;
}

const char *gvq_post(struct gvq *q, __u16 head, const struct gvq_buf *bufs,
		     __u32 n)
{
	struct gvq_rings *r = q->rings;
	__u32 i;

	if (n == 0 || head + n > q->size)
		return "chain past the end of the queue";
	for (i = 0; i < n; i++) {
		r->desc[head + i].addr = (__u64)bufs[i].addr;
		r->desc[head + i].len = bufs[i].len;
		r->desc[head + i].flags =
			(__u16)((bufs[i].write ? GVQ_DESC_F_WRITE : 0) |
				(i + 1 < n ? GVQ_DESC_F_NEXT : 0));
		r->desc[head + i].next = (__u16)(i + 1 < n ? head + i + 1 : 0);
	}
	r->avail_ring[q->next_avail % q->size] = head;
	q->next_avail++;
	/* Barrier GVQ-A: the chain and its ring entry before the index;
	 * pairs with the device's acquire of avail->idx (Barrier VQ-A,
	 * tool/virtio/virtqueue.c). */
	hvb_store_release_u16(&r->avail_idx, q->next_avail);
	return 0;
}

const char *gvq_notify(struct gvirtio *d, struct gvq *q)
{
	/* The index before the notify, a Device store (4.2.3.3); the
	 * hypervisor posts it as a kick, so the daemon may look at once. */
	__asm__ volatile("dsb st" ::: "memory");
	gvirtio_arm();
	gvirtio_write(d, VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
	return gvirtio_aborted() ? "data abort on QueueNotify" : 0;
}

__u16 gvq_used_pending(struct gvq *q)
{
	/* Barrier GVQ-B: acquire of used->idx; pairs with the device's
	 * release of it (Barrier VQ-B), so the used elements are read
	 * after the index that announces them. */
	return (__u16)(hvb_load_acquire_u16(&q->rings->used_idx) -
		       q->last_used);
}

int gvq_take(struct gvq *q, struct gvq_used_elem *elem)
{
	const struct gvq_used_elem *e;

	if (!gvq_used_pending(q))
		return 0;
	e = &q->rings->used_ring[q->last_used % q->size];
	elem->id = e->id;
	elem->len = e->len;
	q->last_used++;
	return 1;
}

const char *gvq_run(struct gvirtio *d, struct gvq *q,
		    const struct gvq_buf *bufs, __u32 n, __u32 *len)
{
	struct gvq_used_elem elem;
	__u64 start, limit;
	__u16 used;
	const char *why;

	/* One request in flight: the chain is always descriptors 0..n-1. */
	why = gvq_post(q, 0, bufs, n);
	if (!why)
		why = gvq_notify(d, q);
	if (why)
		return why;

	start = guest_ticks();
	limit = GVQ_TIMEOUT_MS * guest_ticks_per_ms();
	while ((used = gvq_used_pending(q)) == 0) {
		if (guest_ticks() - start > limit)
			return "timeout: the device never used the chain";
		hvb_cpu_relax();
	}
	if (used != 1 || !gvq_take(q, &elem))
		return "used->idx moved by more than the one chain";
	if (elem.id != 0)
		return "used element names another chain";
	*len = elem.len;
	return 0;
}

__u32 gvirtio_isr_take(struct gvirtio *d)
{
	__u32 isr;

	gvirtio_arm();
	isr = gvirtio_read(d, VIRTIO_MMIO_INTERRUPT_STATUS);
	if (gvirtio_aborted())
		return GVIRTIO_ISR_ABORT;
	if (isr)
		gvirtio_write(d, VIRTIO_MMIO_INTERRUPT_ACK, isr);
	return gvirtio_aborted() ? GVIRTIO_ISR_ABORT : isr;
}

const char *gvirtio_ack_interrupt(struct gvirtio *d)
{
	__u32 isr;

	gvirtio_arm();
	isr = gvirtio_read(d, VIRTIO_MMIO_INTERRUPT_STATUS);
	if (gvirtio_aborted())
		return "data abort";
	if (!(isr & VIRTIO_MMIO_INT_VRING))
		return "InterruptStatus: no used-buffer bit after a request";
	gvirtio_write(d, VIRTIO_MMIO_INTERRUPT_ACK, isr);
	isr = gvirtio_read(d, VIRTIO_MMIO_INTERRUPT_STATUS);
	if (gvirtio_aborted())
		return "data abort";
	return isr & VIRTIO_MMIO_INT_VRING ?
	       "InterruptStatus still set after InterruptACK" : 0;
}

int gvirtio_step(struct gvirtio *d, const char *step, const char *why)
{
	if (d->failed)
		why = "skipped: an earlier step failed";
	else if (why)
		d->failed = 1;
	guest_step(d->name, step, why);
	return !d->failed;
}

__u32 gvirtio_config32(struct gvirtio *d, __u32 off)
{
	return gvirtio_read(d, VIRTIO_MMIO_CONFIG + off);
}
