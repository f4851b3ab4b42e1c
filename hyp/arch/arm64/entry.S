/* SPDX-License-Identifier: MIT */
/*
 * EL2 exception vectors.  Placeholder until the trap frame exists: every
 * exception parks the CPU.
 */
	.section .text.vectors, "ax"
	.balign	2048
	.globl	hyp_vectors
hyp_vectors:
	.rept	16
	.balign	0x80
	b	hyp_park
	.endr
