/* SPDX-License-Identifier: MIT */
/*
 * tests/guest/psci.h - what the PSCI image's entry (psci_start.S) and
 * its checks (psci.c) share: the register record each entry writes.
 */
#ifndef GUEST_PSCI_H
#define GUEST_PSCI_H

/* Where the hypervisor puts zone1's DTB when it boots an image that
 * carries the arm64 Image header (hyp/arch/arm64/zones.c). */
#define PSCI_DTB_IPA	0x401f0000

/* struct psci_regs: x0..x3, SCTLR_EL1, DAIF, CurrentEL, SPSel, as the
 * entry found them. */
#define PR_X0		0
#define PR_SCTLR	32
#define PR_DAIF		40
#define PR_EL		48
#define PR_SPSEL	56
#define PR_SIZE		64

#ifndef __ASSEMBLER__
#include <hvbridge/types.h>

struct psci_regs {
	__u64 x[4];
	__u64 sctlr;
	__u64 daif;
	__u64 current_el;
	__u64 spsel;
};

_Static_assert(sizeof(struct psci_regs) == PR_SIZE, "psci_regs");
#endif

#endif /* GUEST_PSCI_H */
