// SPDX-License-Identifier: MIT
/*
 * The virtio image's workload (docs/run.md), run before the torture
 * cases: virtio-blk, virtio-console and virtio-rng, each at its window
 * of zone1 (zones.c, configs/zone1-virtio-host.json), driven through the
 * daemon with the polled driver of virtio.c.  One "PASS dev/step" or
 * "FAIL dev/step: why" line per step; after a failed step the device's
 * later steps fail as skipped, so every step always prints a line.
 */
#include <arm64/mmio.h>
#include "gicv3.h"
#include "virtio.h"

/* virtio-blk: GVBLK_COUNT sectors from GVBLK_FIRST. */
#define GVBLK_FIRST	16u
#define GVBLK_COUNT	8u
#define GVBLK_BYTES	(GVBLK_COUNT * GVBLK_SECTOR)
#define GVRNG_BYTES	64u

static struct gvq_rings gv_rings[3];
static __u8 gvblk_wbuf[GVBLK_BYTES] __attribute__((aligned(16)));
static __u8 gvblk_rbuf[GVBLK_BYTES] __attribute__((aligned(16)));
static __u8 gvrng_buf[2][GVRNG_BYTES] __attribute__((aligned(16)));
static struct gvblk_hdr gvblk_hdr;
static __u8 gvblk_status;

/* The lines the e2e test looks for where the daemon's console writes. */
static const char *const gvcon_lines[] = {
	"hvbridge-guest: hello from zone1 over virtio-console\n",
	"hvbridge-guest: virtio-console line 2 of 2\n",
};

struct gv_dev {
	struct gvirtio v;
	struct gvq q;
};

