// SPDX-License-Identifier: MIT
/*
 * The device side of a split virtqueue (virtqueue.h).
 *
 * The guest may rewrite its rings and descriptors while we read them, so
 * each descriptor is copied out once and only the copy is checked and
 * used: a value can never change between its check and its use.  Ring
 * words are read with single-copy-atomic loads for the same reason.
 *
 * Barrier pairs with the guest driver (virtio 1.2 numbering; the driver
 * side is Linux's virtio_ring.c or tests/virtio/driver.c):
 *   VQ-A  acquire of avail->idx          <- driver's write barrier before
 *                                           it updates avail->idx
 *                                           (2.7.13.3)
 *   VQ-B  release of used->idx           -> driver's read barrier after
 *                                           reading used->idx (2.7.14)
 *   VQ-C  full barrier, used->idx store  <> driver's full barrier after
 *         vs used_event / avail->flags      writing used_event, before
 *         load                              re-reading used->idx (2.7.7.2,
 *                                           2.7.10 driver side)
 *   VQ-D  full barrier, avail_event or   <> driver's full barrier after
 *         used->flags store vs avail->idx   updating avail->idx, before
 *         load                              reading avail_event or
 *                                           used->flags (2.7.13.4)
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include <hvbridge/barrier.h>

#include "devstats.h"
#include "log.h"
#include "virtqueue.h"
#include "vstate.h"

/*
 * The state record (vstate.h) is written in an order that a SIGKILL
 * between any two stores cannot turn into a lost or a doubled
 * completion; docs/daemon.md ("Restarts") has the whole argument.  The
 * next reader is another process that maps the same pages after this one
 * died.  A kill stops each thread between two instructions, and every
 * store executed before that point reaches memory, whatever order the
 * hardware makes them visible in; so the only order that matters is the
 * order the compiler emits them in, as for a signal handler of the same
 * thread.  R1, R2, P1, P4 and P5 are vq_rec_store_*(): a signal fence (a
 * compiler barrier, no instruction) then a plain store, so every step
 * before one is made before it.  A release (stlr on arm64) would order
 * them for a concurrent reader too, and there is none: the reader is
 * hvb_vq_resume() in the next daemon, after the kernel has torn this one
 * down.  P3 is the guest's release (Barrier VQ-B).  (P2 may be made
 * before P1: harmless, as the resume reads `completing` only once P3 is
 * seen.)
 *   pop:  R1 mark inflight[head]      R2 last_avail = L + 1
 *   push: P1 completing = head        P2 used element
 *         P3 used->idx = U + 1 (the commit, Barrier VQ-B)
 *         P4 clear inflight[head]     P5 used_idx = U + 1
 */
static inline void vq_rec_store_u16(__u16 *p, __u16 v)
{
	atomic_signal_fence(memory_order_seq_cst);
	hvb_write_once_u16(p, v);
}

static inline void vq_rec_store_u64(__u64 *p, __u64 v)
{
	atomic_signal_fence(memory_order_seq_cst);
	hvb_write_once_u64(p, v);
}

static bool vq_is_inflight(const struct hvb_vstate_queue *vs, __u16 head)
{
	return vs->inflight[head / 64] >> (head % 64) & 1;
}

