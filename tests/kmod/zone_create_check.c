// SPDX-License-Identifier: MIT
/*
 * Description: HVB_IOC_ZONE_CREATE's failures after the hypervisor
 * accepted the zone, in the root zone (tests/kmod/zones.sh, QEMU -smp 4,
 * CPU 3 free): a kernel or DTB pointer that faults while the module
 * copies the image fails with EFAULT, reason 0, and leaves no zone
 * behind; then a good one starts (its kernel spins on `b .`), is listed
 * running, and HVB_IOC_ZONE_DESTROY removes it.  Prints "zone-create:
 * PASS|FAIL name" and "zone-create: N passed, N failed".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <hvbridge/kmod-ioctl.h>

#define ZONE_ID		5u

static int zc_pass, zc_fail;

static void zc_check(int ok, const char *name)
{
	printf("zone-create: %s %s", ok ? "PASS" : "FAIL", name);
	if (!ok)
		printf(" (errno %d %s)", errno, strerror(errno));
	printf("\n");
	if (ok)
		zc_pass++;
	else
		zc_fail++;
}

/* The state of zone ZONE_ID, or ~0u if there is none. */
static unsigned int zc_state(int fd)
{
	struct hvb_zone_info zones[HVB_IOC_MAX_ZONES];
	struct hvb_ioc_zone_list zl;
	unsigned int i;

	memset(&zl, 0, sizeof(zl));
	zl.zones = (uintptr_t)zones;
	zl.max = HVB_IOC_MAX_ZONES;
	if (ioctl(fd, HVB_IOC_ZONE_LIST, &zl))
		return ~0u - 1;
	for (i = 0; i < zl.nr && i < HVB_IOC_MAX_ZONES; i++)
		if (zones[i].id == ZONE_ID)
			return zones[i].state;
	return ~0u;
}

int main(void)
{
	static const uint32_t spin[1024] = { 0x14000000 };	/* b . */
	static const char dtb[64] = { (char)0xd0, 0x0d, (char)0xfe,
				      (char)0xed };
	struct hvb_ioc_zone_create zc;
	struct hvb_zone_desc d;
	struct hvb_ioc_zone z;
	int fd, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open(HVB_DEVICE_PATH, O_RDONLY);
	zc_check(fd >= 0, "open");
	if (fd < 0)
		return 1;
	memset(&d, 0, sizeof(d));
	memcpy(d.signature, HVB_ZONE_DESC_SIGNATURE, sizeof(d.signature));
	d.revision = HVB_ZONE_DESC_REVISION;
	d.size = sizeof(d);
	d.id = ZONE_ID;
	strcpy(d.name, "zc-check");
	d.cpus = 1ull << 3;
	d.nr_mem = 1;
	d.mem[0].type = HVB_ZONE_MEM_RAM;
	d.mem[0].phys = 0x50400000;
	d.mem[0].ipa = 0x40000000;
	d.mem[0].size = 0x200000;
	d.entry = 0x40000000;
	d.kernel_phys = 0x50400000;
	d.kernel_size = sizeof(spin);
	d.dtb_phys = 0x50500000;
	d.dtb_size = sizeof(dtb);
	d.gic_version = HVB_ZONE_GIC_V3;
	d.gicd_base = 0x08000000;
	d.gicd_size = 0x10000;
	d.gicr_base = 0x080a0000;
	d.gicr_size = 0xf60000;

	memset(&zc, 0, sizeof(zc));
	zc.desc = (uintptr_t)&d;
	zc.kernel = 16;			/* faults in the module's copy */
	zc.dtb = (uintptr_t)dtb;
	ret = ioctl(fd, HVB_IOC_ZONE_CREATE, &zc);
	zc_check(ret == -1 && errno == EFAULT && !zc.reason,
		 "bad-kernel-pointer-efault");
	zc_check(zc_state(fd) == ~0u, "bad-kernel-pointer-no-zone-left");

	memset(&zc, 0, sizeof(zc));
	zc.desc = (uintptr_t)&d;
	zc.kernel = (uintptr_t)spin;
	zc.dtb = 16;
	ret = ioctl(fd, HVB_IOC_ZONE_CREATE, &zc);
	zc_check(ret == -1 && errno == EFAULT && !zc.reason,
		 "bad-dtb-pointer-efault");
	zc_check(zc_state(fd) == ~0u, "bad-dtb-pointer-no-zone-left");

	memset(&zc, 0, sizeof(zc));
	zc.desc = (uintptr_t)&d;
	zc.kernel = (uintptr_t)spin;
	zc.dtb = (uintptr_t)dtb;
	zc_check(!ioctl(fd, HVB_IOC_ZONE_CREATE, &zc), "create");
	zc_check(zc_state(fd) == HVB_ZONE_RUNNING, "listed-running");
	ret = ioctl(fd, HVB_IOC_ZONE_CREATE, &zc);
	zc_check(ret == -1 && errno == EINVAL && zc.reason == HVB_ZONE_EID,
		 "create-twice-eid");

	memset(&z, 0, sizeof(z));
	z.zone_id = ZONE_ID;
	zc_check(!ioctl(fd, HVB_IOC_ZONE_DESTROY, &z), "destroy-spinning");
	zc_check(zc_state(fd) == ~0u, "destroyed-gone");
	ret = ioctl(fd, HVB_IOC_ZONE_DESTROY, &z);
	zc_check(ret == -1 && errno == ENOENT, "destroy-twice-enoent");
	close(fd);
	printf("zone-create: %d passed, %d failed\n", zc_pass, zc_fail);
	return zc_fail ? 1 : 0;
}
