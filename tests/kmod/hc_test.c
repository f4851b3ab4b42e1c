// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * hvb_hc_test.ko - hostile and edge-case hypercall arguments from the
 * root zone (docs/hypercalls.md), checked against the documented result
 * codes.  Loaded by tests/kmod/qemu.sh before hvbridge.ko; prints
 * "hc-test: PASS|FAIL name" per check and "hc-test: N passed, N failed",
 * then refuses to stay loaded (-ECANCELED) so nothing needs unloading.
 */
#include <linux/arm-smccc.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <hvbridge/channel.h>
#include <hvbridge/hypercall.h>
#include <hvbridge/region.h>
#include <hvbridge/zone-desc.h>

#define ZONE1_PHYS	0x50000000ull
#define HYP_IMAGE	0xbfc00000ull
#define HYP_BUILTIN	0xbfff0000ull
#define ROOT_RAM_END	0x50000000ull
/*
 * The guest pool's last page: mapped in the root zone, but shared
 * (zone_create.h), not its own RAM, and no zone's yet.  Only the
 * own-RAM rule refuses it: a zone could change a buffer there while the
 * hypervisor reads or writes it.
 */
#define POOL_FREE_PAGE	0x7ffff000ull

static int hc_pass, hc_fail;

/**
 * hc() - make a hypercall
 * @fn: function id
 * @a1: x1
 * @a2: x2
 * @res: results
 *
 * Return: x0 as a signed value.
 */
static long hc(u32 fn, u64 a1, u64 a2, struct arm_smccc_res *res)
{
	arm_smccc_1_1_hvc(fn, a1, a2, res);
	return (long)res->a0;
}

/**
 * hc_expect() - one check: the call's x0 is @want
 * @name: check name
 * @got: x0
 * @want: expected x0
 */
static void hc_expect(const char *name, long got, long want)
{
	if (got == want) {
		pr_info("hc-test: PASS %s\n", name);
		hc_pass++;
	} else {
		pr_info("hc-test: FAIL %s: got %ld, want %ld\n", name, got,
			want);
		hc_fail++;
	}
}

/**
 * hc_attach_checks() - CHANNEL_ATTACH and DETACH
 * @good: a formatted region for 3 CPUs (QEMU's), @size bytes
 * @size: hvb_region_size(3): two pages, the kick slot table in the second
 * @raw: a zeroed page, never formatted
 * @one: a region formatted for one CPU only
 */
static void hc_attach_checks(void *good, size_t size, void *raw, void *one)
{
	struct arm_smccc_res res;
	u64 pa = virt_to_phys(good);

	hc_expect("attach-misaligned", hc(HVB_HC_CHANNEL_ATTACH, pa + 8,
					  PAGE_SIZE, &res), HVB_HC_EINVAL);
	hc_expect("attach-size-zero", hc(HVB_HC_CHANNEL_ATTACH, pa, 0, &res),
		  HVB_HC_EINVAL);
	hc_expect("attach-size-odd", hc(HVB_HC_CHANNEL_ATTACH, pa, 0x1800,
					&res), HVB_HC_EINVAL);
	hc_expect("attach-too-big", hc(HVB_HC_CHANNEL_ATTACH, pa,
				       2 * HVB_HC_REGION_MAX, &res),
		  HVB_HC_EINVAL);
	hc_expect("attach-zone1-ram", hc(HVB_HC_CHANNEL_ATTACH, ZONE1_PHYS,
					 0x1000, &res), HVB_HC_EINVAL);
	hc_expect("attach-hyp-image", hc(HVB_HC_CHANNEL_ATTACH, HYP_IMAGE,
					 0x1000, &res), HVB_HC_EINVAL);
	hc_expect("attach-builtin", hc(HVB_HC_CHANNEL_ATTACH, HYP_BUILTIN,
				       0x10000, &res), HVB_HC_EINVAL);
	hc_expect("attach-past-root-ram",
		  hc(HVB_HC_CHANNEL_ATTACH, ROOT_RAM_END - 0x1000, 0x2000,
		     &res), HVB_HC_EINVAL);
	hc_expect("attach-wraps", hc(HVB_HC_CHANNEL_ATTACH, ~0xfffull,
				     0x2000, &res), HVB_HC_EINVAL);
	hc_expect("attach-device", hc(HVB_HC_CHANNEL_ATTACH, 0x09000000,
				      0x1000, &res), HVB_HC_EINVAL);
	hc_expect("attach-pool-free-ram", hc(HVB_HC_CHANNEL_ATTACH,
					     POOL_FREE_PAGE, 0x1000, &res),
		  HVB_HC_EINVAL);
	hc_expect("attach-unformatted",
		  hc(HVB_HC_CHANNEL_ATTACH, virt_to_phys(raw), PAGE_SIZE,
		     &res), HVB_HC_EREGION);
	hc_expect("attach-unformatted-code", (long)res.a1,
		  HVB_REGION_EMAGIC);
	hc_expect("attach-too-few-cpus",
		  hc(HVB_HC_CHANNEL_ATTACH, virt_to_phys(one), PAGE_SIZE,
		     &res), HVB_HC_EREGION);
	hc_expect("attach-too-few-cpus-code", (long)res.a1, HVB_REGION_ECPUS);
	hc_expect("detach-none", hc(HVB_HC_CHANNEL_DETACH, pa, 0, &res),
		  HVB_HC_ESTATE);
	hc_expect("timeout-too-long", hc(HVB_HC_CHANNEL_TIMEOUT,
					 HVB_HC_TIMEOUT_MAX_MS + 1, 0, &res),
		  HVB_HC_EINVAL);
	hc_expect("timeout-huge", hc(HVB_HC_CHANNEL_TIMEOUT,
				     1ull << 32 | 100, 0, &res),
		  HVB_HC_EINVAL);
	/* The next attach's: the hypervisor says "timeout 1234 ms" when it
	 * attaches (qemu.sh wants that line). */
	hc_expect("timeout", hc(HVB_HC_CHANNEL_TIMEOUT, 1234, 0, &res),
		  HVB_HC_OK);
	hc_expect("attach", hc(HVB_HC_CHANNEL_ATTACH, pa, size, &res),
		  HVB_HC_OK);
	hc_expect("timeout-attached", hc(HVB_HC_CHANNEL_TIMEOUT, 100, 0,
					 &res), HVB_HC_ESTATE);
	hc_expect("attach-twice", hc(HVB_HC_CHANNEL_ATTACH, pa, size,
				     &res), HVB_HC_EBUSY);
	hc_expect("detach-wrong-pa", hc(HVB_HC_CHANNEL_DETACH, pa + PAGE_SIZE,
					0, &res), HVB_HC_EINVAL);
	hc_expect("detach", hc(HVB_HC_CHANNEL_DETACH, pa, 0, &res), HVB_HC_OK);
	hc_expect("detach-twice", hc(HVB_HC_CHANNEL_DETACH, pa, 0, &res),
		  HVB_HC_ESTATE);
}

/**
 * hc_create_expect() - one ZONE_CREATE refused with HVB_HC_EZONE
 * @name: check name
 * @d: the descriptor, in root RAM
 * @reason: the HVB_ZONE_E* reason wanted in x1
 * @index: the index wanted in x2
 */
static void hc_create_expect(const char *name, struct hvb_zone_desc *d,
			     u64 reason, u64 index)
{
	struct arm_smccc_res res;
	long ret = hc(HVB_HC_ZONE_CREATE, virt_to_phys(d), sizeof(*d), &res);

	hc_expect(name, ret == HVB_HC_EZONE && res.a1 == reason &&
		  res.a2 == index, 1);
	if (ret != HVB_HC_EZONE || res.a1 != reason || res.a2 != index)
		pr_info("hc-test: %s: x0 %ld, x1 %lu, x2 %lu\n", name, ret,
			res.a1, res.a2);
}

/**
 * hc_create_checks() - ZONE_CREATE and ZONE_DESTROY refusals
 * @buf: a root-RAM buffer of PAGE_SIZE bytes
 *
 * zone1 (CPU 2, the only free one) exists, so nothing here may succeed;
 * tests/kmod/zones.sh creates zones.
 */
