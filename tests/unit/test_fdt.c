// SPDX-License-Identifier: MIT
/*
 * Description: the guest pool read from the root zone's DTB
 * (hyp/core/fdt.c, hyp/fdt.h).  DTBs made by dtc from the sources here
 * (the shape tests/e2e/mkroot.sh gives the root zone's, and variants),
 * and blobs broken on purpose: truncated, with offsets or tokens out of
 * their blocks, properties after subnodes, every byte changed in turn.
 * Each blob lies against an inaccessible page, so a read past the room
 * it is given faults.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <hyp/fdt.h>

TestSuite(fdt, .timeout = 60);

#define FDT_ROOM_MAX	(64u * 1024)

/* A blob of @len bytes ending right before a PROT_NONE page. */
struct fdt_buf {
	unsigned char *map;
	size_t map_len;
	unsigned char *blob;
	size_t len;
};

static void fdt_buf_put(struct fdt_buf *b, const void *data, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t pages = (len + (size_t)page - 1) / (size_t)page + 1;

	b->map_len = (pages + 1) * (size_t)page;
	b->map = mmap(NULL, b->map_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(b->map != MAP_FAILED);
	cr_assert_eq(mprotect(b->map + pages * (size_t)page, (size_t)page,
			      PROT_NONE), 0);
	b->blob = b->map + pages * (size_t)page - len;
	b->len = len;
	memcpy(b->blob, data, len);
}

static void fdt_buf_free(struct fdt_buf *b)
{
	munmap(b->map, b->map_len);
}

/* dtc's blob of @dts, into @out (FDT_ROOM_MAX bytes); its length. */
static size_t fdt_dtc(const char *dts, unsigned char *out)
{
	char src[] = "/tmp/hvb-fdt-XXXXXX";
	char cmd[256];
	FILE *f;
	size_t n;
	int fd = mkstemp(src);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, dts, strlen(dts)), (ssize_t)strlen(dts));
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb %s", src);
	f = popen(cmd, "r");
	cr_assert(f, "dtc");
	n = fread(out, 1, FDT_ROOM_MAX, f);
	cr_assert_eq(pclose(f), 0, "dtc refused:\n%s", dts);
	unlink(src);
	cr_assert_gt(n, 40u);
	return n;
}

static int fdt_pool(const void *blob, size_t room, __u64 *base, __u64 *size)
{
	struct fdt_buf b;
	int err;

	fdt_buf_put(&b, blob, room);
	err = hyp_fdt_guest_pool(b.blob, b.len, base, size);
	fdt_buf_free(&b);
	return err;
}

/* The result for @dts; *@base and *@size on HYP_FDT_OK. */
static int fdt_pool_of(const char *dts, __u64 *base, __u64 *size)
{
	static unsigned char blob[FDT_ROOM_MAX];

	return fdt_pool(blob, fdt_dtc(dts, blob), base, size);
}

#define DTS_HEAD "/dts-v1/;\n/ {\n#address-cells = <2>;\n#size-cells = <2>;\n" \
	"memory@40000000 { device_type = \"memory\";" \
	" reg = <0 0x40000000 0 0x10000000>; };\n"
#define DTS_TAIL "chosen { bootargs = \"console=ttyAMA0\"; };\n};\n"

/* As tests/e2e/mkroot.sh makes the root zone's. */
static const char dts_root[] = DTS_HEAD
	"reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;\n"
	"  guest-pool@50000000 { compatible = \"hvbridge,guest-pool\";"
	"    reg = <0 0x50000000 0 0x10000000>; no-map; };\n"
	"};\n"
	"hvbridge@bfff0000 { compatible = \"hvbridge,channel\";"
	"  reg = <0 0xbfff0000 0 0x10000 0 0x50000000 0 0x200000>; };\n"
	DTS_TAIL;

Test(fdt, the_pool_of_a_root_zone_dtb_is_read)
{
	__u64 base = 0, size = 0;

	cr_expect_eq(fdt_pool_of(dts_root, &base, &size), HYP_FDT_OK);
	cr_expect_eq(base, 0x50000000ull);
	cr_expect_eq(size, 0x10000000ull);
}

