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

/*
 * The hot-path counter: the TSC on x86 (constant and invariant on every
 * host this runs on; a difference is only ever taken on one thread), the
 * virtual counter on arm64, CLOCK_MONOTONIC elsewhere.  Its rate is
 * measured once against CLOCK_MONOTONIC before main() runs.
 */
__u64 hyp_arch_cycles(void)
{
#if defined(__x86_64__)
	return __builtin_ia32_rdtsc();
#elif defined(__aarch64__)
	__u64 v;

	__asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
	return v;
#else
	return hyp_arch_now_ns();
#endif
}

/* ns = cycles * mult >> 32 */
static __u64 hyp_host_ns_mult = 1ull << 32;

static void __attribute__((constructor)) hyp_host_calibrate(void)
{
#if defined(__x86_64__) || defined(__aarch64__)
	struct timespec ms = { .tv_nsec = 2000000 };
	__u64 c0, c1, t0, t1;

	t0 = hyp_arch_now_ns();
	c0 = hyp_arch_cycles();
	nanosleep(&ms, NULL);
	t1 = hyp_arch_now_ns();
	c1 = hyp_arch_cycles();
	if (c1 > c0 && t1 > t0)
		hyp_host_ns_mult = (__u64)(((unsigned __int128)(t1 - t0) << 32) /
					   (c1 - c0));
#endif
}

__u64 hyp_arch_cycles_to_ns(__u64 cycles)
{
	return (__u64)(((unsigned __int128)cycles * hyp_host_ns_mult) >> 32);
}

void hyp_arch_wake_consumer(struct hyp_producer *p)
{
	/* Shared (not private) futex: the daemon may be another process
	 * mapping the same file. */
	syscall(SYS_futex, &p->wake->wake_gen, FUTEX_WAKE, 1, NULL, NULL, 0);
}

int hyp_arch_wait_check(struct hyp_producer *p, __u64 start_cycles)
{
	(void)p;
	(void)start_cycles;
	/* Simulated vCPUs may outnumber the host's cores; a waiting thread
	 * that never yields could keep the daemon off the CPU it needs.
	 * Nothing here abandons a wait: no zone stops under a simulated
	 * vCPU, and its region never changes. */
	sched_yield();
	return 0;
}
