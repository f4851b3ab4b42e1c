// SPDX-License-Identifier: MIT
/*
 * Description: hvisor-tool's own example configs (samples/hvisor-tool/,
 * their sources in its README.md) read as hvisor-tool reads them: the
 * ones hvbridge can serve resolve to the windows, interrupts and kick
 * numbers the hypervisor uses (1, 2, 3...: 0 is the test device's); the
 * ones with a device type hvbridge lacks are refused naming the device
 * and the way to skip it; the older layout and a zone config given
 * instead are told apart; numbers in strings follow the rule both
 * hvisor-tool readers agree on, and a string they read differently is
 * refused; a misspelled member is named with the one meant.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "cfgtest.h"
#include "config_opts.h"

#define SAMPLES	"tests/config/samples/hvisor-tool/"

static void hvt_setup(void)
{
	cfg_types_setup();
}

TestSuite(hvisor_tool, .init = hvt_setup, .timeout = CFG_SUITE_TIMEOUT_S);

static void hvt_load(struct hvb_config *cfg, const char *name,
		     unsigned int flags)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/" SAMPLES "%s", HVB_TEST_TOP, name);
	cr_assert_eq(hvb_config_load_flags(cfg, path, HVB_CONFIG_AUTO, flags),
		     0, "%s refused: %s", name, cfg->error);
	cr_expect_eq(cfg->format, HVB_CONFIG_HVISOR);
}

static void hvt_refused(const char *name, unsigned int flags,
			const char *want)
{
	struct hvb_config cfg;
	char path[512];

	snprintf(path, sizeof(path), "%s/" SAMPLES "%s", HVB_TEST_TOP, name);
	cr_expect_neq(hvb_config_load_flags(&cfg, path, HVB_CONFIG_AUTO,
					    flags), 0, "%s accepted", name);
	cr_expect(strstr(cfg.error, want), "%s: want \"%s\" in: %s", name,
		  want, cfg.error);
	hvb_config_free(&cfg);
}

static void hvt_dev(const struct hvb_config_dev *d, const char *type,
		    __u64 base, __u32 irq)
{
	cr_expect_str_eq(d->type, type);
	cr_expect_eq(d->base, base, "%s", d->path);
	cr_expect_eq(d->size, 0x200, "%s", d->path);
	cr_expect_eq(d->irq, irq, "%s", d->path);
	/* The hypervisor's, learnt from the region (test_kicks.c). */
	cr_expect_eq(d->kick_dev, -1, "%s: kick", d->path);
}

/* hvisor-tool's QEMU example: blk and console, net disabled. */
Test(hvisor_tool, blk_console)
{
	struct hvb_config cfg;
	const char *s;

	hvt_load(&cfg, "qemu-aarch64-blk-console.json", 0);
	cr_assert_eq(cfg.nr_zones, 1);
	cr_expect_eq(cfg.zones[0].mem[0].phys, 0x50000000ull);
	cr_expect_eq(cfg.zones[0].mem[0].size, 0x30000000ull);
	cr_assert_eq(cfg.nr_devs, 2);
	hvt_dev(&cfg.devs[0], "virtio-blk", 0xa003c00, 78);
	hvt_dev(&cfg.devs[1], "virtio-console", 0xa003800, 76);
	cr_assert_eq(hvb_opt_string(cfg.devs[0].opts, "img", &s, NULL), 0);
	cr_expect_str_eq(s, "rootfs2.ext4");
	cr_expect_str_empty(cfg.warnings);
	hvb_config_free(&cfg);
}

Test(hvisor_tool, gpu_refused_with_the_way_out)
{
	struct hvb_config cfg;

	hvt_refused("qemu-aarch64.json", 0,
		    "qemu-aarch64.json: zones[0].devices[3].type: hvisor-tool device type \"gpu\" has no hvbridge counterpart (supported: blk, console, net, rng); to serve the rest, set \"status\": \"disable\" in zones[0].devices[3] or give --skip-unsupported");
	hvt_load(&cfg, "qemu-aarch64.json", HVB_CONFIG_SKIP_UNSUPPORTED);
	cr_assert_eq(cfg.nr_devs, 2);
	cr_expect_eq(cfg.nr_disabled, 1);
	cr_expect_eq(cfg.nr_skipped, 1);
	hvt_dev(&cfg.devs[0], "virtio-blk", 0xa003c00, 78);
	hvt_dev(&cfg.devs[1], "virtio-console", 0xa003800, 76);
	cr_expect(strstr(cfg.warnings, "zones[0].devices[3].type: hvisor-tool device type \"gpu\" has no hvbridge counterpart: skipped"),
		  "%s", cfg.warnings);
	hvb_config_free(&cfg);
}

Test(hvisor_tool, scmi_refused_with_the_way_out)
{
	struct hvb_config cfg;

	hvt_refused("rk3588-scmi.json", 0,
		    "zones[0].devices[2].type: hvisor-tool device type \"scmi\" has no hvbridge counterpart");
	hvt_refused("rk3588-scmi.json", 0,
		    "set \"status\": \"disable\" in zones[0].devices[2] or give --skip-unsupported");
	hvt_load(&cfg, "rk3588-scmi.json", HVB_CONFIG_SKIP_UNSUPPORTED);
	cr_assert_eq(cfg.nr_devs, 2);
	hvt_dev(&cfg.devs[0], "virtio-blk", 0xff9d0000, 78);
	hvt_dev(&cfg.devs[1], "virtio-console", 0xff9e0000, 76);
	/* allowed_list and reset_map are scmi's, known: no warning. */
	cr_expect(!strstr(cfg.warnings, "unknown member"), "%s",
		  cfg.warnings);
	hvb_config_free(&cfg);
}

Test(hvisor_tool, x86_64)
{
	struct hvb_config cfg;

	hvt_load(&cfg, "qemu-x86_64.json", 0);
	cr_expect_eq(cfg.zones[0].mem[0].phys, 0x40300000ull);
	cr_expect_eq(cfg.zones[0].mem[0].ipa, 0);
	cr_expect_eq(cfg.zones[0].mem[0].size, 0x5950f000ull);
	cr_assert_eq(cfg.nr_devs, 1);
	hvt_dev(&cfg.devs[0], "virtio-console", 0x5950f000, 10);
	hvb_config_free(&cfg);
}

/* examples/virtio_cfg.json: devices naming their zone, no "zones". */
Test(hvisor_tool, older_layout)
{
	struct hvb_config cfg;

	hvt_load(&cfg, "older-layout.json", 0);
	cr_assert_eq(cfg.nr_zones, 1);
	cr_expect_eq(cfg.zones[0].id, 1);
	cr_expect_eq(cfg.zones[0].nr_mem, 0);
	cr_assert_eq(cfg.nr_devs, 2);
	cr_expect_eq(cfg.nr_disabled, 1);
	hvt_dev(&cfg.devs[0], "virtio-blk", 0xa003c00, 78);
	cr_expect_eq(cfg.devs[0].zone_id, 1);
	hvt_dev(&cfg.devs[1], "virtio-console", 0xa003800, 76);
	cr_expect(strstr(cfg.warnings, "devices[0]: zone 1 has no memory_region"),
		  "%s", cfg.warnings);
	hvb_config_free(&cfg);
}

Test(hvisor_tool, zone_config_is_not_a_virtio_config)
{
	hvt_refused("zone1_linux.json", 0,
		    "zone1_linux.json: this is a zone config of hvisor-tool's (it has \"memory_regions\"), for `hvbridge zone start FILE.json` (hvisor-tool's `hvisor zone start`)");
}

/*
 * "200": 0x200 to hvisor-tool's older reader (strtoul base 16), 200 to
 * its newer one (strtoumax base 0): refused.  Strings both read alike,
 * or only one reads, are taken.
 */
Test(hvisor_tool, number_strings)
{
	static const struct {
		const char *json;
		__u64 want;	/* 0: refused */
	} cases[] = {
		{ "\"0x200\"", 0x200 },
		{ "\"0X200\"", 0x200 },
		{ "\"a00\"", 0xa00 },		/* only the older one */
		{ "\"8\"", 8 },			/* one digit: the same */
		{ "512", 512 },			/* JSON number: decimal */
		{ "\"200\"", 0 },
		{ "\"010\"", 0 },		/* 0x10 or octal 8 */
		{ "\"0x\"", 0 },
		{ "\" 0x200\"", 0 },
		{ "\"-0x200\"", 0 },
		{ "\"0x200g\"", 0 },
	};
	struct hvb_config cfg;
	unsigned int i;
	cJSON *root;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		root = cfg_json_file(SAMPLES "qemu-aarch64-blk-console.json");
		cfg_set_json(root, "zones[0].devices[0].len", cases[i].json);
		if (cases[i].want) {
			cr_expect_eq(cfg_parse_tree(&cfg, root,
						    HVB_CONFIG_AUTO), 0,
				     "%s: %s", cases[i].json, cfg.error);
			cr_expect_eq(cfg.devs[0].size, cases[i].want, "%s",
				     cases[i].json);
		} else {
			cr_expect_neq(cfg_parse_tree(&cfg, root,
						     HVB_CONFIG_AUTO), 0,
				      "%s accepted", cases[i].json);
			cr_expect(strstr(cfg.error, "zones[0].devices[0].len: "),
				  "%s", cfg.error);
		}
		hvb_config_free(&cfg);
		cJSON_Delete(root);
	}
	root = cfg_json_file(SAMPLES "qemu-aarch64-blk-console.json");
	cfg_set_json(root, "zones[0].devices[0].len", "\"200\"");
	cfg_expect_error(root, HVB_CONFIG_AUTO,
			 "test.json: zones[0].devices[0].len: \"200\" is 0x200 to hvisor-tool's older reader (hex) and 200 to its newer one (strtoumax base 0): write \"0x200\" or 200 as a JSON number",
			 NULL);
	/* A MAC byte too: "10" is 0x10 or 10. */
	root = cfg_json_file(SAMPLES "qemu-aarch64.json");
	cfg_set_json(root, "zones[0].devices[2].status", "\"enable\"");
	cfg_set_json(root, "zones[0].devices[3].status", "\"disable\"");
	cfg_set_json(root, "zones[0].devices[2].mac[5]", "\"10\"");
	cfg_expect_error(root, HVB_CONFIG_AUTO,
			 "zones[0].devices[2].mac[5]: \"10\" is 0x10", NULL);
}

