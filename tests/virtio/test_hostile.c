// SPDX-License-Identifier: MIT
/*
 * Description: a hostile guest.  One test per validation rule of the
 * virtio device model (docs/virtio.md): each breaks the rule through the
 * real channel, asserts what the device did about it (the access failed,
 * or DEVICE_NEEDS_RESET with a config interrupt and nothing used), and
 * then asserts that the daemon still serves: reset, initialize again,
 * and get random bytes.
 */
#include <string.h>

#include <criterion/criterion.h>
#include <linux/virtio_ids.h>

#include "guestmem.h"
#include "virtio/virtio.h"
#include "virtio/virtqueue.h"
#include "vtest.h"

TestSuite(hostile, .fini = vt_stop, .timeout = VT_SUITE_TIMEOUT_S);

#define H_ALL	((1ull << VIRTIO_F_VERSION_1) |				\
		 (1ull << VIRTIO_RING_F_EVENT_IDX) |			\
		 (1ull << VIRTIO_RING_F_INDIRECT_DESC))
#define H_END	(VT_GUEST_IPA + VT_MEM_SIZE)

static void h_desc(struct vring_desc *d, __u64 addr, __u32 len,
		   __u16 flags, __u16 next)
{
	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

/* The device refused the ring: NEEDS_RESET, a config-change interrupt,
 * nothing used; a valid request is not served either until reset. */
static void h_assert_broken(struct vt_env *e)
{
	struct vdrv *d = &e->drv;
	struct vdrv_buf b = { .len = 16, .writable = true };

	cr_assert(vt_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET,
		  "status 0x%x: NEEDS_RESET not set", vt_status(e));
	cr_expect(vdrv_read(d, VIRTIO_MMIO_INTERRUPT_STATUS) &
		  VIRTIO_MMIO_INT_CONFIG, "no config-change interrupt status");
	cr_expect(vdrv_irqs_new(d) >= 1, "no interrupt raised");
	cr_expect_eq(vdrv_used_pending(d, 0), 0, "the bad chain was used");
	b.ipa = vdrv_alloc(d, b.len, 8);
	if (vdrv_add(d, 0, &b, 1, false) >= 0) {
		cr_assert_eq(vdrv_kick(d, 0), HVB_STATUS_OK);
		cr_expect_eq(vdrv_used_pending(d, 0), 0,
			     "a broken device served a request");
	}
	vt_assert_recovers(e);
}

/* Queue 0 was refused by the rule whose message starts with @rule: a
 * hostile ring may break more than one (a loop is also longer than the
 * queue), and the test must see the rule it names. */
static void h_expect_rule(struct vt_env *e, const char *rule)
{
	/* Stable: the kick's completion came after the device looked. */
	const char *refused = vt_vdev(e)->vqs[0].refused;

	cr_expect(refused && !strncmp(refused, rule, strlen(rule)),
		  "refused by \"%s\", not by the rule \"%s\"",
		  refused ? refused : "(nothing)", rule);
}

/* Initialize, let @build write raw descriptors and return the head to
 * publish, kick with a QueueNotify write (so the device has looked when
 * it returns), and expect the device broken by @rule (h_expect_rule()). */
static void h_chain_rule(__u64 features, __u16 size,
			 __u16 (*build)(struct vdrv *d,
					struct vring_desc *desc),
			 const char *rule)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;
	__u16 head;

	cr_assert_eq(vdrv_init(d, VIRTIO_ID_RNG, features, 1, size), 0);
	vdrv_irqs_new(d);
	head = build(d, d->vqs[0].vr.desc);
	vdrv_add_raw_head(d, 0, head);
	cr_assert_eq(vdrv_kick(d, 0), HVB_STATUS_OK);
	h_expect_rule(e, rule);
	h_assert_broken(e);
}