Test(fdt, the_node_is_found_by_name_or_by_compatible_with_any_cells)
{
	__u64 base = 0, size = 0;

	/* By name only (mkroot.sh before it set compatible), 1 + 1 cells. */
	cr_expect_eq(fdt_pool_of(DTS_HEAD
		"reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges;\n"
		"  other@48000000 { reg = <0x48000000 0x1000>; no-map; };\n"
		"  guest-pool { reg = <0x58000000 0x4000000>; no-map; };\n"
		"};\n" DTS_TAIL, &base, &size), HYP_FDT_OK);
	cr_expect_eq(base, 0x58000000ull);
	cr_expect_eq(size, 0x4000000ull);
	/* By compatible, another name; the specification's default cells
	 * (2 + 1) when /reserved-memory gives none. */
	cr_expect_eq(fdt_pool_of(DTS_HEAD
		"reserved-memory { ranges;\n"
		"  pool@60000000 { compatible = \"x,y\", \"hvbridge,guest-pool\";"
		"    reg = <0 0x60000000 0x8000000>; no-map; };\n"
		"};\n" DTS_TAIL, &base, &size), HYP_FDT_OK);
	cr_expect_eq(base, 0x60000000ull);
	cr_expect_eq(size, 0x8000000ull);
	/* 64-bit numbers. */
	cr_expect_eq(fdt_pool_of(DTS_HEAD
		"reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;\n"
		"  guest-pool@880000000 { reg = <0x8 0x80000000 0x1 0x0>; no-map; };\n"
		"};\n" DTS_TAIL, &base, &size), HYP_FDT_OK);
	cr_expect_eq(base, 0x880000000ull);
	cr_expect_eq(size, 0x100000000ull);
}

Test(fdt, no_pool_node_is_absent_not_an_error)
{
	__u64 base = 0, size = 0;

	cr_expect_eq(fdt_pool_of(DTS_HEAD DTS_TAIL, &base, &size),
		     HYP_FDT_ABSENT, "no /reserved-memory");
	cr_expect_eq(fdt_pool_of(DTS_HEAD
		"reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;\n"
		"  linux,cma { reg = <0 0x48000000 0 0x100000>; reusable; };\n"
		"};\n" DTS_TAIL, &base, &size), HYP_FDT_ABSENT);
	/* A guest-pool node elsewhere, or deeper, is not the pool. */
	cr_expect_eq(fdt_pool_of(DTS_HEAD
		"guest-pool@50000000 { reg = <0 0x50000000 0 0x1000>; no-map; };\n"
		"reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;\n"
		"  a { guest-pool { reg = <0 0x50000000 0 0x1000>; no-map; }; };\n"
		"};\n" DTS_TAIL, &base, &size), HYP_FDT_ABSENT);
	cr_expect_eq(fdt_pool_of(DTS_HEAD
		"reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;\n"
		"  guest-poolx { reg = <0 0x50000000 0 0x1000>; no-map; };\n"
		"};\n" DTS_TAIL, &base, &size), HYP_FDT_ABSENT);
	/* Not a DTB at all, or too little room for the magic. */
	cr_expect_eq(fdt_pool("\0\0\0\0 not a dtb", 16, &base, &size),
		     HYP_FDT_ABSENT);
	cr_expect_eq(fdt_pool("\xd0\x0d\xfe", 3, &base, &size),
		     HYP_FDT_ABSENT);
	cr_expect_eq(base, 0u, "an output written without a pool");
}

Test(fdt, a_pool_node_that_is_wrong_is_refused)
{
	__u64 base, size;

	cr_expect_eq(fdt_pool_of(DTS_HEAD
		"reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;\n"
		"  guest-pool@50000000 { reg = <0 0x50000000 0 0x10000000>; };\n"
		"};\n" DTS_TAIL, &base, &size), HYP_FDT_ENOMAP,
		"without no-map the root zone's Linux may use it");
	cr_expect_eq(fdt_pool_of(DTS_HEAD
		"reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;\n"
		"  guest-pool@50000000 { reg = <0 0x50000000 0 0x1000 0 0x60000000 0 0x1000>; no-map; };\n"
		"};\n" DTS_TAIL, &base, &size), HYP_FDT_EREG, "two ranges");
	cr_expect_eq(fdt_pool_of(DTS_HEAD
		"reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;\n"
		"  guest-pool@50000000 { reg = <0 0x50000000 0 0>; no-map; };\n"
		"};\n" DTS_TAIL, &base, &size), HYP_FDT_EREG, "empty");
	cr_expect_eq(fdt_pool_of(DTS_HEAD
		"reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;\n"
		"  guest-pool { reg = <0xffffffff 0xfffff000 0 0x2000>; no-map; };\n"
		"};\n" DTS_TAIL, &base, &size), HYP_FDT_EREG, "wraps");
	cr_expect_eq(fdt_pool_of(DTS_HEAD
		"reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;\n"
		"  guest-pool { no-map; };\n"
		"};\n" DTS_TAIL, &base, &size), HYP_FDT_EREG, "no reg");
	cr_expect_eq(fdt_pool_of(DTS_HEAD
		"reserved-memory { #address-cells = <2>; #size-cells = <1>; ranges;\n"
		"  guest-pool { reg = <0 0x50000000 0 0x1000>; no-map; };\n"
		"};\n" DTS_TAIL, &base, &size), HYP_FDT_EREG,
		"a reg of the root's cells, not /reserved-memory's");
	cr_expect_eq(fdt_pool_of(DTS_HEAD
		"reserved-memory { #address-cells = <3>; #size-cells = <2>; ranges;\n"
		"  guest-pool { reg = <0 0 0x50000000 0 0x1000>; no-map; };\n"
		"};\n" DTS_TAIL, &base, &size), HYP_FDT_ECELLS);
	cr_expect_eq(fdt_pool_of(DTS_HEAD
		"reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;\n"
		"  guest-pool@50000000 { reg = <0 0x50000000 0 0x1000>; no-map; };\n"
		"  pool@60000000 { compatible = \"hvbridge,guest-pool\";"
		"    reg = <0 0x60000000 0 0x1000>; no-map; };\n"
		"};\n" DTS_TAIL, &base, &size), HYP_FDT_EDUP);
}

