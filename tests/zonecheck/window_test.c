// SPDX-License-Identifier: MIT
/*
 * Description: the hypervisor's own checks of a zone on the host: which
 * emulated window an access hits (hyp_zone_find_mmio(), the window
 * bounds every trapped access goes through), the access sizes
 * hyp_mmio_dispatch() serves, and the stage-2 ownership rules of
 * hyp_zone_create() (hyp/core/zone.c: no hypervisor memory, no other
 * zone's RAM unless both share it, the channel region only in the root
 * zone and whole, no window hidden by a mapped region or by another
 * window).  The arch hooks are stubs that record what reached them.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include <hyp/channel.h>
#include <hyp/kickslot.h>
#include <hyp/printk.h>
#include <hyp/zone.h>

/* The stubs: a hypervisor image at HYP_BASE, the channel region at
 * CHAN_BASE, CPUs 0-3. */
#define HYP_BASE	0xbfc00000ull
#define HYP_SIZE	0x200000ull
#define CHAN_BASE	0xbfff0000ull
#define CHAN_SIZE	0x10000ull

static unsigned int maps;	/* hyp_arch_zone_map() calls */
static unsigned int syncs;	/* accesses forwarded to the daemon */
static hyp_status_t sync_status = HVB_STATUS_OK;	/* their answer */
static unsigned int kick_full_said;	/* "no kick slot left" lines */
static unsigned int kick_published;	/* hyp_arch_kick_table_changed() */

void hyp_printk(const char *fmt, ...)
{
	if (strstr(fmt, "no kick slot left"))
		kick_full_said++;
}

__u64 hyp_arch_cpu_mask(void)
{
	return 0xf;
}

int hyp_arch_is_hyp_memory(__u64 phys, __u64 size)
{
	return (phys < HYP_BASE + HYP_SIZE && HYP_BASE < phys + size) ||
	       (phys < CHAN_BASE + CHAN_SIZE && CHAN_BASE < phys + size);
}

int hyp_arch_is_channel_region(__u64 phys, __u64 size)
{
	return phys == CHAN_BASE && size == CHAN_SIZE;
}

int hyp_arch_zone_init(struct hyp_zone *z)
{
	(void)z;
	return 0;
}

int hyp_arch_zone_map(struct hyp_zone *z, const struct hyp_mem_region *r)
{
	(void)z;
	(void)r;
	maps++;
	return 0;
}

hyp_status_t hyp_channel_sync(struct hyp_producer *p, __u32 zone_id,
			      __u64 addr, __u32 size, __u32 flags,
			      __u64 *value)
{
	(void)p;
	(void)zone_id;
	(void)addr;
	(void)size;
	(void)flags;
	*value = 0;
	syncs++;
	return sync_status;
}

void hyp_arch_kick_table_changed(void)
{
	/* Always under the table's lock (hyp/kickslot.h). */
	cr_assert_neq(hyp_kick_table.lock.next, hyp_kick_table.lock.owner,
		      "the kick table published without its lock");
	kick_published++;
}

int hyp_channel_kick(struct hyp_producer *p, __u32 dev, __u32 queue)
{
	(void)p;
	(void)dev;
	(void)queue;
	return -1;
}

/* An in-hypervisor device that records the offset it was given. */
static __u64 last_offset;
static unsigned int handled;

static enum hyp_mmio_result dev_access(void *priv, __u64 offset, __u32 size,
				       int is_write, __u64 *value)
{
	(void)priv;
	(void)size;
	(void)is_write;
	*value = 0;
	last_offset = offset;
	handled++;
	return HYP_MMIO_OK;
}

/* Zone A: 2 MiB of RAM at IPA 0x40000000 (phys 0x50000000), a device
 * window of 0x100 bytes at 0x0a000000 and a channel window of 0x200 at
 * 0x0a001000, on CPU 2. */
static const struct hyp_mem_region a_mem[] = {
	{ .phys_start = 0x50000000, .ipa_start = 0x40000000,
	  .size = 0x200000, .flags = HYP_MEM_READ | HYP_MEM_WRITE },
};
static const struct hyp_mmio_window a_mmio[] = {
	{ .base = 0x0a000000, .size = 0x100, .name = "dev",
	  .handler = dev_access },
	{ .base = 0x0a001000, .size = 0x200, .name = "chan" },
};
static const struct hyp_zone_config zone_a = {
	.name = "a", .id = 1, .cpus = 1u << 2,
	.nr_mem = 1, .mem = a_mem, .nr_mmio = 2, .mmio = a_mmio,
};

static struct hyp_zone *za;

static void setup(void)
{
	za = hyp_zone_create(&zone_a);
	cr_assert(za, "the good zone must be created");
}

static void teardown(void)
{
	hyp_zone_destroy(za);
}

TestSuite(window, .init = setup, .fini = teardown);

/* A producer attached to nothing: only its presence matters to the
 * dispatch (with no kick acks, hyp_kick_post() posts nothing). */
static struct hyp_producer prod_none;
static struct hyp_producer *prod = &prod_none;

static enum hyp_mmio_result access(__u64 ipa, __u32 size)
{
	__u64 v = 0;

	return hyp_mmio_dispatch(za, prod, ipa, size, 0, &v);
}

Test(window, an_access_is_served_only_if_it_lies_wholly_inside_a_window)
{
	/* Inside, up to its last byte. */
	cr_expect_eq(access(0x0a000000, 4), HYP_MMIO_OK);
	cr_expect_eq(last_offset, 0);
	cr_expect_eq(access(0x0a0000fc, 4), HYP_MMIO_OK);
	cr_expect_eq(last_offset, 0xfc);
	cr_expect_eq(access(0x0a0000ff, 1), HYP_MMIO_OK);
	cr_expect_eq(handled, 3);
	/* Below, past the end, straddling either edge, wrapping. */
	cr_expect_eq(access(0x09ffffff, 1), HYP_MMIO_NO_DEVICE,
		     "the byte before a window is not in it");
	cr_expect_eq(access(0x09fffffe, 4), HYP_MMIO_NO_DEVICE,
		     "an access straddling a window's start is not in it");
	cr_expect_eq(access(0x0a000100, 1), HYP_MMIO_NO_DEVICE,
		     "the byte after a window is not in it");
	cr_expect_eq(access(0x0a0000fd, 4), HYP_MMIO_NO_DEVICE,
		     "an access straddling a window's end is not in it");
	cr_expect_eq(access(0x0a0000f8, 8), HYP_MMIO_OK);
	cr_expect_eq(access(0x0a0000fc, 8), HYP_MMIO_NO_DEVICE,
		     "an 8-byte access past a window's end is not in it");
	cr_expect_eq(access(UINT64_MAX - 1, 4), HYP_MMIO_NO_DEVICE,
		     "an access that wraps the address space is in no window");
	cr_expect_eq(handled, 4, "the device saw an access outside its window");
}

Test(window, a_channel_window_forwards_only_the_accesses_inside_it)
{
	cr_expect_eq(access(0x0a0011fc, 4), HYP_MMIO_OK);
	cr_expect_eq(access(0x0a0011fe, 4), HYP_MMIO_NO_DEVICE,
		     "an access straddling a channel window's end is not in it");
	cr_expect_eq(access(0x0a001200, 4), HYP_MMIO_NO_DEVICE);
	cr_expect_eq(syncs, 1, "a request left for the daemon outside the window");
}

Test(window, only_1_2_4_and_8_byte_accesses_are_served)
{
	cr_expect_eq(access(0x0a000000, 3), HYP_MMIO_ERROR);
	cr_expect_eq(access(0x0a000000, 16), HYP_MMIO_ERROR);
	cr_expect_eq(access(0x0a000000, 0), HYP_MMIO_ERROR);
	cr_expect_eq(handled, 0, "the device saw an access size it cannot have");
	cr_expect_eq(access(0x0a000000, 2), HYP_MMIO_OK);
}

/* The ownership rules: a zone B on CPU 3, refused for one reason each. */
static struct hyp_mem_region b_mem[2];
static struct hyp_mmio_window b_mmio[2];
static struct hyp_zone_config zone_b;

