/* SPDX-License-Identifier: MIT */
/*
 * arm64/console.h - where the zones of QEMU virt find the hypervisor's
 * write-only console (hyp/console.h): one page at a fixed IPA in every
 * guest zone's MMIO map, next to the test device windows in the hole
 * QEMU virt leaves at 0x0b000000-0x0bffffff.  A plain number, so a
 * guest's assembly can use it.
 */
#ifndef ARM64_CONSOLE_H
#define ARM64_CONSOLE_H

#include <hyp/console.h>

#define HYP_ARM64_CONSOLE_IPA	0x0b200000

#endif /* ARM64_CONSOLE_H */
