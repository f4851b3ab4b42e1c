// SPDX-License-Identifier: MIT
/*
 * Description: every required field of both formats, when missing, is
 * refused with a message naming the file and the field's JSON path; and
 * every field given a value of the wrong type is refused the same way.
 * Each case breaks one field of a sample that is otherwise accepted
 * (test_accept.c checks that the samples are).
 */
#include <string.h>

#include <criterion/criterion.h>

#include "cfgtest.h"

static void fields_setup(void)
{
	cfg_types_setup();
}

TestSuite(fields, .init = fields_setup, .timeout = CFG_SUITE_TIMEOUT_S);

#define NATIVE	"tests/config/samples/native.json"
#define HVISOR	"tests/config/samples/hvisor.json"

static void expect_missing(const char *sample, enum hvb_config_format fmt,
			   const char *path)
{
	cJSON *root = cfg_json_file(sample);
	char want[128];

	cfg_del(root, path);
	snprintf(want, sizeof(want), "test.json: %s: required field is missing",
		 path);
	cfg_expect_error(root, fmt, want, NULL);
}

Test(fields, native_required)
{
	static const char *const paths[] = {
		"version",
		"zones",
		"zones[0].id",
		"zones[0].memory[0].phys",
		"zones[0].memory[0].ipa",
		"zones[0].memory[0].size",
		"zones[0].devices[0].type",
		"zones[0].devices[0].base",
		"zones[1].devices[0].type",
		"zones[1].devices[0].base",
	};
	unsigned int i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		expect_missing(NATIVE, HVB_CONFIG_AUTO, paths[i]);
}

/* A type without a fixed window size needs one. */
Test(fields, native_size_required_without_fixed_size)
{
	cJSON *root = cfg_json_file(NATIVE);

	cfg_del(root, "zones[0].devices[1].size");
	cfg_expect_error(root, HVB_CONFIG_AUTO,
			 "test.json: zones[0].devices[1].size: required field is missing (a test-blk window has no fixed size)",
			 NULL);
}

Test(fields, hvisor_required)
{
	static const char *const paths[] = {
		"zones[0].id",
		"zones[0].memory_region[0].zone0_ipa",
		"zones[0].memory_region[0].zonex_ipa",
		"zones[0].memory_region[0].size",
		"zones[0].devices[0].type",
		"zones[0].devices[0].addr",
		"zones[0].devices[0].len",
		"zones[0].devices[0].irq",
		"zones[0].devices[0].status",
		"zones[0].devices[0].img",
		"zones[0].devices[1].addr",
		"zones[0].devices[2].tap",
		"zones[0].devices[2].mac",
		"zones[1].devices[0].irq",
	};
	unsigned int i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		expect_missing(HVISOR, HVB_CONFIG_AUTO, paths[i]);
}

/* "zone_id" stands in for "id"; with neither, "id" is named. */
Test(fields, hvisor_zone_id_either_name)
{
	cJSON *root = cfg_json_file(HVISOR);

	cfg_del(root, "zones[1].zone_id");
	cfg_expect_error(root, HVB_CONFIG_AUTO,
			 "test.json: zones[1].id: required field is missing",
			 NULL);
}

/*
 * 2^53 + 1 reads as the double 2^53: refused, not rounded.  Given as text
 * (cJSON_Print, which the other cases go through, is itself inexact at
 * this size).
 */
Test(fields, json_number_past_2_53)
{
	static const char text[] =
		"{\"version\": 1, \"zones\": [{\"id\": 1, \"devices\": ["
		"{\"type\": \"testdev\", \"base\": 9007199254740993}]}]}";
	struct hvb_config cfg;

	cr_expect_neq(hvb_config_parse(&cfg, text, "test.json",
				       HVB_CONFIG_AUTO), 0);
	cr_expect(strstr(cfg.error, "test.json: zones[0].devices[0].base: is too large for a JSON number: write it as a string"),
		  "%s", cfg.error);
	hvb_config_free(&cfg);
}

struct wrong {
	const char *path;
	const char *value;	/* JSON text */
	const char *why;
};

static void expect_wrong(const char *sample, const struct wrong *w,
			 unsigned int n)
{
	char want[160];
	unsigned int i;
	cJSON *root;

	for (i = 0; i < n; i++) {
		root = cfg_json_file(sample);
		cfg_set_json(root, w[i].path, w[i].value);
		snprintf(want, sizeof(want), "test.json: %s: %s", w[i].path,
			 w[i].why);
		cfg_expect_error(root, HVB_CONFIG_AUTO, want, NULL);
	}
}

#define NUM	"expected a number or a numeric string"

Test(fields, native_wrong_types)
{
	static const struct wrong w[] = {
		{ "version", "\"one\"", "is not a number" },
		{ "transport", "[]", "expected an object" },
		{ "transport.type", "1", "expected a string" },
		{ "transport.region", "true", "expected a string" },
		{ "transport.region", "\"\"", "is empty" },
		{ "transport.memory", "{}", "expected a string" },
		{ "transport.memory_base", "false", NUM },
		{ "transport.interrupts", "7", "expected a string" },
		{ "daemon", "\"fast\"", "expected an object" },
		{ "daemon.log_level", "3", "expected a string" },
		{ "daemon.syslog", "\"yes\"", "expected true or false" },
		{ "daemon.poll", "1", "expected true or false" },
		{ "daemon.spin_budget", "[]", NUM },
		{ "zones", "{}", "expected an array" },
		{ "zones[0]", "[]", "expected an object" },
		{ "zones[0].id", "\"one\"", "is not a number" },
		{ "zones[0].id", "null", NUM },
		{ "zones[0].memory", "{}", "expected an array" },
		{ "zones[0].memory[0]", "5", "expected an object" },
		{ "zones[0].memory[0].phys", "true", NUM },
		{ "zones[0].memory[0].ipa", "{}", NUM },
		{ "zones[0].memory[0].size", "[4096]", NUM },
		{ "zones[0].devices", "\"testdev\"", "expected an array" },
		{ "zones[0].devices[0]", "\"testdev\"", "expected an object" },
		{ "zones[0].devices[0].type", "7", "expected a string" },
		{ "zones[0].devices[1].name", "[]", "expected a string" },
		{ "zones[0].devices[0].base", "\"0xb000000 \"", "is not a number" },
		{ "zones[0].devices[0].base", "\" 0xb000000\"", "is not a number" },
		{ "zones[0].devices[1].size", "false", NUM },
		{ "zones[0].devices[1].irq", "\"seventy\"", "is not a number" },
		{ "zones[0].devices[1].kick", "{}", NUM },
		{ "zones[0].devices[1].enabled", "\"no\"", "expected true or false" },
		{ "zones[0].devices[1].options", "[]", "expected an object" },
	};

	expect_wrong(NATIVE, w, sizeof(w) / sizeof(w[0]));
}

Test(fields, hvisor_wrong_types)
{
	static const struct wrong w[] = {
		{ "zones", "{}", "expected an array" },
		{ "zones[0]", "1", "expected an object" },
		{ "zones[0].id", "\"z1\"", "is not a number" },
		{ "zones[0].memory_region", "{}", "expected an array" },
		{ "zones[0].memory_region[0]", "\"x\"", "expected an object" },
		{ "zones[0].memory_region[0].zone0_ipa", "true", NUM },
		{ "zones[0].memory_region[0].zonex_ipa", "[]", NUM },
		{ "zones[0].memory_region[0].size", "\"big\"", "is not a number" },
		{ "zones[0].devices", "1", "expected an array" },
		{ "zones[0].devices[0]", "[]", "expected an object" },
		{ "zones[0].devices[0].status", "true", "expected a string" },
		{ "zones[0].devices[0].status", "\"on\"", "\"on\" is not \"enable\" or \"disable\"" },
		{ "zones[0].devices[0].type", "1", "expected a string" },
		{ "zones[0].devices[0].addr", "{}", NUM },
		{ "zones[0].devices[0].len", "\"\"", "is an empty string" },
		{ "zones[0].devices[0].irq", "\"irq78\"", "is not a number" },
		{ "zones[0].devices[0].img", "1", "expected a string" },
		{ "zones[0].devices[2].tap", "[]", "expected a string" },
		{ "zones[0].devices[2].mac", "\"00:16:3e:10:10:10\"", "expected an array" },
	};

	expect_wrong(HVISOR, w, sizeof(w) / sizeof(w[0]));
}

/* Values of the right type that are still not numbers we can use. */
Test(fields, bad_numbers)
{
	static const struct wrong w[] = {
		{ "zones[0].devices[1].irq", "-1", "is negative" },
		{ "zones[0].devices[1].irq", "\"-1\"", "is negative" },
		{ "zones[0].devices[1].irq", "78.5", "is not a whole number" },
		{ "zones[0].devices[1].irq", "1024", "is out of range (at most 1023" },
		{ "zones[0].devices[1].irq", "\"+78\"", "is not a number" },
		{ "zones[0].devices[1].base", "1e20", "is too large for a JSON number" },
		{ "zones[0].devices[1].base", "\"0x1ffffffffffffffff\"", "does not fit in 64 bits" },
		{ "zones[0].devices[1].base", "\"0xg\"", "is not a number" },
		{ "zones[0].devices[1].kick", "64", "is out of range (at most 63" },
		{ "zones[0].id", "4294967296", "is out of range (at most 4294967295" },
		{ "version", "-1", "is negative" },
	};

	expect_wrong(NATIVE, w, sizeof(w) / sizeof(w[0]));
}
