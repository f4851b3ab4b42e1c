// SPDX-License-Identifier: MIT
/*
 * Description: fuzz the notification suppression of a split virtqueue
 * (tool/virtio/virtqueue.c): EVENT_IDX (used_event, avail_event and
 * vring_need_event's wrap-around arithmetic) and the flags, with every
 * index driven by the input, against a model written here.
 *
 * Input: a 4-byte header, then 4-byte operations.
 *   header 0    queue size, log2 (mod 9: 1 .. 256)
 *          1    bit 0 EVENT_IDX negotiated
 *          2..3 where every index starts (wrap-around)
 *   op     0    kind (mod 8), 1 count, 2..3 a 16-bit value
 *     0  the device pushes `count` chains (heads of its choice)
 *     1  the driver writes used_event = value
 *     2  need_interrupt: checked against the model
 *     3  the driver makes `count` chains available (avail->idx moves)
 *     4  enable_kicks: checked (avail_event or flags, return value)
 *     5  disable_kicks: checked
 *     6  the device pops up to `count` chains
 *     7  the driver writes avail->flags = value and avail->idx = value
 *        (a hostile driver: anything at all)
 * The model: with EVENT_IDX an interrupt is wanted iff none was
 * signalled yet or used_event lies in [last signalled used index, used
 * index), counted modulo 2^16 (virtio 1.2, 2.7.7.2), without flags iff
 * VRING_AVAIL_F_NO_INTERRUPT is clear; enable_kicks publishes
 * avail_event = the next index it will pop, or clears
 * VRING_USED_F_NO_NOTIFY, and answers whether avail->idx moved past it.
 */
#include <string.h>

#include "fuzz.h"
#include "guestmem.h"
#include "log.h"
#include "virtio/virtio.h"
#include "virtio/virtqueue.h"

#define FZ_IPA		0x40000000ull
#define FZ_DESC		0x0000u
#define FZ_AVAIL	0x1000u
#define FZ_USED		0x2000u
#define FZ_DATA		0x3000u
#define FZ_MEM		0x4000u

static const struct hvb_virtio_ops fz_ops = {
	.nr_queues = 1,
	.queue_max = HVB_VIRTIO_QUEUE_MAX,
};

/* Is @e in [@old, @new) counting up modulo 2^16?  Written apart from
 * vring_need_event(): the distance from old, not from new. */
