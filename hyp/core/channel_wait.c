// SPDX-License-Identifier: MIT
/*
 * The completion wait.  Its own file so tests/stress can test it alone:
 * tests/stress/teeth_wait.c compiles this very file with its clock
 * stopped and with hvb_cpu_relax(), hyp_channel_wait_check() and, in the
 * mutated build, hvb_load_acquire_u64() replaced by macros, to show that
 * the acquire is what keeps the loop waiting (docs/memory-ordering.md,
 * "The teeth").  Rename one of those here and that test fails.
 */
#include <hyp/arch.h>
#include <hyp/channel.h>
#include <hvbridge/barrier.h>

int hyp_channel_wait_resp(struct hyp_producer *p, __u64 seq,
			  __u64 start_cycles)
{
	struct hvb_sync_resp *resp = &p->slot->resp;
	struct hyp_wait w = { start_cycles, start_cycles, 0, 0, 0 };
	__u32 spins = 0;
	int ret;

	/*
	 * Barrier C': an acquire load on every iteration, so the compiler
	 * cannot hoist it out of the loop and the response fields read after
	 * it are those the daemon published.  Pairs with Barrier C, the
	 * daemon's release store of resp.seq.
	 */
	while (hvb_load_acquire_u64(&resp->seq) != seq) {
		hvb_cpu_relax();
		if (++spins % HYP_WAIT_CHECK_SPINS == 0) {
			ret = hyp_channel_wait_check(p, &w);
			if (ret != HYP_WAIT_DONE)
				return ret;
		}
	}
	return HYP_WAIT_DONE;
}
