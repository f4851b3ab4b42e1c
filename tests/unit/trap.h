/* SPDX-License-Identifier: MIT */
/*
 * trap.h - land a producer's kick at an exact point inside consumer or
 * producer code, without hooks in that code.
 *
 * Races such as "a kick arrives between the daemon's read of a word and
 * its clear of it" are nanoseconds wide; a test that waits for them by
 * chance proves little.  Instead the agent under test is given a pointer
 * (c->kicks, p->wake, ...) into a page it may not access, or may only
 * read: its first access there faults, the SIGSEGV handler plays another
 * agent on the real mapping (posts a kick, publishes a request), opens
 * the page, and the faulting instruction runs again, now after that.
 */
#ifndef HVB_TESTS_UNIT_TRAP_H
#define HVB_TESTS_UNIT_TRAP_H

#include <signal.h>

#include "harness.h"

/*
 * A region in a memfd, mapped twice: @mem read-write for everyone, and
 * @alias, a read-only second mapping of its first page (header, wake,
 * pending and kicks), for the agent whose first write is to be trapped.
 */
struct unit_alias {
	char *mem;
	__u64 size;
	char *alias;
	int fd;
};

void unit_alias_new(struct unit_alias *a, __u32 nr_cpus);
void unit_alias_free(struct unit_alias *a);

/*
 * On the first fault inside @page: @action(@arg), which must be
 * async-signal-safe (atomics, plain stores, futex), then mprotect(@page,
 * 4 KiB, @prot_after).  Any other fault is a real crash.
 * unit_trap_disarm() restores the previous SIGSEGV action.
 */
void unit_trap_arm(char *page, void (*action)(void *arg), void *arg,
		   int prot_after);
/* The usual action: hyp_channel_kick() as @p. */
void unit_trap_arm_kick(char *page, struct hyp_producer *p, __u32 dev,
			__u32 queue, int prot_after);
void unit_trap_disarm(void);
bool unit_trap_fired(void);

#endif /* HVB_TESTS_UNIT_TRAP_H */
