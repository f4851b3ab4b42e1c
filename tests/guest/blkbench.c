// SPDX-License-Identifier: MIT
/*
 * The blk benchmark image's workload (tests/e2e/sysbench.sh): virtio-blk
 * throughput from zone1 through the daemon, with the polled driver of
 * virtio.c (one request in flight).  BB_TOTAL bytes of sequential writes
 * in BB_REQ requests, then as many of sequential reads, over the first
 * BB_SPAN bytes of the disk (the root zone's image is 1 MiB, so each
 * direction goes over it BB_TOTAL / BB_SPAN times).  Every write pass
 * writes other bytes (the pattern has the pass in it), so a read pass
 * can only match the last one: each read pass's FNV-1a must be the last
 * write pass's.
 *
 * Only the requests are timed (the generic timer around gvq_run), not
 * making or summing the data, so the figures are the round trips'.
 * Lines:
 *   PASS|FAIL virtio-blk/init|write|read (read: the checksums too)
 *   blkbench: read_bytes=N read_ns=N write_bytes=N write_ns=N
 *   blkbench: requests=N req_bytes=N checksum=0x...
 * It leaves (exit code 0, else 1) without running the torture cases:
 * those are the virtio image's.
 */
#include "virtio.h"

#define BB_REQ		(64u * 1024u)
#define BB_SPAN		(1024u * 1024u)
#define BB_TOTAL	(4u * 1024u * 1024u)
#define BB_PASSES	(BB_TOTAL / BB_SPAN)

_Static_assert(BB_SPAN % BB_REQ == 0 && BB_TOTAL % BB_SPAN == 0,
	       "whole requests, whole passes");

static struct gvq_rings bb_rings;
static __u8 bb_buf[BB_REQ] __attribute__((aligned(16)));
static struct gvblk_hdr bb_hdr;
static __u8 bb_status;


/* FNV-1a, 64 bit, carried on from @h over @n bytes. */
static __u64 bb_sum(__u64 h, const __u8 *p, __u32 n)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

#define BB_SUM_START	0xcbf29ce484222325ull

/* Write pass @pass's bytes for the request at byte @off of the disk. */
static void bb_fill(__u32 pass, __u32 off)
{
	__u32 i;

	for (i = 0; i < BB_REQ; i++) {
		__u32 x = off + i;

		bb_buf[i] = (__u8)(x * 7u + (x >> 9) * 13u + pass * 101u + 1u);
	}
}

/* One request of BB_REQ bytes at byte @off; adds its ticks to *@t. */
static const char *bb_req(struct gvirtio *d, struct gvq *q, __u32 type,
			  __u32 off, __u64 *t)
{
	struct gvq_buf b[3];
	const char *why;
	__u32 len = 0;
	__u64 t0;

	bb_hdr.type = type;
	bb_hdr.reserved = 0;
	bb_hdr.sector = off / GVBLK_SECTOR;
	bb_status = 0xff;	/* the device must overwrite it */
	b[0] = (struct gvq_buf){ &bb_hdr, sizeof(bb_hdr), 0 };
	b[1] = (struct gvq_buf){ bb_buf, BB_REQ, type == GVBLK_T_IN };
	b[2] = (struct gvq_buf){ &bb_status, 1, 1 };
	t0 = guest_ticks();
	why = gvq_run(d, q, b, 3, &len);
	*t += guest_ticks() - t0;
	if (why)
		return why;
	if (bb_status != GVBLK_S_OK)
		return "status byte not VIRTIO_BLK_S_OK";
	if (len < (type == GVBLK_T_IN ? BB_REQ + 1 : 1))
		return "used length short of what was written";
	return 0;
}

static const char *bb_init(struct gvirtio *d, struct gvq *q)
{
	const char *why;
	__u64 cap;

	why = gvirtio_probe(d);
	if (why)
		return why;
	why = gvirtio_setup(d, 0, q, 0, &bb_rings);
	if (why)
		return why;
	/* capacity (le64 at 0) in two 4-byte reads */
	cap = gvirtio_config32(d, 0) | (__u64)gvirtio_config32(d, 4) << 32;
	return cap * GVBLK_SECTOR < BB_SPAN ? "capacity under 1 MiB" : 0;
}

static void bb_putns(const char *key, __u64 ticks, __u64 freq)
{
	guest_puts(key);
	/* ticks * 1e9 / freq without overflow for any run under hours */
	guest_putdec(ticks / freq * 1000000000ull +
		     ticks % freq * 1000000000ull / freq);
}

void guest_workload(void)
{
	struct gvirtio d = GVIRTIO_DEV("virtio-blk", GVIRTIO_BASE,
				       VIRTIO_ID_BLOCK);
	struct gvq q;
	const char *why;
	__u64 wt = 0, rt = 0, want = 0, got, freq = guest_ticks_freq();
	__u32 pass, off, fails = 0;

	guest_puts("blkbench: ");
	guest_putdec(BB_TOTAL);
	guest_puts(" bytes each way in ");
	guest_putdec(BB_REQ);
	guest_puts("-byte requests over the first ");
	guest_putdec(BB_SPAN);
	guest_puts(" bytes, one in flight\n");

	why = bb_init(&d, &q);
	guest_step(d.name, "init", why);
	if (why)
		goto out;

	for (pass = 0; !why && pass < BB_PASSES; pass++) {
		got = BB_SUM_START;
		for (off = 0; !why && off < BB_SPAN; off += BB_REQ) {
			bb_fill(pass, off);
			got = bb_sum(got, bb_buf, BB_REQ);
			why = bb_req(&d, &q, GVBLK_T_OUT, off, &wt);
		}
		want = got;
	}
	guest_step(d.name, "write", why);
	if (why)
		goto out;

	for (pass = 0; !why && pass < BB_PASSES; pass++) {
		got = BB_SUM_START;
		for (off = 0; !why && off < BB_SPAN; off += BB_REQ) {
			__u32 i;

			/* what the device does not write stays wrong */
			for (i = 0; i < BB_REQ; i++)
				bb_buf[i] = 0xa5;
			why = bb_req(&d, &q, GVBLK_T_IN, off, &rt);
			got = bb_sum(got, bb_buf, BB_REQ);
		}
		if (!why && got != want)
			why = "checksum of a read pass differs from the last "
			      "write pass";
	}
	guest_step(d.name, "read", why);
	if (why)
		goto out;

	guest_puts("blkbench: read_bytes=");
	guest_putdec(BB_TOTAL);
	bb_putns(" read_ns=", rt, freq);
	guest_puts(" write_bytes=");
	guest_putdec(BB_TOTAL);
	bb_putns(" write_ns=", wt, freq);
	/* a line of its own: the console cuts long lines */
	guest_puts("\nblkbench: requests=");
	guest_putdec(2 * BB_TOTAL / BB_REQ);
	guest_puts(" req_bytes=");
	guest_putdec(BB_REQ);
	guest_puts(" checksum=");
	guest_puthex(want);
	guest_putc('\n');
out:
	if (why)
		fails++;
	gvirtio_reset(&d);
	guest_exit(fails ? 1 : 0);
}
