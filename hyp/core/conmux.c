// SPDX-License-Identifier: MIT
/*
 * The shared physical console's line arbiter (hyp/conmux.h).
 */
#include <hyp/conmux.h>

static void conmux_redraw(struct hyp_conmux *m, hyp_conmux_emit_t emit)
{
	__u32 i;

	for (i = 0; i < m->root_len; i++)
		emit(m->root_line[i]);
	if (m->root_len)
		m->owner = HYP_CONMUX_ROOT;
}

void hyp_conmux_hyp_putc(struct hyp_conmux *m, char c,
			 hyp_conmux_emit_t emit)
{
	if (m->owner == HYP_CONMUX_ROOT) {
		/* The root zone is mid-line: end it; redrawn later. */
		emit('\r');
		emit('\n');
	}
	if (c == '\n') {
		emit('\r');
		emit('\n');
		m->owner = HYP_CONMUX_COL0;
		return;
	}
	emit(c);
	m->owner = HYP_CONMUX_HYP;
}

void hyp_conmux_hyp_done(struct hyp_conmux *m, hyp_conmux_emit_t emit)
{
	if (m->owner == HYP_CONMUX_COL0)
		conmux_redraw(m, emit);
}

void hyp_conmux_root_putc(struct hyp_conmux *m, char c,
			  hyp_conmux_emit_t emit)
{
	/* A hypervisor line left open (printed by several unlocked
	 * hyp_printk() calls) is ended: the root zone never waits. */
	if (m->owner == HYP_CONMUX_HYP) {
		emit('\r');
		emit('\n');
		m->owner = HYP_CONMUX_COL0;
	}
	if (m->owner == HYP_CONMUX_COL0)
		conmux_redraw(m, emit);
	emit(c);
	if (c == '\n') {
		m->root_len = 0;
		m->root_lost = 0;
		m->owner = HYP_CONMUX_COL0;
		return;
	}
	m->owner = HYP_CONMUX_ROOT;
	if (m->root_lost)
		return;
	if (m->root_len == HYP_CONMUX_ROOT_LINE) {
		/* Too long to redraw: stop tracking it until its end. */
		m->root_lost = 1;
		m->root_len = 0;
		return;
	}
	m->root_line[m->root_len++] = c;
}
