/* SPDX-License-Identifier: MIT */
/*
 * hvbridge/types.h - fixed-width types for the shared ABI.
 *
 * The ABI headers are compiled by three environments: the EL2 hypervisor
 * (freestanding), the root-zone kernel module and Linux user space.  They
 * all get the kernel's __u8..__u64 names so a struct reads the same in each.
 */
#ifndef HVBRIDGE_TYPES_H
#define HVBRIDGE_TYPES_H

#if defined(__KERNEL__)
#include <linux/types.h>
#elif defined(HVB_ENV_HYP)
/* Freestanding: <stdint.h> is one of the headers a freestanding C has. */
#include <stdint.h>
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int32_t __s32;
typedef int64_t __s64;
#else
#include <linux/types.h>
#endif

#endif /* HVBRIDGE_TYPES_H */
