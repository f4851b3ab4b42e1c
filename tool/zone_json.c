// SPDX-License-Identifier: MIT
/*
 * hvisor-tool's zone config, read as it is:
 *
 *   {"arch": "arm64", "name": "linux2", "zone_id": 1, "cpus": [2, 3],
 *    "memory_regions": [{"type": "ram", "physical_start": "0x50000000",
 *                        "virtual_start": "0x50000000",
 *                        "size": "0x30000000"}, ...],
 *    "interrupts": [75, 76, 78], "ivc_configs": [],
 *    "kernel_filepath": "./Image", "dtb_filepath": "./linux2.dtb",
 *    "kernel_load_paddr": "0x50400000", "dtb_load_paddr": "0x50000000",
 *    "entry_point": "0x50400000",
 *    "arch_config": {"gic_version": "v3", "gicd_base": "0x8000000",
 *                    "gicd_size": "0x10000", "gicr_base": "0x80a0000",
 *                    "gicr_size": "0xf60000"}}
 *
 * Each field fills one member of the descriptor, memory_regions[i] is
 * desc.mem[i] (so a refusal about region i names memory_regions[i]).
 * What hvbridge does not do is refused by name, not ignored: a non-empty
 * pci_config, alloc_pci_devs or ivc_configs, an arch other than arm64,
 * AArch32 guests, GIC versions other than v3.  Members hvisor-tool has
 * for other architectures or that change nothing here (gits_*, the ITS,
 * which zones do not get) are accepted and left aside.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "zone_json.h"

struct zj_ctx {
	char *why;
	size_t len;
};

static int zj_fail(struct zj_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int zj_fail(struct zj_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, c->len, fmt, ap);
	va_end(ap);
	return -1;
}

/* A number as hvisor-tool writes them (zone_json.h). */
static int zj_u64(struct zj_ctx *c, const cJSON *item, const char *field,
		  __u64 *out)
{
	const char *s;
	char *end;

	if (cJSON_IsNumber(item)) {
		if (item->valuedouble < 0 ||
		    item->valuedouble >= 9007199254740992.0 ||
		    (double)(__u64)item->valuedouble != item->valuedouble)
			return zj_fail(c, "%s: not a whole number from 0 to 2^53 (write large ones as \"0x...\" strings)",
				       field);
		*out = (__u64)item->valuedouble;
		return 0;
	}
	if (!cJSON_IsString(item))
		return zj_fail(c, "%s: expected a number or a \"0x...\" string",
			       field);
	s = item->valuestring;
	/* strtoull() would also take blanks and a sign after "0x". */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    isxdigit((unsigned char)s[2])) {
		errno = 0;
		*out = strtoull(s + 2, &end, 16);
		if (*end || errno)
			return zj_fail(c, "%s: \"%s\" is not a 64-bit hex number",
				       field, s);
		return 0;
	}
	if (s[0] >= '0' && s[0] <= '9' && !s[1]) {
		*out = (__u64)(s[0] - '0');
		return 0;
	}
	if (s[0] >= '0' && s[0] <= '9' && strspn(s, "0123456789") == strlen(s))
		return zj_fail(c, "%s: \"%s\" reads as %s decimal and as 0x%s hex in hvisor-tool's two readers; write \"0x...\" or a JSON number",
			       field, s, s, s);
	return zj_fail(c, "%s: \"%s\" is not a number (\"0x...\" or a JSON number)",
		       field, s);
}

static int zj_get_u64(struct zj_ctx *c, const cJSON *obj, const char *key,
		      const char *path, int required, __u64 *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	char field[96];

	snprintf(field, sizeof(field), "%s%s", path, key);
	if (!item) {
		if (required)
			return zj_fail(c, "%s: missing", field);
		return 1;
	}
	return zj_u64(c, item, field, out);
}

static int zj_get_str(struct zj_ctx *c, const cJSON *obj, const char *key,
		      int required, const char **out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!item) {
		if (required)
			return zj_fail(c, "%s: missing", key);
		return 1;
	}
	if (!cJSON_IsString(item) || !item->valuestring[0])
		return zj_fail(c, "%s: expected a non-empty string", key);
	*out = item->valuestring;
	return 0;
}

/* pci_config, alloc_pci_devs, ivc_configs: absent, null or empty only. */
static int zj_empty(struct zj_ctx *c, const cJSON *root, const char *key,
		    const char *what)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, key);

	if (!item || cJSON_IsNull(item))
		return 0;
	if ((cJSON_IsArray(item) || cJSON_IsObject(item)) &&
	    !cJSON_GetArraySize(item))
		return 0;
	return zj_fail(c, "%s: %s is not supported by hvbridge; give an empty %s",
		       key, what, cJSON_IsObject(item) ? "{}" : "[]");
}

static int zj_cpus(struct zj_ctx *c, const cJSON *root,
		   struct hvb_zone_desc *d)
{
	const cJSON *cpus = cJSON_GetObjectItemCaseSensitive(root, "cpus");
	const cJSON *item;
	char field[32];
	__u64 cpu;
	int i = 0;

	if (!cpus)
		return zj_fail(c, "cpus: missing");
	if (!cJSON_IsArray(cpus) || !cJSON_GetArraySize(cpus))
		return zj_fail(c, "cpus: expected a non-empty array of CPU numbers");
	cJSON_ArrayForEach(item, cpus) {
		snprintf(field, sizeof(field), "cpus[%d]", i++);
		if (zj_u64(c, item, field, &cpu))
			return -1;
		if (cpu >= 64)
			return zj_fail(c, "%s: CPU %llu: at most 63", field,
				       (unsigned long long)cpu);
		if (d->cpus & 1ull << cpu)
			return zj_fail(c, "%s: CPU %llu listed twice", field,
				       (unsigned long long)cpu);
		d->cpus |= 1ull << cpu;
	}
	return 0;
}

static int zj_memory(struct zj_ctx *c, const cJSON *root,
		     struct hvb_zone_desc *d)
{
	static const char *const types[] = {
		[HVB_ZONE_MEM_RAM] = "ram",
		[HVB_ZONE_MEM_IO] = "io",
		[HVB_ZONE_MEM_VIRTIO] = "virtio",
	};
	const cJSON *regions, *r;
	const char *type;
	char path[40], field[64];
	__u32 i = 0, t;

	regions = cJSON_GetObjectItemCaseSensitive(root, "memory_regions");
	if (!regions)
		return zj_fail(c, "memory_regions: missing");
	if (!cJSON_IsArray(regions) || !cJSON_GetArraySize(regions))
		return zj_fail(c, "memory_regions: expected a non-empty array");
	if (cJSON_GetArraySize(regions) > (int)HVB_ZONE_DESC_MAX_MEM)
		return zj_fail(c, "memory_regions: %d regions, at most %u",
			       cJSON_GetArraySize(regions),
			       HVB_ZONE_DESC_MAX_MEM);
	cJSON_ArrayForEach(r, regions) {
		struct hvb_zone_desc_mem *m = &d->mem[i];

		snprintf(path, sizeof(path), "memory_regions[%u].", i);
		if (!cJSON_IsObject(r))
			return zj_fail(c, "memory_regions[%u]: expected an object",
				       i);
		snprintf(field, sizeof(field), "%stype", path);
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "type")))
			return zj_fail(c, "%s: missing or not a string (ram, io or virtio)",
				       field);
		type = cJSON_GetObjectItemCaseSensitive(r, "type")->valuestring;
		for (t = 0; t < 3 && strcmp(type, types[t]); t++)
			;
		if (t == 3)
			return zj_fail(c, "%s: \"%s\" is not ram, io or virtio",
				       field, type);
		m->type = t;
		if (zj_get_u64(c, r, "physical_start", path, 1, &m->phys) ||
		    zj_get_u64(c, r, "virtual_start", path, 1, &m->ipa) ||
		    zj_get_u64(c, r, "size", path, 1, &m->size))
			return -1;
		i++;
	}
	d->nr_mem = i;
	return 0;
}

static int zj_irqs(struct zj_ctx *c, const cJSON *root,
		   struct hvb_zone_desc *d)
{
	const cJSON *irqs = cJSON_GetObjectItemCaseSensitive(root, "interrupts");
	const cJSON *item;
	char field[32];
	__u64 n;
	int i = 0;

	if (!irqs)
		return 0;
	if (!cJSON_IsArray(irqs))
		return zj_fail(c, "interrupts: expected an array of INTIDs");
	cJSON_ArrayForEach(item, irqs) {
		snprintf(field, sizeof(field), "interrupts[%d]", i++);
		if (zj_u64(c, item, field, &n))
			return -1;
		if (n >= 32 * HVB_ZONE_DESC_IRQ_WORDS)
			return zj_fail(c, "%s: %llu is not a GIC INTID below 1024",
				       field, (unsigned long long)n);
		d->irqs[n / 32] |= 1u << (n % 32);
	}
	return 0;
}

static int zj_gic(struct zj_ctx *c, const cJSON *root,
		  struct hvb_zone_desc *d)
{
	const cJSON *ac = cJSON_GetObjectItemCaseSensitive(root, "arch_config");
	const cJSON *v, *a32;

	if (!ac)
		return zj_fail(c, "arch_config: missing (gic_version, gicd_base, gicd_size, gicr_base, gicr_size)");
	if (!cJSON_IsObject(ac))
		return zj_fail(c, "arch_config: expected an object");
	v = cJSON_GetObjectItemCaseSensitive(ac, "gic_version");
	/* hvisor-tool's older files have no gic_version: v3 then. */
	if (v && !(cJSON_IsString(v) && !strcmp(v->valuestring, "v3")) &&
	    !(cJSON_IsNumber(v) && v->valuedouble == 3))
		return zj_fail(c, "arch_config.gic_version: only \"v3\" (hvbridge's guest zones get a GICv3)");
	d->gic_version = HVB_ZONE_GIC_V3;
	a32 = cJSON_GetObjectItemCaseSensitive(ac, "is_aarch32");
	if (a32 && !cJSON_IsFalse(a32))
		return zj_fail(c, "arch_config.is_aarch32: AArch32 guests are not supported; give false");
	if (zj_get_u64(c, ac, "gicd_base", "arch_config.", 1, &d->gicd_base) ||
	    zj_get_u64(c, ac, "gicd_size", "arch_config.", 1, &d->gicd_size) ||
	    zj_get_u64(c, ac, "gicr_base", "arch_config.", 1, &d->gicr_base) ||
	    zj_get_u64(c, ac, "gicr_size", "arch_config.", 1, &d->gicr_size))
		return -1;
	return 0;
}

int hvb_zone_json_parse(const char *text, struct hvb_zone_json *zj,
			char *why, size_t len)
{
	struct zj_ctx c = { .why = why, .len = len };
	struct hvb_zone_desc *d = &zj->desc;
	const char *s = NULL, *arch = NULL;
	cJSON *root;
	__u64 v;
	int ret = -1;

	memset(zj, 0, sizeof(*zj));
	memcpy(d->signature, HVB_ZONE_DESC_SIGNATURE, sizeof(d->signature));
	d->revision = HVB_ZONE_DESC_REVISION;
	d->size = sizeof(*d);
	root = cJSON_Parse(text);
	if (!root)
		return zj_fail(&c, "not JSON (near \"%.20s\")",
			       cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() : "");
	if (!cJSON_IsObject(root)) {
		zj_fail(&c, "expected a JSON object");
		goto out;
	}
	if (!zj_get_str(&c, root, "arch", 0, &arch) && strcmp(arch, "arm64")) {
		zj_fail(&c, "arch: \"%s\": hvbridge runs arm64 zones only", arch);
		goto out;
	}
	if (zj_get_u64(&c, root, "zone_id", "", 1, &v))
		goto out;
	if (!v || v > UINT32_MAX) {
		zj_fail(&c, "zone_id: %llu: 1 to 4294967295 (0 is the root zone)",
			(unsigned long long)v);
		goto out;
	}
	d->id = (__u32)v;
	if (zj_get_str(&c, root, "name", 1, &s))
		goto out;
	if (strlen(s) >= HVB_ZONE_DESC_NAME_LEN) {
		zj_fail(&c, "name: \"%s\" is longer than %u characters", s,
			HVB_ZONE_DESC_NAME_LEN - 1);
		goto out;
	}
	memcpy(d->name, s, strlen(s));
	if (zj_cpus(&c, root, d) || zj_memory(&c, root, d) ||
	    zj_irqs(&c, root, d) ||
	    zj_empty(&c, root, "ivc_configs", "inter-VM communication") ||
	    zj_empty(&c, root, "pci_config", "PCI pass-through") ||
	    zj_empty(&c, root, "alloc_pci_devs", "PCI pass-through"))
		goto out;
	if (!zj_get_u64(&c, root, "num_pci_devs", "", 0, &v) && v) {
		zj_fail(&c, "num_pci_devs: PCI pass-through is not supported by hvbridge; give 0");
		goto out;
	}
	if (zj_get_str(&c, root, "kernel_filepath", 1, &s))
		goto out;
	if (strlen(s) >= sizeof(zj->kernel_path)) {
		zj_fail(&c, "kernel_filepath: too long");
		goto out;
	}
	strcpy(zj->kernel_path, s);
	ret = zj_get_str(&c, root, "dtb_filepath", 0, &s);
	if (ret < 0)
		goto out;
	if (!ret) {
		if (strlen(s) >= sizeof(zj->dtb_path)) {
			zj_fail(&c, "dtb_filepath: too long");
			ret = -1;
			goto out;
		}
		strcpy(zj->dtb_path, s);
	}
	ret = -1;
	if (zj_get_u64(&c, root, "kernel_load_paddr", "", 1, &d->kernel_phys) ||
	    zj_get_u64(&c, root, "entry_point", "", 1, &d->entry) ||
	    zj_get_u64(&c, root, "dtb_load_paddr", "", zj->dtb_path[0] != 0,
			&d->dtb_phys) < 0 ||
	    zj_gic(&c, root, d))
		goto out;
	ret = 0;
out:
	cJSON_Delete(root);
	return ret;
}

/* "ram 0x...-0x..." for region @i of @d, as the JSON gave it. */
static void zr_range(const struct hvb_zone_desc *d, __u32 i, char *buf,
		     size_t len)
{
	const struct hvb_zone_desc_mem *m = &d->mem[i];
	__u64 a = m->type == HVB_ZONE_MEM_VIRTIO ? m->ipa : m->phys;

	if (i >= HVB_ZONE_DESC_MAX_MEM) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%s 0x%llx-0x%llx",
		 m->type == HVB_ZONE_MEM_RAM ? "ram" :
		 m->type == HVB_ZONE_MEM_IO ? "io" : "virtio",
		 (unsigned long long)a, (unsigned long long)(a + m->size - 1));
}

void hvb_zone_reason(__u32 reason, __u32 index,
		     const struct hvb_zone_desc *d, char *buf, size_t len)
{
	char r[64];

	zr_range(d, index, r, sizeof(r));
	switch (reason) {
	case HVB_ZONE_OK:
		snprintf(buf, len, "accepted");
		break;
	case HVB_ZONE_ESIGNATURE:
		snprintf(buf, len, "the zone descriptor's signature, revision %u or size %u is not the one hvbridge.ko and the hypervisor take (mismatched versions)",
			 HVB_ZONE_DESC_REVISION,
			 (unsigned int)sizeof(struct hvb_zone_desc));
		break;
	case HVB_ZONE_ERESERVED:
		snprintf(buf, len, "a reserved field of the zone descriptor is not zero (a bug in this hvbridge)");
		break;
	case HVB_ZONE_EID:
		snprintf(buf, len, "zone_id %u: a zone with this id exists already, or it is 0, the root zone's (see 'hvbridge zone list')",
			 d->id);
		break;
	case HVB_ZONE_ENAME:
		snprintf(buf, len, "name: empty or longer than %u characters",
			 HVB_ZONE_DESC_NAME_LEN - 1);
		break;
	case HVB_ZONE_ECPU_NONE:
		snprintf(buf, len, "cpus: the zone has no CPU");
		break;
	case HVB_ZONE_ECPU_ABSENT:
		snprintf(buf, len, "cpus: CPU %u does not exist on this machine",
			 index);
		break;
	case HVB_ZONE_ECPU_ROOT:
		snprintf(buf, len, "cpus: CPU %u belongs to the root zone",
			 index);
		break;
	case HVB_ZONE_ECPU_BUSY:
		snprintf(buf, len, "cpus: CPU %u belongs to another zone (see 'hvbridge zone list')",
			 index);
		break;
	case HVB_ZONE_EMEM_COUNT:
		snprintf(buf, len, "memory_regions: none is of type ram (or more than %u regions)",
			 HVB_ZONE_DESC_MAX_MEM);
		break;
	case HVB_ZONE_EMEM_TYPE:
		snprintf(buf, len, "memory_regions[%u].type: not ram, io or virtio",
			 index);
		break;
	case HVB_ZONE_EMEM_ALIGN:
		snprintf(buf, len, "memory_regions[%u] (%s): the size is 0, an address or the size is not 4 KiB aligned (virtio: 4 bytes), or the region wraps around",
			 index, r);
		break;
	case HVB_ZONE_EMEM_POOL:
		snprintf(buf, len, "memory_regions[%u].physical_start (%s): RAM outside the pool reserved for guest zones (no-map in the root zone's device tree; docs/zones.md)",
			 index, r);
		break;
	case HVB_ZONE_EMEM_HYP:
		snprintf(buf, len, "memory_regions[%u] (%s): overlaps the hypervisor's own memory or devices (its image, the channel region, the GIC, the UART) or the windows it traps for the zone",
			 index, r);
		break;
	case HVB_ZONE_EMEM_ZONE:
		snprintf(buf, len, "memory_regions[%u].physical_start (%s): overlaps memory or a device of another zone",
			 index, r);
		break;
	case HVB_ZONE_EMEM_OVERLAP:
		snprintf(buf, len, "memory_regions[%u] (%s): overlaps an earlier region of this zone",
			 index, r);
		break;
	case HVB_ZONE_EMEM_IO_RAM:
		snprintf(buf, len, "memory_regions[%u] (%s): an io region inside the machine's RAM (RAM is given as type ram)",
			 index, r);
		break;
	case HVB_ZONE_EIRQ_NOT_SPI:
		snprintf(buf, len, "interrupts: %u is not a shared peripheral interrupt (32-1019)",
			 index);
		break;
	case HVB_ZONE_EIRQ_BUSY:
		snprintf(buf, len, "interrupts: %u belongs to another zone",
			 index);
		break;
	case HVB_ZONE_EIRQ_HYP:
		snprintf(buf, len, "interrupts: %u is the hypervisor's own (the channel's wake interrupt, or the UART's)",
			 index);
		break;
	case HVB_ZONE_EENTRY:
		snprintf(buf, len, "entry_point 0x%llx: not a 4-byte aligned address inside a ram region as the zone sees it (virtual_start)",
			 (unsigned long long)d->entry);
		break;
	case HVB_ZONE_EKERNEL:
		snprintf(buf, len, "kernel_load_paddr 0x%llx: the kernel (kernel_filepath, %llu bytes) does not fit inside one ram region there",
			 (unsigned long long)d->kernel_phys,
			 (unsigned long long)d->kernel_size);
		break;
	case HVB_ZONE_EDTB:
		snprintf(buf, len, "dtb_load_paddr 0x%llx: the device tree (dtb_filepath, %llu bytes) does not fit inside one ram region there, or overlaps the kernel",
			 (unsigned long long)d->dtb_phys,
			 (unsigned long long)d->dtb_size);
		break;
	case HVB_ZONE_EGIC:
		snprintf(buf, len, "arch_config: not a GICv3 at this machine's distributor and redistributor bases (gicd_base 0x%llx, gicr_base 0x%llx given)",
			 (unsigned long long)d->gicd_base,
			 (unsigned long long)d->gicr_base);
		break;
	case HVB_ZONE_EFULL:
		snprintf(buf, len, "zone_id %u: the hypervisor has no free zone slot (shut another zone down first)",
			 d->id);
		break;
	case HVB_ZONE_EMAP:
		snprintf(buf, len, "memory_regions: the hypervisor ran out of stage-2 table memory mapping them (use fewer regions, 2 MiB aligned)");
		break;
	default:
		snprintf(buf, len, "refused for reason %u (a newer hypervisor?)",
			 reason);
		break;
	}
}