/* The size of a memory region is "size", not the device's "len". */
Test(hvisor_tool, memory_size_named_size)
{
	cJSON *root = cfg_json_file(SAMPLES "qemu-aarch64-blk-console.json");

	cfg_set_json(root, "zones[0].memory_region[0].size", "\"0x1800\"");
	cfg_expect_error(root, HVB_CONFIG_AUTO,
			 "test.json: zones[0].memory_region[0].size: 0x1800 is not a whole number of 4 KiB pages",
			 NULL);
}

/* One edit or a swap away from a member hvisor-tool reads: refused,
 * naming it; anything else is ignored with a warning, as hvisor-tool
 * ignores it. */
Test(hvisor_tool, misspelled_members)
{
	static const char *const cases[][2] = {
		{ "zones[0].devcies", "zones[0].devcies: unknown member: did you mean \"devices\"?" },
		{ "zones[0].devices[0].stauts", "zones[0].devices[0].stauts: unknown member: did you mean \"status\"?" },
		{ "zones[0].memory_region[0].zonex_ip", "zones[0].memory_region[0].zonex_ip: unknown member: did you mean \"zonex_ipa\"?" },
		{ "zone", "zone: unknown member: did you mean \"zones\"?" },
	};
	struct hvb_config cfg;
	unsigned int i;
	cJSON *root;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		root = cfg_json_file(SAMPLES "qemu-aarch64-blk-console.json");
		cfg_set_json(root, cases[i][0], "[]");
		cfg_expect_error(root, HVB_CONFIG_AUTO, cases[i][1], NULL);
	}
	root = cfg_json_file(SAMPLES "qemu-aarch64-blk-console.json");
	cfg_set_json(root, "zones[0].devices[0].comment", "\"root disk\"");
	cr_assert_eq(cfg_parse_tree(&cfg, root, HVB_CONFIG_AUTO), 0, "%s",
		     cfg.error);
	cr_expect(strstr(cfg.warnings, "zones[0].devices[0].comment: unknown member, ignored (hvisor-tool ignores it too)"),
		  "%s", cfg.warnings);
	hvb_config_free(&cfg);
	cJSON_Delete(root);
}

/* "inline", an hvbridge extension: virtio-blk's options.inline, true or
 * false; anything else, or on another device, is refused. */
Test(hvisor_tool, blk_inline)
{
	struct hvb_config cfg;
	bool on = true;
	cJSON *root;

	root = cfg_json_file(SAMPLES "qemu-aarch64-blk-console.json");
	cfg_set_json(root, "zones[0].devices[0].inline", "false");
	cr_assert_eq(cfg_parse_tree(&cfg, root, HVB_CONFIG_AUTO), 0, "%s",
		     cfg.error);
	cr_assert_eq(hvb_opt_bool(cfg.devs[0].opts, "inline", &on, NULL), 0,
		     "no options.inline");
	cr_expect(!on, "options.inline is not false");
	cr_expect(!strstr(cfg.warnings, "inline"), "%s", cfg.warnings);
	hvb_config_free(&cfg);
	cJSON_Delete(root);

	root = cfg_json_file(SAMPLES "qemu-aarch64-blk-console.json");
	cfg_set_json(root, "zones[0].devices[0].inline", "\"no\"");
	cfg_expect_error(root, HVB_CONFIG_AUTO,
			 "test.json: zones[0].devices[0].inline: expected true or false",
			 NULL);
	root = cfg_json_file(SAMPLES "qemu-aarch64-blk-console.json");
	cfg_set_json(root, "zones[0].devices[1].inline", "true");
	cfg_expect_error(root, HVB_CONFIG_AUTO,
			 "zones[0].devices[1].inline: only a \"blk\" device takes it",
			 NULL);
}
