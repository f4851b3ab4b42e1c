/* SPDX-License-Identifier: MIT */
/*
 * A tiny EL1 guest, carried in the image as data and copied into zone1's
 * RAM before it starts (the hypervisor's own memory is mapped in no
 * zone).  Position-independent: PC-relative addresses only.
 *
 * Entry: EL1h, MMU off, x0 = base of an emulated MMIO window (trapped),
 * x1 = a pass-through PL011.  It says hello on the UART, makes three
 * accesses to the emulated window, each of a form with a full syndrome
 * (ISV=1), checks the load read as zero (the hypervisor has no device
 * model yet), and leaves through HVC #HYP_HVC_TEST_EXIT with x0 = 0 on
 * success, 1 if the load did not read zero.
 */
#include <arm64/vcpu.h>

	.section .rodata.hyp_guest, "a"
	.balign	16
	.globl	hyp_guest_start
hyp_guest_start:
	mov	x20, x0			/* emulated window */
	mov	x21, x1			/* UART */
	adr	x2, guest_hello
	bl	guest_puts

	mov	w3, #0x5678
	movk	w3, #0x1234, lsl #16
	str	w3, [x20, #0x10]	/* 4-byte store, Rt = x3 */
	str	xzr, [x20, #0x18]	/* 8-byte store of XZR, Rt = 31 */
	mov	x4, #-1
	add	x6, x20, #0xf000	/* the test device's ID register */
	ldr	x4, [x6]		/* 8-byte load into x4 */

	mov	x0, #0
	adr	x2, guest_read_zero
	cbz	x4, 1f
	mov	x0, #1
	adr	x2, guest_read_bad
1:	mov	x22, x0
	bl	guest_puts
	mov	x0, x22
	hvc	#HYP_HVC_TEST_EXIT
2:	wfi
	b	2b

/* Print the NUL-terminated string at x2 on the PL011 at x21. */
guest_puts:
	ldrb	w3, [x2], #1		/* RAM, not MMIO: writeback is fine */
	cbz	w3, 3f
	cmp	w3, #'\n'
	b.ne	2f
	mov	w5, #'\r'
1:	ldr	w4, [x21, #0x18]	/* FR */
	tbnz	w4, #5, 1b		/* TXFF */
	str	w5, [x21]
2:	ldr	w4, [x21, #0x18]
	tbnz	w4, #5, 2b
	str	w3, [x21]		/* DR */
	b	guest_puts
3:	ret

guest_hello:
	.asciz	"guest: hello from EL1 in zone1\n"
guest_read_zero:
	.asciz	"guest: MMIO load read 0, as expected\n"
guest_read_bad:
	.asciz	"guest: MMIO load did not read 0\n"
	.balign	16
	.globl	hyp_guest_end
hyp_guest_end:
