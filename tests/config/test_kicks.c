// SPDX-License-Identifier: MIT
/*
 * Description: one kick rule for both config formats (docs/config.md,
 * "Kick numbers").  The hypervisor's kick slot table (hyp/core/
 * kickslot.c, the host build) numbers a zone's posted windows; the
 * daemon's device table, built from hvisor-tool's virtio_cfg.json or
 * from our native format, is routed from that table through the real
 * consumer.  Both formats must give every device the same slot, the one
 * the hypervisor has for its (zone, base), and a QueueNotify is posted
 * for exactly the blocks that have a device.
 *
 * The devices are created at the config's windows as virtio-rng (a
 * virtio-mmio device with no backend to open), the test device as
 * itself: routing looks at the zone, the base and the register, which
 * every virtio-mmio type shares.
 */
#include <string.h>

#include <criterion/criterion.h>

#include <hvbridge/testdev.h>
#include <hyp/channel.h>
#include <hyp/kickslot.h>
#include <hyp/zone.h>

#include "cfgtest.h"
#include "config.h"
#include "consumer.h"
#include "device.h"
#include "testdev.h"

TestSuite(kicks);

#define KK_CPUS		2u

struct kk_daemon {
	struct hvb_config cfg;
	struct hvb_devices tab;
	struct hvb_consumer c;
};

struct kk_env {
	void *mem;
	__u64 size;
	struct hyp_producer p;
	struct hyp_kick_table t;
	struct kk_daemon d;
};

/* A zone's windows as zone_create.c builds a virtio memory region of a
 * zone JSON: posted blocks of 0x200 bytes, QueueNotify at 0x50. */
static __u32 kk_zone_json_windows(const char *rel,
				  struct hyp_mmio_window *w, __u32 max)
{
	cJSON *root = cfg_json_file(rel), *m;
	__u32 n = 0;

	cJSON_ArrayForEach(m, cJSON_GetObjectItem(root, "memory_regions")) {
		if (strcmp(cJSON_GetObjectItem(m, "type")->valuestring,
			   "virtio"))
			continue;
		cr_assert_lt(n, max);
		memset(&w[n], 0, sizeof(w[n]));
		w[n].base = strtoull(cJSON_GetObjectItem(m, "virtual_start")
				     ->valuestring, NULL, 0);
		w[n].size = strtoull(cJSON_GetObjectItem(m, "size")
				     ->valuestring, NULL, 0);
		w[n].name = "virtio";
		w[n].flags = HYP_MMIO_NOTIFY;
		w[n].notify_off = HVB_VIRTIO_MMIO_NOTIFY;
		w[n].notify_stride = HVB_VIRTIO_MMIO_STRIDE;
		n++;
	}
	cJSON_Delete(root);
	return n;
}

static void kk_publish(struct hyp_kick_table *t, void *ctx)
{
	struct kk_env *e = ctx;

	hyp_kick_table_publish(t, hvb_region_kick_slots(e->mem, KK_CPUS),
			       &hvb_region_kicks(e->mem)->slots_gen);
}

static void kk_env_new(struct kk_env *e, __u32 zone,
		       const struct hyp_mmio_window *w, __u32 nw)
{
	struct hyp_zone_config zc = {
		.name = "zone", .id = zone, .nr_mmio = nw, .mmio = w,
	};
	__u64 off;
	__u32 i;

	memset(e, 0, sizeof(*e));
	e->size = hvb_region_size(KK_CPUS);
	e->mem = aligned_alloc(HVB_REGION_ALIGN, e->size);
	cr_assert(e->mem);
	memset(e->mem, 0, e->size);
	cr_assert_eq(hvb_region_format(e->mem, e->size, KK_CPUS), 0);
	cr_assert_eq(hyp_channel_attach(&e->p, e->mem, e->size, 0, 0), 0);
	cr_assert_eq(hyp_kick_slots_alloc_zone(&e->t, &zc), 0u);
	/* The blocks of a strided window get theirs as they are used
	 * (hyp_zone_kick_claim()): here every block, in address order,
	 * as if a driver had notified each. */
	for (i = 0; i < nw; i++)
		for (off = 0; w[i].notify_stride && off < w[i].size;
		     off += w[i].notify_stride)
			cr_assert_geq(hyp_kick_slot_claim(&e->t, zone,
							  w[i].base + off,
							  w[i].notify_stride,
							  w[i].notify_off,
							  kk_publish, e), 0);
	kk_publish(&e->t, e);
}

/* The daemon of config @text: its device table, attached and routed. */
static void kk_daemon_start(struct kk_env *e, const cJSON *root)
{
	struct kk_daemon *d = &e->d;
	unsigned int i;

	cr_assert_eq(cfg_parse_tree(&d->cfg, root, HVB_CONFIG_AUTO), 0, "%s",
		     d->cfg.error);
	/* The zones' memory registered, none mapped (no transport). */
	cr_assert_eq(hvb_config_map_zones(&d->cfg, NULL), 0, "%s",
		     d->cfg.error);
	hvb_devices_init(&d->tab);
	for (i = 0; i < d->cfg.nr_devs; i++) {
		const struct hvb_config_dev *c = &d->cfg.devs[i];
		bool td = !strcmp(c->type, HVB_TESTDEV_TYPE);
		struct hvb_device_args args = {
			.name = c->path, .zone_id = c->zone_id,
			.base = c->base, .size = td ? 0 : c->size,
			.kick_dev = c->kick_dev,
		};
		const char *why = "";

		cr_assert_eq(hvb_devices_create(&d->tab, td ? HVB_TESTDEV_TYPE :
						"virtio-rng", &args, &why), 0,
			     "%s: %s", c->path, why);
	}
	cr_assert_eq(hvb_consumer_attach(&d->c, e->mem, e->size,
					 &hvb_devices_consumer_ops, &d->tab),
		     0);
	hvb_consumer_poll(&d->c);
}

static void kk_daemon_stop(struct kk_env *e)
{
	hvb_consumer_detach(&e->d.c);
	hvb_devices_fini(&e->d.tab);
	hvb_config_free(&e->d.cfg);
}

static void kk_env_free(struct kk_env *e)
{
	free(e->mem);
}

/* Each device of the running daemon: the hypervisor's slot for it, in
 * @slots (by config order); a QueueNotify of it is posted. */
static void kk_expect_routed(struct kk_env *e, int *slots)
{
	unsigned int i;

	for (i = 0; i < e->d.cfg.nr_devs; i++) {
		const struct hvb_config_dev *c = &e->d.cfg.devs[i];
		struct hvb_device *dev = hvb_devices_lookup(&e->d.tab,
							    c->zone_id,
							    c->base, 4);
		int slot = hyp_kick_slot_find(&e->t, c->zone_id, c->base);

		cr_assert(dev);
		cr_expect_geq(slot, 0, "%s: the hypervisor has no slot", c->path);
		cr_expect_eq(dev->kick_dev, slot, "%s: routed to %d, not %d",
			     c->path, dev->kick_dev, slot);
		cr_expect_eq(hvb_devices_by_kick(&e->d.tab, (__u32)slot), dev);
		cr_expect_eq(hyp_kick_post(&e->p, &e->t, c->zone_id, c->base,
					   0), 0, "%s: not posted", c->path);
		slots[i] = slot;
	}
	hvb_consumer_poll(&e->d.c);
}

/* hvisor-tool's virtio_cfg.json as it is, and the same devices in our
 * format with the kick numbers the old rule gave them (now ignored). */
static const char kk_native_qemu[] =
	"{ \"version\": 1, \"zones\": [ { \"id\": 1,"
	"  \"memory\": [ { \"phys\": \"0x50000000\", \"ipa\": \"0x50000000\","
	"                  \"size\": \"0x30000000\" } ],"
	"  \"devices\": ["
	"    { \"type\": \"virtio-blk\", \"base\": \"0xa003c00\","
	"      \"size\": \"0x200\", \"irq\": 78, \"kick\": 1,"
	"      \"options\": { \"img\": \"rootfs2.ext4\" } },"
	"    { \"type\": \"virtio-console\", \"base\": \"0xa003800\","
	"      \"size\": \"0x200\", \"irq\": 76, \"kick\": 2 } ] } ] }";

/*
 * hvisor-tool's own zone1_linux.json, in its two shapes
 * (tests/zones/README.md): one virtio region of 0x4000 bytes at
 * 0xa000000 (32 posted blocks), or one region per device.
 */