/* A broken ring: fail from now on, mark the device, log once per kind. */
#define vq_refuse(vq, fmt, ...)						\
	({								\
		if (!(vq)->refused)					\
			(vq)->refused = fmt;				\
		hvb_log_once(HVB_LOG_WARN,				\
			     "%s: queue %u: " fmt "; device needs reset (said once)", \
			     (vq)->vd->dev->name, (vq)->index,		\
			     ##__VA_ARGS__);				\
		vq_break(vq);						\
	})

static int vq_break(struct hvb_virtqueue *vq)
{
	vq->broken = true;
	hvb_virtio_needs_reset(vq->vd);
	return -EINVAL;
}

/* Translate a ring of @len bytes at @addr, aligned to @align. */
static void *vq_map_ring(const struct hvb_guestmem *mem, __u64 addr,
			 __u64 len, __u64 align)
{
	void *p;

	if (addr % align)
		return NULL;
	p = hvb_guestmem_translate(mem, addr, len);
	/* The host mapping keeps the guest's alignment only if the region
	 * is mapped that way; atomics need it, so check the pointer too. */
	if (p && (uintptr_t)p % align)
		return NULL;
	return p;
}

int hvb_vq_start(struct hvb_virtqueue *vq, struct hvb_virtio_dev *vd,
		 __u16 index, __u32 max, const char **why)
{
	__u32 n = vq->num;
	struct vring vr;

	if (n == 0 || (n & (n - 1)) || n > max || n > HVB_VIRTIO_QUEUE_MAX) {
		*why = "queue size is not a power of two <= QueueNumMax";
		return -EINVAL;
	}
	/* Sizes and alignments of virtio 1.2, 2.7 (the event words
	 * included whether or not EVENT_IDX is negotiated). */
	vr.num = n;
	vr.desc = vq_map_ring(vd->mem, vq->desc_addr,
			      (__u64)sizeof(struct vring_desc) * n, 16);
	vr.avail = vq_map_ring(vd->mem, vq->driver_addr,
			       sizeof(struct vring_avail) +
			       (__u64)sizeof(__u16) * (n + 1), 2);
	vr.used = vq_map_ring(vd->mem, vq->device_addr,
			      sizeof(struct vring_used) +
			      (__u64)sizeof(struct vring_used_elem) * n +
			      sizeof(__u16), 4);
	if (!vr.desc || !vr.avail || !vr.used) {
		*why = "a ring lies outside the zone's memory or is misaligned";
		return -EINVAL;
	}
	vq->vd = vd;
	vq->mem = vd->mem;
	vq->index = index;
	vq->size = (__u16)n;
	vq->event_idx = hvb_virtio_has_feature(vd, VIRTIO_RING_F_EVENT_IDX);
	vq->indirect = hvb_virtio_has_feature(vd,
					      VIRTIO_RING_F_INDIRECT_DESC);
	vq->desc = vr.desc;
	vq->avail = vr.avail;
	vq->used = vr.used;
	vq->used_event = &vring_used_event(&vr);
	vq->avail_event = &vring_avail_event(&vr);
	vq->last_avail = 0;
	vq->used_idx = 0;
	vq->signalled_used = 0;
	vq->signalled_valid = false;
	vq->broken = false;
	vq->ready = true;
	return 0;
}

void hvb_vq_reset(struct hvb_virtqueue *vq)
{
	struct hvb_vstate_queue *vs = vq->vs;

	memset(vq, 0, sizeof(*vq));
	vq->vs = vs;
	if (vs)
		memset(vs, 0, sizeof(*vs));
}

int hvb_vq_resume(struct hvb_virtqueue *vq, const char **why)
{
	struct hvb_vstate_queue *vs = vq->vs;
	__u16 u = vs->used_idx, g, l, h;
	unsigned int n = 0, i;

	for (i = 0; i < HVB_VIRTIO_QUEUE_MAX / 64; i++) {
		__u64 w = vs->inflight[i];
		unsigned int lo = i * 64;
		__u64 valid = lo >= vq->size ? 0 :
			      vq->size - lo >= 64 ? ~0ull :
			      (1ull << (vq->size - lo)) - 1;

		if (w & ~valid) {
			*why = "a head in flight lies outside the queue";
			return -EINVAL;
		}
		n += (unsigned int)__builtin_popcountll(w);
	}
	/* Between P3 and P5: the guest has the completion, we had not yet
	 * retired it.  used->idx is ours to write; a guest that wrote it
	 * anyway (anything but U or U + 1) broke its ring. */
	g = hvb_load_acquire_u16(&vq->used->idx);
	if (g == (__u16)(u + 1)) {
		h = vs->completing;
		if (h < vq->size && vq_is_inflight(vs, h)) {
			vq_rec_store_u64(&vs->inflight[h / 64],
				 vs->inflight[h / 64] & ~(1ull << (h % 64)));
			n--;
		}
		u++;
		vq_rec_store_u16(&vs->used_idx, u);
	} else if (g != u) {
		*why = "used->idx is neither what we published nor one more";
		return -EINVAL;
	}
	/* R1 without R2 leaves last_avail one short of used + in flight. */
	l = (__u16)(u + n);
	if (vs->last_avail != l && vs->last_avail != (__u16)(l - 1)) {
		*why = "last_avail does not match the requests in flight";
		return -EINVAL;
	}
	vq_rec_store_u16(&vs->last_avail, l);
	vq->used_idx = u;
	vq->last_avail = l;
	vq->signalled_valid = false;	/* the next push interrupts */
	vq->nr_resubmit = 0;
	for (h = 0; h < vq->size; h++)
		if (vq_is_inflight(vs, h))
			vq->resubmit[vq->nr_resubmit++] = h;
	return 0;
}

/* Walk state of one chain. */
struct vq_walk {
	const struct vring_desc *table;	/* the ring's or an indirect one */
	__u32 table_size;
	__u64 seen[HVB_VIRTIO_QUEUE_MAX / 64];	/* of this table */
	__u64 read_len, write_len;
};

/* Add descriptor @d (a private copy) to @chain. */
static int vq_add_seg(struct hvb_virtqueue *vq, struct hvb_vq_chain *chain,
		      struct vq_walk *w, const struct vring_desc *d)
{
	unsigned int nr = chain->nr_read + chain->nr_write;
	void *p;

	if (nr >= vq->size)
		return vq_refuse(vq, "chain longer than the queue size %u",
				 vq->size);
	p = hvb_guestmem_translate(vq->mem, d->addr, d->len);
	if (!p)
		return vq_refuse(vq, "buffer 0x%llx+%u outside the zone's memory",
				 (unsigned long long)d->addr, d->len);
	chain->seg[nr].iov_base = p;
	chain->seg[nr].iov_len = d->len;
	if (d->flags & VRING_DESC_F_WRITE) {
		chain->nr_write++;
		w->write_len += d->len;
	} else {
		if (chain->nr_write)
			return vq_refuse(vq, "readable descriptor after a writable one");
		chain->nr_read++;
		w->read_len += d->len;
	}
	if (w->read_len > UINT32_MAX || w->write_len > UINT32_MAX)
		return vq_refuse(vq, "chain holds more than 4 GiB");
	return 0;
}

/* Switch the walk to the indirect table of descriptor @d. */
static int vq_enter_indirect(struct hvb_virtqueue *vq, struct vq_walk *w,
			     const struct vring_desc *d, bool nested)
{
	__u32 n = d->len / sizeof(struct vring_desc);

	if (!vq->indirect)
		return vq_refuse(vq, "indirect descriptor, not negotiated");
	if (nested)
		return vq_refuse(vq, "indirect descriptor inside an indirect table");
	if (d->flags & VRING_DESC_F_NEXT)
		return vq_refuse(vq, "indirect descriptor with NEXT set");
	if (d->len == 0 || d->len % sizeof(struct vring_desc) ||
	    n > vq->size)
		return vq_refuse(vq, "indirect table of %u bytes (a multiple of 16, at most %u entries)",
				 d->len, vq->size);
	/* Descriptors are memcpy'd out of the table: any alignment. */
	w->table = hvb_guestmem_translate(vq->mem, d->addr, d->len);
	if (!w->table)
		return vq_refuse(vq, "indirect table 0x%llx+%u outside the zone's memory",
				 (unsigned long long)d->addr, d->len);
	w->table_size = n;
	memset(w->seen, 0, sizeof(w->seen));
	return 0;
}

static int vq_walk_chain(struct hvb_virtqueue *vq, struct hvb_vq_chain *chain,
			 __u16 head)
{
	struct vq_walk w = { .table = vq->desc, .table_size = vq->size };
	bool in_indirect = false;
	__u32 idx = head;
	int err;

	chain->head = head;
	chain->nr_read = chain->nr_write = 0;
	for (;;) {
		struct vring_desc d;

		/* idx < table_size <= HVB_VIRTIO_QUEUE_MAX here. */
		if (w.seen[idx / 64] & (1ull << (idx % 64)))
			return vq_refuse(vq, "descriptor chain loops at %u",
					 idx);
		w.seen[idx / 64] |= 1ull << (idx % 64);
		/* One copy; only the copy is checked and used. */
		memcpy(&d, &w.table[idx], sizeof(d));
		if (d.flags & VRING_DESC_F_INDIRECT) {
			err = vq_enter_indirect(vq, &w, &d, in_indirect);
			if (err)
				return err;
			in_indirect = true;
			idx = 0;
			continue;
		}
		err = vq_add_seg(vq, chain, &w, &d);
		if (err)
			return err;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		if (d.next >= w.table_size)
			return vq_refuse(vq, "next descriptor %u out of a %u-entry table",
					 d.next, w.table_size);
		idx = d.next;
	}
	chain->read_len = (__u32)w.read_len;
	chain->write_len = (__u32)w.write_len;
	return 0;
}

/* The device's byte count of a chain it took (devstats.h). */
static void vq_count_pop(struct hvb_virtqueue *vq,
			 const struct hvb_vq_chain *chain)
{
	struct hvb_devstats_dev *st = hvb_virtio_stats(vq->vd);

	if (st)
		hvb_devstats_add(&st->bytes_read, chain->read_len);
}

int hvb_vq_pop(struct hvb_virtqueue *vq, struct hvb_vq_chain *chain)
{
	__u16 avail_idx, head;
	int err;

	if (vq->broken || !vq->ready)
		return -EINVAL;
	if (vq->nr_resubmit) {
		/* Taken by the last daemon, marked in flight already: run
		 * again (docs/daemon.md), walked and checked again too. */
		head = vq->resubmit[--vq->nr_resubmit];
		if (vq_walk_chain(vq, chain, head))
			return -EINVAL;
		vq_count_pop(vq, chain);
		return 1;
	}
	/* Barrier VQ-A: pairs with the driver's write barrier before its
	 * avail->idx update: the ring entry and descriptors are visible. */
	avail_idx = hvb_load_acquire_u16(&vq->avail->idx);
	if (avail_idx == vq->last_avail)
		return 0;
	if ((__u16)(avail_idx - vq->last_avail) > vq->size)
		return vq_refuse(vq, "avail index moved %u entries in a %u-entry queue",
				 (__u16)(avail_idx - vq->last_avail),
				 vq->size);
	head = hvb_read_once_u16(&vq->avail->ring[vq->last_avail %
						 vq->size]);
	if (head >= vq->size)
		return vq_refuse(vq, "head descriptor %u out of range", head);
	/* A driver gives a head back only after we used it (2.7.13.2). */
	if (vq->vs && vq_is_inflight(vq->vs, head))
		return vq_refuse(vq, "head descriptor %u made available while in flight",
				 head);
	err = vq_walk_chain(vq, chain, head);
	if (err)
		return err;
	vq->last_avail++;
	if (vq->vs) {
		/* R1 before R2; both before any side effect of the chain,
		 * which the caller starts when we return. */
		vq_rec_store_u64(&vq->vs->inflight[head / 64],
			 vq->vs->inflight[head / 64] | 1ull << (head % 64));
		vq_rec_store_u16(&vq->vs->last_avail, vq->last_avail);
		/* And no later store of the caller's moves above them. */
		atomic_signal_fence(memory_order_seq_cst);
	}
	vq_count_pop(vq, chain);
	return 1;
}

void hvb_vq_push(struct hvb_virtqueue *vq, __u16 head, __u32 written)
{
	struct vring_used_elem *e = &vq->used->ring[vq->used_idx % vq->size];
	struct hvb_vstate_queue *vs = vq->vs;
	struct hvb_devstats_dev *st;

	if (vs)
		vq_rec_store_u16(&vs->completing, head);	/* P1 */
	hvb_write_once_u32(&e->id, head);		/* P2 */
	hvb_write_once_u32(&e->len, written);
	vq->used_idx++;
	/* P3, Barrier VQ-B: pairs with the driver's read barrier after it
	 * reads used->idx: the element above is visible before the index. */
	hvb_store_release_u16(&vq->used->idx, vq->used_idx);
	if (vs && head < vq->size) {
		vq_rec_store_u64(&vs->inflight[head / 64],		/* P4 */
			 vs->inflight[head / 64] & ~(1ull << (head % 64)));
		vq_rec_store_u16(&vs->used_idx, vq->used_idx);		/* P5 */
	}
	st = hvb_virtio_stats(vq->vd);
	if (st) {
		hvb_devstats_add(&st->requests, 1);
		hvb_devstats_add(&st->bytes_written, written);
	}
}

bool hvb_vq_need_interrupt(struct hvb_virtqueue *vq)
{
	__u16 old = vq->signalled_used, new = vq->used_idx;
	bool valid = vq->signalled_valid;

	/* Barrier VQ-C: pairs with the driver's full barrier between its
	 * used_event (or flags) write and its re-read of used->idx: either
	 * it sees our new used->idx, or we see its new used_event. */
	hvb_mb();
	if (!vq->event_idx)
		return !(hvb_read_once_u16(&vq->avail->flags) &
			 VRING_AVAIL_F_NO_INTERRUPT);
	vq->signalled_used = new;
	vq->signalled_valid = true;
	return !valid ||
	       vring_need_event(hvb_read_once_u16(vq->used_event), new, old);
}

void hvb_vq_notify_guest(struct hvb_virtqueue *vq)
{
	if (hvb_vq_need_interrupt(vq))
		hvb_virtio_raise(vq->vd, VIRTIO_MMIO_INT_VRING);
}

bool hvb_vq_has_avail(struct hvb_virtqueue *vq)
{
	/* Barrier VQ-A, as in hvb_vq_pop(). */
	return vq->ready &&
	       hvb_load_acquire_u16(&vq->avail->idx) != vq->last_avail;
}

bool hvb_vq_enable_kicks(struct hvb_virtqueue *vq)
{
	if (!vq->ready || vq->broken)
		return false;
	if (vq->event_idx)
		hvb_write_once_u16(vq->avail_event, vq->last_avail);
	else
		hvb_write_once_u16(&vq->used->flags, 0);
	/* Barrier VQ-D: pairs with the driver's full barrier between its
	 * avail->idx update and its read of avail_event (used->flags):
	 * either it sees our request for a kick, or we see its new entry. */
	hvb_mb();
	return hvb_load_acquire_u16(&vq->avail->idx) != vq->last_avail;
}

void hvb_vq_disable_kicks(struct hvb_virtqueue *vq)
{
	if (vq->ready && !vq->event_idx)
		hvb_write_once_u16(&vq->used->flags, VRING_USED_F_NO_NOTIFY);
}

size_t hvb_vq_chain_write(const struct hvb_vq_chain *chain, const void *src,
			  size_t len)
{
	const __u8 *s = src;
	size_t done = 0;
	unsigned int i;

	for (i = chain->nr_read; i < chain->nr_read + chain->nr_write &&
				 done < len; i++) {
		size_t n = chain->seg[i].iov_len;

		if (n > len - done)
			n = len - done;
		memcpy(chain->seg[i].iov_base, s + done, n);
		done += n;
	}
	return done;
}

size_t hvb_vq_chain_read(const struct hvb_vq_chain *chain, void *dst,
			 size_t len)
{
	__u8 *d = dst;
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < chain->nr_read && done < len; i++) {
		size_t n = chain->seg[i].iov_len;

		if (n > len - done)
			n = len - done;
		memcpy(d + done, chain->seg[i].iov_base, n);
		done += n;
	}
	return done;
}
