// SPDX-License-Identifier: MIT
/*
 * Description: a daemon killed between any two stores of the in-flight
 * record (tool/virtio/virtqueue.c: R1 R2 on pop, P1..P5 on push) loses
 * no request and completes none twice.  The real pop and push bring a
 * queue to a known state (heads 0..2 taken, 1 completed, 3 available);
 * each case then makes the stores of the next pop or push that happened
 * before the kill, and a new queue resumes from the record: it must
 * hand out exactly the heads the guest has not got back, each once, and
 * its used index must be what the guest has.  Then the record's own
 * rules: a corrupt one is refused.
 */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "guestmem.h"
#include "log.h"
#include "virtio/virtio.h"
#include "virtio/virtqueue.h"
#include "virtio/vstate.h"

#define RT_IPA		0x100000ull
#define RT_SIZE		8u
#define RT_DESC		0x000u		/* offsets in rt_mem */
#define RT_AVAIL	0x100u
#define RT_USED		0x200u
#define RT_BUF		0x400u

static const struct hvb_virtio_ops rt_ops = {
	.nr_queues = 1,
	.queue_max = HVB_VIRTIO_QUEUE_MAX,
};

static _Alignas(64) __u8 rt_mem[8192];
static struct hvb_guestmem rt_gm;
static struct hvb_device rt_dev = { .name = "resume" };
static struct hvb_virtio_dev rt_vd = { .dev = &rt_dev, .ops = &rt_ops };
static struct hvb_vstate_queue rt_rec;	/* the record: "the file" */

static struct vring_avail *rt_avail(void)
{
	return (struct vring_avail *)(rt_mem + RT_AVAIL);
}

static struct vring_used *rt_used(void)
{
	return (struct vring_used *)(rt_mem + RT_USED);
}

/* A queue over rt_mem whose record is rt_rec, as the core makes one. */
static void rt_start(struct hvb_virtqueue *vq)
{
	const char *why = NULL;

	memset(vq, 0, sizeof(*vq));
	vq->num = RT_SIZE;
	vq->desc_addr = RT_IPA + RT_DESC;
	vq->driver_addr = RT_IPA + RT_AVAIL;
	vq->device_addr = RT_IPA + RT_USED;
	vq->vs = &rt_rec;
	rt_vd.vqs = vq;
	cr_assert_eq(hvb_vq_start(vq, &rt_vd, 0, RT_SIZE, &why), 0, "%s",
		     why);
}

/* Guest: heads 0..3 available, one 16-byte writable buffer each. */
static void rt_guest(void)
{
	struct vring_desc *d = (struct vring_desc *)(rt_mem + RT_DESC);
	const char *why = NULL;
	__u16 i;

	memset(rt_mem, 0, sizeof(rt_mem));
	memset(&rt_rec, 0, sizeof(rt_rec));
	rt_vd.status = 0;
	hvb_log_threshold = HVB_LOG_ERROR;
	hvb_guestmem_init(&rt_gm, 1);
	cr_assert_eq(hvb_guestmem_add(&rt_gm, RT_IPA, sizeof(rt_mem), rt_mem,
				      &why), 0);
	rt_vd.mem = &rt_gm;
	for (i = 0; i < 4; i++) {
		d[i].addr = RT_IPA + RT_BUF + 16u * i;
		d[i].len = 16;
		d[i].flags = VRING_DESC_F_WRITE;
		rt_avail()->ring[i] = i;
	}
	rt_avail()->idx = 4;
}

/* The last daemon: take 0, 1, 2; complete 1.  Leaves the queue. */
static void rt_old_daemon(struct hvb_virtqueue *vq)
{
	struct hvb_vq_chain c;
	int i;

	rt_guest();
	rt_start(vq);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(hvb_vq_pop(vq, &c), 1);
		cr_assert_eq(c.head, i);
	}
	hvb_vq_push(vq, 1, 16);
	cr_assert_eq(rt_used()->idx, 1);
	cr_assert_eq(rt_rec.used_idx, 1);
	cr_assert_eq(rt_rec.last_avail, 3);
	cr_assert_eq(rt_rec.inflight[0], 0x5);	/* heads 0 and 2 */
}

/*
 * A new daemon resumes; pop everything.  @want: the heads it must hand
 * out (a bit each), @used: the used index the guest must see.
 */
static void rt_resume_expect(__u32 want, __u16 used)
{
	struct hvb_virtqueue vq;
	struct hvb_vq_chain c;
	const char *why = NULL;
	__u32 got = 0;

	rt_start(&vq);
	cr_assert_eq(hvb_vq_resume(&vq, &why), 0, "%s", why);
	cr_assert_eq(rt_used()->idx, used);
	cr_assert_eq(vq.used_idx, used);
	while (hvb_vq_pop(&vq, &c) == 1) {
		cr_assert_eq(got & 1u << c.head, 0, "head %u twice", c.head);
		got |= 1u << c.head;
	}
	cr_assert_eq(got, want, "handed out 0x%x, want 0x%x", got, want);
	cr_assert(!vq.broken);
}

