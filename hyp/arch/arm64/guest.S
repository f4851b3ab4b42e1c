/* SPDX-License-Identifier: MIT */
/*
 * A tiny EL1 test guest, carried in the image as data and copied into
 * zone1's RAM before it starts (the hypervisor's own memory is mapped in
 * no zone).  Position-independent: PC-relative addresses only.
 *
 * Entry: EL1h, MMU off, x0 = base of a test device window
 * (<hvbridge/testdev.h>) served in the hypervisor, x1 = the zone's
 * emulated PL011, x2 = base of a test device window served through the channel
 * by the root-zone daemon.  It runs numbered
 * checks of MMIO emulation: loads and stores with a syndrome (ISV=1),
 * writeback and pair forms without one (ISV=0), SP as a base, sign
 * extension, and aborts injected for an access outside every window,
 * for the device's ERROR register and for RAM beyond its own; then the
 * emulated UART (its PeriphID0), PSCI over SMC and an unknown
 * HVC, an undefined instruction injected for a trapped ACTLR_EL1 read,
 * PSCI CPU_ON/AFFINITY_INFO/MIGRATE_INFO_TYPE, two accesses through
 * the channel (answered by a daemon, or an abort after the hypervisor's
 * timeout if none runs), and, if the daemon's test device answers, a
 * posted kick.  A failing check prints its number and the value seen.
 * Output goes through HVC #HYP_HVC_TEST_PUTC, so the hypervisor prints
 * whole lines of guests that run at the same time.  It leaves through
 * HVC #HYP_HVC_TEST_EXIT with x0 = the number of failed checks.
 *
 * Before the checks it writes three lines through the hypervisor's
 * write-only console window (arm64/console.h): a plain one, one with
 * bytes the hypervisor must escape, one too long for a line; then four
 * misuses of it that must each abort (outside the numbered checks).
 *
 * With x3 = N at entry it then times N reads of the ID register of each
 * window (in-hypervisor, then through the channel) with CNTVCT and
 * prints the tick counts: the design's side-by-side measure.
 *
 * Registers: x17 channel window, x18 bench iterations, x19 failures,
 * x20 window, x21 UART,
 * x23 check number,
 * x24/x25/x26 ESR_EL1/FAR_EL1/count of the aborts its vector took.
 */
#include <arm64/console.h>
#include <arm64/vcpu.h>

#define TESTDEV_ID_LO	0x5648
#define ID_REG		0xf000
#define ERROR_REG	0xf008
#define PATTERN		0x8000
#define OUTSIDE		0x0c000000	/* in no region and no window */
#define EC_DABT_CUR	0x25
#define RAM_END		0x40200000	/* the zone's 2 MiB at IPA 0x40000000 */
#define PL011_PERIPHID0	0xfe0
/* The channel's test device (<hvbridge/testdev.h>, which is C only):
 * queue 3's mailbox and kick counters, and NOTIFY. */
#define MAILBOX3	0x7818
#define KICK_COUNT3	0xf118
#define KICK_SEEN3	0xf218
#define NOTIFY		0xf300
#define PSCI_VERSION	0x84000000
#define PSCI_UNKNOWN	0x8400ffff
#define PSCI_CPU_ON	0xc4000003
#define PSCI_AFF_INFO	0xc4000004
#define PSCI_MIGRATE_INFO_TYPE	0x84000006

/* Check @got == @want (registers); on a miss print and count it. */
.macro	expect got, want
	add	x23, x23, #1
	cmp	\got, \want
	b.eq	.Lok\@
	mov	x2, \got
	bl	guest_fail
.Lok\@:
.endm

/* Check @got == the constant @val. */
.macro	expecti got, val
	ldr	x9, =\val
	expect	\got, x9
.endm

/* An injected data abort: the vector ran once more, EC and FAR right. */
/* Read the channel's ID register at x6 and check the outcome; x11 = 1
 * if a daemon answered. */
.macro	chan_read
	mov	x16, x26
	mov	x4, #-1
	mov	x11, #0
	ldr	x4, [x6]
	cmp	x26, x16
	b.ne	.Laborted\@
	mov	x11, #1
	adr	x2, msg_chan_daemon
	bl	guest_puts
	expecti	x4, 0x0001544256485648
	b	.Ldone\@
.Laborted\@:
	add	x27, x27, #1		/* keep expect_abort's count in step */
	adr	x2, msg_chan_abort
	bl	guest_puts
	expect	x25, x6
.Ldone\@:
.endm

