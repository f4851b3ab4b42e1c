/* SPDX-License-Identifier: MIT */
/*
 * hyp/conmux.h - the physical console shared by the hypervisor and the
 * root zone, as a terminal both write lines to.  Pure: the caller holds
 * the console lock (hyp/core/printk.c) and passes the byte sink, so host
 * tests drive it with a buffer (tests/console_mux).
 *
 * The root zone's UART data register writes are trapped and come here
 * one byte at a time; so do the hypervisor's.  The physical line belongs
 * to whoever wrote its last byte.  When the hypervisor starts a line
 * while the root zone is mid-line, the root zone's line is ended with
 * "\r\n" first; when the hypervisor has finished its line (and its
 * locked section), the root zone's partial line is written again (a
 * readline-style redraw) and its output goes on from there.  So every
 * hypervisor line and every root line shorter than HYP_CONMUX_ROOT_LINE
 * appears whole on some line of the log; the cut-off head of a root
 * line shows as an extra, partial line before the hypervisor's.
 *
 * A root line longer than HYP_CONMUX_ROOT_LINE bytes (since its '\n') is
 * no longer tracked: it is not redrawn, so a hypervisor line can split
 * it.  Nothing here waits.
 */
#ifndef HYP_CONMUX_H
#define HYP_CONMUX_H

#include <hvbridge/types.h>

#define HYP_CONMUX_ROOT_LINE	256u

/* hyp_conmux.owner: who wrote the last byte of the physical line. */
#define HYP_CONMUX_COL0		0u	/* nobody: the cursor is at column 0 */
#define HYP_CONMUX_ROOT		1u
#define HYP_CONMUX_HYP		2u

/* Every field: written and read under the console lock only. */
struct hyp_conmux {
	__u32 owner;		/* HYP_CONMUX_* */
	__u32 root_len;		/* bytes of root_line since root's '\n' */
	__u32 root_lost;	/* the root line outgrew root_line */
	__u32 pad;
	char root_line[HYP_CONMUX_ROOT_LINE];
};

#define HYP_CONMUX_INIT	{ .owner = HYP_CONMUX_COL0 }

/* Writes one byte to the device, as it is. */
typedef void (*hyp_conmux_emit_t)(char c);

/* A byte of the hypervisor's; '\n' goes out as "\r\n". */
void hyp_conmux_hyp_putc(struct hyp_conmux *m, char c,
			 hyp_conmux_emit_t emit);
/* The hypervisor leaves the console (end of its locked section): if it
 * ended its line, redraw the root zone's partial line. */
void hyp_conmux_hyp_done(struct hyp_conmux *m, hyp_conmux_emit_t emit);
/* A byte the root zone wrote to the UART's data register, as it is. */
void hyp_conmux_root_putc(struct hyp_conmux *m, char c,
			  hyp_conmux_emit_t emit);

#endif /* HYP_CONMUX_H */
