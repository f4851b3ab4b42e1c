// SPDX-License-Identifier: MIT
/*
 * Host implementation of the hyp/arch.h hooks: simulated vCPUs are host
 * threads, the consumer is a daemon process or thread on the same host.
 */
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <hyp/arch.h>
#include <hyp/channel.h>

__u64 hyp_arch_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

void hyp_arch_wake_consumer(struct hyp_producer *p)
{
	/* Shared (not private) futex: the daemon may be another process
	 * mapping the same file. */
	syscall(SYS_futex, &p->wake->wake_gen, FUTEX_WAKE, 1, NULL, NULL, 0);
}

int hyp_arch_wait_check(struct hyp_producer *p, __u64 start_ns)
{
	/* Simulated vCPUs may outnumber the host's cores; a waiting thread
	 * that never yields could keep the daemon off the CPU it needs. */
	sched_yield();
	return p->timeout_ns && hyp_arch_now_ns() - start_ns > p->timeout_ns;
}
