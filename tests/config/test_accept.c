// SPDX-License-Identifier: MIT
/*
 * Description: good configs in both formats are accepted and resolve to
 * the zones, windows, interrupts, kick numbers and backend options they
 * describe; hvisor-tool's types and members map onto ours as
 * docs/config.md says; the shipped examples in configs/ stay valid.
 */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cfgtest.h"
#include "config_opts.h"
#include "log.h"
#include "testdev.h"

static void accept_setup(void)
{
	cfg_types_setup();
}

TestSuite(accept, .init = accept_setup, .timeout = CFG_SUITE_TIMEOUT_S);

static void parse_ok(struct hvb_config *cfg, cJSON *root,
		     enum hvb_config_format format)
{
	int ret = cfg_parse_tree(cfg, root, format);

	cr_assert_eq(ret, 0, "refused: %s", cfg->error);
	cJSON_Delete(root);
}

Test(accept, native_sample)
{
	struct hvb_config cfg;
	const struct hvb_config_dev *d;
	const char *img;
	bool ro = false;

	parse_ok(&cfg, cfg_json_file("tests/config/samples/native.json"),
		 HVB_CONFIG_AUTO);
	cr_expect_eq(cfg.format, HVB_CONFIG_NATIVE);
	cr_expect_str_eq(cfg.transport, "sim");
	cr_expect_str_eq(cfg.region, "/dev/shm/hvbridge-sim-test");
	cr_expect_str_eq(cfg.memory, "/dev/shm/hvbridge-sim-test-mem");
	cr_expect_eq(cfg.memory_base, 0x40000000ull);
	cr_expect_str_eq(cfg.interrupts, "/dev/shm/hvbridge-sim-test-irq");
	cr_expect(cfg.has_log_level && cfg.log_level == HVB_LOG_WARN);
	cr_expect(cfg.has_syslog && !cfg.syslog);
	cr_expect(cfg.has_spin_budget && cfg.spin_budget == 4096);
	cr_expect(!cfg.has_poll);

	cr_assert_eq(cfg.nr_zones, 2);
	cr_expect_eq(cfg.zones[0].id, 1);
	cr_assert_eq(cfg.zones[0].nr_mem, 2);
	cr_expect_eq(cfg.zones[0].mem[1].phys, 0x48000000ull);
	cr_expect_eq(cfg.zones[0].mem[1].ipa, 0x80000000ull);
	cr_expect_eq(cfg.zones[0].mem[1].size, 65536);
	cr_expect_eq(cfg.zones[1].id, 2);

	/* The disabled device is not in the table; it is counted. */
	cr_assert_eq(cfg.nr_devs, 4);
	cr_expect_eq(cfg.nr_disabled, 1);
	d = &cfg.devs[0];
	cr_expect_str_eq(d->type, "testdev");
	cr_expect_eq(d->zone_id, 1);
	cr_expect_eq(d->base, 0x0b000000ull);
	cr_expect_eq(d->size, HVB_TESTDEV_SIZE, "fixed size filled in");
	cr_expect_eq(d->irq, 0);
	/* Kick numbers are the hypervisor's: none from the file, not even
	 * zone 2's "kick": 0, which is read and ignored with a warning. */
	cr_expect_eq(d->kick_dev, -1);
	d = &cfg.devs[1];
	cr_expect_str_eq(d->type, "test-blk");
	cr_expect_str_eq(d->name, "disk0");
	cr_expect_eq(d->irq, 78);
	cr_expect_eq(d->kick_dev, -1);
	cr_expect_str_eq(d->path, "zones[0].devices[1]");
	cr_assert_eq(hvb_opt_string(d->opts, "img", &img, NULL), 0);
	cr_expect_str_eq(img, "disk.img");
	cr_expect_eq(hvb_opt_bool(d->opts, "readonly", &ro, NULL), 0);
	cr_expect(ro);
	d = &cfg.devs[2];
	cr_expect_str_eq(d->type, "virtio-rng");
	cr_expect_eq(d->kick_dev, -1);
	cr_expect(!d->opts);
	d = &cfg.devs[3];
	cr_expect_eq(d->zone_id, 2);
	cr_expect_eq(d->kick_dev, -1);
	cr_expect(strstr(cfg.warnings, "zones[1].devices[0].kick: ignored: the hypervisor numbers the windows"),
		  "%s", cfg.warnings);
	hvb_config_free(&cfg);
}

