/* SPDX-License-Identifier: MIT */
/*
 * arm64/console.h - where the zones of QEMU virt find the hypervisor's
 * write-only console (hyp/console.h): one page at a fixed IPA in every
 * guest zone's MMIO map, next to the test device windows in the hole
 * QEMU virt leaves at 0x0b000000-0x0bffffff.  A plain number, so a
 * guest's assembly can use it.  A guest zone's emulated PL011 sits where
 * the platform's UART is, 0x09000000 (zones.c); the root zone's window
 * there forwards to the physical UART (pl011.c).
 */
#ifndef ARM64_CONSOLE_H
#define ARM64_CONSOLE_H

#include <hyp/console.h>

#define HYP_ARM64_CONSOLE_IPA	0x0b200000

#ifndef __ASSEMBLER__
/* The root zone's UART window: the physical PL011, its DR writes kept
 * apart from the hypervisor's lines. */
enum hyp_mmio_result hyp_arm64_uart_root_access(void *priv, __u64 offset,
						__u32 size, int is_write,
						__u64 *value);
#endif

#endif /* ARM64_CONSOLE_H */