/* FNV-1a, 64 bit: what "compare" reports. */
static __u64 gv_checksum(const __u8 *p, __u32 n)
{
	__u64 h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

/* Each sector: "hvbridge-guest sector N\n" (e2e.sh finds it in the
 * image file), then a pattern that differs per sector and offset. */
static void gvblk_fill(void)
{
	static const char tag[] = "hvbridge-guest sector ";
	__u32 s, i, n;

	for (s = 0; s < GVBLK_COUNT; s++) {
		__u8 *p = gvblk_wbuf + s * GVBLK_SECTOR;
		char num[8];
		int k = 0;

		for (i = 0; tag[i]; i++)
			p[i] = (__u8)tag[i];
		n = GVBLK_FIRST + s;
		do {
			num[k++] = (char)('0' + n % 10);
			n /= 10;
		} while (n);
		while (k)
			p[i++] = (__u8)num[--k];
		p[i++] = '\n';
		for (; i < GVBLK_SECTOR; i++)
			p[i] = (__u8)(i * 31 + s * 7 + 1);
	}
}

/* One request: header, optional data, status byte. */
static const char *gvblk_req(struct gv_dev *g, __u32 type, __u8 *data,
			     __u32 bytes)
{
	struct gvq_buf b[3];
	const char *why;
	__u32 n = 0, len = 0;

	gvblk_hdr.type = type;
	gvblk_hdr.reserved = 0;
	gvblk_hdr.sector = type == GVBLK_T_FLUSH ? 0 : GVBLK_FIRST;
	gvblk_status = 0xff;	/* the device must overwrite it */
	b[n++] = (struct gvq_buf){ &gvblk_hdr, sizeof(gvblk_hdr), 0 };
	if (bytes)
		b[n++] = (struct gvq_buf){ data, bytes, type == GVBLK_T_IN };
	b[n++] = (struct gvq_buf){ &gvblk_status, 1, 1 };
	why = gvq_run(&g->v, &g->q, b, n, &len);
	if (why)
		return why;
	if (gvblk_status != GVBLK_S_OK)
		return "status byte not VIRTIO_BLK_S_OK";
	if (len < (type == GVBLK_T_IN ? bytes + 1 : 1))
		return "used length short of what was written";
	return 0;
}

static void gv_blk(void)
{
	struct gv_dev g = { .v = GVIRTIO_DEV("virtio-blk", GVIRTIO_BASE,
					     VIRTIO_ID_BLOCK) };
	const char *why = 0;
	__u64 cap = 0;
	__u32 i;

	if (!gvirtio_step(&g.v, "probe", gvirtio_probe(&g.v)))
		goto skip_init;
	why = gvirtio_setup(&g.v, 1ull << GVBLK_F_FLUSH, &g.q, 0,
			    &gv_rings[0]);
	if (!why) {
		/* capacity (le64 at 0), in two reads: the register file
		 * takes at most 4 bytes at a time. */
		cap = gvirtio_config32(&g.v, 0) |
		      (__u64)gvirtio_config32(&g.v, 4) << 32;
		if (cap < GVBLK_FIRST + GVBLK_COUNT)
			why = "capacity smaller than the sectors written";
	}
skip_init:
	gvirtio_step(&g.v, "init", why);

	gvblk_fill();
	why = g.v.failed ? 0 : gvblk_req(&g, GVBLK_T_OUT, gvblk_wbuf,
					 GVBLK_BYTES);
	gvirtio_step(&g.v, "write", why);
	gvirtio_step(&g.v, "interrupt",
		     g.v.failed ? 0 : gvirtio_ack_interrupt(&g.v));

	for (i = 0; i < GVBLK_BYTES; i++)
		gvblk_rbuf[i] = 0xa5;
	why = g.v.failed ? 0 : gvblk_req(&g, GVBLK_T_IN, gvblk_rbuf,
					 GVBLK_BYTES);
	gvirtio_step(&g.v, "read", why);

	why = 0;
	if (gv_checksum(gvblk_rbuf, GVBLK_BYTES) !=
	    gv_checksum(gvblk_wbuf, GVBLK_BYTES))
		why = "checksum of what was read differs from what was written";
	if (!g.v.failed) {
		guest_puts("guest: virtio-blk: ");
		guest_putdec(GVBLK_COUNT);
		guest_puts(" sectors at ");
		guest_putdec(GVBLK_FIRST);
		guest_puts(", checksum ");
		guest_puthex(gv_checksum(gvblk_rbuf, GVBLK_BYTES));
		guest_puts(", capacity ");
		guest_putdec(cap);
		guest_putc('\n');
	}
	gvirtio_step(&g.v, "compare", why);

	gvirtio_step(&g.v, "flush",
		     g.v.failed ? 0 : gvblk_req(&g, GVBLK_T_FLUSH, 0, 0));
	gvirtio_reset(&g.v);
}

static void gv_console(void)
{
	struct gv_dev g = { .v = GVIRTIO_DEV("virtio-console",
					     GVIRTIO_BASE + GVIRTIO_SIZE,
					     VIRTIO_ID_CONSOLE) };
	const char *why = 0;
	__u32 i, n, len;

	if (gvirtio_step(&g.v, "probe", gvirtio_probe(&g.v)))
		why = gvirtio_setup(&g.v, 0, &g.q, GVCON_TXQ, &gv_rings[1]);
	gvirtio_step(&g.v, "init", why);

	why = 0;
	for (i = 0; !g.v.failed && !why &&
		    i < sizeof(gvcon_lines) / sizeof(gvcon_lines[0]); i++) {
		struct gvq_buf b;

		for (n = 0; gvcon_lines[i][n]; n++)
			;
		b = (struct gvq_buf){ (void *)gvcon_lines[i], n, 0 };
		why = gvq_run(&g.v, &g.q, &b, 1, &len);
	}
	gvirtio_step(&g.v, "tx", why);
	gvirtio_reset(&g.v);
}

static void gv_rng(void)
{
	struct gv_dev g = { .v = GVIRTIO_DEV("virtio-rng",
					     GVIRTIO_BASE + 2 * GVIRTIO_SIZE,
					     VIRTIO_ID_RNG) };
	const char *why = 0;
	__u32 k, i, len, nonzero = 0, differ = 0;

	if (gvirtio_step(&g.v, "probe", gvirtio_probe(&g.v)))
		why = gvirtio_setup(&g.v, 0, &g.q, 0, &gv_rings[2]);
	gvirtio_step(&g.v, "init", why);

	why = 0;
	for (k = 0; k < 2 && !g.v.failed && !why; k++) {
		struct gvq_buf b = { gvrng_buf[k], GVRNG_BYTES, 1 };

		for (i = 0; i < GVRNG_BYTES; i++)
			gvrng_buf[k][i] = 0;
		why = gvq_run(&g.v, &g.q, &b, 1, &len);
		if (!why && (len == 0 || len > GVRNG_BYTES))
			why = "used length 0 or past the buffer";
	}
	for (i = 0; !why && i < GVRNG_BYTES; i++) {
		nonzero |= gvrng_buf[0][i] | gvrng_buf[1][i];
		differ |= gvrng_buf[0][i] != gvrng_buf[1][i];
	}
	if (!why && !nonzero)
		why = "every byte read is zero";
	gvirtio_step(&g.v, "read", why);
	gvirtio_step(&g.v, "differ", differ ? 0 : "two reads gave the same bytes");
	gvirtio_reset(&g.v);
}

/* main.c calls this before the torture cases (it overrides a weak
 * empty one there). */
/*
 * The devices' interrupts through zone1's virtual GIC (docs/
 * interrupts.md): where the daemon's config gives them one (INTIDs
 * 72-74, configs/zone1-virtio-root.json), the root zone's daemon raises
 * it after each used-ring update.  The driver still polls; with IRQs
 * masked (PSTATE.I) it takes them from the CPU interface by hand
 * (ICC_IAR1_EL1, which works masked) and reports how many came.
 */
#define GV_IRQ_FIRST	72u
#define GV_IRQ_COUNT	3u

static __u32 gv_irqs[GV_IRQ_COUNT];

static void gv_gic_on(void)
{
	__u64 aff0 = sysreg_read(mpidr_el1) & 0xff;
	__u32 i;

	sysreg_write(ICC_PMR, 0xf0);
	sysreg_write(ICC_IGRPEN1, 1);
	for (i = 0; i < GV_IRQ_COUNT; i++)
		mmio_write64((volatile void *)(GICD + GICD_IROUTER +
					       (GV_IRQ_FIRST + i) * 8), aff0);
	/* GICD_ISENABLER2: INTIDs 64-95. */
	mmio_write32((volatile void *)(GICD + GICD_ISENABLER + 8),
		     ((1u << GV_IRQ_COUNT) - 1) << (GV_IRQ_FIRST - 64));
	__asm__ volatile("isb" ::: "memory");
}

/* Take and end every interrupt pending at the CPU interface. */
static void gv_gic_drain(void)
{
	__u64 iar;
	__u32 n, i;

	for (i = 0; i < 64; i++) {
		iar = sysreg_read(ICC_IAR1);
		n = (__u32)iar & 0xffffff;
		if (n >= 1020)
			break;
		if (n >= GV_IRQ_FIRST && n < GV_IRQ_FIRST + GV_IRQ_COUNT)
			gv_irqs[n - GV_IRQ_FIRST]++;
		sysreg_write(ICC_EOIR1, iar);
		__asm__ volatile("isb" ::: "memory");
	}
}

static void gv_gic_report(void)
{
	__u32 i;

	gv_gic_drain();
	mmio_write32((volatile void *)(GICD + GICD_ICENABLER + 8),
		     ((1u << GV_IRQ_COUNT) - 1) << (GV_IRQ_FIRST - 64));
	guest_puts("guest: virtio: GIC interrupts taken: blk ");
	for (i = 0; i < GV_IRQ_COUNT; i++) {
		guest_putdec(gv_irqs[i]);
		guest_puts(i == 0 ? ", console " : i == 1 ? ", rng " : "\n");
	}
}

void guest_workload(void)
{
	guest_puts("guest: virtio workload: blk, console, rng at ");
	guest_puthex(GVIRTIO_BASE);
	guest_putc('\n');
	gv_gic_on();
	gv_blk();
	gv_gic_drain();
	gv_console();
	gv_gic_drain();
	gv_rng();
	gv_gic_report();
}