/* The rules, as the start of each refusal's message (virtqueue.c). */
#define H_LOOPS		"descriptor chain loops"
#define H_TOO_LONG	"chain longer than the queue size"
#define H_BUF_OUTSIDE	"buffer 0x%llx+%u outside"
#define H_NEXT_RANGE	"next descriptor %u out of"
#define H_ITABLE_SIZE	"indirect table of %u bytes"
#define H_ITABLE_OUTSIDE "indirect table 0x%llx+%u outside"
#define H_NESTED	"indirect descriptor inside an indirect table"
#define H_INEXT		"indirect descriptor with NEXT set"
#define H_INDIRECT_OFF	"indirect descriptor, not negotiated"
#define H_RW_ORDER	"readable descriptor after a writable one"
#define H_HEAD_RANGE	"head descriptor %u out of range"
#define H_AVAIL_JUMP	"avail index moved"

static __u64 h_buf(struct vdrv *d)
{
	return vdrv_alloc(d, 64, 8);
}

static __u16 h_addr_outside(struct vdrv *d, struct vring_desc *desc)
{
	(void)d;
	h_desc(&desc[0], 0x1000, 16, VRING_DESC_F_WRITE, 0);
	return 0;
}

Test(hostile, desc_addr_outside_zone)
{
	h_chain_rule(H_ALL, 16, h_addr_outside, H_BUF_OUTSIDE);
}

static __u16 h_len_past_end(struct vdrv *d, struct vring_desc *desc)
{
	(void)d;
	h_desc(&desc[0], H_END - 8, 16, VRING_DESC_F_WRITE, 0);
	return 0;
}

Test(hostile, desc_len_past_zone_end)
{
	h_chain_rule(H_ALL, 16, h_len_past_end, H_BUF_OUTSIDE);
}

static __u16 h_overflow(struct vdrv *d, struct vring_desc *desc)
{
	(void)d;
	h_desc(&desc[0], 0xfffffffffffffff0ull, 0x20, VRING_DESC_F_WRITE, 0);
	return 0;
}

Test(hostile, desc_addr_len_overflow)
{
	h_chain_rule(H_ALL, 16, h_overflow, H_BUF_OUTSIDE);
}

static __u16 h_loop(struct vdrv *d, struct vring_desc *desc)
{
	h_desc(&desc[0], h_buf(d), 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
	       1);
	h_desc(&desc[1], h_buf(d), 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
	       0);
	return 0;
}

/* A two-descriptor loop in a 16-entry queue: caught as a loop at its
 * second visit of descriptor 0, well before the chain-length limit. */
Test(hostile, chain_loop)
{
	h_chain_rule(H_ALL, 16, h_loop, H_LOOPS);
}

static __u16 h_self_loop(struct vdrv *d, struct vring_desc *desc)
{
	h_desc(&desc[5], h_buf(d), 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
	       5);
	return 5;
}

Test(hostile, chain_self_loop)
{
	h_chain_rule(H_ALL, 16, h_self_loop, H_LOOPS);
}

static __u16 h_next_range(struct vdrv *d, struct vring_desc *desc)
{
	h_desc(&desc[0], h_buf(d), 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
	       200);
	return 0;
}

Test(hostile, next_out_of_range)
{
	h_chain_rule(H_ALL, 16, h_next_range, H_NEXT_RANGE);
}

/* Three direct descriptors, then an indirect table of four: seven
 * segments in a four-entry queue. */
static __u16 h_too_long(struct vdrv *d, struct vring_desc *desc)
{
	__u64 tab = vdrv_alloc(d, 4 * 16, 16);
	struct vring_desc *t = vdrv_ptr(d, tab);
	__u16 i;

	for (i = 0; i < 3; i++)
		h_desc(&desc[i], h_buf(d), 8,
		       VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, i + 1);
	h_desc(&desc[3], tab, 4 * 16, VRING_DESC_F_INDIRECT, 0);
	for (i = 0; i < 4; i++)
		h_desc(&t[i], h_buf(d), 8, VRING_DESC_F_WRITE |
		       (i < 3 ? VRING_DESC_F_NEXT : 0), i + 1);
	return 0;
}

