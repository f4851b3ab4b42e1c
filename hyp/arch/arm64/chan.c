// SPDX-License-Identifier: MIT
/*
 * The channel region at EL2: where it lives, who formats it, and each
 * CPU's producer (hyp/channel.h).
 *
 * The hypervisor creates the region at a fixed physical address, the
 * last 64 KiB of QEMU virt's 1 GiB RAM, mapped only in the root zone
 * (for the kernel module).  On the build machine a daemon can reach it
 * too: with QEMU's RAM in a shared file it is at file offset
 * HYP_CHANNEL_BASE - HYP_RAM_BASE; with the RAM split into two NUMA
 * nodes, the second a 64 KiB memory-backend-file, that file is the
 * region itself and `hvbridge daemon --region FILE` serves it as is
 * (tests/e2e, channel-hvbridge).
 *
 * Policy for a daemon that is gone or slow: a synchronous request waits
 * at most HYP_CHANNEL_TIMEOUT_NS, then the producer invalidates its slot
 * and the guest gets a data abort.  The guest's vCPU never hangs.
 */
#include <hvbridge/region.h>
#include <arm64/chan.h>
#include <arm64/hyp.h>
#include <arm64/sysreg.h>
#include <hyp/channel.h>
#include <hyp/printk.h>

static struct hyp_producer hyp_producers[HYP_MAX_CPUS];
static __u32 hyp_producer_state[HYP_MAX_CPUS];	/* this CPU's only */
#define PRODUCER_UNTRIED	0
#define PRODUCER_OK		1
#define PRODUCER_FAILED		2

static int hyp_channel_ready;	/* written by CPU 0 before others run */

void hyp_arm64_channel_init(void)
{
	volatile __u64 *w = (volatile __u64 *)HYP_CHANNEL_BASE;
	__u64 i;
	int err;

	/* hvb_region_format() wants zeroed memory; volatile stores, so no
	 * compiler-made memset call in a freestanding image. */
	for (i = 0; i < HYP_CHANNEL_SIZE / 8; i++)
		w[i] = 0;
	err = hvb_region_format((void *)HYP_CHANNEL_BASE, HYP_CHANNEL_SIZE,
				HYP_MAX_CPUS);
	if (err) {
		hyp_printk("hvbridge-hyp: channel region: %s\n",
			   hvb_region_strerror(err));
		return;
	}
	/* Complete before any CPU or the daemon can look at it. */
	arm64_dsb_ish();
	hyp_channel_ready = 1;
	hyp_printk("hvbridge-hyp: channel region at PA 0x%lx, 0x%lx bytes, %u CPU slots, timeout %lu ms\n",
		   HYP_CHANNEL_BASE, HYP_CHANNEL_SIZE, HYP_MAX_CPUS,
		   (__u64)(HYP_CHANNEL_TIMEOUT_NS / 1000000));
}

struct hyp_producer *hyp_arm64_producer(void)
{
	__u32 cpu = hyp_arm64_cpu_id();
	int err;

	if (!hyp_channel_ready || cpu >= HYP_MAX_CPUS)
		return 0;
	if (hyp_producer_state[cpu] == PRODUCER_UNTRIED) {
		err = hyp_channel_attach(&hyp_producers[cpu],
					 (void *)HYP_CHANNEL_BASE,
					 HYP_CHANNEL_SIZE, cpu,
					 HYP_CHANNEL_TIMEOUT_NS);
		hyp_producer_state[cpu] = err ? PRODUCER_FAILED : PRODUCER_OK;
		if (err)
			hyp_printk("hvbridge-hyp: CPU %u: channel attach: %s\n",
				   cpu, hvb_region_strerror(err));
	}
	return hyp_producer_state[cpu] == PRODUCER_OK ?
	       &hyp_producers[cpu] : 0;
}
