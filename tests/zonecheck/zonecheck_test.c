// SPDX-License-Identifier: MIT
/*
 * Description: the zone descriptor rules (hyp/core/zone_check.c) on the
 * host, against QEMU virt's layout as the hypervisor sees it (a root zone
 * on CPUs 0-1, zone 2 running on CPU 3 with SPIs 64-71, the guest pool
 * 0x50000000-0x7fffffff, 2 GiB of RAM): a good descriptor passes, and each bad one is refused
 * with its own reason code and the index of what is wrong.
 */
#include <string.h>

#include <criterion/criterion.h>

#include <hyp/zone_check.h>

static const struct hyp_zone_range hyp_ranges[] = {
	{ 0xbfc00000, 0x200000 },	/* hypervisor image */
	{ 0xbfff0000, 0x10000 },	/* channel region */
	{ 0x08000000, 0x10000 },	/* GICD */
	{ 0x080a0000, 0x80000 },	/* GICR */
	{ 0x09000000, 0x1000 },		/* UART */
};
static const struct hyp_zone_range busy[] = {
	{ 0x50800000, 0x200000 },	/* zone 2's RAM */
	{ 0x0a004000, 0x1000 },		/* zone 2's device */
};
static const struct hyp_zone_range fixed[] = {
	{ 0x08000000, 0x10000 },
	{ 0x080a0000, 0x80000 },
	{ 0x0b200000, 0x1000 },		/* console */
};
static const __u32 ids[] = { 0, 2 };
static __u32 irqs_busy[HVB_ZONE_DESC_IRQ_WORDS];
static __u32 irqs_hyp[HVB_ZONE_DESC_IRQ_WORDS];
static struct hyp_zone_env env;
static struct hvb_zone_desc d;

static void set_irq(__u32 *bits, __u32 n)
{
	bits[n / 32] |= 1u << (n % 32);
}

static void mem(__u32 i, __u32 type, __u64 phys, __u64 ipa, __u64 size)
{
	d.mem[i].type = type;
	d.mem[i].phys = phys;
	d.mem[i].ipa = ipa;
	d.mem[i].size = size;
	if (d.nr_mem <= i)
		d.nr_mem = i + 1;
}

static void setup(void)
{
	__u32 n;

	memset(irqs_busy, 0, sizeof(irqs_busy));
	memset(irqs_hyp, 0, sizeof(irqs_hyp));
	for (n = 64; n < 72; n++)
		set_irq(irqs_busy, n);
	set_irq(irqs_hyp, 152);
	memset(&env, 0, sizeof(env));
	env.cpus_present = 0xf;
	env.cpus_root = 0x3;
	env.cpus_busy = 0x8;
	env.pool = (struct hyp_zone_range){ 0x50000000, 0x30000000 };
	env.ram = (struct hyp_zone_range){ 0x40000000, 0x80000000 };
	env.gicd = (struct hyp_zone_range){ 0x08000000, 0x10000 };
	env.gicr = (struct hyp_zone_range){ 0x080a0000, 0x80000 };
	env.hyp = hyp_ranges;
	env.nr_hyp = sizeof(hyp_ranges) / sizeof(hyp_ranges[0]);
	env.busy = busy;
	env.nr_busy = sizeof(busy) / sizeof(busy[0]);
	env.fixed = fixed;
	env.nr_fixed = sizeof(fixed) / sizeof(fixed[0]);
	env.ids = ids;
	env.nr_ids = 2;
	env.irqs_busy = irqs_busy;
	env.irqs_hyp = irqs_hyp;

	/* zone1 as tests/kmod/zone1.json has it. */
	memset(&d, 0, sizeof(d));
	memcpy(d.signature, HVB_ZONE_DESC_SIGNATURE, 8);
	d.revision = HVB_ZONE_DESC_REVISION;
	d.size = sizeof(d);
	d.id = 1;
	strcpy(d.name, "zone1");
	d.cpus = 1ull << 2;
	mem(0, HVB_ZONE_MEM_RAM, 0x50000000, 0x40000000, 0x200000);
	mem(1, HVB_ZONE_MEM_VIRTIO, 0, 0x0a000000, 0x600);
	mem(2, HVB_ZONE_MEM_IO, 0x0a010000, 0x0a010000, 0x1000);
	for (n = 72; n < 80; n++)
		set_irq(d.irqs, n);
	d.entry = 0x40000000;
	d.kernel_phys = 0x50000000;
	d.kernel_size = 0x1000;
	d.dtb_phys = 0x50100000;
	d.dtb_size = 0x800;
	d.gic_version = HVB_ZONE_GIC_V3;
	d.gicd_base = 0x08000000;
	d.gicd_size = 0x10000;
	d.gicr_base = 0x080a0000;
	d.gicr_size = 0xf60000;
}

TestSuite(zonecheck, .init = setup);

#define REFUSED(why, idx) do {						\
	__u32 index_ = 0xdead;						\
									\
	cr_assert_eq(hyp_zone_desc_check(&d, &env, &index_), (why));	\
	cr_assert_eq(index_, (idx));					\
} while (0)

Test(zonecheck, good_one_passes)
{
	REFUSED(HVB_ZONE_OK, 0);
}

Test(zonecheck, signature_revision_size)
{
	d.signature[0] = 'X';
	REFUSED(HVB_ZONE_ESIGNATURE, 0);
	setup();
	d.revision = 2;
	REFUSED(HVB_ZONE_ESIGNATURE, 0);
	setup();
	d.size = 792;
	REFUSED(HVB_ZONE_ESIGNATURE, 0);
}

Test(zonecheck, reserved_fields)
{
	d.flags = 1;
	REFUSED(HVB_ZONE_ERESERVED, 0);
	setup();
	d.reserved[7] = 1;
	REFUSED(HVB_ZONE_ERESERVED, 0);
	setup();
	d.mem[1].reserved = 1;
	REFUSED(HVB_ZONE_ERESERVED, 1);
	setup();
	d.mem[9].size = 0x1000;	/* past nr_mem */
	REFUSED(HVB_ZONE_ERESERVED, 0);
	setup();
	d.name[10] = 'x';	/* after the NUL */
	REFUSED(HVB_ZONE_ERESERVED, 0);
}

Test(zonecheck, id)
{
	d.id = 0;
	REFUSED(HVB_ZONE_EID, 0);
	d.id = 2;
	REFUSED(HVB_ZONE_EID, 0);
	/* 0 is the root zone's even where no list of ids in use says so
	 * (the root zone's id is in the list the hypervisor builds). */
	env.nr_ids = 0;
	d.id = 0;
	REFUSED(HVB_ZONE_EID, 0);
}

Test(zonecheck, name)
{
	d.name[0] = 0;
	REFUSED(HVB_ZONE_ENAME, 0);
	memset(d.name, 'a', sizeof(d.name));
	REFUSED(HVB_ZONE_ENAME, 0);
}

Test(zonecheck, cpus)
{
	d.cpus = 0;
	REFUSED(HVB_ZONE_ECPU_NONE, 0);
	d.cpus = 1ull << 5;
	REFUSED(HVB_ZONE_ECPU_ABSENT, 5);
	d.cpus = 1ull << 63;
	REFUSED(HVB_ZONE_ECPU_ABSENT, 63);
	d.cpus = 0x6;
	REFUSED(HVB_ZONE_ECPU_ROOT, 1);
	d.cpus = 0xc;
	REFUSED(HVB_ZONE_ECPU_BUSY, 3);
}

Test(zonecheck, memory_count)
{
	d.nr_mem = 0;
	REFUSED(HVB_ZONE_EMEM_COUNT, 0);
	d.nr_mem = HVB_ZONE_DESC_MAX_MEM + 1;
	REFUSED(HVB_ZONE_EMEM_COUNT, 0);
	/* No RAM at all. */
	setup();
	d.mem[0] = d.mem[2];
	d.mem[2] = (struct hvb_zone_desc_mem){ 0 };
	d.nr_mem = 2;
	REFUSED(HVB_ZONE_EMEM_COUNT, 0);
}

Test(zonecheck, memory_type)
{
	d.mem[2].type = 3;
	REFUSED(HVB_ZONE_EMEM_TYPE, 2);
}

Test(zonecheck, memory_align_and_wrap)
{
	d.mem[0].size = 0x1800;
	REFUSED(HVB_ZONE_EMEM_ALIGN, 0);
	setup();
	d.mem[0].size = 0;
	REFUSED(HVB_ZONE_EMEM_ALIGN, 0);
	setup();
	d.mem[2].phys = 0xfffffffffffff000ull;
	REFUSED(HVB_ZONE_EMEM_ALIGN, 2);
	setup();
	d.mem[1].ipa = 0x0a000002;
	REFUSED(HVB_ZONE_EMEM_ALIGN, 1);
	/* A virtio window needs 4-byte alignment only. */
	setup();
	d.mem[1].size = 0x204;
	REFUSED(HVB_ZONE_OK, 0);
}

Test(zonecheck, ram_outside_pool)
{
	/* The root zone's own RAM. */
	d.mem[0].phys = 0x40000000;
	REFUSED(HVB_ZONE_EMEM_POOL, 0);
	/* Straddling the pool's end. */
	d.mem[0].phys = 0x7ff00000;
	REFUSED(HVB_ZONE_EMEM_POOL, 0);
	d.mem[0].phys = 0xbfc00000;	/* the hypervisor */
	REFUSED(HVB_ZONE_EMEM_POOL, 0);
}

Test(zonecheck, hypervisor_memory_and_devices)
{
	/* The pool may not hold the hypervisor; if a pool did, RAM there
	 * is still refused. */
	env.pool = (struct hyp_zone_range){ 0x50000000, 0x70000000 };
	d.mem[0].phys = 0xbfe00000;
	REFUSED(HVB_ZONE_EMEM_HYP, 0);
	setup();
	d.mem[2].phys = 0x09000000;	/* the UART */
	REFUSED(HVB_ZONE_EMEM_HYP, 2);
	setup();
	d.mem[2].phys = 0x08000000;	/* the GIC distributor */
	REFUSED(HVB_ZONE_EMEM_HYP, 2);
	/* Nothing may cover the trapped GIC or console windows. */
	setup();
	d.mem[1].ipa = 0x0b200000;
	REFUSED(HVB_ZONE_EMEM_HYP, 1);
	setup();
	d.mem[0].ipa = 0x08000000;
	REFUSED(HVB_ZONE_EMEM_HYP, 0);
}

Test(zonecheck, other_zones)
{
	d.mem[0].phys = 0x50900000;
	REFUSED(HVB_ZONE_EMEM_ZONE, 0);
	setup();
	d.mem[2].phys = 0x0a004000;
	REFUSED(HVB_ZONE_EMEM_ZONE, 2);
}

Test(zonecheck, own_overlap)
{
	mem(3, HVB_ZONE_MEM_RAM, 0x50400000, 0x40100000, 0x200000);
	REFUSED(HVB_ZONE_EMEM_OVERLAP, 3);	/* IPA */
	setup();
	mem(3, HVB_ZONE_MEM_RAM, 0x50100000, 0x60000000, 0x200000);
	REFUSED(HVB_ZONE_EMEM_OVERLAP, 3);	/* physical */
	setup();
	mem(3, HVB_ZONE_MEM_VIRTIO, 0, 0x0a000400, 0x200);
	REFUSED(HVB_ZONE_EMEM_OVERLAP, 3);
}

Test(zonecheck, io_in_ram)
{
	d.mem[2].phys = 0x48000000;
	REFUSED(HVB_ZONE_EMEM_IO_RAM, 2);
}

Test(zonecheck, interrupts)
{
	set_irq(d.irqs, 27);
	REFUSED(HVB_ZONE_EIRQ_NOT_SPI, 27);
	setup();
	set_irq(d.irqs, 1020);
	REFUSED(HVB_ZONE_EIRQ_NOT_SPI, 1020);
	setup();
	set_irq(d.irqs, 152);
	REFUSED(HVB_ZONE_EIRQ_HYP, 152);
	setup();
	set_irq(d.irqs, 70);
	REFUSED(HVB_ZONE_EIRQ_BUSY, 70);
}

Test(zonecheck, entry)
{
	d.entry = 0x40200000;	/* just past its RAM */
	REFUSED(HVB_ZONE_EENTRY, 0);
	d.entry = 0x40000002;
	REFUSED(HVB_ZONE_EENTRY, 0);
	d.entry = 0x50000000;	/* a physical address, not its IPA */
	REFUSED(HVB_ZONE_EENTRY, 0);
}

Test(zonecheck, kernel_and_dtb)
{
	d.kernel_size = 0;
	REFUSED(HVB_ZONE_EKERNEL, 0);
	d.kernel_size = 0x300000;
	REFUSED(HVB_ZONE_EKERNEL, 0);
	setup();
	d.kernel_phys = 0xffffffffffffff00ull;
	REFUSED(HVB_ZONE_EKERNEL, 0);
	setup();
	d.dtb_phys = 0x501ff800;
	d.dtb_size = 0x1000;
	REFUSED(HVB_ZONE_EDTB, 0);
	setup();
	d.dtb_phys = 0x50000800;	/* on the kernel */
	REFUSED(HVB_ZONE_EDTB, 0);
	/* No DTB at all is fine. */
	setup();
	d.dtb_phys = d.dtb_size = 0;
	REFUSED(HVB_ZONE_OK, 0);
}

Test(zonecheck, gic)
{
	d.gic_version = 2;
	REFUSED(HVB_ZONE_EGIC, 0);
	setup();
	d.gicd_base = 0x08010000;
	REFUSED(HVB_ZONE_EGIC, 0);
	setup();
	d.gicr_size = 0;
	REFUSED(HVB_ZONE_EGIC, 0);
}
