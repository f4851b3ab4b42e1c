/* SPDX-License-Identifier: MIT */
/*
 * hyp/console.h - a guest zone's console, emulated in the hypervisor:
 * the hypervisor collects the zone's bytes into lines and prints each
 * whole, prefixed with the zone's name ("[zone1] ..."), so a guest needs
 * no UART of its own, lines of zones on different CPUs never mix, and a
 * guest can never start a line of the log (docs/console.md).
 *
 * Two windows feed one zone's line, each one page:
 *
 * The write-only console window (hyp_console_access):
 *   0x0  TX  write-only; a 1- or 4-byte write sends bits 7:0, the
 *            upper bits of a 4-byte write are ignored (as a UART's data
 *            register does)
 * Everything else fails with HYP_MMIO_ERROR, which the arch code turns
 * into a data abort injected into the guest: any read (write-only, and
 * a read of a console is a guest bug worth seeing), a 2- or 8-byte
 * write, any other offset.
 *
 * The emulated PL011 (hyp_console_pl011_access), at the IPA where the
 * platform has its UART, enough of one for Linux's amba-pl011 driver
 * and earlycon=pl011: DR (TX; a read returns 0: no input), RSR/ECR,
 * FR (TX FIFO empty, RX FIFO empty, never busy or full), IBRD, FBRD,
 * LCR_H, CR, IFLS, IMSC, DMACR (kept, no effect), RIS (TX interrupt
 * always raised: the FIFO is always empty), MIS (= RIS & IMSC), ICR
 * (no effect), and PeriphID0-3/CellID0-3 at 0xfe0-0xffc (an ARM PL011
 * r1p5, as QEMU's).  The TX interrupt, if the console has an SPI of
 * its zone's (@irq): set pending in the zone's virtual GIC whenever it
 * would assert again on a PL011 whose FIFO drains at once: when a write
 * of IMSC unmasks it, and on each DR write while it is unmasked (an
 * edge per event, not a level: docs/console.md).  No RX interrupt.  1-, 2- and 4-byte aligned accesses; others
 * fail (a data abort).  Other offsets read as zero, writes are ignored.
 *
 * What a guest controls is bounded: a line holds HYP_CONSOLE_LINE
 * characters after escaping and is printed when full, ending in a lone
 * '\' (continued on the next line); bytes outside printable ASCII are
 * printed as \xHH and a backslash as "\\", so a guest cannot send escape
 * sequences to the hypervisor's console; '\r' is dropped.  A partial
 * line waits for its newline (or for the line to fill).  A zone prints
 * at most HYP_CONSOLE_BURST lines at once and HYP_CONSOLE_RATE lines a
 * second after that (its test-console hypercall's lines too, through
 * hyp_console_admit()); the rest are dropped and counted, and the count
 * is printed ("hvbridge-hyp: zone1: console: N lines dropped") before
 * the zone's next line that is let through, at most once a second (a
 * count not yet reported waits for a later line).
 */
#ifndef HYP_CONSOLE_H
#define HYP_CONSOLE_H

#define HYP_CONSOLE_TX		0x0
#define HYP_CONSOLE_SIZE	0x1000
#define HYP_CONSOLE_LINE	120	/* characters per printed line */
#define HYP_CONSOLE_BURST	1024	/* lines a zone may print at once */
#define HYP_CONSOLE_RATE	256	/* lines a second, after the burst */

/* PL011 registers (ARM DDI 0183), offsets from the UART's base. */
#define HYP_PL011_DR		0x000
#define HYP_PL011_RSR		0x004	/* RSR on read, ECR on write */
#define HYP_PL011_FR		0x018
#define HYP_PL011_ILPR		0x020
#define HYP_PL011_IBRD		0x024
#define HYP_PL011_FBRD		0x028
#define HYP_PL011_LCRH		0x02c
#define HYP_PL011_CR		0x030
#define HYP_PL011_IFLS		0x034
#define HYP_PL011_IMSC		0x038
#define HYP_PL011_RIS		0x03c
#define HYP_PL011_MIS		0x040
#define HYP_PL011_ICR		0x044
#define HYP_PL011_DMACR		0x048
#define HYP_PL011_PERIPHID0	0xfe0	/* ... CellID3 at 0xffc */
#define HYP_PL011_FR_RXFE	(1u << 4)
#define HYP_PL011_FR_TXFF	(1u << 5)
#define HYP_PL011_FR_TXFE	(1u << 7)
#define HYP_PL011_INT_TX	(1u << 5)	/* RIS/MIS/IMSC/ICR: TXIS */
#define HYP_PL011_SIZE		0x1000

#ifndef __ASSEMBLER__
#include <hvbridge/types.h>
#include <hyp/mmio.h>
#include <hyp/spinlock.h>

/* One zone's console: the windows' priv.  Every field but @lock and
 * @name is written and read under @lock (the zone's vCPUs share it). */
struct hyp_console {
	struct hyp_spinlock lock;
	const char *name;		/* the prefix: the zone's name */
	__u32 len;			/* characters in @line */
	char line[HYP_CONSOLE_LINE + 1];
	/* The rate limit: tokens (lines) left, refilled from @refill_ns
	 * on; lines dropped since the last report. */
	__u32 tokens;
	__u32 dropped;
	__u64 refill_ns;
	__u64 report_ns;		/* last drop report; 0: none yet */
	__u32 started;			/* tokens and refill_ns are set */
	/* The emulated PL011's registers that keep what is written. */
	__u32 ibrd, fbrd, lcrh, cr, ifls, imsc, dmacr;
	__u32 irq;			/* its SPI (0: none); set at init */
};

/* CR resets to TXE | RXE, IFLS to 1/2 full both ways (the TRM's). */
#define HYP_PL011_CR_RESET	0x300u
#define HYP_PL011_IFLS_RESET	0x12u
#define HYP_CONSOLE_INIT_IRQ(zname, zirq) {				\
	.lock = HYP_SPINLOCK_INIT, .name = (zname),			\
	.cr = HYP_PL011_CR_RESET, .ifls = HYP_PL011_IFLS_RESET,		\
	.irq = (zirq) }
#define HYP_CONSOLE_INIT(zname)	HYP_CONSOLE_INIT_IRQ(zname, 0)

enum hyp_mmio_result hyp_console_access(void *priv, __u64 offset,
					__u32 size, int is_write,
					__u64 *value);
enum hyp_mmio_result hyp_console_pl011_access(void *priv, __u64 offset,
					      __u32 size, int is_write,
					      __u64 *value);

/* Arch hook: set SPI @intid pending for the zone of the vCPU that is
 * accessing the console, if that zone owns it. */
void hyp_arch_console_irq(__u32 intid);

/*
 * The zone (re)starts: a line its last run left unfinished is printed
 * (ending in '\'), the PL011's registers go back to their reset values.
 * The rate limit carries on: restarting a zone does not refill it.
 */
void hyp_console_reset(struct hyp_console *con);

/*
 * May the zone of @con print one more line now?  Takes @con's lock.  A
 * caller that prints lines of the zone's by other means (the test
 * console hypercall) asks before each; on 1 it may print, and the
 * dropped count, if any, has been printed just before.
 */
int hyp_console_admit(struct hyp_console *con);
#endif

#endif /* HYP_CONSOLE_H */
