// SPDX-License-Identifier: MIT
/*
 * Description: hvisor-tool's zone config (tool/zone_json.c): its own
 * example files are read as they are into the zone descriptor, field by
 * field; what hvbridge does not do (PCI, IVC, other arches, AArch32,
 * GICv2) is refused naming the field; every refusal reason the
 * hypervisor gives prints as a sentence naming its JSON field; and the
 * images a config names are found and sized, or named when missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "zone_json.h"
#include "zone_start.h"

#define ZONES	HVB_TEST_TOP "/tests/zones/"

static struct hvb_zone_json zj;
static char why[1024];

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[8192];
	size_t n;

	cr_assert(f, "%s", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static int parse(const char *text)
{
	why[0] = '\0';
	return hvb_zone_json_parse(text, &zj, why, sizeof(why));
}

static int bit(const __u32 *bits, unsigned int n)
{
	return bits[n / 32] >> (n % 32) & 1;
}

Test(zone_json, hvisor_tool_example)
{
	const struct hvb_zone_desc *d = &zj.desc;

	cr_assert_eq(parse(slurp(ZONES "hvisor-tool-zone1_linux.json")), 0,
		     "%s", why);
	cr_assert_str_eq(d->signature, HVB_ZONE_DESC_SIGNATURE);
	cr_assert_eq(d->revision, HVB_ZONE_DESC_REVISION);
	cr_assert_eq(d->size, sizeof(*d));
	cr_assert_eq(d->id, 1);
	cr_assert_str_eq(d->name, "linux2");
	cr_assert_eq(d->cpus, 0xc);
	cr_assert_eq(d->nr_mem, 4);
	cr_assert_eq(d->mem[0].type, HVB_ZONE_MEM_RAM);
	cr_assert_eq(d->mem[0].phys, 0x50000000);
	cr_assert_eq(d->mem[0].ipa, 0x50000000);
	cr_assert_eq(d->mem[0].size, 0x30000000);
	cr_assert_eq(d->mem[3].type, HVB_ZONE_MEM_VIRTIO);
	cr_assert_eq(d->mem[3].ipa, 0xa003c00);
	cr_assert_eq(d->mem[3].size, 0x200);
	cr_assert(bit(d->irqs, 75) && bit(d->irqs, 76) && bit(d->irqs, 78));
	cr_assert(!bit(d->irqs, 77));
	cr_assert_str_eq(zj.kernel_path, "./Image");
	cr_assert_str_eq(zj.dtb_path, "./linux2.dtb");
	cr_assert_eq(d->kernel_phys, 0x50400000);
	cr_assert_eq(d->dtb_phys, 0x50000000);
	cr_assert_eq(d->entry, 0x50400000);
	cr_assert_eq(d->gic_version, HVB_ZONE_GIC_V3);
	cr_assert_eq(d->gicd_base, 0x8000000);
	cr_assert_eq(d->gicd_size, 0x10000);
	cr_assert_eq(d->gicr_base, 0x80a0000);
	cr_assert_eq(d->gicr_size, 0xf60000);
	cr_assert_eq(d->kernel_size, 0, "sizes come from the files");
	cr_assert_eq(d->flags, 0);
}

Test(zone_json, hvisor_tool_example_v3)
{
	cr_assert_eq(parse(slurp(ZONES "hvisor-tool-zone1_linux-v3.json")),
		     0, "%s", why);
	cr_assert_eq(zj.desc.nr_mem, 2);
	cr_assert_eq(zj.desc.mem[1].size, 0x4000);
}

Test(zone_json, ours)
{
	cr_assert_eq(parse(slurp(ZONES "zone1.json")), 0, "%s", why);
	cr_assert_eq(zj.desc.cpus, 1ull << 2);
	cr_assert_eq(zj.desc.irqs[2], 0xff00);
	cr_assert_eq(zj.desc.mem[0].ipa, 0x40000000);
}

/* @json with @from replaced by @to must be refused naming @field. */
static void refused(const char *from, const char *to, const char *field)
{
	char text[8192], *at;
	const char *src = slurp(ZONES "zone1.json");

	at = strstr(src, from);
	cr_assert(at, "no '%s' in zone1.json", from);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - src), src, to,
		 at + strlen(from));
	cr_assert_eq(parse(text), -1, "accepted with %s", to);
	cr_assert(!strncmp(why, field, strlen(field)),
		  "'%s' does not start with '%s'", why, field);
}

Test(zone_json, refusals_name_the_field)
{
	refused("\"pci_config\": []",
		"\"pci_config\": [{\"ecam_base\": \"0x4010000000\"}]",
		"pci_config: PCI pass-through is not supported");
	refused("\"pci_config\": []", "\"pci_config\": {\"a\": 1}",
		"pci_config:");
	refused("\"pci_config\": []", "\"alloc_pci_devs\": [{\"bdf\": 0}]",
		"alloc_pci_devs:");
	refused("\"pci_config\": []", "\"num_pci_devs\": 2",
		"num_pci_devs:");
	refused("\"ivc_configs\": []", "\"ivc_configs\": [{\"ivc_id\": 0}]",
		"ivc_configs: inter-VM communication is not supported");
	refused("\"arm64\"", "\"riscv64\"", "arch:");
	refused("\"v3\"", "\"v2\"", "arch_config.gic_version:");
	refused("\"gic_version\": \"v3\"", "\"is_aarch32\": true",
		"arch_config.is_aarch32:");
	refused("\"gicd_base\": \"0x8000000\",", "", "arch_config.gicd_base: missing");
	refused("\"cpus\": [2]", "\"cpus\": []", "cpus:");
	refused("\"cpus\": [2]", "\"cpus\": [2, 2]", "cpus[1]:");
	refused("\"cpus\": [2]", "\"cpus\": [64]", "cpus[0]:");
	refused("\"cpus\": [2],", "", "cpus: missing");
	refused("\"type\": \"ram\"", "\"type\": \"rom\"",
		"memory_regions[0].type:");
	refused("\"size\": \"0x600\"", "\"size\": \"600\"",
		"memory_regions[1].size: \"600\" reads as 600 decimal and as 0x600 hex");
	refused("\"size\": \"0x600\"", "\"size\": \"0xzz\"",
		"memory_regions[1].size:");
	refused("\"size\": \"0x600\"", "\"size\": \"0x -1\"",
		"memory_regions[1].size:");
	refused("\"size\": \"0x600\"", "\"size\": \"0x\"",
		"memory_regions[1].size:");
	refused("\"size\": \"0x600\"", "\"size\": \"0x10000000000000000\"",
		"memory_regions[1].size: \"0x10000000000000000\" is not a 64-bit hex number");
	refused("\"size\": \"0x600\"", "\"size\": -1",
		"memory_regions[1].size: not a whole number");
	refused("\"size\": \"0x600\"", "\"size\": 1.5",
		"memory_regions[1].size: not a whole number");
	refused("\"virtual_start\":  \"0x40000000\",", "",
		"memory_regions[0].virtual_start: missing");
	refused("\"zone_id\": 1", "\"zone_id\": 0", "zone_id:");
	refused("\"zone1\"", "\"a-name-too-long-for-it\"", "name:");
	refused("79]", "1024]", "interrupts[7]:");
	refused("\"entry_point\":      \"0x40000000\",", "", "entry_point: missing");
	refused("\"kernel_filepath\": \"zone-hello.bin\",", "",
		"kernel_filepath: missing");
	refused("\"arch_config\"", "\"arch_cfg\"", "arch_config: missing");
	cr_assert_eq(parse("[1]"), -1);
	cr_assert_eq(parse("{"), -1);
	cr_assert(strstr(why, "not JSON"), "%s", why);
}

Test(zone_json, every_reason_is_a_sentence_naming_a_field)
{
	static const char *const fields[HVB_ZONE_NR_REASONS] = {
		[HVB_ZONE_ESIGNATURE] = "revision",
		[HVB_ZONE_ERESERVED] = "reserved",
		[HVB_ZONE_EID] = "zone_id 1",
		[HVB_ZONE_ENAME] = "name:",
		[HVB_ZONE_ECPU_NONE] = "cpus:",
		[HVB_ZONE_ECPU_ABSENT] = "cpus: CPU 3 does not exist",
		[HVB_ZONE_ECPU_ROOT] = "cpus: CPU 3 belongs to the root zone",
		[HVB_ZONE_ECPU_BUSY] = "cpus: CPU 3 belongs to another zone",
		[HVB_ZONE_EMEM_COUNT] = "memory_regions:",
		[HVB_ZONE_EMEM_TYPE] = "memory_regions[3].type",
		[HVB_ZONE_EMEM_ALIGN] = "memory_regions[3]",
		[HVB_ZONE_EMEM_POOL] = "memory_regions[3].physical_start",
		[HVB_ZONE_EMEM_HYP] = "memory_regions[3]",
		[HVB_ZONE_EMEM_ZONE] = "memory_regions[3].physical_start",
		[HVB_ZONE_EMEM_OVERLAP] = "memory_regions[3]",
		[HVB_ZONE_EMEM_IO_RAM] = "memory_regions[3]",
		[HVB_ZONE_EIRQ_NOT_SPI] = "interrupts: 3 ",
		[HVB_ZONE_EIRQ_BUSY] = "interrupts: 3 ",
		[HVB_ZONE_EIRQ_HYP] = "interrupts: 3 ",
		[HVB_ZONE_EENTRY] = "entry_point 0x50400000",
		[HVB_ZONE_EKERNEL] = "kernel_load_paddr 0x50400000",
		[HVB_ZONE_EDTB] = "dtb_load_paddr 0x50000000",
		[HVB_ZONE_EGIC] = "arch_config",
		[HVB_ZONE_EFULL] = "zone_id 1",
		[HVB_ZONE_EMAP] = "memory_regions",
	};
	char buf[512];
	__u32 r;

	cr_assert_eq(parse(slurp(ZONES "hvisor-tool-zone1_linux.json")), 0);
	for (r = 1; r < HVB_ZONE_NR_REASONS; r++) {
		hvb_zone_reason(r, 3, &zj.desc, buf, sizeof(buf));
		cr_assert(fields[r] && strstr(buf, fields[r]),
			  "reason %u: '%s' lacks '%s'", r, buf,
			  fields[r] ? fields[r] : "?");
	}
	hvb_zone_reason(HVB_ZONE_EMEM_POOL, 0, &zj.desc, buf, sizeof(buf));
	cr_assert(strstr(buf, "ram 0x50000000-0x7fffffff"), "%s", buf);
	hvb_zone_reason(99, 0, &zj.desc, buf, sizeof(buf));
	cr_assert(strstr(buf, "reason 99"), "%s", buf);
}

Test(zone_json, images)
{
	char dir[] = "/tmp/hvb-zone-json-XXXXXX", path[128], *k, *dt;
	FILE *f;

	cr_assert(mkdtemp(dir));
	/* Relative to the JSON's directory, when not in the cwd. */
	snprintf(path, sizeof(path), "%s/zone-hello.bin", dir);
	f = fopen(path, "w");
	fputs("kernel", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/z.json", dir);
	f = fopen(path, "w");
	fputs(slurp(ZONES "zone1.json"), f);
	fclose(f);
	cr_assert_eq(hvb_zone_load(path, &zj, &k, &dt, why, sizeof(why)), -1);
	cr_assert(strstr(why, "dtb_filepath: zone-hello.dtb: No such file"),
		  "%s", why);
	snprintf(path, sizeof(path), "%s/zone-hello.dtb", dir);
	f = fopen(path, "w");
	fputs("dtb!!", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/z.json", dir);
	cr_assert_eq(hvb_zone_load(path, &zj, &k, &dt, why, sizeof(why)), 0,
		     "%s", why);
	cr_assert_eq(zj.desc.kernel_size, 6);
	cr_assert_eq(zj.desc.dtb_size, 5);
	cr_assert_eq(memcmp(k, "kernel", 6), 0);
	free(k);
	free(dt);
	cr_assert_eq(hvb_zone_load(ZONES "hvisor-tool-zone1_linux.json", &zj,
				   &k, &dt, why, sizeof(why)), -1);
	cr_assert(strstr(why, "kernel_filepath: ./Image: No such file"),
		  "%s", why);
}