Test(accept, hvisor_sample)
{
	struct hvb_config cfg;
	const struct hvb_config_dev *d;
	const char *s;
	unsigned int mode;
	__u8 mac[6];
	static const char *const modes[] = { "stdio", "pty", "unix", NULL };
	static const __u8 want_mac[6] = { 0x00, 0x16, 0x3e, 0x10, 0x10, 0x10 };

	parse_ok(&cfg, cfg_json_file("tests/config/samples/hvisor.json"),
		 HVB_CONFIG_AUTO);
	cr_expect_eq(cfg.format, HVB_CONFIG_HVISOR);
	cr_expect(!cfg.transport && !cfg.region, "hvisor files name none");
	cr_assert_eq(cfg.nr_zones, 2);
	cr_expect_eq(cfg.zones[0].mem[0].phys, 0x50000000ull);
	cr_expect_eq(cfg.zones[0].mem[0].ipa, 0x50000000ull);
	cr_expect_eq(cfg.zones[0].mem[0].size, 0x30000000ull);
	cr_expect_eq(cfg.zones[0].mem[1].phys, 0x90000000ull,
		     "a plain JSON number is read too");
	cr_expect_eq(cfg.zones[1].id, 2, "\"zone_id\" names a zone too");
	cr_expect_eq(cfg.zones[1].mem[0].phys, 0x80000000ull);
	cr_expect_eq(cfg.zones[1].mem[0].ipa, 0x50000000ull);

	/* gpu is disabled: skipped before its type is looked at. */
	cr_assert_eq(cfg.nr_devs, 4);
	cr_expect_eq(cfg.nr_disabled, 1);

	d = &cfg.devs[0];
	cr_expect_str_eq(d->type, "virtio-blk");
	cr_expect_str_eq(d->hvisor_type, "blk");
	cr_expect_eq(d->base, 0xa003c00ull);
	cr_expect_eq(d->size, 0x200ull);
	cr_expect_eq(d->irq, 78);
	cr_expect_eq(d->kick_dev, -1, "kick numbers are the hypervisor's");
	cr_assert_eq(hvb_opt_string(d->opts, "img", &s, NULL), 0);
	cr_expect_str_eq(s, "rootfs2.ext4");

	d = &cfg.devs[1];
	cr_expect_str_eq(d->type, "virtio-console");
	cr_expect_eq(d->irq, 76);
	cr_expect_eq(d->kick_dev, -1);
	cr_assert_eq(hvb_opt_choice(d->opts, "mode", modes, &mode, NULL), 0);
	cr_expect_eq(mode, 1, "hvisor-tool's console is a pty");

	d = &cfg.devs[2];
	cr_expect_str_eq(d->type, "virtio-net");
	cr_expect_eq(d->kick_dev, -1);
	cr_assert_eq(hvb_opt_string(d->opts, "tap", &s, NULL), 0);
	cr_expect_str_eq(s, "tap0");
	cr_assert_eq(hvb_opt_bytes(d->opts, "mac", mac, 6, NULL), 0);
	cr_expect_arr_eq(mac, want_mac, 6);

	d = &cfg.devs[3];
	cr_expect_str_eq(d->type, "virtio-rng");
	cr_expect_eq(d->zone_id, 2);
	cr_expect_eq(d->base, 0xa003c00ull, "same window, other zone: fine");
	cr_expect_eq(d->kick_dev, -1);
	cr_expect(!d->opts);
	hvb_config_free(&cfg);
}

/* hvisor-tool reads a file without "zones" as the one zone. */
Test(accept, hvisor_single_zone_file)
{
	struct hvb_config cfg;
	cJSON *zones, *root;

	root = cfg_json_file("tests/config/samples/hvisor.json");
	zones = cJSON_DetachItemFromObjectCaseSensitive(root, "zones");
	cJSON_Delete(root);
	root = cJSON_DetachItemFromArray(zones, 0);
	cJSON_Delete(zones);
	parse_ok(&cfg, root, HVB_CONFIG_AUTO);
	cr_expect_eq(cfg.format, HVB_CONFIG_HVISOR);
	cr_assert_eq(cfg.nr_zones, 1);
	cr_expect_eq(cfg.zones[0].id, 1);
	cr_expect_str_eq(cfg.zones[0].path, "");
	cr_expect_eq(cfg.nr_devs, 3);
	cr_expect_str_eq(cfg.devs[0].path, "devices[0]");
	hvb_config_free(&cfg);
}

/* Addresses past 2^53 must be strings; decimal strings work too. */
Test(accept, numbers)
{
	struct hvb_config cfg;
	cJSON *root = cfg_json_file("tests/config/samples/native.json");

	cfg_set_json(root, "zones[0].devices[1].base",
		     "\"0xfffffffffffff000\"");
	cfg_set_json(root, "zones[0].devices[1].size", "\"4096\"");
	cfg_set_json(root, "zones[0].devices[1].irq", "\"0x3ff\"");
	parse_ok(&cfg, root, HVB_CONFIG_AUTO);
	cr_expect_eq(cfg.devs[1].base, 0xfffffffffffff000ull);
	cr_expect_eq(cfg.devs[1].size, 4096);
	cr_expect_eq(cfg.devs[1].irq, 1023);
	hvb_config_free(&cfg);
}

Test(accept, format_forced)
{
	struct hvb_config cfg;
	cJSON *root = cfg_json_file("tests/config/samples/native.json");

	/* Read as hvisor-tool's, ours lacks "memory_region" and status. */
	cfg_expect_error(root, HVB_CONFIG_HVISOR,
			 "zones[0].devices[0].status",
			 "required field is missing", NULL);
	root = cfg_json_file("tests/config/samples/hvisor.json");
	cfg_expect_error(root, HVB_CONFIG_NATIVE, "version",
			 "required field is missing", NULL);
	root = cfg_json_file("tests/config/samples/hvisor.json");
	parse_ok(&cfg, root, HVB_CONFIG_HVISOR);
	hvb_config_free(&cfg);
}