Test(hostile, chain_longer_than_queue)
{
	h_chain_rule(H_ALL, 4, h_too_long, H_TOO_LONG);
}

static __u16 h_indirect_big(struct vdrv *d, struct vring_desc *desc)
{
	__u64 tab = vdrv_alloc(d, 32 * 16, 16);

	h_desc(&desc[0], tab, 32 * 16, VRING_DESC_F_INDIRECT, 0);
	return 0;
}

Test(hostile, indirect_table_larger_than_queue)
{
	h_chain_rule(H_ALL, 16, h_indirect_big, H_ITABLE_SIZE);
}

static __u16 h_nested(struct vdrv *d, struct vring_desc *desc)
{
	__u64 outer = vdrv_alloc(d, 2 * 16, 16), inner = vdrv_alloc(d, 16, 16);
	struct vring_desc *o = vdrv_ptr(d, outer), *i = vdrv_ptr(d, inner);

	h_desc(&i[0], h_buf(d), 8, VRING_DESC_F_WRITE, 0);
	h_desc(&o[0], h_buf(d), 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	h_desc(&o[1], inner, 16, VRING_DESC_F_INDIRECT, 0);
	h_desc(&desc[0], outer, 2 * 16, VRING_DESC_F_INDIRECT, 0);
	return 0;
}

Test(hostile, nested_indirect)
{
	h_chain_rule(H_ALL, 16, h_nested, H_NESTED);
}

static __u16 h_indirect_len24(struct vdrv *d, struct vring_desc *desc)
{
	__u64 tab = vdrv_alloc(d, 32, 16);

	h_desc(vdrv_ptr(d, tab), h_buf(d), 8, VRING_DESC_F_WRITE, 0);
	h_desc(&desc[0], tab, 24, VRING_DESC_F_INDIRECT, 0);
	return 0;
}

Test(hostile, indirect_length_not_multiple_of_16)
{
	h_chain_rule(H_ALL, 16, h_indirect_len24, H_ITABLE_SIZE);
}

static __u16 h_indirect_len0(struct vdrv *d, struct vring_desc *desc)
{
	h_desc(&desc[0], vdrv_alloc(d, 16, 16), 0, VRING_DESC_F_INDIRECT, 0);
	return 0;
}

Test(hostile, indirect_length_zero)
{
	h_chain_rule(H_ALL, 16, h_indirect_len0, H_ITABLE_SIZE);
}

static __u16 h_indirect_outside(struct vdrv *d, struct vring_desc *desc)
{
	(void)d;
	h_desc(&desc[0], H_END - 16, 32, VRING_DESC_F_INDIRECT, 0);
	return 0;
}

Test(hostile, indirect_table_outside_zone)
{
	h_chain_rule(H_ALL, 16, h_indirect_outside, H_ITABLE_OUTSIDE);
}

static __u16 h_indirect_next(struct vdrv *d, struct vring_desc *desc)
{
	__u64 tab = vdrv_alloc(d, 16, 16);

	h_desc(vdrv_ptr(d, tab), h_buf(d), 8, VRING_DESC_F_WRITE, 0);
	h_desc(&desc[0], tab, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT,
	       1);
	h_desc(&desc[1], h_buf(d), 8, VRING_DESC_F_WRITE, 0);
	return 0;
}

Test(hostile, indirect_with_next)
{
	h_chain_rule(H_ALL, 16, h_indirect_next, H_INEXT);
}

static __u16 h_indirect_loop(struct vdrv *d, struct vring_desc *desc)
{
	__u64 tab = vdrv_alloc(d, 2 * 16, 16);
	struct vring_desc *t = vdrv_ptr(d, tab);

	h_desc(&t[0], h_buf(d), 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	h_desc(&t[1], h_buf(d), 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
	h_desc(&desc[0], tab, 2 * 16, VRING_DESC_F_INDIRECT, 0);
	return 0;
}

Test(hostile, loop_inside_indirect_table)
{
	h_chain_rule(H_ALL, 16, h_indirect_loop, H_LOOPS);
}

static __u16 h_indirect_one(struct vdrv *d, struct vring_desc *desc)
{
	__u64 tab = vdrv_alloc(d, 16, 16);

	h_desc(vdrv_ptr(d, tab), h_buf(d), 8, VRING_DESC_F_WRITE, 0);
	h_desc(&desc[0], tab, 16, VRING_DESC_F_INDIRECT, 0);
	return 0;
}

Test(hostile, indirect_not_negotiated)
{
	h_chain_rule(1ull << VIRTIO_F_VERSION_1, 16, h_indirect_one, H_INDIRECT_OFF);
}

static __u16 h_order(struct vdrv *d, struct vring_desc *desc)
{
	h_desc(&desc[0], h_buf(d), 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
	       1);
	h_desc(&desc[1], h_buf(d), 8, 0, 0);
	return 0;
}

Test(hostile, readable_after_writable)
{
	h_chain_rule(H_ALL, 16, h_order, H_RW_ORDER);
}

static __u16 h_head_range(struct vdrv *d, struct vring_desc *desc)
{
	(void)d;
	(void)desc;
	return 99;
}

Test(hostile, head_out_of_range)
{
	h_chain_rule(H_ALL, 16, h_head_range, H_HEAD_RANGE);
}

Test(hostile, avail_index_jump)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;

	cr_assert_eq(vdrv_init(d, VIRTIO_ID_RNG, H_ALL, 1, 16), 0);
	vdrv_irqs_new(d);
	/* 17 new entries claimed in a 16-entry ring. */
	__atomic_store_n(&d->vqs[0].vr.avail->idx, 17, __ATOMIC_RELEASE);
	d->vqs[0].avail_idx = 17;
	cr_assert_eq(vdrv_kick(d, 0), HVB_STATUS_OK);
	h_expect_rule(e, H_AVAIL_JUMP);
	h_assert_broken(e);
}

/* Negotiated, queue 0 selected, not ready. */
static struct vt_env *h_negotiated(void)
{
	struct vt_env *e = vt_start("virtio-rng");

	cr_assert_eq(vdrv_negotiate(&e->drv, VIRTIO_ID_RNG, H_ALL), 0);
	cr_assert_eq(vdrv_write(&e->drv, VIRTIO_MMIO_QUEUE_SEL, 0),
		     HVB_STATUS_OK);
	return e;
}

Test(hostile, bad_queue_size)
{
	struct vt_env *e = h_negotiated();
	struct vdrv *d = &e->drv;
	static const __u32 bad[] = { 0, 3, 100, 512, 0x10000, ~0u };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_NUM, bad[i]),
			     HVB_STATUS_IO_ERROR, "QueueNum %u accepted",
			     bad[i]);
	cr_expect_eq(vt_vdev(e)->vqs[0].num, 0u);
	cr_expect_eq(vt_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET, 0u,
		     "a refused write must not break the device");
	/* Making a queue with no valid size ready breaks it. */
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_READY, 1),
		     HVB_STATUS_OK);
	cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_QUEUE_READY), 0u);
	cr_expect(vt_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET);
	vt_assert_recovers(e);
}