/* An injected undefined instruction: the vector ran, EC 0. */
.macro	expect_undef
	add	x27, x27, #1
	expect	x26, x27
	lsr	x9, x24, #26
	expecti	x9, 0
.endm

.macro	expect_abort far
	add	x27, x27, #1
	expect	x26, x27
	lsr	x9, x24, #26
	expecti	x9, EC_DABT_CUR
	expect	x25, \far
.endm

	.section .rodata.hyp_guest, "a"
	.balign	2048
	.globl	hyp_guest_start
hyp_guest_start:
	b	guest_main

	/* VBAR_EL1: only "current EL, SPx, synchronous" is expected. */
	.balign	2048
guest_vectors:
	.rept	4
	.balign	0x80
	b	guest_unexpected
	.endr
	.balign	0x80
	b	guest_sync		/* 0x200 */
	.rept	11
	.balign	0x80
	b	guest_unexpected
	.endr

guest_sync:
	mrs	x24, esr_el1
	mrs	x25, far_el1
	add	x26, x26, #1
	mrs	x9, elr_el1
	add	x9, x9, #4		/* skip the access that aborted */
	msr	elr_el1, x9
	eret

guest_unexpected:
	adr	x2, msg_unexpected
	bl	guest_puts
	mov	x0, #255
	hvc	#HYP_HVC_TEST_EXIT
	b	.

