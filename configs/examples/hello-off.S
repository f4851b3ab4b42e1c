/* SPDX-License-Identifier: MIT */
/*
 * hello-off: a bare-metal zone image for `make run-zone`
 * (configs/examples/hello-off.json).  Entered as the arm64 boot
 * protocol says (EL1, MMU off, x0 = the DTB), it writes one line to its
 * console, the PL011 the hypervisor emulates at IPA 0x09000000
 * (docs/console.md), says whether x0 points at a flattened device tree,
 * and powers its zone off with PSCI SYSTEM_OFF: the zone stops, not the
 * machine.  Position-independent.
 */
#define UART_DR		0x09000000	/* PL011 data register */
#define FDT_MAGIC_LE	0xedfe0dd0	/* 0xd00dfeed, big-endian in memory */
#define PSCI_SYSTEM_OFF	0x84000008

	.text
	.globl	_start
_start:
	mov	x19, x0
	adr	x20, hello
	bl	puts
	adr	x20, dtb_bad
	ldr	w2, [x19]
	movz	w3, #(FDT_MAGIC_LE & 0xffff)
	movk	w3, #(FDT_MAGIC_LE >> 16), lsl #16
	cmp	w2, w3
	b.ne	1f
	adr	x20, dtb_ok
1:	bl	puts
	movz	w0, #(PSCI_SYSTEM_OFF & 0xffff)
	movk	w0, #(PSCI_SYSTEM_OFF >> 16), lsl #16
	smc	#0
2:	wfi			/* SYSTEM_OFF does not return */
	b	2b

/* Print the string at x20 through the PL011 (clobbers x0, x1, x20). */
puts:
	movz	x1, #(UART_DR >> 16), lsl #16
3:	ldrb	w0, [x20]
	add	x20, x20, #1
	cbz	w0, 4f
	str	w0, [x1]	/* no writeback: the trap carries a syndrome */
	b	3b
4:	ret

hello:	.asciz	"hello-off: up on its emulated PL011, "
dtb_ok:	.asciz	"x0 points at its DTB; powering the zone off\n"
dtb_bad: .asciz	"x0 does not point at a DTB; powering the zone off\n"