Test(hostile, queue_selector_out_of_range)
{
	struct vt_env *e = h_negotiated();
	struct vdrv *d = &e->drv;
	static const __u32 sel[] = { 1, 8, 0x8000, ~0u };
	unsigned int i;

	for (i = 0; i < sizeof(sel) / sizeof(sel[0]); i++) {
		cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_SEL, sel[i]),
			     HVB_STATUS_OK);
		cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_QUEUE_NUM_MAX), 0u);
		cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_QUEUE_READY), 0u);
		cr_expect_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_NUM, 16),
			     HVB_STATUS_IO_ERROR);
		cr_expect_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_DESC_LOW,
					0x1000), HVB_STATUS_IO_ERROR);
		cr_expect_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_READY, 1),
			     HVB_STATUS_IO_ERROR);
		cr_expect_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_NOTIFY, sel[i]),
			     HVB_STATUS_IO_ERROR);
	}
	/* A posted kick cannot fail: a bad queue is ignored. */
	cr_assert_eq(hyp_channel_kick(&e->p, VT_KICK_DEV, 9), 0);
	cr_expect_eq(vt_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET, 0u);
	vt_assert_recovers(e);
}

/* QueueReady with the rings at @desc/@avail/@used breaks the device. */
static void h_rings(__u64 desc, __u64 avail, __u64 used)
{
	struct vt_env *e = h_negotiated();
	struct vdrv *d = &e->drv;

	cr_assert_eq(vdrv_setup_vq_at(d, 0, 16, desc, avail, used), 0);
	cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_QUEUE_READY), 0u,
		     "a queue with bad rings went live");
	cr_expect(vt_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET);
	vt_assert_recovers(e);
}

