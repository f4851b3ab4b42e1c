// SPDX-License-Identifier: MIT
/*
 * The hyp_arch_* hooks of the arch-neutral core (hyp/arch.h, and the
 * CPU id of hyp/printk.h), for EL2 on aarch64.
 */
#include <hvbridge/barrier.h>
#include <arm64/chan.h>
#include <arm64/gic.h>
#include <arm64/hyp.h>
#include <arm64/sysreg.h>
#include <hyp/arch.h>
#include <hyp/channel.h>
#include <hyp/printk.h>

unsigned int hyp_arch_cpu_id(void)
{
	return hyp_arm64_cpu_id();
}

__u64 hyp_arch_now_ns(void)
{
	__u64 cnt, frq;

	arm64_isb();	/* do not read the counter ahead of older code */
	cnt = arm64_read_sysreg(cntpct_el0);
	frq = arm64_read_sysreg(cntfrq_el0);
	if (!frq)
		return 0;
	/* Split so cnt * 1e9 cannot overflow. */
	return cnt / frq * 1000000000ull + cnt % frq * 1000000000ull / frq;
}

__u64 hyp_arch_cycles(void)
{
	/* No isb: a round-trip histogram can take a count read a few
	 * instructions early; the hot path should not pay a pipeline flush. */
	return arm64_read_sysreg(cntpct_el0);
}

__u64 hyp_arch_cycles_to_ns(__u64 cycles)
{
	__u64 frq = arm64_read_sysreg(cntfrq_el0);

	if (!frq)
		return 0;
	return cycles / frq * 1000000000ull +
	       cycles % frq * 1000000000ull / frq;
}

void hyp_arch_wake_consumer(struct hyp_producer *p)
{
	static __u32 reported;
	__u32 intid = 32 + HYP_CHANNEL_WAKE_SPI;

	(void)p;
	/* The wake_gen increment before this call is fully ordered, so
	 * the daemon that takes the interrupt sees it (Barrier W0). */
	hyp_gic_spi_set_pending(intid);
	/* Once, for the log: the distributor took it. */
	if (!hvb_xchg_u32(&reported, 1))
		hyp_printk("hvbridge-hyp: channel: wake SPI %u set pending (GICD_ISPENDR%u 0x%x)\n",
			   HYP_CHANNEL_WAKE_SPI, intid / 32,
			   hyp_gic_spi_is_pending(intid) << (intid % 32));
}

int hyp_arch_wait_check(struct hyp_producer *p, __u64 start_cycles)
{
	(void)start_cycles;
	return hyp_arm64_chan_wait_check(p);
}
