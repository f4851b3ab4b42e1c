// SPDX-License-Identifier: MIT
/*
 * hvisor-tool's virtio_cfg.json, read as it is (docs/config.md has the
 * mapping), so a user of hvisor-tool keeps the files they have:
 *
 *   {"zones": [{"id": 1,
 *               "memory_region": [{"zone0_ipa": "0x50000000",
 *                                  "zonex_ipa": "0x50000000",
 *                                  "size": "0x30000000"}],
 *               "devices": [{"type": "blk", "addr": "0xa003c00",
 *                            "len": "0x200", "irq": 78,
 *                            "img": "rootfs.ext4", "status": "enable"}]}]}
 *
 * Like hvisor-tool: a file without "zones" is one zone itself; a zone's id
 * is "id" or else "zone_id"; a device with "status": "disable" is skipped
 * before anything else in it is looked at; addr, len and irq must be
 * non-zero.  Members hvisor-tool does not read are ignored here too.
 *
 * Each device becomes one of our device types with an options object
 * built from its backend members (img, tap, mac), so the device types
 * read both formats through the same hvb_device_args.opts.
 */
#include <stdint.h>
#include <string.h>

#include "config_opts.h"
#include "config_parse.h"

const struct hvb_config_names hvb_config_hvisor_names = {
	.base = "addr", .size = "len", .phys = "zone0_ipa",
	.ipa = "zonex_ipa", .irq = "irq", .kick = "(kick, assigned)",
};

static const struct {
	const char *hvisor;	/* hvisor-tool's "type" */
	const char *type;	/* our device type */
} hvb_hvisor_types[] = {
	{ "blk", "virtio-blk" },
	{ "console", "virtio-console" },
	{ "net", "virtio-net" },
	{ "rng", "virtio-rng" },
};

#define HVB_HVISOR_NR_TYPES \
	(sizeof(hvb_hvisor_types) / sizeof(hvb_hvisor_types[0]))

/* A MAC address is six bytes. */
#define HVB_HVISOR_MAC_LEN	6

static int hvb_hvisor_mem(struct hvb_config *cfg, struct hvb_config_zone *z,
			  const cJSON *j, const char *path)
{
	struct hvb_config_mem *mem;

	if (z->nr_mem == HVB_CONFIG_MAX_REGIONS)
		return hvb_config_fail(cfg, path, "more than %u regions in a zone",
				       HVB_CONFIG_MAX_REGIONS);
	mem = &z->mem[z->nr_mem++];
	hvb_config_pathf(mem->path, "%s", path);
	if (hvb_config_object(cfg, j, path) ||
	    hvb_config_u64(cfg, j, "zone0_ipa", path, true, UINT64_MAX,
			   &mem->phys) ||
	    hvb_config_u64(cfg, j, "zonex_ipa", path, true, UINT64_MAX,
			   &mem->ipa) ||
	    hvb_config_u64(cfg, j, "size", path, true, UINT64_MAX,
			   &mem->size))
		return -1;
	return 0;
}

/* Make, and keep in cfg->made, the options object of a device. */
static cJSON *hvb_hvisor_opts(struct hvb_config *cfg, const char *path)
{
	cJSON *opts;

	if (!cfg->made)
		cfg->made = cJSON_CreateArray();
	opts = cJSON_CreateObject();
	if (!cfg->made || !opts) {
		cJSON_Delete(opts);
		hvb_config_fail(cfg, path, "out of memory");
		return NULL;
	}
	cJSON_AddItemToArray(cfg->made, opts);
	return opts;
}

static int hvb_hvisor_add_string(struct hvb_config *cfg, cJSON *opts,
				 const char *key, const char *value,
				 const char *path)
{
	if (!cJSON_AddStringToObject(opts, key, value))
		return hvb_config_fail(cfg, path, "out of memory");
	return 0;
}

/* "mac": six numbers or numeric strings, 0..255 each. */
static int hvb_hvisor_mac(struct hvb_config *cfg, const cJSON *j,
			  cJSON *opts, const char *path)
{
	char p[HVB_CONFIG_PATH_MAX], e[HVB_CONFIG_PATH_MAX];
	const cJSON *mac, *byte;
	const char *why;
	unsigned int i = 0;
	cJSON *copy;
	__u64 v;

	if (hvb_config_array(cfg, j, "mac", path, true, &mac))
		return -1;
	hvb_config_pathf(p, "%s.mac", path);
	if (cJSON_GetArraySize(mac) != HVB_HVISOR_MAC_LEN)
		return hvb_config_fail(cfg, p, "expected %u bytes, not %d",
				       HVB_HVISOR_MAC_LEN,
				       cJSON_GetArraySize(mac));
	cJSON_ArrayForEach(byte, mac) {
		if (hvb_json_u64(byte, 0xff, &v, &why)) {
			hvb_config_pathf(e, "%s[%u]", p, i);
			return hvb_config_fail(cfg, e, "%s (a byte: 0..255)",
					       why);
		}
		i++;
	}
	copy = cJSON_Duplicate(mac, true);
	if (!copy || !cJSON_AddItemToObject(opts, "mac", copy)) {
		cJSON_Delete(copy);
		return hvb_config_fail(cfg, p, "out of memory");
	}
	return 0;
}

