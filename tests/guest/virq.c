// SPDX-License-Identifier: MIT
/*
 * The virtio interrupt image's workload (tests/e2e/virtio.sh, case
 * zone1-virtio-irq; docs/interrupts.md): zone1's virtio-blk,
 * virtio-console and virtio-rng driven by their interrupts alone.  The
 * root zone's daemon (kmod transport, configs/zone1-virtio-root.json)
 * raises each device's INTID through INJECT_IRQ after it used a chain;
 * the hypervisor sets that SPI pending and zone1's CPU takes it through
 * its virtual GIC.
 *
 * After each submission the guest sleeps in WFI with the virtual timer
 * armed VIRQ_WAIT_MS ahead; its IRQ handler takes the interrupt
 * (ICC_IAR1_EL1), reads and acknowledges InterruptStatus, then takes
 * every new used element, and ends it (ICC_EOIR1_EL1).  Only the
 * handler reads the used rings, so a request counts as completed only
 * once an interrupt brought it: no completion is found by polling.  A
 * timer interrupt first is a failure that says whether the device had
 * used the chain (the interrupt was lost) or not.
 *
 * What is counted, per device, and accepted:
 *   one request in flight ("-irq" steps): exactly one interrupt, with
 *     the used-buffer bit in InterruptStatus and exactly one new used
 *     element, and none after it;
 *   several chains behind one QueueNotify ("batch" steps): between 1
 *     and as many interrupts as chains.  The device may use several
 *     chains before it raises once, and raises that come before the
 *     guest acknowledged coalesce in the SPI's pending bit (virtio 1.2,
 *     2.7.7 and 4.2.3.4: one notification may stand for several used
 *     buffers); a raise for a chain the handler already took with an
 *     earlier one is an interrupt that finds nothing new, still one per
 *     completion at most;
 *   never: an interrupt with another INTID than the device's (the zone
 *     config's), a spurious IAR read (1023), a configuration-change
 *     interrupt (nothing changes a device's configuration here), an
 *     interrupt once everything completed (the "quiet" step).
 * One "PASS dev/step" or "FAIL dev/step: why" line per step, a
 * "guest: virq: DEV INTID N: ..." line per device with its counts, then
 * "guest: virq: N passed, N failed"; the exit code is 1 if any failed.
 */
#include <arm64/mmio.h>
#include "gicv3.h"
#include "virtio.h"

/* The wait for one interrupt: the virtual timer fires then (the
 * failure messages say it). */
#define VIRQ_WAIT_MS	2000u
_Static_assert(VIRQ_WAIT_MS == 2000, "the failure messages say 2000 ms");
/* After each step, interrupts open this long: a second interrupt for
 * the same completion would come in it. */
#define VIRQ_SETTLE_MS	20u
#define VIRQ_QUIET_MS	200u

/* virtio-blk: VB_COUNT sectors from VB_FIRST, written in one request,
 * read back one by one, then in VB_BATCH requests behind one notify
 * (each 3 descriptors: VB_BATCH * 3 <= GVQ_SIZE). */
#define VB_FIRST	32u
#define VB_COUNT	8u
#define VB_BATCH	2u
#define VB_PER_BATCH	(VB_COUNT / VB_BATCH)
/* virtio-rng: VR_SEQ reads one by one, then GVQ_SIZE behind one notify. */
#define VR_SEQ		4u
#define VR_BYTES	32u

_Static_assert(VB_BATCH * 3 <= GVQ_SIZE, "blk batch fits the queue");
_Static_assert(VB_COUNT % VB_BATCH == 0, "whole batches");

/*
 * A device's counts.  Written by the IRQ handler but for requests and
 * wfi; read with IRQs masked: the handler runs only between
 * virq_irq_window()'s unmask and mask, whose "memory" clobbers make
 * the compiler read them again.
 */
struct virq_counts {
	__u32 requests;		/* chains posted */
	__u32 wfi;		/* WFIs executed waiting for this device */
	__u32 irqs;		/* interrupts taken with this INTID */
	__u32 empty;		/* ... that found no new used element */
	__u32 no_vring;		/* ... whose InterruptStatus lacked VRING */
	__u32 config_irqs;	/* ... with the config-change bit */
	__u32 isr_aborts;	/* InterruptStatus reads that aborted */
	__u32 completions;	/* used elements taken, all in the handler */
	__u32 bad_id;		/* used elements naming no chain in flight */
};

