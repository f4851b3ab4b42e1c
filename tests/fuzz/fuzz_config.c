// SPDX-License-Identifier: MIT
/*
 * Description: fuzz both config parsers with any text: hvbridge's JSON
 * config in either format (tool/config*.c: native, and hvisor-tool's
 * virtio_cfg.json) and hvisor-tool's zone config (tool/zone_json.c), as
 * `hvbridge daemon --config`, `config-check` and `zone start` read them.
 *
 * Input: byte 0 picks the parser and its mode (bits 0-1: auto, native,
 * hvisor, zone JSON; bit 2: HVB_CONFIG_SKIP_UNSUPPORTED); the rest is the
 * file's text (a NUL in it is refused, as a file holding one is).
 * Checked: a refusal says why; what a parse accepts holds the rules
 * docs/config.md promises: at most the maximum zones, regions and
 * devices; zone ids unique and not 0; regions whole pages, not wrapping;
 * windows 8-byte aligned, not wrapping, apart from each other and from
 * the zone's memory; kick numbers unique; interrupts in range; each
 * device's zone one of the config's.  An accepted zone JSON gives a
 * descriptor with its signature, name NUL-terminated and at most the
 * maximum regions.
 */
#include <string.h>

#include "config.h"
#include "fuzz.h"
#include "log.h"
#include "zone_json.h"

static int fz_overlap(__u64 a, __u64 as, __u64 b, __u64 bs)
{
	return as && bs && (unsigned __int128)a < (unsigned __int128)b + bs &&
	       (unsigned __int128)b < (unsigned __int128)a + as;
}

static const struct hvb_config_zone *fz_zone(const struct hvb_config *cfg,
					     __u32 id)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_zones; i++)
		if (cfg->zones[i].id == id)
			return &cfg->zones[i];
	return NULL;
}

static void fz_check_config(const struct hvb_config *cfg)
{
	unsigned int i, j;

	FUZZ_CHECK(cfg->nr_zones <= HVB_CONFIG_MAX_ZONES);
	FUZZ_CHECK(cfg->nr_devs <= HVB_MAX_DEVICES);
	for (i = 0; i < cfg->nr_zones; i++) {
		const struct hvb_config_zone *z = &cfg->zones[i];

		FUZZ_CHECK(z->id != 0 && z->nr_mem <= HVB_CONFIG_MAX_REGIONS);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(cfg->zones[j].id != z->id);
		for (j = 0; j < z->nr_mem; j++) {
			const struct hvb_config_mem *m = &z->mem[j];

			FUZZ_CHECK(m->size && !(m->size % HVB_CONFIG_PAGE) &&
				   !(m->phys % HVB_CONFIG_PAGE) &&
				   !(m->ipa % HVB_CONFIG_PAGE));
			FUZZ_CHECK(m->phys + m->size >= m->phys &&
				   m->ipa + m->size >= m->ipa);
		}
	}
	for (i = 0; i < cfg->nr_devs; i++) {
		const struct hvb_config_dev *d = &cfg->devs[i];
		const struct hvb_config_zone *z = fz_zone(cfg, d->zone_id);

		FUZZ_CHECK(d->type && d->type[0]);
		FUZZ_CHECK(z);
		FUZZ_CHECK(d->size && !(d->base % HVB_CONFIG_WINDOW_ALIGN) &&
			   !(d->size % HVB_CONFIG_WINDOW_ALIGN));
		FUZZ_CHECK(d->base + d->size >= d->base);
		FUZZ_CHECK(d->irq <= HVB_CONFIG_MAX_IRQ);
		for (j = 0; j < z->nr_mem; j++)
			FUZZ_CHECK(!fz_overlap(d->base, d->size, z->mem[j].ipa,
					       z->mem[j].size));
		for (j = 0; j < i; j++) {
			const struct hvb_config_dev *e = &cfg->devs[j];

			if (e->zone_id == d->zone_id)
				FUZZ_CHECK(!fz_overlap(d->base, d->size,
						       e->base, e->size));
			FUZZ_CHECK(d->kick_dev < 0 ||
				   e->kick_dev != d->kick_dev);
		}
	}
	FUZZ_CHECK(memchr(cfg->error, 0, sizeof(cfg->error)));
	FUZZ_CHECK(memchr(cfg->warnings, 0, sizeof(cfg->warnings)));
}

static void fz_check_zone(const struct hvb_zone_json *zj)
{
	const struct hvb_zone_desc *d = &zj->desc;

	FUZZ_CHECK(!memcmp(d->signature, HVB_ZONE_DESC_SIGNATURE, 8));
	FUZZ_CHECK(d->revision == HVB_ZONE_DESC_REVISION &&
		   d->size == sizeof(*d));
	FUZZ_CHECK(d->nr_mem <= HVB_ZONE_DESC_MAX_MEM);
	FUZZ_CHECK(memchr(d->name, 0, sizeof(d->name)));
	FUZZ_CHECK(memchr(zj->kernel_path, 0, sizeof(zj->kernel_path)));
	FUZZ_CHECK(memchr(zj->dtb_path, 0, sizeof(zj->dtb_path)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hvb_zone_json zj;
	static struct hvb_config cfg;
	char *text, why[256];
	int ret;

	if (size < 1)
		return 0;
	hvb_log_threshold = HVB_LOG_ERROR;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if ((data[0] & 3) == 3) {
		why[0] = '\0';
		memset(&zj, 0, sizeof(zj));
		ret = hvb_zone_json_parse(text, &zj, why, sizeof(why));
		FUZZ_CHECK(ret == 0 || ret == -1);
		if (ret)
			FUZZ_CHECK(why[0] && memchr(why, 0, sizeof(why)));
		else
			fz_check_zone(&zj);
		free(text);
		return 0;
	}
	memset(&cfg, 0, sizeof(cfg));
	ret = hvb_config_parse_flags(&cfg, text, "fuzz.json",
				     (enum hvb_config_format)(data[0] & 3),
				     data[0] & 4 ? HVB_CONFIG_SKIP_UNSUPPORTED :
						   0);
	FUZZ_CHECK(ret == 0 || ret == -1);
	if (ret) {
		FUZZ_CHECK(cfg.error[0]);
	} else {
		fz_check_config(&cfg);
		/* The option checks of config-check (no file is opened). */
		if (hvb_config_check_options(&cfg))
			FUZZ_CHECK(cfg.error[0]);
	}
	hvb_config_free(&cfg);
	free(text);
	return 0;
}
