// SPDX-License-Identifier: GPL-2.0
/*
 * Description: compile the channel ABI and the kernel implementation of
 * the ordering primitives (common/include/hvbridge/barrier-kernel.h) as a
 * module against Debian's arm64 headers, so the kernel environment is
 * checked long before hvbridge.ko exists.  Never loaded: a build check.
 */
#include <linux/module.h>
#include <hvbridge/barrier.h>
#include <hvbridge/region.h>

static __u64 kabi_word;
static __u32 kabi_word32;
static __u16 kabi_word16;

static int __init kabi_check_init(void)
{
	__u64 v = hvb_load_acquire_u64(&kabi_word);
	__u32 w = hvb_load_acquire_u32(&kabi_word32);

	hvb_store_release_u64(&kabi_word, v + 1);
	hvb_store_release_u32(&kabi_word32, w + 1);
	hvb_write_once_u64(&kabi_word, hvb_read_once_u64(&kabi_word));
	hvb_write_once_u32(&kabi_word32, hvb_read_once_u32(&kabi_word32));
	hvb_store_release_u16(&kabi_word16,
			      hvb_load_acquire_u16(&kabi_word16) + 1);
	hvb_write_once_u16(&kabi_word16, hvb_read_once_u16(&kabi_word16));
	hvb_mb();
	hvb_rmb();
	hvb_wmb();
	v = hvb_xchg_u64(&kabi_word, 0) + hvb_fetch_or_u64(&kabi_word, 1);
	w = hvb_xchg_u32(&kabi_word32, 0) + hvb_fetch_add_u32(&kabi_word32, 1) +
	    hvb_cmpxchg_u32(&kabi_word32, 1, 2);
	hvb_cpu_relax();
	pr_debug("hvb kabi: %llu %u %llu\n", v, w, hvb_region_size(1));
	return hvb_region_check(NULL, 0) == HVB_REGION_ETOO_SMALL ? 0 : -EINVAL;
}

static void __exit kabi_check_exit(void)
{
}

module_init(kabi_check_init);
module_exit(kabi_check_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hvbridge ABI build check (never loaded)");