static void hc_create_checks(void *buf)
{
	struct hvb_zone_desc *d = buf;
	struct arm_smccc_res res;
	u64 pa = virt_to_phys(buf);

	memset(d, 0, sizeof(*d));
	hc_expect("create-short", hc(HVB_HC_ZONE_CREATE, pa, sizeof(*d) - 8,
				     &res), HVB_HC_EINVAL);
	hc_expect("create-misaligned", hc(HVB_HC_ZONE_CREATE, pa + 4,
					  sizeof(*d), &res), HVB_HC_EINVAL);
	hc_expect("create-zone1-ram", hc(HVB_HC_ZONE_CREATE, ZONE1_PHYS,
					 sizeof(*d), &res), HVB_HC_EINVAL);
	hc_expect("create-hyp-image", hc(HVB_HC_ZONE_CREATE, HYP_IMAGE,
					 sizeof(*d), &res), HVB_HC_EINVAL);
	hc_expect("create-pool-free-ram", hc(HVB_HC_ZONE_CREATE,
					     POOL_FREE_PAGE, sizeof(*d), &res),
		  HVB_HC_EINVAL);
	hc_expect("create-wraps", hc(HVB_HC_ZONE_CREATE, ~0xfull, sizeof(*d),
				     &res), HVB_HC_EINVAL);
	hc_create_expect("create-zeroed", d, HVB_ZONE_ESIGNATURE, 0);
	memcpy(d->signature, HVB_ZONE_DESC_SIGNATURE, sizeof(d->signature));
	d->revision = HVB_ZONE_DESC_REVISION;
	d->size = sizeof(*d);
	d->id = 1;
	hc_create_expect("create-id-in-use", d, HVB_ZONE_EID, 0);
	d->id = 5;
	strscpy(d->name, "hostile", sizeof(d->name));
	d->cpus = 1;
	hc_create_expect("create-root-cpu", d, HVB_ZONE_ECPU_ROOT, 0);
	d->cpus = 1ull << 2;
	hc_create_expect("create-zone1-cpu", d, HVB_ZONE_ECPU_BUSY, 2);
	d->cpus = 1ull << 40;
	hc_create_expect("create-no-cpu", d, HVB_ZONE_ECPU_ABSENT, 40);
	hc_expect("destroy-root", hc(HVB_HC_ZONE_DESTROY, 0, 0, &res),
		  HVB_HC_EDENIED);
	hc_expect("destroy-no-zone", hc(HVB_HC_ZONE_DESTROY, 99, 0, &res),
		  HVB_HC_ENOENT);
	hc_expect("destroy-huge-id", hc(HVB_HC_ZONE_DESTROY, 1ull << 32 | 1, 0,
					&res), HVB_HC_ENOENT);
}

/**
 * hc_zone_checks() - ZONE_LIST, ZONE_MEM, ZONE_START/STOP, INJECT_IRQ
 * @buf: a root-RAM buffer of PAGE_SIZE bytes
 */