struct virq_dev {
	struct gvirtio v;
	struct gvq q;
	__u32 intid;		/* zone1-virtio-root.json gives the device */
	struct virq_counts c;
	/* By head, written by the handler: posted and not used yet (set
	 * by virq_post()), and the used length. */
	__u8 inflight[GVQ_SIZE];
	__u32 len[GVQ_SIZE];
};

static struct gvq_rings virq_rings[3];
static struct virq_dev virq_devs[3] = {
	{ .v = GVIRTIO_DEV("virtio-blk", GVIRTIO_BASE, VIRTIO_ID_BLOCK),
	  .intid = 72 },
	{ .v = GVIRTIO_DEV("virtio-console", GVIRTIO_BASE + GVIRTIO_SIZE,
			   VIRTIO_ID_CONSOLE),
	  .intid = 73 },
	{ .v = GVIRTIO_DEV("virtio-rng", GVIRTIO_BASE + 2 * GVIRTIO_SIZE,
			   VIRTIO_ID_RNG),
	  .intid = 74 },
};
#define VIRQ_NDEV	(sizeof(virq_devs) / sizeof(virq_devs[0]))

/* The handler's counts of what belongs to no device; written by it. */
static __u32 virq_foreign, virq_foreign_intid, virq_spurious;
static __u32 virq_timeouts, virq_timer_stale;
static __u32 virq_passed, virq_failed;

static __u8 vb_wbuf[VB_COUNT * GVBLK_SECTOR] __attribute__((aligned(16)));
static __u8 vb_rbuf[VB_COUNT * GVBLK_SECTOR] __attribute__((aligned(16)));
static struct gvblk_hdr vb_hdr[VB_BATCH];
static __u8 vb_status[VB_BATCH];
static __u8 vr_buf[GVQ_SIZE][VR_BYTES] __attribute__((aligned(16)));

static const char *const vc_lines[] = {
	"hvbridge-guest: virq: console line 1 of 2\n",
	"hvbridge-guest: virq: console line 2 of 2\n",
};

