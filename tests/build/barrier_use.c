// SPDX-License-Identifier: MIT
/*
 * Description: calls every ordering primitive of <hvbridge/barrier.h>, so
 * tests/build/matrix.sh can compile AND assemble each environment's
 * implementation (inline asm is only checked when it is emitted).
 */
#include <hvbridge/barrier.h>

__u64 barrier_use(__u64 *w64, __u32 *w32, __u16 *w16);

__u64 barrier_use(__u64 *w64, __u32 *w32, __u16 *w16)
{
	__u64 r = hvb_load_acquire_u64(w64) + hvb_read_once_u64(w64);

	r += hvb_load_acquire_u32(w32) + hvb_read_once_u32(w32);
	r += hvb_load_acquire_u16(w16) + hvb_read_once_u16(w16);
	hvb_store_release_u64(w64, r);
	hvb_store_release_u32(w32, (__u32)r);
	hvb_store_release_u16(w16, (__u16)r);
	hvb_write_once_u64(w64, r);
	hvb_write_once_u32(w32, (__u32)r);
	hvb_write_once_u16(w16, (__u16)r);
	hvb_mb();
	hvb_rmb();
	hvb_wmb();
	r += hvb_xchg_u64(w64, r) + hvb_fetch_or_u64(w64, 1);
	r += hvb_xchg_u32(w32, 1) + hvb_fetch_add_u32(w32, 1) +
	     hvb_cmpxchg_u32(w32, 1, 2);
	hvb_cpu_relax();
	return r;
}
