// SPDX-License-Identifier: MIT
/*
 * Description: the zone memory map (tool/guestmem.c), the only way to
 * guest memory: ranges inside one region translate, anything touching
 * outside, straddling two regions or wrapping does not; regions that are
 * empty, wrap or overlap are refused; the sim transport maps only its
 * physical-memory file and raises interrupts on its page.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "guestmem.h"
#include "transport.h"

static __u8 gm_a[4096], gm_b[4096];

static void gm_two(struct hvb_guestmem *gm)
{
	const char *why = NULL;

	hvb_guestmem_init(gm, 1);
	/* Adjacent in the guest, not in the daemon. */
	cr_assert_eq(hvb_guestmem_add(gm, 0x10000, sizeof(gm_a), gm_a, &why),
		     0);
	cr_assert_eq(hvb_guestmem_add(gm, 0x11000, sizeof(gm_b), gm_b, &why),
		     0);
}

Test(guestmem, translate_inside_one_region)
{
	struct hvb_guestmem gm;

	gm_two(&gm);
	cr_expect_eq(hvb_guestmem_translate(&gm, 0x10000, 4096), gm_a);
	cr_expect_eq(hvb_guestmem_translate(&gm, 0x10ff0, 16), gm_a + 0xff0);
	cr_expect_eq(hvb_guestmem_translate(&gm, 0x11fff, 1), gm_b + 0xfff);
	cr_expect_eq(hvb_guestmem_translate(&gm, 0x11fff, 0), gm_b + 0xfff);
}

Test(guestmem, refuse_outside_straddle_and_wrap)
{
	struct hvb_guestmem gm;

	gm_two(&gm);
	cr_expect_null(hvb_guestmem_translate(&gm, 0xfff0, 16));
	cr_expect_null(hvb_guestmem_translate(&gm, 0xfff8, 16));
	cr_expect_null(hvb_guestmem_translate(&gm, 0x12000, 0));
	cr_expect_null(hvb_guestmem_translate(&gm, 0x11ff8, 16));
	/* Both regions hold a part: still one range across two maps. */
	cr_expect_null(hvb_guestmem_translate(&gm, 0x10ff8, 16));
	cr_expect_null(hvb_guestmem_translate(&gm, 0x10000, 8192));
	cr_expect_null(hvb_guestmem_translate(&gm, 0x10010, UINT64_MAX));
	cr_expect_null(hvb_guestmem_translate(&gm, UINT64_MAX, 2));
	cr_expect_null(hvb_guestmem_translate(&gm, 0x10010, 1ull << 63));
}

Test(guestmem, refuse_bad_regions)
{
	struct hvb_guestmem gm;
	const char *why = NULL;
	unsigned int i;

	gm_two(&gm);
	cr_expect_eq(hvb_guestmem_add(&gm, 0x20000, 0, gm_a, &why), -EINVAL);
	cr_expect_eq(hvb_guestmem_add(&gm, UINT64_MAX - 10, 4096, gm_a, &why),
		     -EINVAL);
	cr_expect_eq(hvb_guestmem_add(&gm, 0x20000, 16, NULL, &why), -EINVAL);
	cr_expect_eq(hvb_guestmem_add(&gm, 0x10800, 16, gm_a, &why), -EEXIST);
	cr_expect_eq(hvb_guestmem_add(&gm, 0xf000, 0x1001, gm_a, &why),
		     -EEXIST);
	cr_expect_eq(gm.nr, 2u);
	for (i = gm.nr; i < HVB_GUESTMEM_MAX_REGIONS; i++)
		cr_assert_eq(hvb_guestmem_add(&gm, 0x100000ull * (i + 1), 16,
					      gm_a, &why), 0);
	cr_expect_eq(hvb_guestmem_add(&gm, 0x9000000, 16, gm_a, &why),
		     -ENOSPC);
}

Test(guestmem, zone_registry)
{
	struct hvb_guestmem z1, z1b, z2;

	hvb_guestmem_init(&z1, 1);
	hvb_guestmem_init(&z1b, 1);
	hvb_guestmem_init(&z2, 2);
	cr_assert_eq(hvb_guestmem_register(&z1), 0);
	cr_expect_eq(hvb_guestmem_register(&z1b), -EEXIST);
	cr_assert_eq(hvb_guestmem_register(&z2), 0);
	cr_expect_eq(hvb_guestmem_find(1), &z1);
	cr_expect_eq(hvb_guestmem_find(2), &z2);
	cr_expect_null(hvb_guestmem_find(3));
	hvb_guestmem_unregister(&z1);
	cr_expect_null(hvb_guestmem_find(1));
	hvb_guestmem_unregister(&z2);
}

/* The sim transport's physical memory and interrupt page. */
Test(guestmem, sim_map_phys_and_raise_irq)
{
	char phys[] = "/dev/shm/hvb-vtest-phys-XXXXXX";
	char irqs[] = "/dev/shm/hvb-vtest-irq-XXXXXX";
	struct hvb_transport t = { .ops = &hvb_transport_sim, .fd = -1 };
	struct hvb_sim_irq_page *page;
	struct hvb_guestmem gm;
	const char *why = NULL;
	int pfd = mkstemp(phys), ifd = mkstemp(irqs);

	cr_assert(pfd >= 0 && ifd >= 0);
	cr_assert_eq(ftruncate(pfd, 0x10000), 0);
	cr_assert_eq(ftruncate(ifd, sizeof(*page)), 0);
	page = mmap(NULL, sizeof(*page), PROT_READ, MAP_SHARED, ifd, 0);
	cr_assert(page != MAP_FAILED);
	close(pfd);
	close(ifd);
	cr_expect_eq(t.ops->raise_irq(&t, 1, 5), -ENOTSUP);
	cr_expect_null(t.ops->map_phys(&t, 0x80000000, 16, &why));
	cr_assert_eq(hvb_transport_sim_set_phys(&t, phys, 0x80000000), 0,
		     "%s", t.error);
	cr_assert_eq(hvb_transport_sim_set_irq(&t, irqs), 0, "%s", t.error);
	unlink(phys);
	unlink(irqs);

	hvb_guestmem_init(&gm, 1);
	cr_expect_eq(hvb_guestmem_map(&gm, &t, 0x40000000, 0x80000000,
				      0x10000, &why), 0);
	cr_expect_eq(hvb_guestmem_map(&gm, &t, 0x50000000, 0x7ffff000,
				      0x2000, &why), -EFAULT);
	cr_expect_eq(hvb_guestmem_map(&gm, &t, 0x50000000, 0x8000f000,
				      0x2000, &why), -EFAULT);
	cr_expect_eq(gm.transport, &t);
	cr_expect_eq(gm.nr, 1u);

	cr_expect_eq(t.ops->raise_irq(&t, 1, HVB_SIM_IRQS), -EINVAL);
	cr_expect_eq(t.ops->raise_irq(&t, 1, 5), 0);
	cr_expect_eq(t.ops->raise_irq(&t, 1, 5), 0);
	cr_expect_eq(page->count[5], 2u);
	cr_expect_eq(page->count[4], 0u);
	t.ops->close(&t);
	munmap(page, sizeof(*page));
}