static void virq_irq_off(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

/* Unmask, let a pending interrupt be taken, mask again. */
static void virq_irq_window(void)
{
	__asm__ volatile("msr daifclr, #2\n\tisb\n\tmsr daifset, #2" :::
			 "memory");
}

static __u32 virq_rd(const __u32 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/*
 * One interrupt of device @d: InterruptStatus read and acknowledged
 * first, so a chain the device uses after it raises the interrupt
 * again; then every used element there is.  The device sets
 * InterruptStatus after it published used->idx (its Barrier I0,
 * tool/virtio/core.c) and gvq_take() reads used->idx with acquire
 * (Barrier GVQ-B): the elements an interrupt announces are seen here.
 */
static void virq_dev_irq(struct virq_dev *d)
{
	struct gvq_used_elem e;
	__u32 isr, got = 0;

	d->c.irqs++;
	isr = gvirtio_isr_take(&d->v);
	if (isr == GVIRTIO_ISR_ABORT) {
		d->c.isr_aborts++;
	} else {
		d->c.no_vring += !(isr & VIRTIO_MMIO_INT_VRING);
		d->c.config_irqs += !!(isr & VIRTIO_MMIO_INT_CONFIG);
	}
	/* Before its queue is set up, nothing to take (an interrupt with
	 * this INTID meant for another device, say). */
	while (d->q.rings && gvq_take(&d->q, &e)) {
		got++;
		if (e.id >= GVQ_SIZE || !d->inflight[e.id]) {
			d->c.bad_id++;
			continue;
		}
		d->inflight[e.id] = 0;
		d->len[e.id] = e.len;
		d->c.completions++;
	}
	d->c.empty += !got;
}

/* start.S's IRQ vector. */
void guest_irq(void)
{
	__u64 iar = sysreg_read(ICC_IAR1);
	__u32 n = (__u32)iar & 0xffffff, i;

	if (n >= GIC_SPURIOUS) {
		virq_spurious++;
		return;
	}
	if (n == GIC_PPI_VTIMER) {
		/* Enabled and expired: a wait ran out.  Otherwise one that
		 * fired as a wait ended and was switched off. */
		if ((sysreg_read(cntv_ctl_el0) & 5) == 5)
			virq_timeouts++;
		else
			virq_timer_stale++;
		/* Off: its level is low before the EOI deactivates it. */
		sysreg_write(cntv_ctl_el0, 0);
	} else {
		for (i = 0; i < VIRQ_NDEV && virq_devs[i].intid != n; i++)
			;
		if (i < VIRQ_NDEV) {
			virq_dev_irq(&virq_devs[i]);
		} else {
			virq_foreign++;
			virq_foreign_intid = n;
		}
	}
	sysreg_write(ICC_EOIR1, iar);	/* EOImode 0: drop and deactivate */
	__asm__ volatile("isb" ::: "memory");
}

/* The CPU interface, the devices' SPIs routed here and enabled, and the
 * virtual timer's PPI in our redistributor frame. */
static void virq_gic_on(void)
{
	__u64 aff0 = sysreg_read(mpidr_el1) & 0xff;
	__u32 i, n;

	sysreg_write(ICC_PMR, 0xf0);
	sysreg_write(ICC_IGRPEN1, 1);
	for (i = 0; i < VIRQ_NDEV; i++) {
		n = virq_devs[i].intid;
		mmio_write8((volatile void *)(GICD + GICD_IPRIORITYR + n),
			    0x80);
		mmio_write64((volatile void *)(GICD + GICD_IROUTER + n * 8),
			     aff0);
		mmio_write32((volatile void *)(GICD + GICD_ISENABLER +
					       n / 32 * 4), 1u << (n % 32));
	}
	sysreg_write(cntv_ctl_el0, 0);
	mmio_write32((volatile void *)(GICR + GICR_SGI + GICD_ISENABLER),
		     1u << GIC_PPI_VTIMER);
	__asm__ volatile("isb" ::: "memory");
}

static void virq_gic_off(void)
{
	__u32 i, n;

	virq_irq_off();
	sysreg_write(cntv_ctl_el0, 0);
	mmio_write32((volatile void *)(GICR + GICR_SGI + GICD_ICENABLER),
		     1u << GIC_PPI_VTIMER);
	for (i = 0; i < VIRQ_NDEV; i++) {
		n = virq_devs[i].intid;
		mmio_write32((volatile void *)(GICD + GICD_ICENABLER +
					       n / 32 * 4), 1u << (n % 32));
	}
}

/* Interrupts open for @ms (nothing is asked of the devices). */
static void virq_settle(__u32 ms)
{
	__u64 end = guest_ticks() + ms * guest_ticks_per_ms();

	while (guest_ticks() < end)
		virq_irq_window();
}

static int virq_step(struct virq_dev *d, const char *step, const char *why)
{
	int ok = gvirtio_step(&d->v, step, why);

	virq_passed += ok;
	virq_failed += !ok;
	return ok;
}

/* Chain @bufs (@n) at descriptor @head, in flight from here on. */
static const char *virq_post(struct virq_dev *d, __u16 head,
			     const struct gvq_buf *bufs, __u32 n)
{
	const char *why = gvq_post(&d->q, head, bufs, n);

	if (!why) {
		d->inflight[head] = 1;
		d->c.requests++;
	}
	return why;
}

/*
 * Sleep until @d has @want completions or the timer fires; IRQs masked
 * before and after.  WFI wakes for an interrupt pending even while
 * masked; the window after it takes that interrupt.  The completion
 * count moves only in the handler, so the loop ends only through an
 * interrupt: the device's, or the timer's.
 */
/* Interrupts taken with any INTID but @d's. */
static __u32 virq_others(const struct virq_dev *d)
{
	__u32 i, n = virq_rd(&virq_foreign);

	for (i = 0; i < VIRQ_NDEV; i++)
		if (&virq_devs[i] != d)
			n += virq_rd(&virq_devs[i].c.irqs);
	return n;
}

static const char *virq_wait(struct virq_dev *d, __u32 want)
{
	__u32 timeouts = virq_rd(&virq_timeouts), others = virq_others(d);

	sysreg_write(cntv_cval_el0, guest_ticks() +
		     VIRQ_WAIT_MS * guest_ticks_per_ms());
	sysreg_write(cntv_ctl_el0, 1);		/* enabled, not masked */
	__asm__ volatile("isb" ::: "memory");
	while (virq_rd(&d->c.completions) < want &&
	       virq_rd(&virq_timeouts) == timeouts) {
		d->c.wfi++;
		__asm__ volatile("wfi" ::: "memory");
		virq_irq_window();
	}
	sysreg_write(cntv_ctl_el0, 0);
	__asm__ volatile("isb" ::: "memory");
	if (virq_rd(&d->c.completions) >= want)
		return 0;
	if (virq_others(d) != others)
		return "no interrupt with the device's INTID within 2000 ms, but one with another INTID";
	/* The diagnosis only: the used ring read outside the handler. */
	return gvq_used_pending(&d->q) ?
	       "no interrupt within 2000 ms, but the device had used the chain: the interrupt was lost" :
	       "no interrupt within 2000 ms, and the device used no chain";
}

/* The counts a step's requests must have left: @irqs interrupts in
 * [@lo, @hi]; for one request, none empty and the VRING bit set. */
static const char *virq_check(struct virq_dev *d,
			      const struct virq_counts *b,
			      __u32 lo, __u32 hi)
{
	__u32 irqs = d->c.irqs - b->irqs;

	if (d->c.bad_id != b->bad_id)
		return "a used element names no chain in flight";
	if (d->c.isr_aborts != b->isr_aborts)
		return "InterruptStatus aborted in the handler";
	if (d->c.config_irqs != b->config_irqs)
		return "a configuration-change interrupt";
	if (irqs < lo)
		return "fewer interrupts than the step needs";
	if (irqs > hi)
		return hi == 1 ? "more than one interrupt for one request" :
		       "more interrupts than completions";
	if (hi == 1 && d->c.empty != b->empty)
		return "an interrupt found no new used element";
	if (hi == 1 && d->c.no_vring != b->no_vring)
		return "InterruptStatus without the used-buffer bit";
	return 0;
}

/* One chain at descriptor 0, notified, slept on; the counts checked
 * after the settle time.  *@len: the used length. */
static const char *virq_one(struct virq_dev *d, const struct gvq_buf *bufs,
			    __u32 n, __u32 *len)
{
	struct virq_counts before = d->c;
	const char *why;

	why = virq_post(d, 0, bufs, n);
	if (!why)
		why = gvq_notify(&d->v, &d->q);
	if (!why)
		why = virq_wait(d, before.completions + 1);
	if (why)
		return why;
	virq_settle(VIRQ_SETTLE_MS);
	*len = d->len[0];
	return virq_check(d, &before, 1, 1);
}

/* Sector @s's bytes: a pattern that differs per sector and offset. */
static void vb_fill(void)
{
	__u32 i;

	for (i = 0; i < VB_COUNT * GVBLK_SECTOR; i++) {
		__u32 s = VB_FIRST + i / GVBLK_SECTOR;

		vb_wbuf[i] = (__u8)(i * 13u + s * 101u + 7u);
	}
}

/* Request @k's three buffers: header, @bytes at @data, status. */
static void vb_chain(struct gvq_buf *b, __u32 k, __u32 type, __u32 sector,
		     __u8 *data, __u32 bytes)
{
	vb_hdr[k] = (struct gvblk_hdr){ type, 0, sector };
	vb_status[k] = 0xff;	/* the device must overwrite it */
	b[0] = (struct gvq_buf){ &vb_hdr[k], sizeof(vb_hdr[k]), 0 };
	b[1] = (struct gvq_buf){ data, bytes, type == GVBLK_T_IN };
	b[2] = (struct gvq_buf){ &vb_status[k], 1, 1 };
}

static const char *vb_status_ok(__u32 k, __u32 len, __u32 in_bytes)
{
	if (vb_status[k] != GVBLK_S_OK)
		return "status byte not VIRTIO_BLK_S_OK";
	return len < in_bytes + 1 ? "used length short of what was written" :
	       0;
}

static int vb_same(__u32 from, __u32 bytes)
{
	__u32 i;

	for (i = from; i < from + bytes; i++)
		if (vb_rbuf[i] != vb_wbuf[i])
			return 0;
	return 1;
}

static void virq_blk(struct virq_dev *d)
{
	struct virq_counts before;
	struct gvq_buf b[3 * VB_BATCH];
	const char *why = 0;
	__u32 k, len = 0;

	if (virq_step(d, "probe", gvirtio_probe(&d->v)))
		why = gvirtio_setup(&d->v, 0, &d->q, 0, &virq_rings[0]);
	virq_step(d, "init", why);

	/* All sectors in one request. */
	vb_fill();
	why = 0;
	if (!d->v.failed) {
		vb_chain(b, 0, GVBLK_T_OUT, VB_FIRST, vb_wbuf, sizeof(vb_wbuf));
		why = virq_one(d, b, 3, &len);
		if (!why)
			why = vb_status_ok(0, len, 0);
	}
	virq_step(d, "write-irq", why);

	/* One sector at a time, each slept on. */
	for (k = 0; k < sizeof(vb_rbuf); k++)
		vb_rbuf[k] = 0xa5;
	why = 0;
	for (k = 0; !d->v.failed && !why && k < VB_COUNT; k++) {
		__u32 off = k * GVBLK_SECTOR;

		vb_chain(b, 0, GVBLK_T_IN, VB_FIRST + k, vb_rbuf + off,
			 GVBLK_SECTOR);
		why = virq_one(d, b, 3, &len);
		if (!why)
			why = vb_status_ok(0, len, GVBLK_SECTOR);
		if (!why && !vb_same(off, GVBLK_SECTOR))
			why = "a sector read back is not what was written";
	}
	virq_step(d, "read-irq", why);

	/* VB_BATCH reads behind one notify, slept on until all used. */
	for (k = 0; k < sizeof(vb_rbuf); k++)
		vb_rbuf[k] = 0x5a;
	why = 0;
	before = d->c;
	for (k = 0; !d->v.failed && !why && k < VB_BATCH; k++) {
		__u32 off = k * VB_PER_BATCH * GVBLK_SECTOR;

		vb_chain(b + 3 * k, k, GVBLK_T_IN, VB_FIRST + k * VB_PER_BATCH,
			 vb_rbuf + off, VB_PER_BATCH * GVBLK_SECTOR);
		why = virq_post(d, (__u16)(3 * k), b + 3 * k, 3);
	}
	if (!d->v.failed && !why)
		why = gvq_notify(&d->v, &d->q);
	if (!d->v.failed && !why)
		why = virq_wait(d, before.completions + VB_BATCH);
	if (!d->v.failed && !why) {
		virq_settle(VIRQ_SETTLE_MS);
		why = virq_check(d, &before, 1, VB_BATCH);
	}
	for (k = 0; !d->v.failed && !why && k < VB_BATCH; k++)
		why = vb_status_ok(k, d->len[3 * k],
				   VB_PER_BATCH * GVBLK_SECTOR);
	if (!d->v.failed && !why && !vb_same(0, sizeof(vb_rbuf)))
		why = "the sectors read back are not what was written";
	virq_step(d, "batch-irq", why);
	gvirtio_reset(&d->v);
}

static void virq_console(struct virq_dev *d)
{
	const char *why = 0;
	__u32 i, n, len;

	if (virq_step(d, "probe", gvirtio_probe(&d->v)))
		why = gvirtio_setup(&d->v, 0, &d->q, GVCON_TXQ,
				    &virq_rings[1]);
	virq_step(d, "init", why);

	why = 0;
	for (i = 0; !d->v.failed && !why &&
		    i < sizeof(vc_lines) / sizeof(vc_lines[0]); i++) {
		struct gvq_buf b;

		for (n = 0; vc_lines[i][n]; n++)
			;
		b = (struct gvq_buf){ (void *)vc_lines[i], n, 0 };
		why = virq_one(d, &b, 1, &len);
	}
	virq_step(d, "tx-irq", why);
	gvirtio_reset(&d->v);
}

static const char *vr_len_ok(__u32 len)
{
	return len == 0 || len > VR_BYTES ? "used length 0 or past the buffer" :
	       0;
}

static void virq_rng(struct virq_dev *d)
{
	struct virq_counts before;
	struct gvq_buf b;
	const char *why = 0;
	__u32 k, i, len, nonzero = 0;

	if (virq_step(d, "probe", gvirtio_probe(&d->v)))
		why = gvirtio_setup(&d->v, 0, &d->q, 0, &virq_rings[2]);
	virq_step(d, "init", why);

	why = 0;
	for (k = 0; !d->v.failed && !why && k < VR_SEQ; k++) {
		b = (struct gvq_buf){ vr_buf[k], VR_BYTES, 1 };
		why = virq_one(d, &b, 1, &len);
		if (!why)
			why = vr_len_ok(len);
	}
	virq_step(d, "read-irq", why);

	/* The whole queue behind one notify. */
	for (k = 0; k < d->q.size; k++)
		for (i = 0; i < VR_BYTES; i++)
			vr_buf[k][i] = 0;
	why = 0;
	before = d->c;
	for (k = 0; !d->v.failed && !why && k < d->q.size; k++) {
		b = (struct gvq_buf){ vr_buf[k], VR_BYTES, 1 };
		why = virq_post(d, (__u16)k, &b, 1);
	}
	if (!d->v.failed && !why)
		why = gvq_notify(&d->v, &d->q);
	if (!d->v.failed && !why)
		why = virq_wait(d, before.completions + d->q.size);
	if (!d->v.failed && !why) {
		virq_settle(VIRQ_SETTLE_MS);
		why = virq_check(d, &before, 1, d->q.size);
	}
	for (k = 0; !d->v.failed && !why && k < d->q.size; k++) {
		why = vr_len_ok(d->len[k]);
		for (i = 0; i < VR_BYTES; i++)
			nonzero |= vr_buf[k][i];
	}
	if (!d->v.failed && !why && !nonzero)
		why = "every byte read is zero";
	virq_step(d, "batch-irq", why);
	gvirtio_reset(&d->v);
}

/* After everything: no interrupt more, nothing foreign or spurious. */
static void virq_quiet(void)
{
	__u32 irqs[VIRQ_NDEV], i, more = 0;
	const char *why = 0;

	for (i = 0; i < VIRQ_NDEV; i++)
		irqs[i] = virq_devs[i].c.irqs;
	virq_settle(VIRQ_QUIET_MS);
	for (i = 0; i < VIRQ_NDEV; i++)
		more += virq_devs[i].c.irqs - irqs[i];
	if (more)
		why = "an interrupt came after every request had completed";
	else if (virq_foreign)
		why = "an interrupt with an INTID of no device";
	else if (virq_spurious)
		why = "a spurious IAR read (1023)";
	guest_step("irq", "quiet", why);
	if (why)
		virq_failed++;
	else
		virq_passed++;
}

static void virq_report(const struct virq_dev *d)
{
	guest_puts("guest: virq: ");
	guest_puts(d->v.name);
	guest_puts(" INTID ");
	guest_putdec(d->intid);
	guest_puts(": ");
	guest_putdec(d->c.requests);
	guest_puts(" requests, ");
	guest_putdec(d->c.completions);
	guest_puts(" completions, ");
	guest_putdec(d->c.irqs);
	guest_puts(" interrupts (");
	guest_putdec(d->c.empty);
	guest_puts(" found nothing new), ");
	guest_putdec(d->c.wfi);
	guest_puts(" WFIs\n");
}

/* main.c calls this first; it leaves without the torture cases. */
void guest_workload(void)
{
	__u32 i;

	guest_puts("guest: virq: blk, console, rng at ");
	guest_puthex(GVIRTIO_BASE);
	guest_puts(", interrupt-driven, WFI bounded by ");
	guest_putdec(VIRQ_WAIT_MS);
	guest_puts(" ms\n");
	virq_irq_off();
	virq_gic_on();
	virq_blk(&virq_devs[0]);
	virq_console(&virq_devs[1]);
	virq_rng(&virq_devs[2]);
	virq_quiet();
	virq_gic_off();
	for (i = 0; i < VIRQ_NDEV; i++)
		virq_report(&virq_devs[i]);
	if (virq_foreign) {
		guest_puts("guest: virq: foreign INTID ");
		guest_putdec(virq_foreign_intid);
		guest_putc('\n');
	}
	guest_puts("guest: virq: ");
	guest_putdec(virq_timeouts);
	guest_puts(" waits timed out, ");
	guest_putdec(virq_timer_stale);
	guest_puts(" late timer interrupts, ");
	guest_putdec(virq_spurious);
	guest_puts(" spurious\n");
	guest_puts("guest: virq: ");
	guest_putdec(virq_passed);
	guest_puts(" passed, ");
	guest_putdec(virq_failed);
	guest_puts(" failed\n");
	guest_exit(virq_failed ? 1 : 0);
}