static void hc_zone_checks(void *buf)
{
	struct arm_smccc_res res;
	u64 pa = virt_to_phys(buf);

	hc_expect("list-count", hc(HVB_HC_ZONE_LIST, 0, 0, &res), 2);
	hc_expect("list", hc(HVB_HC_ZONE_LIST, pa, PAGE_SIZE, &res), 2);
	hc_expect("list-misaligned", hc(HVB_HC_ZONE_LIST, pa + 4, 64, &res),
		  HVB_HC_EINVAL);
	hc_expect("list-zone1-ram", hc(HVB_HC_ZONE_LIST, ZONE1_PHYS, 64,
				       &res), HVB_HC_EINVAL);
	hc_expect("list-hyp-image", hc(HVB_HC_ZONE_LIST, HYP_IMAGE, 64, &res),
		  HVB_HC_EINVAL);
	hc_expect("list-pool-free-ram", hc(HVB_HC_ZONE_LIST, POOL_FREE_PAGE,
					   64, &res), HVB_HC_EINVAL);
	hc_expect("list-builtin", hc(HVB_HC_ZONE_LIST, HYP_BUILTIN, 64, &res),
		  HVB_HC_EINVAL);
	hc_expect("list-wraps", hc(HVB_HC_ZONE_LIST, ~0xfffull, 0x2000, &res),
		  HVB_HC_EINVAL);
	hc_expect("mem-root", hc(HVB_HC_ZONE_MEM, 0, 0, &res) >= 0 &&
		  res.a1 == 0x40000000 && res.a3 == 0x10000000, 1);
	/* Its second bank, between the pool and the hypervisor: own RAM,
	 * not shared. */
	hc_expect("mem-root-high", hc(HVB_HC_ZONE_MEM, 0, 1, &res) ==
		  (HVB_ZONE_MEM_READ | HVB_ZONE_MEM_WRITE | HVB_ZONE_MEM_EXEC) &&
		  res.a1 == 0x80000000 && res.a3 == 0x3fc00000, 1);
	hc_expect("mem-past-end", hc(HVB_HC_ZONE_MEM, 1, 1, &res),
		  HVB_HC_ENOENT);
	hc_expect("mem-huge-index", hc(HVB_HC_ZONE_MEM, 1, ~0ull, &res),
		  HVB_HC_ENOENT);
	hc_expect("mem-no-zone", hc(HVB_HC_ZONE_MEM, 7, 0, &res),
		  HVB_HC_ENOENT);
	hc_expect("start-root", hc(HVB_HC_ZONE_START, 0, 0, &res),
		  HVB_HC_EDENIED);
	hc_expect("stop-root", hc(HVB_HC_ZONE_STOP, 0, 0, &res),
		  HVB_HC_EDENIED);
	hc_expect("start-no-zone", hc(HVB_HC_ZONE_START, 99, 0, &res),
		  HVB_HC_ENOENT);
	hc_expect("irq-root", hc(HVB_HC_INJECT_IRQ, 0, 75, &res),
		  HVB_HC_EDENIED);
	hc_expect("irq", hc(HVB_HC_INJECT_IRQ, 1, 72, &res), HVB_HC_OK);
	hc_expect("irq-above", hc(HVB_HC_INJECT_IRQ, 1, 80, &res),
		  HVB_HC_EINVAL);
	hc_expect("irq-huge", hc(HVB_HC_INJECT_IRQ, 1, (1ull << 32) + 72,
				 &res), HVB_HC_EINVAL);
	hc_expect("irq-no-zone", hc(HVB_HC_INJECT_IRQ, 1ull << 32 | 1, 72,
				    &res), HVB_HC_ENOENT);
	hc_expect("irq-poll-root", hc(HVB_HC_IRQ_POLL, 0, 0, &res),
		  HVB_HC_EDENIED);
	hc_expect("unknown-below", hc(HVB_HC_FN(0x0f), 0, 0, &res),
		  HVB_HC_ENOTSUP);
	hc_expect("unknown-above", hc(HVB_HC_CHANNEL_TIMEOUT + 1, 0, 0, &res),
		  HVB_HC_ENOTSUP);
	hc_expect("version", hc(HVB_HC_VERSION, 0, 0, &res) >> 16,
		  HVB_HC_ABI_MAJOR);
	hc_expect("version-cpus", (long)res.a1, 3);
}

/**
 * hc_test_init() - run the checks, then refuse to load
 *
 * Return: -ECANCELED always (or -ENOMEM).
 */
static int __init hc_test_init(void)
{
	size_t size = PAGE_ALIGN(hvb_region_size(3));
	void *good, *raw, *one;
	struct arm_smccc_res res;
	long ret;

	good = alloc_pages_exact(size, GFP_KERNEL | __GFP_ZERO);
	raw = alloc_pages_exact(PAGE_SIZE, GFP_KERNEL | __GFP_ZERO);
	one = alloc_pages_exact(PAGE_SIZE, GFP_KERNEL | __GFP_ZERO);
	if (!good || !raw || !one ||
	    hvb_region_format(good, size, 3) ||
	    hvb_region_format(one, PAGE_SIZE, 1)) {
		pr_info("hc-test: FAIL setup\n");
		goto out;
	}
	hc_attach_checks(good, size, raw, one);
	hc_zone_checks(raw);
	hc_create_checks(raw);
	pr_info("hc-test: %d passed, %d failed\n", hc_pass, hc_fail);
out:
	/* A region the hypervisor may still hold is leaked, not freed. */
	if (good) {
		ret = hc(HVB_HC_CHANNEL_DETACH, virt_to_phys(good), 0, &res);
		if (ret == HVB_HC_OK)
			pr_info("hc-test: FAIL cleanup: the region was still attached\n");
		if (ret == HVB_HC_OK || ret == HVB_HC_ESTATE)
			free_pages_exact(good, size);
	}
	if (raw)
		free_pages_exact(raw, PAGE_SIZE);
	if (one)
		free_pages_exact(one, PAGE_SIZE);
	return -ECANCELED;
}
module_init(hc_test_init);

MODULE_DESCRIPTION("hvbridge hypercall argument checks (test only)");
MODULE_LICENSE("Dual MIT/GPL");
