// SPDX-License-Identifier: MIT
/*
 * The transport table.  A new transport is one file defining its ops and
 * one line here (and in objs.mk).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <hvbridge/channel.h>
#include <hvbridge/kmod-ioctl.h>

#include "transport.h"

/* transport_kmod.c: /dev/hvbridge in the root zone (hvbridge.ko). */

const struct hvb_transport_ops *const hvb_transport_table[] = {
	&hvb_transport_sim,
	&hvb_transport_host,
	&hvb_transport_kmod,
	NULL,
};

const struct hvb_transport_ops *hvb_transport_find(const char *name)
{
	const struct hvb_transport_ops *const *ops;

	for (ops = hvb_transport_table; *ops; ops++)
		if (!strcmp((*ops)->name, name))
			return *ops;
	return NULL;
}

const char *hvb_kmod_device_path(void)
{
	const char *path = getenv(HVB_DEVICE_ENV);

	return path && *path ? path : HVB_DEVICE_PATH;
}

/*
 * One rule: a region that is a character device, or no region at all
 * while the module's device exists, means the root zone and its module;
 * anything else is a region file of the simulation.
 */
const char *hvb_transport_default(const char *region)
{
	struct stat st;

	if (region && *region)
		return !stat(region, &st) && S_ISCHR(st.st_mode) ? "kmod" :
								   "sim";
	return !stat(hvb_kmod_device_path(), &st) ? "kmod" : "sim";
}

__u64 hvb_transport_monotonic_ns(struct hvb_transport *t)
{
	struct timespec ts;

	(void)t;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

#if defined(__aarch64__)
__u64 hvb_transport_counter_ns(struct hvb_transport *t)
{
	__u64 cnt, frq;

	(void)t;
	/* As hyp_arch_now_ns() at EL2 computes it from CNTPCT_EL0, which
	 * equals our CNTVCT_EL0 (CNTVOFF_EL2 = 0, hyp/arch/arm64/vcpu.c);
	 * the isb keeps the read after the wake it follows. */
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(cnt) :: "memory");
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(frq));
	if (!frq)
		return 0;
	return cnt / frq * 1000000000ull + cnt % frq * 1000000000ull / frq;
}
#endif

__u64 hvb_transport_wait_end(const struct hvb_transport *t)
{
	struct timespec ts;

	if (!t->wait_ns)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec +
	       t->wait_ns;
}

bool hvb_transport_wait_next(__u64 end, struct timespec *ts, bool *beat)
{
	__u64 left = HVB_HEARTBEAT_MS * 1000000ull, now;
	struct timespec n;

	*beat = true;
	if (end) {
		clock_gettime(CLOCK_MONOTONIC, &n);
		now = (__u64)n.tv_sec * 1000000000ull + (__u64)n.tv_nsec;
		if (now >= end)
			return false;
		if (end - now < left) {
			left = end - now;
			*beat = false;
		}
	}
	ts->tv_sec = (time_t)(left / 1000000000ull);
	ts->tv_nsec = (long)(left % 1000000000ull);
	return true;
}
