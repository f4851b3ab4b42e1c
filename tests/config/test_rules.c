// SPDX-License-Identifier: MIT
/*
 * Description: the checks beyond field types, each refused with the path
 * and the reason: duplicate zones, the root zone, memory regions that are
 * empty, unaligned, wrapping or overlapping, device windows that wrap, are
 * unaligned, overlap each other or the zone's RAM, or have the wrong size
 * for their type; unknown device types (listing the known ones), unknown
 * or repeated fields and options, kick numbers used twice; hvisor-tool's
 * zero addr/len/irq, unknown types and bad MACs; bad JSON with its line
 * and column.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "cfgtest.h"

static void rules_setup(void)
{
	cfg_types_setup();
}

TestSuite(rules, .init = rules_setup, .timeout = CFG_SUITE_TIMEOUT_S);

#define NATIVE	"tests/config/samples/native.json"
#define HVISOR	"tests/config/samples/hvisor.json"

/* The sample with @path set to @json; expect the strings. */
#define EXPECT_SET(sample, path, json, ...)				\
	do {								\
		cJSON *r_ = cfg_json_file(sample);			\
									\
		cfg_set_json(r_, path, json);				\
		cfg_expect_error(r_, HVB_CONFIG_AUTO, __VA_ARGS__, NULL); \
	} while (0)

Test(rules, zones)
{
	EXPECT_SET(NATIVE, "zones[1].id", "1",
		   "test.json: zones[1].id: zone 1 is also zones[0]");
	EXPECT_SET(NATIVE, "zones[0].id", "0",
		   "test.json: zones[0].id: zone 0 is the root zone");
	EXPECT_SET(NATIVE, "zones", "[]", "test.json: zones: no zones");
	EXPECT_SET(HVISOR, "zones", "[]", "test.json: zones: no zones");
	EXPECT_SET(HVISOR, "zones[1].zone_id", "\"0x1\"",
		   "test.json: zones[1].id: zone 1 is also zones[0]");
}

Test(rules, memory_regions)
{
	EXPECT_SET(NATIVE, "zones[0].memory[0].size", "0",
		   "test.json: zones[0].memory[0].size: is zero");
	EXPECT_SET(NATIVE, "zones[0].memory[0].size", "\"0x1800\"",
		   "zones[0].memory[0].size: 0x1800 is not a whole number of 4 KiB pages");
	EXPECT_SET(NATIVE, "zones[0].memory[0].phys", "\"0x40000800\"",
		   "zones[0].memory[0].phys: 0x40000800 is not 4 KiB aligned");
	EXPECT_SET(NATIVE, "zones[0].memory[0].ipa", "\"0x40000010\"",
		   "zones[0].memory[0].ipa: 0x40000010 is not 4 KiB aligned");
	EXPECT_SET(NATIVE, "zones[0].memory[0].phys", "\"0xfffffffffff00000\"",
		   "zones[0].memory[0].phys: 0xfffffffffff00000 + size 0x1000000 wraps past 2^64");
	EXPECT_SET(NATIVE, "zones[0].memory[0].ipa", "\"0xffffffffff800000\"",
		   "zones[0].memory[0].ipa", "wraps past 2^64");
	/* Ends exactly at 2^64: fine (one page below the top). */
	{
		struct hvb_config cfg;
		cJSON *r = cfg_json_file(NATIVE);

		cfg_set_json(r, "zones[0].memory[1].ipa",
			     "\"0xffffffffffff0000\"");
		cr_expect_eq(cfg_parse_tree(&cfg, r, HVB_CONFIG_AUTO), 0,
			     "%s", cfg.error);
		hvb_config_free(&cfg);
		cJSON_Delete(r);
	}
	/* Guest ranges of one zone overlap. */
	EXPECT_SET(NATIVE, "zones[0].memory[1].ipa", "\"0x40ff0000\"",
		   "test.json: zones[0].memory[1]: guest range [0x40ff0000, 0x41000000) overlaps zones[0].memory[0]");
	/* Physical ranges overlap: in one zone, and across zones. */
	EXPECT_SET(NATIVE, "zones[0].memory[1].phys", "\"0x40001000\"",
		   "zones[0].memory[1]: physical range [0x40001000, 0x40011000) overlaps zones[0].memory[0]");
	EXPECT_SET(NATIVE, "zones[1].memory[0].phys", "\"0x40800000\"",
		   "zones[1].memory[0]: physical range", "overlaps zones[0].memory[0]");
	/* The same region twice is an overlap too. */
	EXPECT_SET(HVISOR, "zones[0].memory_region[1]",
		   "{\"zone0_ipa\": \"0x50000000\", \"zonex_ipa\": \"0x50000000\", \"size\": \"0x30000000\"}",
		   "zones[0].memory_region[1]: guest range", "overlaps zones[0].memory_region[0]");
	/* hvisor names: zone0_ipa, zonex_ipa. */
	EXPECT_SET(HVISOR, "zones[0].memory_region[0].zone0_ipa", "\"0x50000004\"",
		   "zones[0].memory_region[0].zone0_ipa: 0x50000004 is not 4 KiB aligned");
}

Test(rules, windows)
{
	EXPECT_SET(NATIVE, "zones[0].devices[1].base", "\"0xb00fe00\"",
		   "test.json: zones[0].devices[1].base: window [0xb00fe00, 0xb010000) overlaps zones[0].devices[0]'s [0xb000000, 0xb010000)");
	EXPECT_SET(NATIVE, "zones[0].devices[1].base", "\"0x40100000\"",
		   "zones[0].devices[1].base: window [0x40100000, 0x40100200) lies in the zone's memory zones[0].memory[0]");
	EXPECT_SET(NATIVE, "zones[0].devices[1].base", "\"0xffffffffffffff00\"",
		   "zones[0].devices[1].base: window 0xffffffffffffff00 + size 0x200 wraps past 2^64");
	EXPECT_SET(NATIVE, "zones[0].devices[1].base", "\"0xa003c04\"",
		   "zones[0].devices[1].base: 0xa003c04 is not 8-byte aligned");
	EXPECT_SET(NATIVE, "zones[0].devices[1].size", "\"0x1fc\"",
		   "zones[0].devices[1].size: 0x1fc is not a multiple of 8 bytes");
	EXPECT_SET(NATIVE, "zones[0].devices[1].size", "0",
		   "zones[0].devices[1].size: is zero");
	EXPECT_SET(NATIVE, "zones[0].devices[0].size", "\"0x200\"",
		   "zones[0].devices[0].size: 0x200, but a testdev window is 0x10000");
	/* hvisor names: addr, len. */
	EXPECT_SET(HVISOR, "zones[0].devices[1].addr", "\"0xa003d00\"",
		   "zones[0].devices[1].addr: window [0xa003d00, 0xa003f00) overlaps zones[0].devices[0]'s");
	EXPECT_SET(HVISOR, "zones[0].devices[1].len", "\"0x201\"",
		   "zones[0].devices[1].len: 0x201 is not a multiple of 8 bytes");
	EXPECT_SET(HVISOR, "zones[0].devices[1].addr", "\"0x50001000\"",
		   "zones[0].devices[1].addr", "lies in the zone's memory zones[0].memory_region[0]");
}

Test(rules, device_types_and_options)
{
	EXPECT_SET(NATIVE, "zones[0].devices[1].type", "\"virtio-bkl\"",
		   "test.json: zones[0].devices[1].type: unknown device type \"virtio-bkl\" (known: ",
		   "test-blk", "testdev", "virtio-blk", "virtio-rng");
	EXPECT_SET(NATIVE, "zones[0].devices[1].options.imgg", "\"x.img\"",
		   "test.json: zones[0].devices[1].options.imgg: unknown option: did you mean \"img\"? (test-blk takes: img, readonly)");
	EXPECT_SET(NATIVE, "zones[0].devices[0].options", "{\"speed\": 1}",
		   "zones[0].devices[0].options.speed: testdev takes no options");
	EXPECT_SET(NATIVE, "zones[0].devices[1].name",
		   "\"a-name-that-is-far-too-long-for-it\"",
		   "zones[0].devices[1].name: is longer than 31 characters");
	EXPECT_SET(HVISOR, "zones[0].devices[3].status", "\"enable\"",
		   "test.json: zones[0].devices[3].type: hvisor-tool device type \"gpu\" has no hvbridge counterpart (supported: blk, console, net, rng); to serve the rest, set \"status\": \"disable\" in zones[0].devices[3] or give --skip-unsupported");
}

Test(rules, unknown_and_repeated_fields)
{
	EXPECT_SET(NATIVE, "zones[0].devices[1].irqq", "78",
		   "test.json: zones[0].devices[1].irqq: unknown field: did you mean \"irq\"? (a device takes: type, name, base, size, irq, kick, enabled, options)");
	EXPECT_SET(NATIVE, "zones[0].memory[0].base", "0",
		   "zones[0].memory[0].base: unknown field (a memory region takes: phys, ipa, size)");
	EXPECT_SET(NATIVE, "zones[0].name", "\"z\"",
		   "zones[0].name: unknown field (a zone takes: id, memory, devices)");
	EXPECT_SET(NATIVE, "transport.path", "\"x\"",
		   "transport.path: unknown field (transport takes: type, region, memory, memory_base, region_phys, interrupts)");
	EXPECT_SET(NATIVE, "daemon.level", "\"x\"",
		   "daemon.level: unknown field");
	EXPECT_SET(NATIVE, "zone", "[]",
		   "test.json: zone: unknown field: did you mean \"zones\"? (the top level takes: version, transport, daemon, zones)");
	/* Members hvisor-tool does not read are ignored, as it does. */
	{
		struct hvb_config cfg;
		cJSON *r = cfg_json_file(HVISOR);

		cfg_set_json(r, "zones[0].devices[0].comment", "\"root fs\"");
		cr_expect_eq(cfg_parse_tree(&cfg, r, HVB_CONFIG_AUTO), 0,
			     "%s", cfg.error);
		hvb_config_free(&cfg);
		cJSON_Delete(r);
	}
	/* A repeated key would be silently ignored by cJSON: refused. */
	{
		struct hvb_config cfg;
		const char *text = "{\"version\": 1, \"zones\": [{\"id\": 1, \"id\": 2}]}";

		cr_expect_neq(hvb_config_parse(&cfg, text, "test.json",
					       HVB_CONFIG_AUTO), 0);
		cr_expect(strstr(cfg.error, "test.json: zones[0].id: field given twice"),
			  "%s", cfg.error);
		hvb_config_free(&cfg);
	}
}

/*
 * Kick numbers are the hypervisor's (docs/config.md, "Kick numbers"): a
 * "kick" is still read (a bad one is an error, tests/config/
 * test_fields.c) and then ignored with a warning, even one that two
 * devices share.
 */
Test(rules, kicks)
{
	struct hvb_config cfg;
	cJSON *r = cfg_json_file(NATIVE);
	unsigned int i;

	cfg_set_json(r, "zones[0].devices[3].kick", "0");
	cfg_set_json(r, "zones[0].devices[0].kick", "7");
	cr_assert_eq(cfg_parse_tree(&cfg, r, HVB_CONFIG_AUTO), 0, "%s",
		     cfg.error);
	for (i = 0; i < cfg.nr_devs; i++)
		cr_expect_eq(cfg.devs[i].kick_dev, -1, "%s", cfg.devs[i].path);
	cr_expect(strstr(cfg.warnings, "zones[0].devices[0].kick: ignored: the hypervisor numbers the windows it posts QueueNotify writes of"),
		  "%s", cfg.warnings);
	cr_expect(strstr(cfg.warnings, "zones[1].devices[0].kick: ignored"),
		  "%s", cfg.warnings);
	hvb_config_free(&cfg);
	cJSON_Delete(r);
}

Test(rules, hvisor_values)
{
	EXPECT_SET(HVISOR, "zones[0].devices[0].addr", "0",
		   "test.json: zones[0].devices[0].addr: is zero");
	EXPECT_SET(HVISOR, "zones[0].devices[0].len", "\"0x0\"",
		   "zones[0].devices[0].len: is zero");
	EXPECT_SET(HVISOR, "zones[0].devices[0].irq", "0",
		   "zones[0].devices[0].irq: is zero: the device needs an interrupt");
	EXPECT_SET(HVISOR, "zones[0].devices[0].irq", "5000",
		   "zones[0].devices[0].irq: is out of range");
	EXPECT_SET(HVISOR, "zones[0].devices[0].img", "\"\"",
		   "zones[0].devices[0].img: is empty");
	EXPECT_SET(HVISOR, "zones[0].devices[2].mac", "[0, 22, 62, 16, 16]",
		   "zones[0].devices[2].mac: expected 6 bytes, not 5");
	EXPECT_SET(HVISOR, "zones[0].devices[2].mac",
		   "[0, 22, 62, 16, 16, \"0x100\"]",
		   "zones[0].devices[2].mac[5]: is out of range (at most 255, 0xff)");
	EXPECT_SET(HVISOR, "zones[0].devices[2].mac",
		   "[0, 22, 62, 16, 16, -1]",
		   "zones[0].devices[2].mac[5]: is negative");
	/* Disabled: skipped before anything else in it is read. */
	{
		struct hvb_config cfg;
		cJSON *r = cfg_json_file(HVISOR);

		cfg_set_json(r, "zones[0].devices[2].status", "\"disable\"");
		cfg_del(r, "zones[0].devices[2].mac");
		cr_expect_eq(cfg_parse_tree(&cfg, r, HVB_CONFIG_AUTO), 0,
			     "%s", cfg.error);
		cr_expect_eq(cfg.nr_devs, 3);
		cr_expect_eq(cfg.nr_disabled, 2);
		hvb_config_free(&cfg);
		cJSON_Delete(r);
	}
}

Test(rules, native_settings)
{
	EXPECT_SET(NATIVE, "version", "2",
		   "test.json: version: 2 is not a version this hvbridge reads (1)");
	EXPECT_SET(NATIVE, "transport.type", "\"carrier-pigeon\"",
		   "test.json: transport.type: unknown transport \"carrier-pigeon\" (known: sim");
	EXPECT_SET(NATIVE, "daemon.log_level", "\"loud\"",
		   "daemon.log_level: \"loud\" is not error, warn, info or debug");
	EXPECT_SET(NATIVE, "daemon.poll", "true",
		   "test.json: daemon: poll and spin_budget exclude each other");
}

/* Ours without "version" is still told apart from hvisor-tool's. */
Test(rules, native_without_version)
{
	cJSON *r = cfg_json_file(NATIVE);

	cfg_del(r, "version");
	cfg_expect_error(r, HVB_CONFIG_AUTO,
			 "test.json: version: required field is missing",
			 NULL);
}

static void expect_text(const char *text, const char *want)
{
	struct hvb_config cfg;

	cr_expect_neq(hvb_config_parse(&cfg, text, "test.json",
				       HVB_CONFIG_AUTO), 0, "%s", text);
	cr_expect(strstr(cfg.error, want), "want \"%s\": %s", want,
		  cfg.error);
	hvb_config_free(&cfg);
}

Test(rules, bad_json)
{
	expect_text("{\"version\": 1,\n  \"zones\": [,]}",
		    "test.json: line 2, column 13: not valid JSON here: \",]}\"");
	expect_text("{\"version\": 1,\n \"zones\": [\n", "the JSON ends too early");
	expect_text("", "the JSON ends too early");
	expect_text("[1, 2]", "test.json: expected a JSON object {...} at the top");
	expect_text("{\"zones\": []} trailing", "not valid JSON here: \"trailing\"");
}

Test(rules, files)
{
	struct hvb_config cfg;

	cr_expect_neq(hvb_config_load(&cfg, "/nonexistent/cfg.json",
				      HVB_CONFIG_AUTO), 0);
	cr_expect_str_eq(cfg.error, "/nonexistent/cfg.json: cannot open: No such file or directory");
	hvb_config_free(&cfg);
	cr_expect_neq(hvb_config_load(&cfg, "/dev/null", HVB_CONFIG_AUTO), 0);
	cr_expect(strstr(cfg.error, "/dev/null: line 1, column 1: the JSON ends too early"),
		  "%s", cfg.error);
	hvb_config_free(&cfg);
}