static void kk_hvisor_tool(const char *zone_json, __u32 windows)
{
	struct hyp_mmio_window w[8];
	struct kk_env e;
	int hv[2], nat[2];
	cJSON *root;
	__u32 nw;

	nw = kk_zone_json_windows(zone_json, w, 8);
	cr_assert_eq(nw, windows);
	kk_env_new(&e, 1, w, nw);

	root = cfg_json_file("configs/hvisor-virtio_cfg.json");
	kk_daemon_start(&e, root);
	cJSON_Delete(root);
	cr_assert_eq(e.d.cfg.format, HVB_CONFIG_HVISOR);
	cr_assert_eq(e.d.cfg.nr_devs, 2u, "blk and console; net disabled");
	kk_expect_routed(&e, hv);
	/* The disabled net's block (0xa003600) has no device: its
	 * QueueNotify stays a synchronous write (answered NO_DEVICE). */
	cr_expect_geq(hyp_kick_slot_find(&e.t, 1, 0xa003600), 0);
	cr_expect_eq(hyp_kick_post(&e.p, &e.t, 1, 0xa003600, 0), -1);
	kk_daemon_stop(&e);

	/* The next daemon, on our format, routes the same table anew. */
	root = cJSON_Parse(kk_native_qemu);
	cr_assert(root);
	kk_daemon_start(&e, root);
	cJSON_Delete(root);
	cr_assert_eq(e.d.cfg.format, HVB_CONFIG_NATIVE);
	kk_expect_routed(&e, nat);
	cr_expect_eq(hv[0], nat[0], "blk: %d and %d", hv[0], nat[0]);
	cr_expect_eq(hv[1], nat[1], "console: %d and %d", hv[1], nat[1]);
	cr_expect_eq(hv[0], windows == 1 ? (0xa003c00 - 0xa000000) / 0x200 :
		     2, "blk's slot: %d", hv[0]);
	kk_daemon_stop(&e);
	kk_env_free(&e);
}

Test(kicks, hvisor_tool_and_native_configs_route_alike)
{
	kk_hvisor_tool("tests/zones/hvisor-tool-zone1_linux-v3.json", 1);
	kk_hvisor_tool("tests/zones/hvisor-tool-zone1_linux.json", 3);
}

/*
 * The static zone1 of hyp/arch/arm64/zones.c (test device, then blk,
 * console, rng windows) served by configs/zone1-virtio-root.json, and
 * the same windows by hvisor-tool's format
 * (configs/linux/virtio_cfg_linux.json, whose fourth device, net, has
 * no window there).
 */
Test(kicks, static_zone1_routes_alike_from_both_formats)
{
	static const struct hyp_mmio_window w[] = {
		{ .base = HVB_TESTDEV_DEFAULT_BASE, .size = HVB_TESTDEV_SIZE,
		  .name = "testdev", .flags = HYP_MMIO_NOTIFY,
		  .notify_off = HVB_TESTDEV_NOTIFY },
		{ .base = 0x0a000000, .size = 0x200, .name = "virtio-blk",
		  .flags = HYP_MMIO_NOTIFY, .notify_off = 0x50 },
		{ .base = 0x0a000200, .size = 0x200, .name = "virtio-console",
		  .flags = HYP_MMIO_NOTIFY, .notify_off = 0x50 },
		{ .base = 0x0a000400, .size = 0x200, .name = "virtio-rng",
		  .flags = HYP_MMIO_NOTIFY, .notify_off = 0x50 },
	};
	struct kk_env e;
	int nat[4], hv[4];
	cJSON *root;
	unsigned int i;

	kk_env_new(&e, 1, w, 4);
	/* The numbers the hypervisor's boot gives them: 0, 1, 2, 3. */
	for (i = 0; i < 4; i++)
		cr_expect_eq(hyp_kick_slot_find(&e.t, 1, w[i].base), (int)i);

	root = cfg_json_file("configs/zone1-virtio-root.json");
	kk_daemon_start(&e, root);
	cJSON_Delete(root);
	cr_assert_eq(e.d.cfg.nr_devs, 4u);
	kk_expect_routed(&e, nat);
	kk_daemon_stop(&e);

	root = cfg_json_file("configs/linux/virtio_cfg_linux.json");
	cr_assert_eq(cfg_parse_tree(&e.d.cfg, root, HVB_CONFIG_AUTO), 0);
	hvb_config_free(&e.d.cfg);
	/* Without its net (no window for it in the static zone1). */
	cfg_del(root, "zones[0].devices[3]");
	kk_daemon_start(&e, root);
	cJSON_Delete(root);
	cr_assert_eq(e.d.cfg.format, HVB_CONFIG_HVISOR);
	cr_assert_eq(e.d.cfg.nr_devs, 3u);
	kk_expect_routed(&e, hv);
	for (i = 0; i < 3; i++)
		cr_expect_eq(hv[i], nat[i + 1], "%s",
			     e.d.cfg.devs[i].path);
	/* This daemon has no test device: the first one's ack is gone. */
	cr_expect_eq(hyp_kick_post(&e.p, &e.t, 1, HVB_TESTDEV_DEFAULT_BASE, 0),
		     -1);
	kk_daemon_stop(&e);
	kk_env_free(&e);
}
