// SPDX-License-Identifier: MIT
/*
 * The guest pool from a flattened device tree (hyp/fdt.h).  One pass
 * over the structure block, every token bounds-checked, the whole tree
 * walked even after the pool is found, so a DTB broken past the node
 * is refused too.  Bytes are read one at a time: no alignment is
 * assumed of the blob, and nothing is copied.
 */
#include <hyp/fdt.h>

#define FDT_BEGIN_NODE	1u
#define FDT_END_NODE	2u
#define FDT_PROP	3u
#define FDT_NOP		4u
#define FDT_END		9u

/* Deeper than anything QEMU or dtc makes for this machine. */
#define FDT_MAX_DEPTH	32u

#define POOL_NAME	"guest-pool"
#define POOL_COMPAT	"hvbridge,guest-pool"

static __u32 fdt_be32(const __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 |
	       (__u32)p[3];
}

static __u32 fdt_align4(__u32 v)
{
	return (v + 3u) & ~3u;
}

/* Is [@s, @s + @len) the C string @lit (without its NUL)? */
static int fdt_eq(const __u8 *s, __u32 len, const char *lit)
{
	__u32 i;

	for (i = 0; i < len; i++)
		if (!lit[i] || s[i] != (__u8)lit[i])
			return 0;
	return !lit[len];
}

/* The node name @s (@len bytes) is @lit, or @lit@unit-address. */
static int fdt_name_is(const __u8 *s, __u32 len, const char *lit)
{
	__u32 n = 0;

	while (n < len && s[n] != '@')
		n++;
	return fdt_eq(s, n, lit);
}

/* Is @lit one of the NUL-separated strings of [@v, @v + @len)? */
static int fdt_list_has(const __u8 *v, __u32 len, const char *lit)
{
	__u32 start = 0, i;

	for (i = 0; i < len; i++)
		if (!v[i]) {
			if (fdt_eq(v + start, i - start, lit))
				return 1;
			start = i + 1;
		}
	return 0;
}

/* Length of the NUL-terminated string at @s, at most @max bytes to
 * look at; @max if there is no NUL there. */
static __u32 fdt_strnlen(const __u8 *s, __u32 max)
{
	__u32 n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* A 1- or 2-cell big-endian number. */
static __u64 fdt_cells(const __u8 *p, __u32 cells)
{
	return cells == 2 ? (__u64)fdt_be32(p) << 32 | fdt_be32(p + 4) :
			    fdt_be32(p);
}

struct fdt_walk {
	const __u8 *st;		/* structure block */
	__u32 st_size;
	const __u8 *str;	/* strings block */
	__u32 str_size;
	/* /reserved-memory, while inside it (depth 2) */
	int in_resmem;
	__u32 acells, scells;
	/* its child being read (depth 3) */
	int named_pool, compat_pool, no_map;
	const __u8 *reg;
	__u32 reg_len;
	/* the result */
	int found;
	__u64 base, size;
};

/* Check the header; HYP_FDT_OK with @w's blocks set, or why not. */
static int fdt_header(const __u8 *b, __u64 room, struct fdt_walk *w)
{
	__u32 total, off_st, off_str, size_st, size_str, version, last;

	if (room < 4 || fdt_be32(b) != HYP_FDT_MAGIC)
		return HYP_FDT_ABSENT;
	if (room < HYP_FDT_HEADER_SIZE)
		return HYP_FDT_EHEADER;
	total = fdt_be32(b + 4);
	off_st = fdt_be32(b + 8);
	off_str = fdt_be32(b + 12);
	version = fdt_be32(b + 20);
	last = fdt_be32(b + 24);
	size_str = fdt_be32(b + 32);
	size_st = fdt_be32(b + 36);
	/* Version 17 (dtc's since 2007) has size_dt_struct; a blob whose
	 * readers must understand a later one is not ours to read. */
	if (total < HYP_FDT_HEADER_SIZE || total > room || version < 17 ||
	    last > 17 || off_st % 4 || size_st % 4 ||
	    off_st < HYP_FDT_HEADER_SIZE || off_str < HYP_FDT_HEADER_SIZE ||
	    (__u64)off_st + size_st > total ||
	    (__u64)off_str + size_str > total)
		return HYP_FDT_EHEADER;
	w->st = b + off_st;
	w->st_size = size_st;
	w->str = b + off_str;
	w->str_size = size_str;
	return HYP_FDT_OK;
}

/* A property of the node at @depth: @name, value [@v, @v + @len). */
static int fdt_prop(struct fdt_walk *w, __u32 depth, const __u8 *name,
		    __u32 name_len, const __u8 *v, __u32 len)
{
	int is_ac = fdt_eq(name, name_len, "#address-cells");

	if (depth == 2 && w->in_resmem &&
	    (is_ac || fdt_eq(name, name_len, "#size-cells"))) {
		__u32 c = len == 4 ? fdt_be32(v) : 0;

		if (c != 1 && c != 2)
			return HYP_FDT_ECELLS;
		if (is_ac)
			w->acells = c;
		else
			w->scells = c;
	} else if (depth == 3 && w->in_resmem) {
		if (fdt_eq(name, name_len, "reg")) {
			w->reg = v;
			w->reg_len = len;
		} else if (fdt_eq(name, name_len, "no-map")) {
			w->no_map = 1;
		} else if (fdt_eq(name, name_len, "compatible") &&
			   fdt_list_has(v, len, POOL_COMPAT)) {
			w->compat_pool = 1;
		}
	}
	return HYP_FDT_OK;
}

/* The end of a child of /reserved-memory: the pool, if it is. */
static int fdt_pool_node_end(struct fdt_walk *w)
{
	__u32 entry = 4 * (w->acells + w->scells);

	if (!w->named_pool && !w->compat_pool)
		return HYP_FDT_OK;
	if (w->found)
		return HYP_FDT_EDUP;
	if (!w->no_map)
		return HYP_FDT_ENOMAP;
	if (!w->reg || w->reg_len != entry)
		return HYP_FDT_EREG;
	w->base = fdt_cells(w->reg, w->acells);
	w->size = fdt_cells(w->reg + 4 * w->acells, w->scells);
	if (!w->size || w->base + w->size < w->base)
		return HYP_FDT_EREG;
	w->found = 1;
	return HYP_FDT_OK;
}

static int fdt_walk(struct fdt_walk *w)
{
	/* Bit d: the node at depth d has had a subnode, so no property
	 * of it may follow (the specification's order). */
	__u64 subnode_seen = 0;
	__u32 pos = 0, depth = 0, tok, len, nameoff, n;
	int err;

	for (;;) {
		if (pos > w->st_size || w->st_size - pos < 4)
			return HYP_FDT_ESTRUCT;	/* no FDT_END */
		tok = fdt_be32(w->st + pos);
		pos += 4;
		switch (tok) {
		case FDT_BEGIN_NODE:
			n = fdt_strnlen(w->st + pos, w->st_size - pos);
			if (n == w->st_size - pos)
				return HYP_FDT_ESTRUCT;
			if (depth == FDT_MAX_DEPTH)
				return HYP_FDT_ENEST;
			subnode_seen |= 1ull << depth;
			depth++;
			subnode_seen &= ~(1ull << depth);
			if (depth == 2 &&
			    fdt_eq(w->st + pos, n, "reserved-memory")) {
				w->in_resmem = 1;
				/* The specification's defaults. */
				w->acells = 2;
				w->scells = 1;
			} else if (depth == 3 && w->in_resmem) {
				w->named_pool = fdt_name_is(w->st + pos, n,
							    POOL_NAME);
				w->compat_pool = 0;
				w->no_map = 0;
				w->reg = 0;
				w->reg_len = 0;
			}
			pos = fdt_align4(pos + n + 1);
			break;
		case FDT_END_NODE:
			if (!depth)
				return HYP_FDT_ENEST;
			if (depth == 3 && w->in_resmem) {
				err = fdt_pool_node_end(w);
				if (err)
					return err;
			}
			if (depth == 2)
				w->in_resmem = 0;
			depth--;
			break;
		case FDT_PROP:
			if (w->st_size - pos < 8)
				return HYP_FDT_ESTRUCT;
			len = fdt_be32(w->st + pos);
			nameoff = fdt_be32(w->st + pos + 4);
			pos += 8;
			if (len > w->st_size - pos || nameoff >= w->str_size)
				return HYP_FDT_ESTRUCT;
			n = fdt_strnlen(w->str + nameoff,
					w->str_size - nameoff);
			if (n == w->str_size - nameoff)
				return HYP_FDT_ESTRUCT;
			if (!depth || subnode_seen >> depth & 1)
				return HYP_FDT_ENEST;
			err = fdt_prop(w, depth, w->str + nameoff, n,
				       w->st + pos, len);
			if (err)
				return err;
			pos = fdt_align4(pos + len);
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			return depth ? HYP_FDT_ENEST : HYP_FDT_OK;
		default:
			return HYP_FDT_ESTRUCT;
		}
	}
}

int hyp_fdt_guest_pool(const void *fdt, __u64 room, __u64 *base,
		       __u64 *size)
{
	struct fdt_walk w;
	int err;

	/* Field by field: no compiler-made memset in a freestanding image. */
	w.in_resmem = 0;
	w.acells = 2;
	w.scells = 1;
	w.named_pool = 0;
	w.compat_pool = 0;
	w.no_map = 0;
	w.reg = 0;
	w.reg_len = 0;
	w.found = 0;
	w.base = 0;
	w.size = 0;
	err = fdt_header(fdt, room, &w);
	if (err)
		return err;
	err = fdt_walk(&w);
	if (err)
		return err;
	if (!w.found)
		return HYP_FDT_ABSENT;
	*base = w.base;
	*size = w.size;
	return HYP_FDT_OK;
}

const char *hyp_fdt_strerror(int err)
{
	switch (err) {
	case HYP_FDT_OK:
		return "ok";
	case HYP_FDT_ABSENT:
		return "no DTB, or no guest pool node in it";
	case HYP_FDT_EHEADER:
		return "a bad header (size, block offsets or version)";
	case HYP_FDT_ESTRUCT:
		return "a token, name or property past its block, or an unknown token";
	case HYP_FDT_ENEST:
		return "unbalanced or too deep nodes, or a property after a subnode";
	case HYP_FDT_ECELLS:
		return "#address-cells or #size-cells of /reserved-memory is not 1 or 2";
	case HYP_FDT_EREG:
		return "the guest pool's reg is not one non-empty (address, size) pair";
	case HYP_FDT_ENOMAP:
		return "the guest pool node has no no-map";
	case HYP_FDT_EDUP:
		return "two guest pool nodes";
	}
	return "?";
}