Test(accept, shipped_examples)
{
	static const char *const files[] = {
		"configs/zone1-sim.json",
		"configs/hvisor-virtio_cfg.json",
	};
	struct hvb_config cfg;
	char path[512];
	unsigned int i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", HVB_TEST_TOP, files[i]);
		cr_expect_eq(hvb_config_load(&cfg, path, HVB_CONFIG_AUTO), 0,
			     "%s", cfg.error);
		cr_expect_gt(cfg.nr_devs, 0, "%s", files[i]);
		hvb_config_free(&cfg);
	}
}

/* The table the daemon builds: each device where the config put it. */
Test(accept, create_devices)
{
	struct hvb_config cfg;
	struct hvb_devices tab;
	struct hvb_device *d;
	unsigned int i;

	parse_ok(&cfg, cfg_json_file("tests/config/samples/native.json"),
		 HVB_CONFIG_AUTO);
	cr_assert_eq(hvb_config_map_zones(&cfg, NULL), 0, "%s", cfg.error);
	hvb_devices_init(&tab);
	cr_assert_eq(hvb_config_create_devices(&cfg, &tab), 0, "%s",
		     cfg.error);
	cr_expect_eq(tab.nr, cfg.nr_devs);
	for (i = 0; i < cfg.nr_devs; i++) {
		const struct hvb_config_dev *c = &cfg.devs[i];

		d = hvb_devices_lookup(&tab, c->zone_id, c->base, 4);
		cr_assert(d, "%s not found", c->path);
		cr_expect_eq(d->base, c->base);
		cr_expect_eq(d->size, c->size);
		cr_expect_eq(d->irq, c->irq);
		/* Until the region's kick slot table routes one. */
		cr_expect_eq(d->kick_dev, -1);
	}
	d = hvb_devices_lookup(&tab, 1, 0x0a003c00, 4);
	cr_expect_str_eq(d->name, "disk0");
	hvb_devices_fini(&tab);
	hvb_config_free(&cfg);
}

/* A backend's own refusal comes back naming the device. */
Test(accept, create_reports_backend_error)
{
	struct hvb_config cfg;
	struct hvb_devices tab;
	cJSON *root = cfg_json_file("tests/config/samples/native.json");

	cfg_del(root, "zones[0].devices[1].options.img");
	parse_ok(&cfg, root, HVB_CONFIG_AUTO);
	cr_assert_eq(hvb_config_map_zones(&cfg, NULL), 0, "%s", cfg.error);
	hvb_devices_init(&tab);
	cr_expect_neq(hvb_config_create_devices(&cfg, &tab), 0);
	cr_expect(strstr(cfg.error, "test.json: zones[0].devices[1]: test-blk: options.img is required"),
		  "%s", cfg.error);
	hvb_devices_fini(&tab);
	hvb_config_free(&cfg);
}

Test(accept, option_readers)
{
	cJSON *o = cJSON_Parse("{\"mac\": \"00:16:3e:10:10:1F\", \"bad\": \"00:16:3e:10:10\", \"mode\": \"tty\", \"n\": \"0x10\", \"neg\": -1, \"arr\": [1, \"0x2\", 256]}");
	static const char *const modes[] = { "stdio", "pty", "unix", NULL };
	static const __u8 want[6] = { 0x00, 0x16, 0x3e, 0x10, 0x10, 0x1f };
	const char *why = NULL;
	unsigned int mode;
	__u8 mac[6];
	__u64 n;

	cr_assert(o);
	cr_assert_eq(hvb_opt_bytes(o, "mac", mac, 6, &why), 0);
	cr_expect_arr_eq(mac, want, 6);
	cr_expect_eq(hvb_opt_bytes(o, "bad", mac, 6, &why), -EINVAL);
	cr_expect(strstr(why, "options.bad"), "%s", why);
	cr_expect_eq(hvb_opt_bytes(o, "arr", mac, 3, &why), -EINVAL);
	cr_expect(strstr(why, "options.arr[2]"), "%s", why);
	cr_expect_eq(hvb_opt_choice(o, "mode", modes, &mode, &why), -EINVAL);
	cr_expect(strstr(why, "options.mode: expected one of \"stdio\", \"pty\", \"unix\""),
		  "%s", why);
	cr_expect_eq(hvb_opt_u64(o, "n", 0xff, &n, &why), 0);
	cr_expect_eq(n, 16);
	cr_expect_eq(hvb_opt_u64(o, "n", 0xf, &n, &why), -EINVAL);
	cr_expect(strstr(why, "at most 15"), "%s", why);
	cr_expect_eq(hvb_opt_u64(o, "neg", 10, &n, &why), -EINVAL);
	cr_expect(strstr(why, "options.neg: is negative"), "%s", why);
	cr_expect_eq(hvb_opt_string(o, "absent", &why, &why), -ENOENT);
	cr_expect_eq(hvb_opt_bool(NULL, "x", &(bool){ false }, &why), -ENOENT);
	cJSON_Delete(o);
}
