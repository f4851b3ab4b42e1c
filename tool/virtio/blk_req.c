// SPDX-License-Identifier: MIT
/*
 * virtio-blk: one popped chain to a checked request (virtio 1.2, 5.2.6).
 * The virtqueue walker has already checked that every segment lies in
 * the zone; what is checked here is the request itself: where the
 * status byte is, the header, the data's size, the sector range, and
 * the DISCARD / WRITE_ZEROES segments.  Nothing here does I/O.
 *
 * The layout is not assumed (virtio 1.2, 2.6.4: framing is free): the
 * header is the first 16 readable bytes wherever they fall, the status
 * the last writable byte, and the data what lies between.  The segments
 * are trimmed in place, so readv/writev go straight to guest memory.
 */
#include <endian.h>
#include <string.h>

#include "blk.h"
#include "log.h"

/* Drop the first @skip bytes of the readable segments. */
static void blk_trim_front(struct hvb_vq_chain *c, __u32 skip)
{
	unsigned int i;

	c->read_len -= skip;
	for (i = 0; i < c->nr_read && skip; i++) {
		__u64 n = c->seg[i].iov_len < skip ? c->seg[i].iov_len : skip;

		c->seg[i].iov_base = (__u8 *)c->seg[i].iov_base + n;
		c->seg[i].iov_len -= n;
		skip -= (__u32)n;
	}
}

/*
 * Take the last writable byte as the status: it leaves the segments.
 * NULL when the chain has no writable byte (no status descriptor, or a
 * read-only one).
 */
static __u8 *blk_take_status(struct hvb_vq_chain *c)
{
	unsigned int i = c->nr_read + c->nr_write;

	while (i > c->nr_read && !c->seg[i - 1].iov_len)
		i--;
	if (i == c->nr_read)
		return NULL;
	c->seg[i - 1].iov_len--;
	c->write_len--;
	/* Writable segments past it are empty: leave them out. */
	c->nr_write = (__u16)(i - c->nr_read);
	return (__u8 *)c->seg[i - 1].iov_base + c->seg[i - 1].iov_len;
}

static void blk_fail(struct blk_req *r, __u8 status)
{
	r->kind = BLK_REQ_DONE;
	r->status_val = status;
	r->written = 1;
}

/* Is [@sector, @sector + @n) inside the image?  No sum can wrap. */
static bool blk_in_range(const struct blk *b, __u64 sector, __u64 n)
{
	return sector <= b->capacity && n <= b->capacity - sector;
}

static void blk_parse_rw(const struct blk *b, struct blk_req *r,
			 __u64 sector)
{
	struct hvb_vq_chain *c = &r->chain;
	bool is_read = r->type == VIRTIO_BLK_T_IN;

	/* A read has nothing readable past the header; a write nothing
	 * writable but the status. */
	if (is_read ? c->read_len != 0 : c->write_len != 0) {
		hvb_log_once(HVB_LOG_WARN,
			     "%s: %s request with %s data segments; IOERR (said once)",
			     b->vd->dev->name, is_read ? "read" : "write",
			     is_read ? "readable" : "writable");
		return blk_fail(r, VIRTIO_BLK_S_IOERR);
	}
	r->len = is_read ? c->write_len : c->read_len;
	if (r->len % BLK_SECTOR_SIZE ||
	    !blk_in_range(b, sector, r->len >> BLK_SECTOR_SHIFT)) {
		hvb_log_once(HVB_LOG_WARN,
			     "%s: request of %llu bytes at sector %llu: not whole sectors or beyond the %llu of the image; IOERR (said once)",
			     b->vd->dev->name, (unsigned long long)r->len,
			     (unsigned long long)sector,
			     (unsigned long long)b->capacity);
		return blk_fail(r, VIRTIO_BLK_S_IOERR);
	}
	if (!is_read && b->readonly)
		return blk_fail(r, VIRTIO_BLK_S_IOERR);
	if (is_read) {
		r->iov = &c->seg[c->nr_read];
		r->nr_iov = c->nr_write;
	} else {
		r->iov = &c->seg[0];
		r->nr_iov = c->nr_read;
	}
	r->offset = sector << BLK_SECTOR_SHIFT;
	r->kind = BLK_REQ_RW;
	r->written = 1 + (is_read ? (__u32)r->len : 0);
}