static void zone_b_good(void)
{
	b_mem[0] = (struct hyp_mem_region){ .phys_start = 0x50800000,
		.ipa_start = 0x40000000, .size = 0x200000,
		.flags = HYP_MEM_READ | HYP_MEM_WRITE };
	b_mmio[0] = (struct hyp_mmio_window){ .base = 0x0a000000,
		.size = 0x200, .name = "b0" };
	b_mmio[1] = (struct hyp_mmio_window){ .base = 0x0a001000,
		.size = 0x200, .name = "b1" };
	zone_b = (struct hyp_zone_config){ .name = "b", .id = 2,
		.cpus = 1u << 3, .nr_mem = 1, .mem = b_mem,
		.nr_mmio = 2, .mmio = b_mmio };
}

/* Create zone B; NULL if refused (a created one is removed again). */
static struct hyp_zone *zone_b_created(void)
{
	struct hyp_zone *z = hyp_zone_create(&zone_b);

	if (z)
		hyp_zone_destroy(z);
	return z;
}

Test(window, a_good_second_zone_is_created)
{
	zone_b_good();
	cr_expect(zone_b_created());
}

Test(window, a_zone_maps_no_hypervisor_memory)
{
	zone_b_good();
	b_mem[0].phys_start = HYP_BASE;
	cr_expect_null(zone_b_created(), "a zone was given the hypervisor's image");
	zone_b_good();
	b_mem[0].phys_start = CHAN_BASE - 0x1000;
	b_mem[0].size = 0x2000;
	cr_expect_null(zone_b_created(), "a zone was given part of the channel region");
}

Test(window, a_zone_maps_no_ram_of_another_zone_unless_both_share_it)
{
	zone_b_good();
	b_mem[0].phys_start = 0x50100000;
	cr_expect_null(zone_b_created(), "a zone was given zone a's RAM");
	/* Shared on one side only is still a clash. */
	b_mem[0].flags |= HYP_MEM_SHARED;
	cr_expect_null(zone_b_created(), "one-sided sharing let zone a's RAM in");
}

Test(window, only_the_root_zone_maps_the_channel_region_and_all_of_it)
{
	zone_b_good();
	b_mem[1] = (struct hyp_mem_region){ .phys_start = CHAN_BASE,
		.ipa_start = 0x60000000, .size = CHAN_SIZE,
		.flags = HYP_MEM_READ | HYP_MEM_WRITE | HYP_MEM_CHANNEL };
	zone_b.nr_mem = 2;
	cr_expect_null(zone_b_created(), "a guest zone mapped the channel region");
	zone_b.flags = HYP_ZONE_ROOT;
	cr_expect(zone_b_created(), "the root zone may map the channel region");
	b_mem[1].size = CHAN_SIZE / 2;
	cr_expect_null(zone_b_created(), "the root zone mapped part of the channel region");
}

Test(window, no_window_is_hidden_by_a_region_or_another_window)
{
	zone_b_good();
	b_mmio[0].base = 0x40100000;
	cr_expect_null(zone_b_created(), "a window inside the zone's RAM would never trap");
	zone_b_good();
	b_mmio[1].base = 0x0a000100;
	cr_expect_null(zone_b_created(), "two windows overlap");
	zone_b_good();
	b_mmio[1].base = UINT64_MAX - 0xff;
	cr_expect_null(zone_b_created(), "a window wraps the address space");
}

/*
 * Kick slots given lazily: zone C's 64 KiB virtio region (as a zone
 * JSON's, tests/zones/zone1.json) takes no slot when it is created; a
 * block takes one when the daemon answers its first QueueNotify (a
 * 4-byte write at 0x50 of the block) with OK, and only then.
 */
static const struct hyp_mem_region c_mem[] = {
	{ .phys_start = 0x51000000, .ipa_start = 0x40000000,
	  .size = 0x200000, .flags = HYP_MEM_READ | HYP_MEM_WRITE },
};
static const struct hyp_mmio_window c_mmio[] = {
	{ .base = 0x0a000000, .size = 0x10000, .name = "virtio",
	  .flags = HYP_MMIO_NOTIFY, .notify_off = 0x50,
	  .notify_stride = 0x200 },
};
static const struct hyp_zone_config zone_c = {
	.name = "c", .id = 3, .cpus = 1u << 1,
	.nr_mem = 1, .mem = c_mem, .nr_mmio = 1, .mmio = c_mmio,
};

static __u32 kick_slots_used(void)
{
	__u32 i, n = 0;

	for (i = 0; i < HVB_KICK_DEVS; i++)
		n += hyp_kick_table.slot[i].used;
	return n;
}

