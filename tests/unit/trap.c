// SPDX-License-Identifier: MIT
/*
 * Fault-driven interleavings for the unit tests (trap.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "trap.h"

static struct {
	char *page;
	void (*action)(void *arg);	/* the other agent's move */
	void *arg;
	int prot_after;			/* the page's protection after */
	volatile sig_atomic_t fired;
	struct sigaction old;
} unit_trap;

void unit_alias_new(struct unit_alias *a, __u32 nr_cpus)
{
	int err;

	a->size = hvb_region_size(nr_cpus);
	a->fd = memfd_create("hvb-unit", 0);
	cr_assert(a->fd >= 0, "memfd_create: %s", strerror(errno));
	cr_assert_eq(ftruncate(a->fd, (off_t)a->size), 0);
	a->mem = mmap(NULL, a->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      a->fd, 0);
	a->alias = mmap(NULL, 4096, PROT_READ, MAP_SHARED, a->fd, 0);
	cr_assert(a->mem != MAP_FAILED && a->alias != MAP_FAILED,
		  "mmap: %s", strerror(errno));
	err = hvb_region_format(a->mem, a->size, nr_cpus);
	cr_assert_eq(err, HVB_REGION_OK, "%s", hvb_region_strerror(err));
}

void unit_alias_free(struct unit_alias *a)
{
	munmap(a->alias, 4096);
	munmap(a->mem, a->size);
	close(a->fd);
}

static void unit_trap_handler(int sig, siginfo_t *si, void *uc)
{
	char *addr = si->si_addr;

	(void)uc;
	if (unit_trap.fired || addr < unit_trap.page ||
	    addr >= unit_trap.page + 4096) {
		signal(sig, SIG_DFL);	/* faults again, and crashes */
		return;
	}
	unit_trap.fired = 1;
	unit_trap.action(unit_trap.arg);
	mprotect(unit_trap.page, 4096, unit_trap.prot_after);
}

void unit_trap_arm(char *page, void (*action)(void *arg), void *arg,
		   int prot_after)
{
	struct sigaction sa;

	unit_trap.page = page;
	unit_trap.action = action;
	unit_trap.arg = arg;
	unit_trap.prot_after = prot_after;
	unit_trap.fired = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = unit_trap_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	cr_assert_eq(sigaction(SIGSEGV, &sa, &unit_trap.old), 0);
}

/* Async-signal-safe: atomics and, for a sleeping daemon, a futex wake. */
static struct {
	struct hyp_producer *p;
	__u32 dev, queue;
} unit_trap_kick_args;

static void unit_trap_kick(void *arg)
{
	(void)arg;
	hyp_channel_kick(unit_trap_kick_args.p, unit_trap_kick_args.dev,
			 unit_trap_kick_args.queue);
}

void unit_trap_arm_kick(char *page, struct hyp_producer *p, __u32 dev,
			__u32 queue, int prot_after)
{
	unit_trap_kick_args.p = p;
	unit_trap_kick_args.dev = dev;
	unit_trap_kick_args.queue = queue;
	unit_trap_arm(page, unit_trap_kick, NULL, prot_after);
}

void unit_trap_disarm(void)
{
	sigaction(SIGSEGV, &unit_trap.old, NULL);
}

bool unit_trap_fired(void)
{
	return unit_trap.fired;
}