/* A device's backend members, as its type's options. */
static int hvb_hvisor_backend(struct hvb_config *cfg,
			      struct hvb_config_dev *d, const cJSON *j,
			      const char *path)
{
	const char *s;
	cJSON *opts;

	if (!strcmp(d->hvisor_type, "rng"))
		return 0;
	opts = hvb_hvisor_opts(cfg, path);
	if (!opts)
		return -1;
	d->opts = opts;
	if (!strcmp(d->hvisor_type, "blk"))
		return hvb_config_string(cfg, j, "img", path, true, &s) ||
		       hvb_hvisor_add_string(cfg, opts, "img", s, path);
	if (!strcmp(d->hvisor_type, "net"))
		return hvb_config_string(cfg, j, "tap", path, true, &s) ||
		       hvb_hvisor_add_string(cfg, opts, "tap", s, path) ||
		       hvb_hvisor_mac(cfg, j, opts, path);
	/* console: hvisor-tool puts it on a new pty. */
	return hvb_hvisor_add_string(cfg, opts, "mode", "pty", path);
}

static int hvb_hvisor_dev(struct hvb_config *cfg,
			  const struct hvb_config_zone *z, const cJSON *j,
			  const char *path)
{
	char p[HVB_CONFIG_PATH_MAX], known[64] = "";
	const char *status, *type;
	struct hvb_config_dev *d;
	size_t used = 0;
	unsigned int i;
	__u64 irq;

	if (hvb_config_object(cfg, j, path) ||
	    hvb_config_string(cfg, j, "status", path, true, &status))
		return -1;
	hvb_config_pathf(p, "%s.status", path);
	if (!strcmp(status, "disable")) {
		cfg->nr_disabled++;
		return 0;
	}
	if (strcmp(status, "enable"))
		return hvb_config_fail(cfg, p, "\"%s\" is not \"enable\" or \"disable\"",
				       status);
	d = hvb_config_add_dev(cfg, path);
	if (!d || hvb_config_string(cfg, j, "type", path, true, &type))
		return -1;
	d->zone_id = z->id;
	for (i = 0; i < HVB_HVISOR_NR_TYPES; i++)
		if (!strcmp(type, hvb_hvisor_types[i].hvisor))
			break;
	if (i == HVB_HVISOR_NR_TYPES) {
		/* strlen(), not snprintf()'s return: that is the length
		 * it wanted, and past a cut it would size the next write
		 * beyond the buffer. */
		for (i = 0; i < HVB_HVISOR_NR_TYPES; i++) {
			used = strlen(known);
			snprintf(known + used, sizeof(known) - used, "%s%s",
				 i ? ", " : "", hvb_hvisor_types[i].hvisor);
		}
		hvb_config_pathf(p, "%s.type", path);
		return hvb_config_fail(cfg, p, "hvisor-tool device type \"%s\" has no hvbridge counterpart (supported: %s)",
				       type, known);
	}
	d->hvisor_type = hvb_hvisor_types[i].hvisor;
	d->type = hvb_hvisor_types[i].type;
	if (hvb_config_u64(cfg, j, "addr", path, true, UINT64_MAX,
			   &d->base) ||
	    hvb_config_u64(cfg, j, "len", path, true, UINT64_MAX, &d->size) ||
	    hvb_config_u64(cfg, j, "irq", path, true, HVB_CONFIG_MAX_IRQ,
			   &irq))
		return -1;
	d->irq = (__u32)irq;
	/* hvisor-tool refuses zero for all three ("missing arguments"). */
	hvb_config_pathf(p, "%s.addr", path);
	if (!d->base)
		return hvb_config_fail(cfg, p, "is zero");
	hvb_config_pathf(p, "%s.len", path);
	if (!d->size)
		return hvb_config_fail(cfg, p, "is zero");
	hvb_config_pathf(p, "%s.irq", path);
	if (!d->irq)
		return hvb_config_fail(cfg, p, "is zero: the device needs an interrupt");
	return hvb_hvisor_backend(cfg, d, j, path);
}

static int hvb_hvisor_zone(struct hvb_config *cfg, const cJSON *j,
			   const char *path)
{
	char p[HVB_CONFIG_PATH_MAX];
	const cJSON *list, *item;
	struct hvb_config_zone *z;
	const char *id_key = "id";
	unsigned int i;
	__u64 id;

	z = hvb_config_add_zone(cfg, path);
	if (!z || hvb_config_object(cfg, j, path))
		return -1;
	if (!cJSON_GetObjectItemCaseSensitive(j, "id") &&
	    cJSON_GetObjectItemCaseSensitive(j, "zone_id"))
		id_key = "zone_id";
	if (hvb_config_u64(cfg, j, id_key, path, true, UINT32_MAX, &id))
		return -1;
	z->id = (__u32)id;
	list = NULL;
	if (hvb_config_array(cfg, j, "memory_region", path, false, &list) < 0)
		return -1;
	i = 0;
	cJSON_ArrayForEach(item, list) {
		hvb_config_pathf(p, "%s%smemory_region[%u]", path,
			 *path ? "." : "", i++);
		if (hvb_hvisor_mem(cfg, z, item, p))
			return -1;
	}
	list = NULL;
	if (hvb_config_array(cfg, j, "devices", path, false, &list) < 0)
		return -1;
	i = 0;
	cJSON_ArrayForEach(item, list) {
		hvb_config_pathf(p, "%s%sdevices[%u]", path,
			 *path ? "." : "", i++);
		if (hvb_hvisor_dev(cfg, z, item, p))
			return -1;
	}
	return 0;
}

int hvb_config_read_hvisor(struct hvb_config *cfg)
{
	char p[HVB_CONFIG_PATH_MAX];
	const cJSON *zones, *item;
	unsigned int i = 0;
	int ret;

	ret = hvb_config_array(cfg, cfg->root, "zones", "", false, &zones);
	if (ret < 0)
		return -1;
	/* An older layout: the file is the one zone. */
	if (ret)
		return hvb_hvisor_zone(cfg, cfg->root, "");
	cJSON_ArrayForEach(item, zones) {
		hvb_config_pathf(p, "zones[%u]", i++);
		if (hvb_hvisor_zone(cfg, item, p))
			return -1;
	}
	return 0;
}