static enum hyp_mmio_result notify(struct hyp_zone *z, __u64 ipa,
				   __u32 size, int is_write)
{
	__u64 v = 1;

	return hyp_mmio_dispatch(z, prod, ipa, size, is_write, &v);
}

Test(window, a_virtio_block_takes_a_kick_slot_at_its_first_answered_notify)
{
	struct hyp_zone *zc = hyp_zone_create(&zone_c);
	__u32 base_used = kick_slots_used(), pub;

	cr_assert(zc);
	cr_expect_eq(base_used, 0u, "zone a has no posted window: %u",
		     base_used);
	cr_expect_eq(hyp_kick_slot_find(&hyp_kick_table, 3, 0x0a000000), -1,
		     "a block took a slot at creation");
	pub = kick_published;
	/* Not a QueueNotify: a read, another register, another size. */
	cr_expect_eq(notify(zc, 0x0a000050, 4, 0), HYP_MMIO_OK);
	cr_expect_eq(notify(zc, 0x0a000054, 4, 1), HYP_MMIO_OK);
	cr_expect_eq(notify(zc, 0x0a000050, 2, 1), HYP_MMIO_OK);
	/* A QueueNotify nothing answers: the block has no device. */
	sync_status = HVB_STATUS_NO_DEVICE;
	cr_expect_eq(notify(zc, 0x0a000250, 4, 1), HYP_MMIO_NO_DEVICE);
	sync_status = HVB_STATUS_OK;
	cr_expect_eq(kick_slots_used(), 0u);
	cr_expect_eq(kick_published, pub);
	/* Block 3's first QueueNotify, answered: it is synchronous, and
	 * the block has a slot, published, from then on. */
	cr_expect_eq(notify(zc, 0x0a000650, 4, 1), HYP_MMIO_OK);
	cr_expect_eq(syncs, 5u, "the first QueueNotify went synchronous");
	cr_expect_geq(hyp_kick_slot_find(&hyp_kick_table, 3, 0x0a000600), 0);
	cr_expect_eq(hyp_kick_table.slot[hyp_kick_slot_find(&hyp_kick_table,
				3, 0x0a000600)].size, 0x200u);
	cr_expect_eq(kick_published, pub + 1);
	cr_expect_eq(notify(zc, 0x0a000650, 4, 1), HYP_MMIO_OK);
	cr_expect_eq(kick_slots_used(), 1u, "one block, one slot");
	cr_expect_eq(kick_published, pub + 1, "published twice");
	hyp_zone_destroy(zc);
	cr_expect_eq(kick_slots_used(), 0u, "zone removal frees its slots");
	cr_expect_eq(kick_published, pub + 2);
}

/* More answered blocks than slots: the rest stay synchronous, and the
 * console says so once for the zone, however often the guest writes. */
Test(window, a_zone_finding_no_kick_slot_left_is_told_once)
{
	struct hyp_zone *zc = hyp_zone_create(&zone_c);
	__u32 i;

	cr_assert(zc);
	for (i = 0; i < HVB_KICK_DEVS + 10; i++)
		cr_expect_eq(notify(zc, 0x0a000050 + 0x200 * i, 4, 1),
			     HYP_MMIO_OK);
	cr_expect_eq(kick_slots_used(), HVB_KICK_DEVS);
	cr_expect_eq(hyp_kick_slot_find(&hyp_kick_table, 3,
					0x0a000000 + 0x200 * HVB_KICK_DEVS),
		     -1);
	cr_expect_eq(kick_full_said, 1u, "said %u times", kick_full_said);
	for (i = 0; i < 5; i++)
		notify(zc, 0x0a000050 + 0x200 * (HVB_KICK_DEVS + i), 4, 1);
	cr_expect_eq(kick_full_said, 1u, "said %u times", kick_full_said);
	hyp_zone_destroy(zc);
	/* The next zone starts afresh, and is told again. */
	zc = hyp_zone_create(&zone_c);
	cr_assert(zc);
	for (i = 0; i < HVB_KICK_DEVS + 1; i++)
		notify(zc, 0x0a000050 + 0x200 * i, 4, 1);
	cr_expect_eq(kick_full_said, 2u, "said %u times", kick_full_said);
	hyp_zone_destroy(zc);
}