Test(hostile, desc_ring_outside_zone)
{
	h_rings(0x1000, VT_GUEST_IPA + 0x1000, VT_GUEST_IPA + 0x2000);
}

Test(hostile, avail_ring_straddles_zone_end)
{
	h_rings(VT_GUEST_IPA, H_END - 16, VT_GUEST_IPA + 0x2000);
}

Test(hostile, used_ring_address_overflows)
{
	h_rings(VT_GUEST_IPA, VT_GUEST_IPA + 0x1000, 0xfffffffffffffff8ull);
}

Test(hostile, desc_ring_misaligned)
{
	h_rings(VT_GUEST_IPA + 8, VT_GUEST_IPA + 0x1000,
		VT_GUEST_IPA + 0x2000);
}

/* QueueReady with no QueueNum written: the size is still the 0 of the
 * reset, which no ring has (a live queue of size 0 would divide by it). */
Test(hostile, queue_ready_without_queue_num)
{
	struct vt_env *e = h_negotiated();
	struct vdrv *d = &e->drv;

	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_DESC_LOW,
				(__u32)VT_GUEST_IPA), HVB_STATUS_OK);
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_DESC_HIGH,
				(__u32)(VT_GUEST_IPA >> 32)), HVB_STATUS_OK);
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW,
				(__u32)VT_GUEST_IPA + 0x1000), HVB_STATUS_OK);
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH,
				(__u32)(VT_GUEST_IPA >> 32)), HVB_STATUS_OK);
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_USED_LOW,
				(__u32)VT_GUEST_IPA + 0x2000), HVB_STATUS_OK);
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_USED_HIGH,
				(__u32)(VT_GUEST_IPA >> 32)), HVB_STATUS_OK);
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_READY, 1), HVB_STATUS_OK);
	cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_QUEUE_READY), 0u,
		     "a queue of size 0 went live");
	cr_expect(vt_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET);
	vt_assert_recovers(e);
}

/*
 * Ring alignment is the guest's (virtio 1.2, 2.7: 16, 2 and 4 bytes)
 * and the daemon's (its atomics need an aligned pointer): a region
 * mapped 8 bytes off its alignment makes the two differ, and each rule
 * must refuse what the other would let through.
 */
static _Alignas(64) __u8 h_ring_mem[3 * 4096 + 64];

/* Start a 16-entry queue whose descriptor ring is at @desc, in a region
 * at IPA 0x10000 mapped at h_ring_mem + @off. */
static int h_start_at(unsigned int off, __u64 desc, const char **why)
{
	static struct hvb_guestmem gm;
	static struct hvb_virtio_dev vd;
	struct hvb_virtqueue vq = { .num = 16, .desc_addr = desc,
				    .driver_addr = 0x11000,
				    .device_addr = 0x12000 };

	hvb_guestmem_init(&gm, 1);
	cr_assert_eq(hvb_guestmem_add(&gm, 0x10000, 3 * 4096,
				      h_ring_mem + off, why), 0);
	vd.mem = &gm;
	*why = NULL;
	return hvb_vq_start(&vq, &vd, 0, 256, why);
}