/* ---- broken blobs ---- */

static void be32_at(unsigned char *b, size_t off, __u32 v)
{
	b[off] = (unsigned char)(v >> 24);
	b[off + 1] = (unsigned char)(v >> 16);
	b[off + 2] = (unsigned char)(v >> 8);
	b[off + 3] = (unsigned char)v;
}

static __u32 be32_of(const unsigned char *b, size_t off)
{
	return (__u32)b[off] << 24 | (__u32)b[off + 1] << 16 |
	       (__u32)b[off + 2] << 8 | b[off + 3];
}

Test(fdt, a_broken_header_is_refused)
{
	static unsigned char blob[FDT_ROOM_MAX], bad[FDT_ROOM_MAX];
	size_t n = fdt_dtc(dts_root, blob), cut;
	__u64 base, size;
	struct { size_t off; __u32 v; const char *what; } cases[] = {
		{ 4, (__u32)n + 1, "totalsize past the room" },
		{ 4, 39, "totalsize smaller than a header" },
		{ 8, (__u32)n, "structure block at the end" },
		{ 8, 0xfffffffcu, "structure block offset wraps" },
		{ 8, be32_of(blob, 8) + 2, "structure block misaligned" },
		{ 12, (__u32)n, "strings block past the end" },
		{ 32, 0xffffffffu, "strings block size wraps" },
		{ 36, 0xfffffff0u, "structure block size wraps" },
		{ 20, 16, "version 16 (no size_dt_struct)" },
		{ 24, 18, "last compatible version 18" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(bad, blob, n);
		be32_at(bad, cases[i].off, cases[i].v);
		cr_expect_eq(fdt_pool(bad, n, &base, &size), HYP_FDT_EHEADER,
			     "%s", cases[i].what);
	}
	/* Less room than the blob: every cut is refused, none read past. */
	for (cut = 4; cut < n; cut++)
		cr_assert_eq(fdt_pool(blob, cut, &base, &size),
			     HYP_FDT_EHEADER, "cut at %zu", cut);
}

/*
 * A blob built token by token (what dtc never writes): a header, a
 * structure block of @words, a strings block of five names (below).
 */
static size_t fdt_build(unsigned char *b, const __u32 *words, size_t nw)
{
	static const char strings[] = "x\0reg\0no-map\0#size-cells\0compatible";
	size_t st = 40, len = 4 * nw, str = st + len;
	size_t i, total = str + sizeof(strings);

	memset(b, 0, total);
	be32_at(b, 0, HYP_FDT_MAGIC);
	be32_at(b, 4, (__u32)total);
	be32_at(b, 8, (__u32)st);
	be32_at(b, 12, (__u32)str);
	be32_at(b, 16, 40);		/* off_mem_rsvmap: unused here */
	be32_at(b, 20, 17);
	be32_at(b, 24, 16);
	be32_at(b, 32, sizeof(strings));
	be32_at(b, 36, (__u32)len);
	for (i = 0; i < nw; i++)
		be32_at(b, st + 4 * i, words[i]);
	memcpy(b + str, strings, sizeof(strings));
	return total;
}

#define B 1u		/* FDT_BEGIN_NODE, then a name: "" is 0 */
#define E 2u		/* FDT_END_NODE */
#define P 3u		/* FDT_PROP len nameoff value... */
#define NOP 4u
#define END 9u
#define NAME_A 0x61000000u	/* "a" */

Test(fdt, a_broken_structure_block_is_refused)
{
	static unsigned char b[4096];
	__u64 base, size;
	static const __u32 good[] = { B, 0, NOP, P, 4, 0, 7, B, NAME_A, E, E, END };
	static const __u32 unknown[] = { B, 0, 5, E, END };
	static const __u32 no_end[] = { B, 0, E };
	static const __u32 open[] = { B, 0, END };
	static const __u32 extra_end[] = { B, 0, E, E, END };
	static const __u32 prop_after[] = { B, 0, B, NAME_A, E, P, 0, 0, E, END };
	static const __u32 prop_outside[] = { P, 0, 0, B, 0, E, END };
	static const __u32 prop_long[] = { B, 0, P, 64, 0, E, END };
	static const __u32 name_off[] = { B, 0, P, 0, 100, E, END };
	static const __u32 name_last[] = { B, 0, P, 0, 25, E, END };
	static const __u32 node_unended[] = { B, 0x61616161u };
	static const __u32 cells_short[] = { B, 0, B, 0x72657365u, 0x72766564u,
		0x2d6d656du, 0x6f727900u, P, 2, 13, 0, E, E, END };
	/* A compatible of the pool's node longer than the block: its
	 * strings must not be searched past the blob. */
	static const __u32 prop_past[] = { B, 0, B, 0x72657365u, 0x72766564u,
		0x2d6d656du, 0x6f727900u, B, 0x67000000u, P, 40000, 25, E, E,
		E, END };
	struct { const __u32 *w; size_t n; int want; const char *what; } c[] = {
#define CASE(a, want) { a, sizeof(a) / sizeof(a[0]), want, #a }
		CASE(good, HYP_FDT_ABSENT),
		CASE(unknown, HYP_FDT_ESTRUCT),
		CASE(no_end, HYP_FDT_ESTRUCT),
		CASE(open, HYP_FDT_ENEST),
		CASE(extra_end, HYP_FDT_ENEST),
		CASE(prop_after, HYP_FDT_ENEST),
		CASE(prop_outside, HYP_FDT_ENEST),
		CASE(prop_long, HYP_FDT_ESTRUCT),
		CASE(name_off, HYP_FDT_ESTRUCT),
		CASE(node_unended, HYP_FDT_ESTRUCT),
		/* /reserved-memory's #size-cells two bytes long */
		CASE(cells_short, HYP_FDT_ECELLS),
		CASE(prop_past, HYP_FDT_ESTRUCT),
	};
	unsigned int i;
	__u32 deep[2 * 40 + 1];
	size_t n;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		cr_expect_eq(fdt_pool(b, fdt_build(b, c[i].w, c[i].n), &base,
				      &size), c[i].want, "%s", c[i].what);
	/* Nodes 40 deep: refused, not a stack or counter overrun. */
	for (i = 0; i < 40; i++) {
		deep[2 * i] = B;
		deep[2 * i + 1] = 0;
	}
	deep[80] = END;
	cr_expect_eq(fdt_pool(b, fdt_build(b, deep, 81), &base, &size),
		     HYP_FDT_ENEST);
	/* A property name that runs to the end of the strings block: the
	 * last one, its NUL cut off by a size_dt_strings one short. */
	n = fdt_build(b, name_last, sizeof(name_last) / sizeof(name_last[0]));
	cr_expect_eq(fdt_pool(b, n, &base, &size), HYP_FDT_ABSENT);
	be32_at(b, 32, be32_of(b, 32) - 1);
	cr_expect_eq(fdt_pool(b, n, &base, &size), HYP_FDT_ESTRUCT);
}

/* Every byte of the root zone's blob set to a few values in turn: a
 * result of the list each time, and never a read past the blob. */
Test(fdt, any_byte_changed_gives_an_answer_and_no_overread)
{
	static unsigned char blob[FDT_ROOM_MAX], bad[FDT_ROOM_MAX];
	static const unsigned char vals[] = { 0, 1, 2, 3, 4, 9, 0x7f, 0xff };
	size_t n = fdt_dtc(dts_root, blob), i;
	struct fdt_buf b;
	__u64 base, size;
	unsigned int v, ok = 0;
	int err;

	fdt_buf_put(&b, blob, n);
	for (i = 0; i < n; i++)
		for (v = 0; v < sizeof(vals); v++) {
			memcpy(bad, blob, n);
			bad[i] ^= vals[v];
			memcpy(b.blob, bad, n);
			err = hyp_fdt_guest_pool(b.blob, b.len, &base, &size);
			cr_assert(err >= HYP_FDT_EDUP && err <= HYP_FDT_ABSENT,
				  "byte %zu ^ 0x%x: %d", i, vals[v], err);
			ok += err == HYP_FDT_OK;
			cr_assert_str_neq(hyp_fdt_strerror(err), "?");
		}
	fdt_buf_free(&b);
	cr_expect_gt(ok, 0u, "even the unchanged blob (^ 0) was refused");
}
