// SPDX-License-Identifier: MIT
/*
 * Description: a deliberately broken completion wait, linked into
 * hvbridge-sim-broken in place of hyp/core/channel_wait.c to prove that
 * the stress test has teeth.
 *
 * This is the bug the project exists to prevent (design.md, rule 1): the
 * loop reads resp.seq with a plain load and nothing in it tells the
 * compiler that the word can change, so at -O2 it loads the word once and
 * spins on a register forever: the vCPU hangs on the first request the
 * daemon had not answered before the loop started.
 *
 * The loop body is empty on purpose.  With hvb_cpu_relax() in it (a
 * volatile asm, no "memory" clobber) gcc 12 and clang 14 both happen to
 * reload resp.seq on every turn: no rule makes them, but the bug would
 * then hide here while staying live in other compilers and versions.
 * Neither is there a bounded-wait hook: an external call is a compiler
 * barrier too, and the hvisor loop this reproduces had none.
 *
 * The stress test passes only if the simulation's watchdog catches the
 * hang (exit code 3), and checks with objdump that the loop really holds
 * no load.
 */
#include <hyp/channel.h>

int hyp_channel_wait_resp(struct hyp_producer *p, __u64 seq,
			  __u64 start_cycles)
{
	struct hvb_sync_resp *resp = &p->slot->resp;

	(void)start_cycles;
	while (resp->seq != seq) {
		/* BROKEN: a plain load, hoisted out of the loop */
	}
	return 0;
}