Test(hostile, ring_alignment_in_the_guest_and_in_the_daemon)
{
	const char *why;

	cr_assert_eq(h_start_at(0, 0x10000, &why), 0, "refused: %s", why);
	/* Aligned in the guest, but at h_ring_mem + 8 here. */
	cr_expect_neq(h_start_at(8, 0x10000, &why), 0,
		      "a ring the daemon cannot use atomically went live");
	cr_expect(why && strstr(why, "misaligned"), "refused for: %s", why);
	/* At h_ring_mem + 16 here, but 8 off in the guest. */
	cr_expect_neq(h_start_at(8, 0x10008, &why), 0,
		      "a ring misaligned in the guest went live");
	cr_expect(why && strstr(why, "misaligned"), "refused for: %s", why);
}

Test(hostile, queue_registers_locked_while_live)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;

	cr_assert_eq(vdrv_init(d, VIRTIO_ID_RNG, H_ALL, 1, 16), 0);
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_SEL, 0), HVB_STATUS_OK);
	cr_expect_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_NUM, 32),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_USED_LOW, 0x1000),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_READY, 0),
		     HVB_STATUS_IO_ERROR);
	/* The live queue is untouched and still serves. */
	vt_rng_request(e, 16);
	vt_assert_recovers(e);
}

Test(hostile, config_offset_and_width)
{
	struct vt_env *e = vt_start(VT_DEV_TYPE);
	struct vdrv *d = &e->drv;
	__u64 v = 0;

	cr_assert_eq(vdrv_access(d, VIRTIO_MMIO_CONFIG, 4, false, &v),
		     HVB_STATUS_OK);
	cr_expect_eq(v, VT_DEV_RO_WORD);
	cr_assert_eq(vdrv_access(d, VIRTIO_MMIO_CONFIG + 2, 2, false, &v),
		     HVB_STATUS_OK);
	cr_expect_eq(v, 0u);
	v = 0xabcd;
	cr_assert_eq(vdrv_access(d, VIRTIO_MMIO_CONFIG + 4, 2, true, &v),
		     HVB_STATUS_OK);
	cr_assert_eq(vdrv_access(d, VIRTIO_MMIO_CONFIG + 5, 1, false, &v),
		     HVB_STATUS_OK);
	cr_expect_eq(v, 0xabu);
	/* Starting inside the 6 bytes but ending outside; starting
	 * outside; past the window; 8 wide. */
	cr_expect_eq(vdrv_access(d, VIRTIO_MMIO_CONFIG + 4, 4, false, &v),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vdrv_access(d, VIRTIO_MMIO_CONFIG + 4, 4, true, &v),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vdrv_access(d, VIRTIO_MMIO_CONFIG + 6, 1, false, &v),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vdrv_access(d, VT_WINDOW - 4, 4, false, &v),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vdrv_access(d, VIRTIO_MMIO_CONFIG, 8, false, &v),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vdrv_access(d, VT_WINDOW, 4, false, &v),
		     HVB_STATUS_NO_DEVICE);
	/* A word the device does not let the driver write. */
	cr_expect_eq(vdrv_access(d, VIRTIO_MMIO_CONFIG, 4, true, &v),
		     HVB_STATUS_IO_ERROR);
	cr_assert_eq(vdrv_access(d, VIRTIO_MMIO_CONFIG, 4, false, &v),
		     HVB_STATUS_OK);
	cr_expect_eq(v, VT_DEV_RO_WORD);
	cr_expect_eq(vt_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET, 0u);
	vt_assert_recovers(e);
}

Test(hostile, config_of_a_device_without_one)
{
	struct vt_env *e = vt_start("virtio-rng");
	__u64 v = 0;

	cr_expect_eq(vdrv_access(&e->drv, VIRTIO_MMIO_CONFIG, 1, false, &v),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vdrv_access(&e->drv, VIRTIO_MMIO_CONFIG, 4, true, &v),
		     HVB_STATUS_IO_ERROR);
	vt_assert_recovers(e);
}