static int fz_crossed(__u16 e, __u16 old, __u16 new)
{
	return (__u16)(e - old) < (__u16)(new - old);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hvb_vq_chain chain;
	struct hvb_device dev = { .name = "fuzz" };
	struct hvb_virtio_dev vd = { .dev = &dev, .ops = &fz_ops };
	struct hvb_virtqueue vq = { 0 };
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	struct hvb_guestmem gm;
	const char *why = NULL;
	__u16 start, drv_avail, *used_event, *avail_event;
	bool event_idx;
	uint8_t *mem;
	size_t pos;
	__u32 i;

	if (size < 4)
		return 0;
	hvb_log_threshold = HVB_LOG_ERROR;
	mem = calloc(1, FZ_MEM);
	if (!mem)
		return 0;
	hvb_guestmem_init(&gm, 1);
	FUZZ_CHECK(hvb_guestmem_add(&gm, FZ_IPA, FZ_MEM, mem, &why) == 0);
	vd.mem = &gm;
	event_idx = data[1] & 1;
	if (event_idx)
		vd.features |= 1ull << VIRTIO_RING_F_EVENT_IDX;
	vd.vqs = &vq;
	vq.num = 1u << (data[0] % 9);
	vq.desc_addr = FZ_IPA + FZ_DESC;
	vq.driver_addr = FZ_IPA + FZ_AVAIL;
	vq.device_addr = FZ_IPA + FZ_USED;
	desc = (struct vring_desc *)(mem + FZ_DESC);
	avail = (struct vring_avail *)(mem + FZ_AVAIL);
	used = (struct vring_used *)(mem + FZ_USED);
	/* Every descriptor a valid 16-byte writable buffer of its own. */
	for (i = 0; i < vq.num; i++) {
		desc[i].addr = FZ_IPA + FZ_DATA + 16 * i;
		desc[i].len = 16;
		desc[i].flags = VRING_DESC_F_WRITE;
	}
	FUZZ_CHECK(hvb_vq_start(&vq, &vd, 0, HVB_VIRTIO_QUEUE_MAX, &why) == 0);
	FUZZ_CHECK(vq.event_idx == event_idx);
	used_event = &avail->ring[vq.size];
	avail_event = (__u16 *)&used->ring[vq.size];
	FUZZ_CHECK(vq.used_event == used_event &&
		   vq.avail_event == avail_event);
	start = (__u16)fuzz_le(data + 2, 2, 2);
	vq.last_avail = vq.used_idx = start;
	used->idx = start;
	avail->idx = drv_avail = start;

	for (pos = 4; pos < size; pos += 4) {
		const uint8_t *op = data + pos;
		size_t n = size - pos;
		unsigned int count = n > 1 ? op[1] : 0;
		__u16 value = (__u16)fuzz_le(op + 2, n > 2 ? n - 2 : 0, 2);
		__u16 old, new, flags_before;
		bool valid, want, got;

		switch (op[0] % 8) {
		case 0:
			count %= vq.size + 1u;
			for (i = 0; i < count; i++)
				hvb_vq_push(&vq, (__u16)(i % vq.size), 0);
			FUZZ_CHECK(used->idx == vq.used_idx);
			break;
		case 1:
			*used_event = value;
			break;
		case 2:
			old = vq.signalled_used;
			new = vq.used_idx;
			valid = vq.signalled_valid;
			want = event_idx ?
			       !valid || fz_crossed(*used_event, old, new) :
			       !(avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
			got = hvb_vq_need_interrupt(&vq);
			FUZZ_CHECK(got == want);
			if (event_idx)
				FUZZ_CHECK(vq.signalled_valid &&
					   vq.signalled_used == new);
			break;
		case 3:
			count %= vq.size + 1u;
			for (i = 0; i < count; i++, drv_avail++)
				avail->ring[drv_avail % vq.size] =
					(__u16)(drv_avail % vq.size);
			avail->idx = drv_avail;
			break;
		case 4:
			flags_before = used->flags;
			got = hvb_vq_enable_kicks(&vq);
			if (vq.broken) {
				FUZZ_CHECK(!got);
				break;
			}
			FUZZ_CHECK(got == (avail->idx != vq.last_avail));
			if (event_idx) {
				FUZZ_CHECK(*avail_event == vq.last_avail);
				FUZZ_CHECK(used->flags == flags_before);
			} else {
				FUZZ_CHECK(!(used->flags &
					     VRING_USED_F_NO_NOTIFY));
			}
			break;
		case 5:
			flags_before = used->flags;
			value = *avail_event;
			hvb_vq_disable_kicks(&vq);
			FUZZ_CHECK(*avail_event == value);
			if (event_idx)
				FUZZ_CHECK(used->flags == flags_before);
			else
				FUZZ_CHECK(used->flags &
					   VRING_USED_F_NO_NOTIFY);
			break;
		case 6:
			count %= vq.size + 1u;
			for (i = 0; i < count; i++) {
				__u16 before = vq.last_avail;
				int ret = hvb_vq_pop(&vq, &chain);

				if (ret <= 0) {
					FUZZ_CHECK(ret == 0 || vq.broken);
					break;
				}
				FUZZ_CHECK(vq.last_avail ==
					   (__u16)(before + 1));
			}
			break;
		default:
			avail->flags = value;
			avail->idx = drv_avail = value;
			break;
		}
	}
	free(mem);
	return 0;
}