guest_main:
	mov	x20, x0
	mov	x21, x1
	mov	x17, x2
	mov	x18, x3
	mov	x19, #0
	mov	x23, #0
	mov	x26, #0
	mov	x27, #0
	adr	x9, guest_vectors
	msr	vbar_el1, x9
	isb
	adr	x2, msg_hello
	bl	guest_puts
	bl	guest_console

	/* 1: a 4-byte store and load with a syndrome. */
	mov	w3, #0x5678
	movk	w3, #0x1234, lsl #16
	str	w3, [x20, #0x10]
	mov	x4, #-1
	ldr	w4, [x20, #0x10]
	expect	x4, x3

	/* 2: a store of XZR (Rt = 31) clears what was there. */
	str	x3, [x20, #0x18]
	str	xzr, [x20, #0x18]
	mov	x4, #-1
	ldr	x4, [x20, #0x18]
	expecti	x4, 0

	/* 3: the ID register. */
	add	x6, x20, #ID_REG
	ldr	x4, [x6]
	expecti	x4, 0x0001544256485648

	/* 4, 5: PATTERN, 4 and 8 bytes, against the same function. */
	add	x6, x20, #PATTERN
	ldr	w4, [x6]
	mov	x2, #PATTERN
	bl	guest_pattern
	mov	w2, w2
	expect	x4, x2
	ldr	x4, [x6, #8]
	mov	x2, #(PATTERN + 8)
	bl	guest_pattern
	expect	x4, x2

	/* 6, 7: sign extension to W (upper half zero) and to X. */
	mov	w3, #0x80
	strb	w3, [x20, #0x20]
	ldrsb	w4, [x20, #0x20]
	expecti	x4, 0xffffff80
	ldrsb	x4, [x20, #0x20]
	expecti	x4, 0xffffffffffffff80

	/* 8, 9: the exact post-index store of hvisor's bug: no syndrome,
	 * decoded from the instruction, base written back. */
	add	x0, x20, #0x100
	add	x10, x20, #0x104
	mov	w9, #0xabcd
	str	w9, [x0], #4
	expect	x0, x10
	ldr	w4, [x20, #0x100]
	expecti	x4, 0xabcd

	/* 10, 11: pre-index load back to the same word. */
	ldr	w4, [x0, #-4]!
	sub	x10, x10, #4
	expect	x0, x10
	expecti	x4, 0xabcd

	/* 12, 13: STP, then LDP with post-index writeback (14). */
	ldr	x5, =0x1111222233334444
	ldr	x7, =0x5555666677778888
	stp	x5, x7, [x20, #0x1f0]
	add	x12, x20, #0x1f0
	add	x13, x20, #0x200
	ldp	x10, x11, [x12], #16
	expect	x10, x5
	expect	x11, x7
	expect	x12, x13

	/* 15, 16, 17: SP as the base, pre- and post-index. */
	mov	x14, sp
	add	x9, x20, #0x300
	mov	sp, x9
	str	x5, [sp, #-16]!
	mov	x9, sp
	add	x13, x20, #0x2f0
	expect	x9, x13
	ldr	x10, [sp], #16
	mov	x9, sp
	mov	sp, x14
	expect	x10, x5
	add	x13, x20, #0x300
	expect	x9, x13

	/* 18: register offset. */
	mov	x15, #0x10
	ldr	w4, [x20, x15]
	expecti	x4, 0x12345678

	/* 19..21: outside every window: an abort, not a stop. */
	mov	x9, #OUTSIDE
	ldr	w4, [x9]
	mov	x13, #OUTSIDE
	expect_abort x13

	/* 22..24: the device fails the access: an abort. */
	add	x6, x20, #ID_REG
	add	x6, x6, #(ERROR_REG - ID_REG)
	ldr	x4, [x6]
	expect_abort x6

	/* 25..27: RAM beyond the zone's own is not there: an abort. */
	mov	x13, #RAM_END
	ldr	x4, [x13]
	expect_abort x13

	/* 28: the emulated UART (hyp/console.h) reads as a PL011. */
	ldr	w4, [x21, #PL011_PERIPHID0]
	expecti	x4, 0x11

	/* 29, 30: PSCI over a trapped SMC: version 1.x; unknown function. */
	ldr	x0, =PSCI_VERSION
	smc	#0
	lsr	x9, x0, #16
	expecti	x9, 1
	ldr	x0, =PSCI_UNKNOWN
	smc	#0
	expecti	x0, 0xffffffffffffffff

	/* 31: an unknown HVC: SMCCC NOT_SUPPORTED, and the guest goes on. */
	mov	x0, #0
	hvc	#0
	expecti	x0, 0xffffffffffffffff

	/* 32, 33: ACTLR_EL1 is the hypervisor's to refuse: undefined. */
	mrs	x4, actlr_el1
	expect_undef

	/* 34: CPU_ON for a CPU that is not the zone's: INVALID_PARAMETERS.
	 * 35: AFFINITY_INFO of its own CPU: ON.  36: MIGRATE_INFO_TYPE: no
	 * Trusted OS to migrate (2).  (SYSTEM_OFF would stop this zone:
	 * tests/guest/psci.c checks it.) */
	ldr	x0, =PSCI_CPU_ON
	mov	x1, #7
	adr	x2, guest_main
	mov	x3, #0
	smc	#0
	expecti	x0, 0xfffffffffffffffe
	ldr	x0, =PSCI_AFF_INFO
	mrs	x1, mpidr_el1
	and	x1, x1, #0xff
	mov	x2, #0
	smc	#0
	expecti	x0, 0
	ldr	x0, =PSCI_MIGRATE_INFO_TYPE
	smc	#0
	expecti	x0, 2

	/* 37, 38: the channel's test device, twice: its ID if a daemon
	 * serves this zone, else an abort (no such device, or no answer
	 * before the hypervisor's timeout). */
	add	x6, x17, #ID_REG
	chan_read
	chan_read

	/* 39, 40, only if the daemon's test device answers, scratch too:
	 * a mailbox write, a posted kick of queue 3 (QueueNotify: the vCPU
	 * does not wait), then the daemon's KICK_COUNT(3) and KICK_SEEN(3),
	 * which must show the kick and the mailbox value it read. */
	cbz	x11, 8f
	mov	x9, #MAILBOX3
	add	x6, x17, x9
	ldr	x5, =0x1234abcd5678ef01
	mov	x16, x26
	str	x5, [x6]
	cmp	x26, x16
	b.ne	8f			/* no scratch: not the test device */
	mov	x9, #NOTIFY
	add	x10, x17, x9
	mov	w9, #3
	str	w9, [x10]
	mov	x9, #KICK_COUNT3
	add	x10, x17, x9
	mov	x12, #20000
1:	ldr	x4, [x10]
	cbnz	x4, 2f
	subs	x12, x12, #1
	b.ne	1b
2:	expecti	x4, 1
	mov	x9, #KICK_SEEN3
	add	x10, x17, x9
	ldr	x4, [x10]
	expect	x4, x5
	adr	x2, msg_kick
	bl	guest_puts
8:

	mov	x2, x23
	bl	guest_report
	cbz	x18, 9f
	bl	guest_bench
9:
	mov	x0, x19
	hvc	#HYP_HVC_TEST_EXIT
	b	.

/*
 * Time x18 reads of the ID register through each window.  A warm-up
 * read of the channel first, repeated while it aborts (a daemon that
 * attached after the request timed out), so the timed loop measures
 * completions.  Then "guest: bench warm" and a second of nothing: the
 * host reads the hypervisor's latency counters then, so the first
 * request's wait for the daemon stays out of what it takes from them
 * (tests/e2e/bench.sh).  Then the two windows in turn, in chunks.
 * Prints "guest: bench n N hyp T channel T freq F aborts A" in hex: N
 * reads through each window, T their CNTVCT ticks.
 */
#define BENCH_CHUNKS	20
guest_bench:
	mov	x28, x30
	add	x6, x17, #ID_REG
	mov	x12, #20
1:	mov	x16, x26
	ldr	x4, [x6]
	cmp	x26, x16
	b.eq	2f
	subs	x12, x12, #1
	b.ne	1b
2:	adr	x2, msg_bench_warm
	bl	guest_puts
	mrs	x13, cntfrq_el0
	isb
	mrs	x14, cntvct_el0
5:	isb
	mrs	x15, cntvct_el0
	sub	x15, x15, x14
	cmp	x15, x13
	b.lo	5b
	/*
	 * The two windows in turn, BENCH_CHUNKS times x18 / BENCH_CHUNKS
	 * reads each, so both see the same moments of a host whose speed
	 * drifts (its vCPUs move between cores): x13 sums the
	 * in-hypervisor chunks' ticks, x14 the channel's.
	 */
	add	x7, x20, #ID_REG
	mov	x13, #0
	mov	x14, #0
	mov	x16, x26
	mov	x10, #BENCH_CHUNKS
	udiv	x11, x18, x10
6:	mov	x12, x11
	isb
	mrs	x15, cntvct_el0
3:	ldr	x4, [x7]
	subs	x12, x12, #1
	b.ne	3b
	isb
	mrs	x9, cntvct_el0
	sub	x15, x9, x15
	add	x13, x13, x15
	mov	x12, x11
	isb
	mrs	x15, cntvct_el0
4:	ldr	x4, [x6]
	subs	x12, x12, #1
	b.ne	4b
	isb
	mrs	x9, cntvct_el0
	sub	x15, x9, x15
	add	x14, x14, x15
	subs	x10, x10, #1
	b.ne	6b
	sub	x16, x26, x16		/* aborts during the timed loop */
	adr	x2, msg_bench_n
	bl	guest_puts
	mov	x10, #BENCH_CHUNKS
	mul	x2, x11, x10		/* the reads each window timed */
	bl	guest_puthex
	adr	x2, msg_bench_hyp
	bl	guest_puts
	mov	x2, x13
	bl	guest_puthex
	adr	x2, msg_bench_chan
	bl	guest_puts
	mov	x2, x14
	bl	guest_puthex
	adr	x2, msg_bench_freq
	bl	guest_puts
	mrs	x2, cntfrq_el0
	bl	guest_puthex
	adr	x2, msg_bench_aborts
	bl	guest_puts
	mov	x2, x16
	bl	guest_puthex
	mov	w3, #'\n'
	bl	guest_putc
	mov	x30, x28
	ret

/* x2 = value seen for check x23: print both, count a failure. */
guest_fail:
	mov	x28, x30
	mov	x22, x2
	adr	x2, msg_fail
	bl	guest_puts
	mov	x2, x23
	bl	guest_puthex
	adr	x2, msg_got
	bl	guest_puts
	mov	x2, x22
	bl	guest_puthex
	mov	w3, #'\n'
	bl	guest_putc
	add	x19, x19, #1
	mov	x30, x28
	ret

/* "guest: <x2 in hex> checks, <x19> failed" */
guest_report:
	mov	x28, x30
	mov	x22, x2
	adr	x2, msg_guest
	bl	guest_puts
	mov	x2, x22
	bl	guest_puthex
	adr	x2, msg_checks
	bl	guest_puts
	mov	x2, x19
	bl	guest_puthex
	adr	x2, msg_failed
	bl	guest_puts
	mov	x30, x28
	ret

/* x2 = hvb_testdev_pattern(x2) (splitmix64's finaliser); x3 clobbered. */
guest_pattern:
	ldr	x3, =0x9e3779b97f4a7c15
	add	x2, x2, x3
	eor	x2, x2, x2, lsr #30
	ldr	x3, =0xbf58476d1ce4e5b9
	mul	x2, x2, x3
	eor	x2, x2, x2, lsr #27
	ldr	x3, =0x94d049bb133111eb
	mul	x2, x2, x3
	eor	x2, x2, x2, lsr #31
	ret

/* Print x2 as 0x + 16 hex digits; x2..x5 clobbered. */
guest_puthex:
	mov	x5, x30
	mov	x4, x2
	mov	w3, #'0'
	bl	guest_putc
	mov	w3, #'x'
	bl	guest_putc
	mov	x6, #60
1:	lsr	x3, x4, x6
	and	x3, x3, #0xf
	cmp	x3, #10
	add	x7, x3, #'0'
	add	x3, x3, #('a' - 10)
	csel	x3, x7, x3, lo
	bl	guest_putc
	subs	x6, x6, #4
	b.pl	1b
	mov	x30, x5
	ret

/* Print the NUL-terminated string at x2; x2..x4 clobbered. */
guest_puts:
	mov	x8, x30
1:	ldrb	w3, [x2], #1		/* RAM, not MMIO: writeback is fine */
	cbz	w3, 2f
	bl	guest_putc
	b	1b
2:	mov	x30, x8
	ret

/*
 * The console window: three lines, then a read, a 2-byte and an 8-byte
 * write, and a write past TX, each of which must abort.  The aborts go
 * into x27 as expect_abort's do, so the numbered checks after it are
 * unchanged; if one did not abort, a FAIL line says so (and the next
 * expect_abort check fails too).
 */
guest_console:
	mov	x11, x30
	adr	x2, msg_console
	bl	guest_mmio_puts
	adr	x2, msg_console_esc
	bl	guest_mmio_puts
	adr	x2, msg_console_long
	bl	guest_mmio_puts
	mov	w3, #'x'
	mov	x12, #110
1:	strb	w3, [x10, #HYP_CONSOLE_TX]
	subs	x12, x12, #1
	b.ne	1b
	mov	w3, #'\n'
	str	w3, [x10, #HYP_CONSOLE_TX]	/* 4 bytes: bits 7:0 */
	mov	x16, x26
	ldr	w4, [x10, #HYP_CONSOLE_TX]
	strh	w3, [x10, #HYP_CONSOLE_TX]
	str	x3, [x10, #HYP_CONSOLE_TX]
	strb	w3, [x10, #(HYP_CONSOLE_TX + 4)]
	add	x27, x27, #4
	sub	x16, x26, x16
	adr	x2, msg_console_aborts
	cmp	x16, #4
	b.eq	2f
	adr	x2, msg_console_fail
	bl	guest_puts
	mov	x30, x11
	ret
2:	bl	guest_mmio_puts
	mov	x30, x11
	ret

/* Write the NUL-terminated string at x2 to the console window, a byte
 * per store; x10 = the window after it; x2, x3 clobbered. */
guest_mmio_puts:
	ldr	x10, =HYP_ARM64_CONSOLE_IPA
1:	ldrb	w3, [x2], #1		/* RAM, not MMIO: writeback is fine */
	cbz	w3, 2f
	strb	w3, [x10, #HYP_CONSOLE_TX]
	b	1b
2:	ret

/* Print the byte in w3 through the console hypercall; x0 kept. */
guest_putc:
	mov	x9, x0
	mov	x0, x3
	hvc	#HYP_HVC_TEST_PUTC
	mov	x0, x9
	ret

	.ltorg
msg_bench_warm:
	.asciz	"guest: bench warm\n"
msg_bench_n:
	.asciz	"guest: bench n "
msg_bench_hyp:
	.asciz	" hyp "
msg_bench_chan:
	.asciz	" channel "
msg_bench_freq:
	.asciz	" freq "
msg_bench_aborts:
	.asciz	" aborts "
msg_kick:
	.asciz	"guest: channel: posted kick delivered\n"
msg_chan_daemon:
	.asciz	"guest: channel: the daemon answered\n"
msg_chan_abort:
	.asciz	"guest: channel: the access aborted\n"
msg_hello:
	.asciz	"guest: hello from EL1\n"
msg_console:
	.asciz	"guest: console: hello through the MMIO window\n"
msg_console_esc:
	.asciz	"guest: console: esc \033[1m bell \007 bs \\ cr\r del \177 end\n"
msg_console_long:
	.asciz	"guest: console: long "
msg_console_aborts:
	.asciz	"guest: console: 4 misuses aborted\n"
msg_console_fail:
	.asciz	"guest: FAIL console: a misuse did not abort\n"
msg_unexpected:
	.asciz	"guest: unexpected exception\n"
msg_fail:
	.asciz	"guest: FAIL check "
msg_got:
	.asciz	" got "
msg_guest:
	.asciz	"guest: "
msg_checks:
	.asciz	" checks, "
msg_failed:
	.asciz	" failed\n"
	.balign	16
	.globl	hyp_guest_end
hyp_guest_end:
