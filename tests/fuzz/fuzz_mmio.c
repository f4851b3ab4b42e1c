// SPDX-License-Identifier: MIT
/*
 * Description: fuzz the virtio-mmio register file (tool/virtio/mmio.c)
 * with a sequence of guest actions against a real device (virtio-rng, or
 * the test device with a config space), created through the device
 * table like the daemon does.
 *
 * Input: byte 0 picks the device; then 8-byte actions:
 *   0      kind (bits 0-1: 0 register read, 1 register write, 2 kick,
 *          3 guest memory write), access size 1 << bits 2-3
 *   1..2   window offset (any alignment), kicked queue, or memory offset
 *   3..6   value
 *   7      ignored
 * Guest memory is FZ_MEM bytes at FZ_IPA, a heap block of exactly that
 * size, so the fuzzer can build rings in it and AddressSanitizer sees any
 * access outside.  The zone's transport has a channel region, so a
 * device that requeues its own kick (rng, after a queue's worth) posts
 * it there.  After every action the device's invariants are checked: a
 * live queue's rings lie inside guest memory; the only kick bits posted
 * are the device's own (kick number 0, a queue it has).
 */
#include <string.h>

#include <hvbridge/region.h>

#include "device.h"
#include "fuzz.h"
#include "guestmem.h"
#include "log.h"
#include "virtio/virtio.h"
#include "virtio/virtqueue.h"

#define FZ_IPA		0x40000000ull
#define FZ_MEM		0x10000u
#define FZ_WINDOW	0x200u
#define FZ_ACTION	8u

/* The zone's transport: no interrupts, a region for requeued kicks. */
static const struct hvb_transport_ops fz_transport_ops = { .name = "fuzz" };
static struct hvb_transport fz_transport = { .ops = &fz_transport_ops };

static void fz_check(const struct hvb_virtio_dev *vd)
{
	struct hvb_kicks *k = hvb_region_kicks(fz_transport.region);
	__u32 q;

	FUZZ_CHECK(!(k->summary & ~1ull));
	FUZZ_CHECK(!(k->words[0] >> vd->ops->nr_queues));

	for (q = 0; q < vd->ops->nr_queues; q++) {
		const struct hvb_virtqueue *vq = &vd->vqs[q];

		if (!vq->ready)
			continue;
		FUZZ_CHECK(vq->size && !(vq->size & (vq->size - 1)) &&
			   vq->size <= vd->ops->queue_max);
		FUZZ_CHECK(hvb_guestmem_is_valid(vd->mem, vq->desc_addr,
						 16ull * vq->size));
		FUZZ_CHECK(hvb_guestmem_is_valid(vd->mem, vq->driver_addr,
						 6ull + 2ull * vq->size));
		FUZZ_CHECK(hvb_guestmem_is_valid(vd->mem, vq->device_addr,
						 6ull + 8ull * vq->size));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = { "virtio-rng", "virtio-vtest" };
	struct hvb_device_args args = {
		.zone_id = 1,
		.base = 0x0a000000,
		.size = FZ_WINDOW,
		.kick_dev = 0,
		.irq = 0,
	};
	struct hvb_virtio_dev *vd;
	struct hvb_devices tab;
	struct hvb_guestmem gm;
	struct hvb_device *d;
	const char *why = NULL;
	uint8_t *mem;
	size_t pos;

	if (size < 1)
		return 0;
	hvb_log_threshold = HVB_LOG_ERROR;
	if (!fz_transport.region) {
		fz_transport.size = hvb_region_size(1);
		fz_transport.region = calloc(1, fz_transport.size);
		FUZZ_CHECK(fz_transport.region &&
			   hvb_region_format(fz_transport.region,
					     fz_transport.size, 1) == 0);
	}
	memset(hvb_region_kicks(fz_transport.region), 0,
	       sizeof(struct hvb_kicks));
	mem = calloc(1, FZ_MEM);
	if (!mem)
		return 0;
	hvb_guestmem_init(&gm, 1);
	FUZZ_CHECK(hvb_guestmem_add(&gm, FZ_IPA, FZ_MEM, mem, &why) == 0);
	gm.transport = &fz_transport;
	FUZZ_CHECK(hvb_guestmem_register(&gm) == 0);
	hvb_devices_init(&tab);
	FUZZ_CHECK(hvb_devices_create(&tab, types[data[0] % 2], &args,
				      &why) == 0);
	d = tab.devs[0];
	vd = hvb_virtio_from_device(d);
	FUZZ_CHECK(vd);

	for (pos = 1; pos < size; pos += FZ_ACTION) {
		const uint8_t *a = data + pos;
		size_t n = size - pos;
		__u32 bytes = 1u << ((a[0] >> 2) & 3);
		__u64 off = fuzz_le(a + 1, n - 1, 2);
		__u64 value = fuzz_le(a + 3, n > 3 ? n - 3 : 0, 4);

		switch (a[0] & 3) {
		case 0:
		case 1:
			off %= FZ_WINDOW - (bytes - 1);
			d->ops->access(d, off, bytes, a[0] & 1, &value);
			break;
		case 2:
			d->ops->kick(d, (__u32)off % HVB_KICK_QUEUES);
			break;
		default:
			off %= FZ_MEM - 3;
			memcpy(mem + off, &value, 4);
			break;
		}
		fz_check(vd);
	}
	hvb_devices_fini(&tab);
	hvb_guestmem_unregister(&gm);
	free(mem);
	return 0;
}
