// SPDX-License-Identifier: MIT
/*
 * Self-tests built into a separate image, chosen at build time so the
 * hypervisor needs no command line:
 *   hvbridge-hyp.elf            none
 *   hvbridge-hyp-crashtest.elf  HYP_SELFTEST_CRASH: an EL2 data abort,
 *                               to prove the crash report
 */
#include <arm64/hyp.h>
#include <arm64/mmio.h>
#include <hyp/printk.h>

/* Outside every range the EL2 stage-1 map covers (see mmu.c). */
#define HYP_SELFTEST_CRASH_ADDR		0xdead0000ul

void hyp_arm64_selftest(void)
{
#ifdef HYP_SELFTEST_CRASH
	hyp_printk("hvbridge-hyp: selftest: reading unmapped 0x%lx at EL2\n",
		   HYP_SELFTEST_CRASH_ADDR);
	(void)mmio_read32((const volatile void *)HYP_SELFTEST_CRASH_ADDR);
	hyp_printk("hvbridge-hyp: selftest: FAILED, the read did not abort\n");
#endif
}