static void blk_parse_get_id(const struct blk *b, struct blk_req *r)
{
	size_t n = r->chain.write_len < VIRTIO_BLK_ID_BYTES ?
		   r->chain.write_len : VIRTIO_BLK_ID_BYTES;

	n = hvb_vq_chain_write(&r->chain, b->id, n);
	r->kind = BLK_REQ_DONE;
	r->status_val = VIRTIO_BLK_S_OK;
	r->written = 1 + (__u32)n;
}

static void blk_parse_dwz(const struct blk *b, struct blk_req *r)
{
	bool discard = r->type == VIRTIO_BLK_T_DISCARD;
	unsigned int bit = discard ? VIRTIO_BLK_F_DISCARD :
				     VIRTIO_BLK_F_WRITE_ZEROES;
	__u32 allowed = discard ? 0 : VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP;
	struct virtio_blk_discard_write_zeroes raw[BLK_DWZ_SEG_MAX];
	__u32 len = r->chain.read_len;
	unsigned int i;

	if (!hvb_virtio_has_feature(b->vd, bit))
		return blk_fail(r, VIRTIO_BLK_S_UNSUPP);
	if (b->readonly)
		return blk_fail(r, VIRTIO_BLK_S_IOERR);
	if (!len || len % sizeof(raw[0]) ||
	    len / sizeof(raw[0]) > BLK_DWZ_SEG_MAX) {
		hvb_log_once(HVB_LOG_WARN,
			     "%s: discard/write-zeroes payload of %u bytes: not 1 to %u segments; IOERR (said once)",
			     b->vd->dev->name, len, BLK_DWZ_SEG_MAX);
		return blk_fail(r, VIRTIO_BLK_S_IOERR);
	}
	r->nr_dwz = len / (__u32)sizeof(raw[0]);
	/* One copy out of guest memory; only the copy is checked and
	 * used, so a guest rewriting it meanwhile gains nothing. */
	hvb_vq_chain_read(&r->chain, raw, len);
	for (i = 0; i < r->nr_dwz; i++) {
		__u64 sector = le64toh(raw[i].sector);
		__u32 n = le32toh(raw[i].num_sectors);
		__u32 flags = le32toh(raw[i].flags);

		/* Virtio 1.2, 5.2.6.2: unmap on a discard, or an unknown
		 * flag, is UNSUPP. */
		if (flags & ~allowed)
			return blk_fail(r, VIRTIO_BLK_S_UNSUPP);
		if (n > BLK_DWZ_SECTORS_MAX || !blk_in_range(b, sector, n)) {
			hvb_log_once(HVB_LOG_WARN,
				     "%s: discard/write-zeroes of %u sectors at %llu: too many or beyond the image; IOERR (said once)",
				     b->vd->dev->name, n,
				     (unsigned long long)sector);
			return blk_fail(r, VIRTIO_BLK_S_IOERR);
		}
		r->dwz[i].sector = sector;
		r->dwz[i].sectors = n;
		r->dwz[i].unmap = discard ||
				  (flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
	}
	r->kind = BLK_REQ_DWZ;
	r->written = 1;
}

void blk_req_parse(const struct blk *b, struct blk_req *r)
{
	struct hvb_vq_chain *c = &r->chain;
	struct virtio_blk_outhdr hdr;
	__u64 sector;

	r->status = blk_take_status(c);
	if (!r->status) {
		hvb_log_once(HVB_LOG_WARN,
			     "%s: request without a writable status byte; device needs reset (said once)",
			     b->vd->dev->name);
		r->kind = BLK_REQ_BROKEN;
		r->written = 0;
		return;
	}
	if (c->read_len < sizeof(hdr)) {
		hvb_log_once(HVB_LOG_WARN,
			     "%s: request header of %u bytes, not 16; IOERR (said once)",
			     b->vd->dev->name, c->read_len);
		return blk_fail(r, VIRTIO_BLK_S_IOERR);
	}
	hvb_vq_chain_read(c, &hdr, sizeof(hdr));
	blk_trim_front(c, sizeof(hdr));
	r->type = le32toh(hdr.type);
	sector = le64toh(hdr.sector);
	switch (r->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		return blk_parse_rw(b, r, sector);
	case VIRTIO_BLK_T_FLUSH:
		r->kind = BLK_REQ_FLUSH;
		r->written = 1;
		return;
	case VIRTIO_BLK_T_GET_ID:
		return blk_parse_get_id(b, r);
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return blk_parse_dwz(b, r);
	default:
		return blk_fail(r, VIRTIO_BLK_S_UNSUPP);
	}
}
