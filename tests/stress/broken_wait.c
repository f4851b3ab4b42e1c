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
 * The real loop (hyp/core/channel_wait.c) with its acquire made a plain
 * C load has its own teeth test (teeth.c, teeth_wait.c), with the things
 * below made transparent; in the product builds, no build hoists that
 * load, so it would never hang there.
 * Disassembled in all twelve real builds (the host simulation and the
 * EL2 image, each with gcc 12 and clang 14 at -O2, -O3 and -O3 -flto),
 * every one reloads resp.seq on every turn (docs/memory-ordering.md,
 * "The teeth", has the listings).  Two things hold the load in:
 *  - hvb_cpu_relax() in the body, a volatile asm (pause, yield) without
 *    a "memory" clobber: no rule stops a compiler moving a load across
 *    it, yet gcc 12 and clang 14 do not.  Without it, the EL2 image of
 *    gcc -O3 -flto does hoist the load (its wait check, now visible and
 *    writing nothing, is no barrier): a second mutation, not the bug.
 *  - the host's hyp_arch_wait_check() calls sched_yield() every 256
 *    turns: an opaque call, which may write resp.seq, even under LTO.
 * So the bug would hide in the product builds while staying live in other
 * compilers and versions; the objdump binding of tests/litmus catches
 * it there (make mutate: C'-wait-plain-c).  This loop has an empty body
 * and no bounded-wait hook, like the hvisor loop it reproduces.
 *
 * This test checks the whole simulation's watchdog instead: it passes
 * only if the watchdog catches the hang (exit code 3) with its signature
 * in the per-CPU dump, and checks with objdump that the loop really
 * holds no load.
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
