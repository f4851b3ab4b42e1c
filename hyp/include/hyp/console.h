/* SPDX-License-Identifier: MIT */
/*
 * hyp/console.h - a write-only console emulated in the hypervisor: an
 * MMIO window per zone whose TX register takes one byte per write; the
 * hypervisor collects a zone's bytes into lines and prints each whole,
 * prefixed with the zone's name ("[zone1] ..."), so a guest needs no
 * UART of its own and lines of zones on different CPUs never mix.
 *
 * Register map (offsets from the window base; the window is one page):
 *   0x0  TX  write-only; a 1- or 4-byte write sends bits 7:0, the
 *            upper bits of a 4-byte write are ignored (as a UART's data
 *            register does)
 * Everything else fails with HYP_MMIO_ERROR, which the arch code turns
 * into a data abort injected into the guest: any read (write-only, and
 * a read of a console is a guest bug worth seeing), a 2- or 8-byte
 * write, any other offset.
 *
 * What a guest controls is bounded: a line holds HYP_CONSOLE_LINE
 * characters after escaping and is printed when full, ending in a lone
 * '\' (continued on the next line); bytes outside printable ASCII are
 * printed as \xHH and a backslash as "\\", so a guest cannot send escape
 * sequences to the hypervisor's console; '\r' is dropped.  A partial
 * line waits for its newline (or for the line to fill).
 */
#ifndef HYP_CONSOLE_H
#define HYP_CONSOLE_H

#define HYP_CONSOLE_TX		0x0
#define HYP_CONSOLE_SIZE	0x1000
#define HYP_CONSOLE_LINE	120	/* characters per printed line */

#ifndef __ASSEMBLER__
#include <hvbridge/types.h>
#include <hyp/mmio.h>
#include <hyp/spinlock.h>

/* One zone's console: the window's priv. */
struct hyp_console {
	struct hyp_spinlock lock;	/* the zone's vCPUs may share it */
	const char *name;		/* the prefix: the zone's name */
	__u32 len;			/* characters in @line (under lock) */
	char line[HYP_CONSOLE_LINE + 1];
};

#define HYP_CONSOLE_INIT(zname)	{ .lock = HYP_SPINLOCK_INIT, .name = (zname) }

enum hyp_mmio_result hyp_console_access(void *priv, __u64 offset,
					__u32 size, int is_write,
					__u64 *value);
#endif

#endif /* HYP_CONSOLE_H */