/*
 * The stores the last daemon made before it was killed: those of the pop
 * of head 3 (R1, R2) or of the push of head 2 (P1 .. P5), each in
 * virtqueue.c's order, up to and including @last.
 */
enum rt_step { RT_R1, RT_R2, RT_P1, RT_P2, RT_P3, RT_P4, RT_P5 };

static void rt_killed_after(enum rt_step last)
{
	struct hvb_virtqueue vq;
	enum rt_step s = last <= RT_R2 ? RT_R1 : RT_P1;

	rt_old_daemon(&vq);
	for (; s <= last; s++) {
		switch (s) {
		case RT_R1:
			rt_rec.inflight[0] |= 1u << 3;
			break;
		case RT_R2:
			rt_rec.last_avail = 4;
			break;
		case RT_P1:
			rt_rec.completing = 2;
			break;
		case RT_P2:
			rt_used()->ring[1].id = 2;
			rt_used()->ring[1].len = 16;
			break;
		case RT_P3:
			rt_used()->idx = 2;
			break;
		case RT_P4:
			rt_rec.inflight[0] &= ~(1u << 2);
			break;
		case RT_P5:
			rt_rec.used_idx = 2;
			break;
		}
	}
}

/* Kill points of the pop of head 3. */
Test(resume, killed_after_R1_mark)
{
	rt_killed_after(RT_R1);
	rt_resume_expect(0xd, 1);	/* 0, 2, 3: none lost */
}

Test(resume, killed_after_R2_last_avail)
{
	rt_killed_after(RT_R2);
	rt_resume_expect(0xd, 1);
}

/* Kill points of the push of head 2. */
Test(resume, killed_after_P1_completing)
{
	rt_killed_after(RT_P1);
	rt_resume_expect(0xd, 1);	/* 2 again: the guest lacks it */
}

Test(resume, killed_after_P2_used_element)
{
	rt_killed_after(RT_P2);
	rt_resume_expect(0xd, 1);
}

Test(resume, killed_after_P3_published)
{
	rt_killed_after(RT_P3);
	rt_resume_expect(0x9, 2);	/* 2 is the guest's: not again */
	/* Retired by the resume; 0 and 3 (taken by the new daemon's
	 * pops) are in flight. */
	cr_assert_eq(rt_rec.inflight[0], 0x9);
	cr_assert_eq(rt_rec.used_idx, 2);
}

Test(resume, killed_after_P4_cleared)
{
	rt_killed_after(RT_P4);
	rt_resume_expect(0x9, 2);
}

Test(resume, killed_after_P5_retired)
{
	rt_killed_after(RT_P5);
	rt_resume_expect(0x9, 2);
}

/* The real push after a resume finishes the job once. */
Test(resume, rerun_completes_once)
{
	struct hvb_virtqueue vq, vq2;
	struct hvb_vq_chain c;
	const char *why = NULL;

	rt_old_daemon(&vq);
	rt_start(&vq2);
	cr_assert_eq(hvb_vq_resume(&vq2, &why), 0);
	while (hvb_vq_pop(&vq2, &c) == 1)
		hvb_vq_push(&vq2, c.head, 16);
	cr_assert_eq(rt_used()->idx, 4);	/* 1, then 0, 2, 3 */
	cr_assert_eq(rt_rec.inflight[0], 0);
	cr_assert_eq(rt_rec.used_idx, 4);
	cr_assert_eq(rt_rec.last_avail, 4);
}

/* The record is hostile input too. */
static void rt_resume_refused(void)
{
	struct hvb_virtqueue vq;
	const char *why = NULL;

	rt_start(&vq);
	cr_assert_eq(hvb_vq_resume(&vq, &why), -EINVAL);
	cr_assert_not_null(why);
}

Test(resume, refuses_head_beyond_queue)
{
	struct hvb_virtqueue vq;

	rt_old_daemon(&vq);
	rt_rec.inflight[0] |= 1u << RT_SIZE;
	rt_resume_refused();
}

Test(resume, refuses_last_avail_out_of_step)
{
	struct hvb_virtqueue vq;

	rt_old_daemon(&vq);
	rt_rec.last_avail = 7;
	rt_resume_refused();
}

Test(resume, refuses_used_idx_the_guest_moved)
{
	struct hvb_virtqueue vq;

	rt_old_daemon(&vq);
	rt_used()->idx = 5;
	rt_resume_refused();
}

Test(resume, refuses_head_made_available_twice)
{
	struct hvb_virtqueue vq, vq2;
	struct hvb_vq_chain c;
	const char *why = NULL;

	rt_old_daemon(&vq);
	rt_avail()->ring[3] = 0;	/* head 0 again, while in flight */
	rt_start(&vq2);
	cr_assert_eq(hvb_vq_resume(&vq2, &why), 0);
	while (hvb_vq_pop(&vq2, &c) == 1)
		;
	cr_assert(vq2.broken);
	cr_assert(hvb_virtio_is_broken(&rt_vd));
}
