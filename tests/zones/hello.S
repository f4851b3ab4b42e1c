/* SPDX-License-Identifier: MIT */
/*
 * zone-hello: the smallest kernel for `hvbridge zone start zone1.json`
 * (tests/kmod/zones.sh).  Entered as the arm64 boot protocol says (EL1,
 * MMU off, every exception masked, x0 = the DTB's address), it prints
 * one line through the hypervisor's console hypercall saying whether x0
 * points at a flattened device tree, writes MARK_OK or MARK_BAD at
 * _start + MARK_OFF (the root zone polls it with devmem), reads the ID
 * register of the daemon's test device through its virtio-type window
 * (forwarded through the channel) and stores the low word at _start +
 * CHAN_OFF (an abort instead stores CHAN_ABORT and goes straight on to
 * the CPU_ON below: a zone without those windows, hvisor-tool's example
 * one, still starts its second CPU, and never writes NOTIFY_MARK), writes
 * NOTIFY_WRITES
 * QueueNotify (queue 0) to the virtio-rng block of the same region
 * (RNG_NOTIFY: its first one, answered, gives the block a kick slot;
 * the later ones are posted once the daemon routed it) and stores
 * NOTIFY_MARK at _start + NOTIFY_OFF, asks PSCI CPU_ON for
 * the next CPU (refused in a one-CPU zone; in a two-CPU zone that CPU
 * stores SMP_MARK at _start + SMP_OFF), then spins for ever without a
 * trap or an interrupt, as does the second CPU: `hvbridge zone shutdown`
 * must stop both anyway.
 * Position-independent (PC-relative addresses only).
 */
#define HVC_PUTC	0xe2c		/* HYP_HVC_TEST_PUTC (arm64/vcpu.h) */
#define FDT_MAGIC_LE	0xedfe0dd0	/* 0xd00dfeed, big-endian in memory */
#define MARK_OFF	0x1ff0		/* from _start, past the image: the root zone reads it */
#define MARK_OK		0x600d0d7b
#define MARK_BAD	0x0bad0d7b
#define CHAN_OFF	0x1ff4
#define CHAN_ABORT	0xdeadab07
#define TESTDEV_ID	0x0b00f000	/* HVB_TESTDEV_DEFAULT_BASE + ID_REG */
#define SMP_OFF		0x1ff8
#define SMP_MARK	0x5ec0d0c9
#define RNG_NOTIFY	0x0a000450	/* virtio-rng at 0x0a000400: QueueNotify */
#define NOTIFY_WRITES	8
#define NOTIFY_OFF	0x1ffc
#define NOTIFY_MARK	0x4071f1ed
#define PSCI_CPU_ON	0xc4000003

	.text
	.globl	_start
_start:
	mov	x19, x0
	adr	x4, vectors
	msr	vbar_el1, x4
	isb
	adr	x20, hello
	bl	puts
	ldr	w2, [x19]
	movz	w3, #(FDT_MAGIC_LE & 0xffff)
	movk	w3, #(FDT_MAGIC_LE >> 16), lsl #16
	adr	x20, dtb_ok
	movz	w5, #(MARK_OK & 0xffff)
	movk	w5, #(MARK_OK >> 16), lsl #16
	cmp	w2, w3
	b.eq	1f
	adr	x20, dtb_bad
	movz	w5, #(MARK_BAD & 0xffff)
	movk	w5, #(MARK_BAD >> 16), lsl #16
1:	bl	puts
	adr	x4, _start
	str	w5, [x4, #MARK_OFF]
	dsb	sy
	movz	x7, #(TESTDEV_ID & 0xffff)
	movk	x7, #(TESTDEV_ID >> 16), lsl #16
	ldr	x6, [x7]		/* the ID register: 8-byte reads only */
	str	w6, [x4, #CHAN_OFF]
	dsb	sy
	movz	x7, #(RNG_NOTIFY & 0xffff)
	movk	x7, #(RNG_NOTIFY >> 16), lsl #16
	mov	w8, #NOTIFY_WRITES
6:	str	wzr, [x7]		/* QueueNotify(0) */
	subs	w8, w8, #1
	b.ne	6b
	movz	w6, #(NOTIFY_MARK & 0xffff)
	movk	w6, #(NOTIFY_MARK >> 16), lsl #16
	str	w6, [x4, #NOTIFY_OFF]
	dsb	sy
	/* PSCI CPU_ON(this CPU + 1, second, 0) over SMC. */
cpu_on:
	movz	w0, #(PSCI_CPU_ON & 0xffff)
	movk	w0, #(PSCI_CPU_ON >> 16), lsl #16
	mrs	x1, mpidr_el1
	and	x1, x1, #0xff
	add	x1, x1, #1
	adr	x2, second
	mov	x3, #0
	smc	#0
2:	b	2b

/* The second CPU: leave its mark and spin. */
second:
	adr	x4, _start
	movz	w5, #(SMP_MARK & 0xffff)
	movk	w5, #(SMP_MARK >> 16), lsl #16
	str	w5, [x4, #SMP_OFF]
	dsb	sy
5:	b	5b

/* Any exception (an abort from the channel read or a QueueNotify
 * write): say so, then start the second CPU and spin. */
abort:
	adr	x4, _start
	movz	w6, #(CHAN_ABORT & 0xffff)
	movk	w6, #(CHAN_ABORT >> 16), lsl #16
	str	w6, [x4, #CHAN_OFF]
	dsb	sy
	b	cpu_on

/* Print the string at x20 (clobbers x0, x20, x21). */
puts:
	mov	x21, x30
3:	ldrb	w0, [x20]
	add	x20, x20, #1
	cbz	w0, 4f
	hvc	#HVC_PUTC
	b	3b
4:	ret	x21

hello:	.asciz	"zone-hello: up, "
dtb_ok:	.asciz	"x0 points at a DTB\n"
dtb_bad: .asciz	"x0 does not point at a DTB\n"

	.balign	2048
vectors:
	.rept	16
	b	abort
	.balign	128
	.endr
