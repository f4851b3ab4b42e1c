// SPDX-License-Identifier: MIT
/*
 * Description: fuzz the split-virtqueue walker (tool/virtio/virtqueue.c)
 * with guest memory and ring state from the input.
 *
 * Input: a 32-byte header, then the zone's memory.
 *   0      queue size, log2 (mod 9: 1 .. 256)
 *   1      bit 0 EVENT_IDX, bit 1 INDIRECT_DESC negotiated
 *   2..3   where the device's avail/used indices start (ring state
 *          after wrap-around)
 *   4..7   pops to try (bounded)
 *   8..15  IPA of the memory (may sit near 2^64)
 *   16..27 desc, avail, used ring offsets from that IPA (u32 each; may
 *          point outside)
 * The memory is a heap block of exactly the input's size, so AddressSanitizer
 * reports any access outside it; every popped segment is also checked
 * to lie inside it, and is read and written whole.
 */
#include <string.h>

#include "fuzz.h"
#include "guestmem.h"
#include "log.h"
#include "virtio/virtio.h"
#include "virtio/virtqueue.h"

#define FZ_HDR	32u

static const struct hvb_virtio_ops fz_ops = {
	.nr_queues = 1,
	.queue_max = HVB_VIRTIO_QUEUE_MAX,
};

static void fz_check_seg(const struct iovec *s, const uint8_t *mem,
			 size_t len)
{
	const uint8_t *p = s->iov_base;

	FUZZ_CHECK(p >= mem && p <= mem + len);
	FUZZ_CHECK(s->iov_len <= (size_t)(mem + len - p));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hvb_vq_chain chain;
	struct hvb_device dev = { .name = "fuzz" };
	struct hvb_virtio_dev vd = { .dev = &dev, .ops = &fz_ops };
	struct hvb_virtqueue vq = { 0 };
	struct hvb_guestmem gm;
	const char *why = NULL;
	uint64_t ipa, pops, i;
	size_t len;
	uint8_t *mem;
	__u16 start;

	if (size <= FZ_HDR)
		return 0;
	hvb_log_threshold = HVB_LOG_ERROR;
	len = size - FZ_HDR;
	mem = malloc(len);
	if (!mem)
		return 0;
	memcpy(mem, data + FZ_HDR, len);
	ipa = fuzz_le(data + 8, 8, 8);
	hvb_guestmem_init(&gm, 1);
	if (hvb_guestmem_add(&gm, ipa, len, mem, &why))
		goto out;
	vd.mem = &gm;
	if (data[1] & 1)
		vd.features |= 1ull << VIRTIO_RING_F_EVENT_IDX;
	if (data[1] & 2)
		vd.features |= 1ull << VIRTIO_RING_F_INDIRECT_DESC;
	vd.vqs = &vq;
	vq.num = 1u << (data[0] % 9);
	vq.desc_addr = ipa + fuzz_le(data + 16, 4, 4);
	vq.driver_addr = ipa + fuzz_le(data + 20, 4, 4);
	vq.device_addr = ipa + fuzz_le(data + 24, 4, 4);
	if (hvb_vq_start(&vq, &vd, 0, HVB_VIRTIO_QUEUE_MAX, &why))
		goto out;
	start = (__u16)fuzz_le(data + 2, 2, 2);
	vq.last_avail = vq.used_idx = start;
	pops = fuzz_le(data + 4, 4, 4) % (2u * vq.size + 2);

	for (i = 0; i < pops; i++) {
		volatile uint8_t sum = 0;
		unsigned int s;
		int ret = hvb_vq_pop(&vq, &chain);

		if (ret <= 0) {
			/* A failure is sticky and is NEEDS_RESET. */
			FUZZ_CHECK(ret == 0 || (vq.broken &&
						hvb_virtio_is_broken(&vd)));
			FUZZ_CHECK(ret == 0 || hvb_vq_pop(&vq, &chain) < 0);
			break;
		}
		FUZZ_CHECK(chain.head < vq.size);
		FUZZ_CHECK(chain.nr_read + chain.nr_write <= vq.size);
		for (s = 0; s < chain.nr_read; s++) {
			const uint8_t *p = chain.seg[s].iov_base;
			size_t k;

			fz_check_seg(&chain.seg[s], mem, len);
			for (k = 0; k < chain.seg[s].iov_len; k++)
				sum += p[k];
		}
		for (; s < chain.nr_read + chain.nr_write; s++) {
			fz_check_seg(&chain.seg[s], mem, len);
			memset(chain.seg[s].iov_base, 0xa5,
			       chain.seg[s].iov_len);
		}
		hvb_vq_push(&vq, chain.head, chain.write_len);
		(void)sum;
	}
	hvb_vq_need_interrupt(&vq);
	hvb_vq_has_avail(&vq);
	hvb_vq_disable_kicks(&vq);
	hvb_vq_enable_kicks(&vq);
out:
	free(mem);
	return 0;
}
