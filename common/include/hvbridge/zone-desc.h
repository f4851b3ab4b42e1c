/* SPDX-License-Identifier: MIT */
/*
 * hvbridge/zone-desc.h - the zone descriptor: a guest zone created at run
 * time, as the root zone describes it to the hypervisor
 * (HVB_HC_ZONE_CREATE, docs/hypercalls.md; HVB_IOC_ZONE_CREATE,
 * docs/kmod.md; docs/zones.md says which hvisor-tool JSON field fills
 * which member).
 *
 * Writer: the CLI (`hvbridge zone start FILE.json`, tool/zone_json.c)
 * fills it; hvbridge.ko copies it in, checks signature, revision, size
 * and reserved words, and hands the hypervisor a copy in its own RAM.
 * Reader: the hypervisor, which copies it out of root-zone memory before
 * it looks at any field (the root zone cannot change it between check
 * and use) and then checks every field itself (hyp/core/zone_check.c):
 * nothing here is trusted because the module looked at it.
 *
 * Addresses: phys fields are physical addresses, ipa fields addresses in
 * the zone.  A refusal is an HVB_ZONE_E* reason with the index of the
 * offending entry (memory region, CPU or interrupt), which the CLI turns
 * into a sentence naming the JSON field.
 */
#ifndef HVBRIDGE_ZONE_DESC_H
#define HVBRIDGE_ZONE_DESC_H

#include <hvbridge/types.h>

/* "HVBZONE" and a NUL; the first 8 bytes. */
#define HVB_ZONE_DESC_SIGNATURE	"HVBZONE"
#define HVB_ZONE_DESC_REVISION	1u

#define HVB_ZONE_DESC_MAX_MEM	16u	/* memory regions */
#define HVB_ZONE_DESC_IRQ_WORDS	32u	/* bit n of irqs[n / 32]: INTID n */
#define HVB_ZONE_DESC_NAME_LEN	16u

/* hvb_zone_desc_mem.type: hvisor-tool's memory_regions[].type. */
#define HVB_ZONE_MEM_RAM	0u	/* "ram": mapped, normal memory */
#define HVB_ZONE_MEM_IO		1u	/* "io": a device, passed through */
#define HVB_ZONE_MEM_VIRTIO	2u	/* "virtio": trapped, served by the
					 * daemon through the channel */

/* hvb_zone_desc.gic_version */
#define HVB_ZONE_GIC_V3		3u

/* One memory region; all three fields page aligned (4 KiB), except a
 * virtio window, which needs 4-byte alignment only. */
struct hvb_zone_desc_mem {
	__u64 phys;		/* physical address (virtio: unused, 0 or ipa) */
	__u64 ipa;		/* where the zone sees it */
	__u64 size;		/* bytes, non-zero */
	__u32 type;		/* HVB_ZONE_MEM_* */
	__u32 reserved;		/* zero */
};

struct hvb_zone_desc {
	char signature[8];	/* HVB_ZONE_DESC_SIGNATURE, NUL included */
	__u32 revision;		/* HVB_ZONE_DESC_REVISION */
	__u32 size;		/* sizeof(struct hvb_zone_desc) */
	__u32 id;		/* zone_id: carried in channel requests */
	__u32 nr_mem;		/* entries of mem[] used */
	__u64 cpus;		/* cpus: physical CPUs, bit n = CPU n; the
				 * lowest starts the zone */
	char name[HVB_ZONE_DESC_NAME_LEN];	/* NUL-terminated */
	__u64 entry;		/* entry_point: IPA of the first instruction */
	__u64 kernel_phys;	/* kernel_load_paddr */
	__u64 kernel_size;	/* bytes of the kernel image loaded there */
	__u64 dtb_phys;		/* dtb_load_paddr; x0 at entry is its IPA */
	__u64 dtb_size;		/* bytes of the DTB (0: none) */
	__u64 gicd_base;	/* arch_config: must be this machine's */
	__u64 gicd_size;
	__u64 gicr_base;
	__u64 gicr_size;
	__u32 gic_version;	/* HVB_ZONE_GIC_V3 */
	__u32 flags;		/* zero */
	__u32 irqs[HVB_ZONE_DESC_IRQ_WORDS];	/* interrupts: SPIs only */
	struct hvb_zone_desc_mem mem[HVB_ZONE_DESC_MAX_MEM];
	__u32 reserved[8];	/* zero */
};

_Static_assert(sizeof(struct hvb_zone_desc_mem) == 32, "desc mem size");
_Static_assert(__builtin_offsetof(struct hvb_zone_desc, revision) == 8,
	       "desc revision");
_Static_assert(__builtin_offsetof(struct hvb_zone_desc, cpus) == 24,
	       "desc cpus");
_Static_assert(__builtin_offsetof(struct hvb_zone_desc, name) == 32,
	       "desc name");
_Static_assert(__builtin_offsetof(struct hvb_zone_desc, entry) == 48,
	       "desc entry");
_Static_assert(__builtin_offsetof(struct hvb_zone_desc, gic_version) == 120,
	       "desc gic_version");
_Static_assert(__builtin_offsetof(struct hvb_zone_desc, irqs) == 128,
	       "desc irqs");
_Static_assert(__builtin_offsetof(struct hvb_zone_desc, mem) == 256,
	       "desc mem");
_Static_assert(sizeof(struct hvb_zone_desc) == 800, "desc size");

/*
 * Why a descriptor was refused (HVB_HC_EZONE: x1 = reason, x2 = index of
 * the memory region, CPU or INTID it is about).  Stable numbers: the
 * CLI prints each as a sentence.
 */
#define HVB_ZONE_OK		0u
#define HVB_ZONE_ESIGNATURE	1u	/* signature, revision or size */
#define HVB_ZONE_ERESERVED	2u	/* a reserved field or flag not zero */
#define HVB_ZONE_EID		3u	/* id 0 (root) or in use */
#define HVB_ZONE_ENAME		4u	/* empty or not NUL-terminated */
#define HVB_ZONE_ECPU_NONE	5u	/* no CPU */
#define HVB_ZONE_ECPU_ABSENT	6u	/* index: a CPU the machine lacks */
#define HVB_ZONE_ECPU_ROOT	7u	/* index: a root-zone CPU */
#define HVB_ZONE_ECPU_BUSY	8u	/* index: another zone's CPU */
#define HVB_ZONE_EMEM_COUNT	9u	/* nr_mem 0 or > max, or no RAM */
#define HVB_ZONE_EMEM_TYPE	10u	/* index: unknown type */
#define HVB_ZONE_EMEM_ALIGN	11u	/* index: empty, unaligned, wraps */
#define HVB_ZONE_EMEM_POOL	12u	/* index: RAM outside the guest pool */
#define HVB_ZONE_EMEM_HYP	13u	/* index: the hypervisor's memory
					 * or devices (GIC, UART, channel) */
#define HVB_ZONE_EMEM_ZONE	14u	/* index: another zone's RAM or
					 * device */
#define HVB_ZONE_EMEM_OVERLAP	15u	/* index: overlaps one of its own */
#define HVB_ZONE_EMEM_IO_RAM	16u	/* index: an io region in RAM */
#define HVB_ZONE_EIRQ_NOT_SPI	17u	/* index = INTID: not 32..1019 */
#define HVB_ZONE_EIRQ_BUSY	18u	/* index = INTID: another zone's */
#define HVB_ZONE_EIRQ_HYP	19u	/* index = INTID: the hypervisor's */
#define HVB_ZONE_EENTRY		20u	/* entry not in its RAM */
#define HVB_ZONE_EKERNEL	21u	/* kernel not inside its RAM */
#define HVB_ZONE_EDTB		22u	/* DTB not inside its RAM */
#define HVB_ZONE_EGIC		23u	/* not GICv3 at this machine's bases */
#define HVB_ZONE_EFULL		24u	/* no free zone slot */
#define HVB_ZONE_EMAP		25u	/* stage-2 table memory ran out */
#define HVB_ZONE_NR_REASONS	26u

#endif /* HVBRIDGE_ZONE_DESC_H */
