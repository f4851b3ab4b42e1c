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
 * non-zero.  hvisor-tool's older layout, a top-level "devices" whose
 * members each carry a "zone_id", is read too.  Members hvisor-tool
 * ignores are ignored here, with a warning; one a letter or two away
 * from a member it reads ("devcies") is refused, naming that member.
 *
 * Numbers: hvisor-tool has read numeric strings two ways.  Its older
 * reader (tools/virtio.c) took them with strtoul(s, NULL, 16): "200" is
 * 0x200; its newer one (tools/json_parse.c) with strtoumax(s, &end, 0):
 * "200" is 200.  Where the two agree ("0x200", "a003c00", which only the
 * older one took, single digits, JSON numbers) the value is theirs;
 * where they differ (a decimal string of two digits or more) the file is
 * refused, naming both readings, rather than guessing one.
 *
 * Each device becomes one of our device types with an options object
 * built from its backend members (img, tap, mac), so the device types
 * read both formats through the same hvb_device_args.opts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_opts.h"
#include "config_parse.h"

const struct hvb_config_names hvb_config_hvisor_names = {
	.base = "addr", .size = "len", .phys = "zone0_ipa",
	.ipa = "zonex_ipa", .mem_size = "size", .irq = "irq",
	.kick = "(kick, assigned)",
};

/* The members hvisor-tool's readers know, at each level. */
static const char *const hvb_hvisor_zone_keys[] = {
	"id", "zone_id", "name", "memory_region", "devices", NULL,
};
static const char *const hvb_hvisor_top_keys[] = {
	"zones", "id", "zone_id", "name", "memory_region", "devices", NULL,
};
static const char *const hvb_hvisor_mem_keys[] = {
	"zone0_ipa", "zonex_ipa", "size", "type", NULL,
};
static const char *const hvb_hvisor_dev_keys[] = {
	"type", "addr", "len", "irq", "status", "img", "tap", "mac",
	"zone_id", "width", "height", "allowed_list", "reset_map",
	"inline", NULL,
};
/* Members only hvisor-tool's zone configs (zone1_linux.json) have. */
static const char *const hvb_hvisor_zonecfg_keys[] = {
	"memory_regions", "cpus", "kernel_filepath", "dtb_filepath",
	"kernel_load_paddr", "entry_point", "arch_config", "interrupts",
	"ivc_configs", NULL,
};

/*
 * Members of @obj (at @path) that are not in @known: one close to a
 * known member is refused, naming it; the others are ignored, as
 * hvisor-tool ignores them, with a warning.
 */
static int hvb_hvisor_keys(struct hvb_config *cfg, const cJSON *obj,
			   const char *path, const char *const *known)
{
	char p[HVB_CONFIG_PATH_MAX];
	const char *near;
	const cJSON *item;
	unsigned int i;
	bool ok;

	cJSON_ArrayForEach(item, obj) {
		for (ok = false, i = 0; known[i] && !ok; i++)
			ok = !strcmp(item->string, known[i]);
		if (ok)
			continue;
		hvb_config_pathf(p, "%s%s%s", path, *path ? "." : "",
				 item->string);
		near = hvb_config_closest(item->string, known);
		if (near)
			return hvb_config_fail(cfg, p, "unknown member: did you mean \"%s\"?",
					       near);
		hvb_config_warn(cfg, p, "unknown member, ignored (hvisor-tool ignores it too)");
	}
	return 0;
}

/* @s read by strtoull(s, &end, @base) to its end; false if not all of
 * it is a number or it is past 64 bits. */
static bool hvb_hvisor_strtou(const char *s, int base, __u64 *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, base);
	return !errno && end != s && !*end;
}

/*
 * A number at @p the way hvisor-tool reads it (see the top of this
 * file): a string is read both as its older reader (base 16) and as its
 * newer one (base 0) would; taken if only one of them reads it or both
 * read the same value, refused if they differ.  Blanks and signs, which
 * strtoull() would let through, are refused (hvb_json_u64()), and so is
 * anything that is not a string or a JSON number.
 */
static int hvb_hvisor_value(struct hvb_config *cfg, const cJSON *item,
			    const char *p, __u64 max, __u64 *out)
{
	bool old_ok, new_ok;
	__u64 old_v, new_v;
	const char *s, *why;
	int err;

	if (!cJSON_IsString(item) || !*item->valuestring ||
	    strpbrk(item->valuestring, " \t\n\r\f\v+-")) {
		err = hvb_json_u64(item, max, out, &why);
		if (err == -ERANGE)
			return hvb_config_fail(cfg, p, "%s (at most %llu, 0x%llx)",
					       why, (unsigned long long)max,
					       (unsigned long long)max);
		return err ? hvb_config_fail(cfg, p, "%s", why) : 0;
	}
	s = item->valuestring;
	old_ok = hvb_hvisor_strtou(s, 16, &old_v);
	new_ok = hvb_hvisor_strtou(s, 0, &new_v);
	if (!old_ok && !new_ok)
		return hvb_config_fail(cfg, p, "is not a number hvisor-tool reads: \"%s\" (write \"0x...\" hex, or a JSON number)",
				       s);
	if (old_ok && new_ok && old_v != new_v)
		return hvb_config_fail(cfg, p, "\"%s\" is 0x%llx to hvisor-tool's older reader (hex) and %llu to its newer one (strtoumax base 0): write \"0x%llx\" or %llu as a JSON number, whichever is meant",
				       s, (unsigned long long)old_v,
				       (unsigned long long)new_v,
				       (unsigned long long)old_v,
				       (unsigned long long)new_v);
	if (!old_ok)
		old_v = new_v;
	if (old_v > max)
		return hvb_config_fail(cfg, p, "is out of range (at most %llu, 0x%llx): \"%s\"",
				       (unsigned long long)max,
				       (unsigned long long)max, s);
	*out = old_v;
	return 0;
}

/* Member @key of @obj at @path, read by hvb_hvisor_value(). */
static int hvb_hvisor_u64(struct hvb_config *cfg, const cJSON *obj,
			  const char *key, const char *path, bool required,
			  __u64 max, __u64 *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[HVB_CONFIG_PATH_MAX];

	if (!item)
		return hvb_config_u64(cfg, obj, key, path, required, max, out);
	hvb_config_pathf(p, "%s%s%s", path, *path ? "." : "", key);
	return hvb_hvisor_value(cfg, item, p, max, out);
}

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
	    hvb_hvisor_keys(cfg, j, path, hvb_hvisor_mem_keys) ||
	    hvb_hvisor_u64(cfg, j, "zone0_ipa", path, true, UINT64_MAX,
			   &mem->phys) ||
	    hvb_hvisor_u64(cfg, j, "zonex_ipa", path, true, UINT64_MAX,
			   &mem->ipa) ||
	    hvb_hvisor_u64(cfg, j, "size", path, true, UINT64_MAX,
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
	/* The bytes as hvisor-tool reads them, as numbers for the net
	 * device's options (which read strings by our rules). */
	copy = cJSON_CreateArray();
	if (!copy || !cJSON_AddItemToObject(opts, "mac", copy)) {
		cJSON_Delete(copy);
		return hvb_config_fail(cfg, p, "out of memory");
	}
	cJSON_ArrayForEach(byte, mac) {
		hvb_config_pathf(e, "%s[%u]", p, i++);
		if (hvb_hvisor_value(cfg, byte, e, 0xff, &v))
			return -1;
		if (!cJSON_AddItemToArray(copy, cJSON_CreateNumber((double)v)))
			return hvb_config_fail(cfg, p, "out of memory");
	}
	return 0;
}

/*
 * "inline" (an hvbridge extension, as "rng" is): virtio-blk's fast path
 * on or off, its options.inline (docs/virtio-blk.md).  hvisor-tool has
 * no such member; true or false, copied as it is.
 */
static int hvb_hvisor_inline(struct hvb_config *cfg, const cJSON *j,
			     cJSON *opts, const char *path)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(j, "inline");
	char p[HVB_CONFIG_PATH_MAX];

	if (!item)
		return 0;
	hvb_config_pathf(p, "%s.inline", path);
	if (!cJSON_IsBool(item))
		return hvb_config_fail(cfg, p, "expected true or false");
	if (!cJSON_AddBoolToObject(opts, "inline", cJSON_IsTrue(item)))
		return hvb_config_fail(cfg, p, "out of memory");
	return 0;
}

/* A device's backend members, as its type's options. */
static int hvb_hvisor_backend(struct hvb_config *cfg,
			      struct hvb_config_dev *d, const cJSON *j,
			      const char *path)
{
	const char *s;
	cJSON *opts;

	if (strcmp(d->hvisor_type, "blk") &&
	    cJSON_GetObjectItemCaseSensitive(j, "inline")) {
		char p[HVB_CONFIG_PATH_MAX];

		hvb_config_pathf(p, "%s.inline", path);
		return hvb_config_fail(cfg, p, "only a \"blk\" device takes it");
	}
	if (!strcmp(d->hvisor_type, "rng"))
		return 0;
	opts = hvb_hvisor_opts(cfg, path);
	if (!opts)
		return -1;
	d->opts = opts;
	if (!strcmp(d->hvisor_type, "blk"))
		return hvb_config_string(cfg, j, "img", path, true, &s) ||
		       hvb_hvisor_add_string(cfg, opts, "img", s, path) ||
		       hvb_hvisor_inline(cfg, j, opts, path);
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
	    hvb_hvisor_keys(cfg, j, path, hvb_hvisor_dev_keys) ||
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
	if (hvb_config_string(cfg, j, "type", path, true, &type))
		return -1;
	for (i = 0; i < HVB_HVISOR_NR_TYPES; i++)
		if (!strcmp(type, hvb_hvisor_types[i].hvisor))
			break;
	if (i == HVB_HVISOR_NR_TYPES &&
	    (cfg->flags & HVB_CONFIG_SKIP_UNSUPPORTED)) {
		hvb_config_pathf(p, "%s.type", path);
		hvb_config_warn(cfg, p, "hvisor-tool device type \"%s\" has no hvbridge counterpart: skipped (--skip-unsupported)",
				type);
		cfg->nr_skipped++;
		return 0;
	}
	d = hvb_config_add_dev(cfg, path);
	if (!d)
		return -1;
	d->zone_id = z->id;
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
		return hvb_config_fail(cfg, p, "hvisor-tool device type \"%s\" has no hvbridge counterpart (supported: %s); to serve the rest, set \"status\": \"disable\" in %s or give --skip-unsupported",
				       type, known, path);
	}
	d->hvisor_type = hvb_hvisor_types[i].hvisor;
	d->type = hvb_hvisor_types[i].type;
	if (hvb_hvisor_u64(cfg, j, "addr", path, true, UINT64_MAX,
			   &d->base) ||
	    hvb_hvisor_u64(cfg, j, "len", path, true, UINT64_MAX, &d->size) ||
	    hvb_hvisor_u64(cfg, j, "irq", path, true, HVB_CONFIG_MAX_IRQ,
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

/*
 * A zone config of hvisor-tool's (`hvisor zone start zone1_linux.json`:
 * cpus, memory_regions, kernel_filepath, ...) given where the virtio
 * config belongs: say so, rather than read it as a zone with no devices.
 */
static int hvb_hvisor_not_zonecfg(struct hvb_config *cfg, const cJSON *j,
				  const char *path)
{
	unsigned int i;

	for (i = 0; hvb_hvisor_zonecfg_keys[i]; i++)
		if (cJSON_GetObjectItemCaseSensitive(j, hvb_hvisor_zonecfg_keys[i]))
			return hvb_config_fail(cfg, path, "this is a zone config of hvisor-tool's (it has \"%s\"), for `hvbridge zone start FILE.json` (hvisor-tool's `hvisor zone start`); the daemon takes the virtio config (virtio_cfg.json: zones[] with memory_region and devices): docs/from-hvisor-tool.md",
					       hvb_hvisor_zonecfg_keys[i]);
	return 0;
}

static int hvb_hvisor_zone(struct hvb_config *cfg, const cJSON *j,
			   const char *path, const char *const *keys)
{
	char p[HVB_CONFIG_PATH_MAX];
	const cJSON *list, *item;
	struct hvb_config_zone *z;
	const char *id_key = "id";
	unsigned int i;
	__u64 id;

	z = hvb_config_add_zone(cfg, path);
	if (!z || hvb_config_object(cfg, j, path) ||
	    hvb_hvisor_not_zonecfg(cfg, j, path) ||
	    hvb_hvisor_keys(cfg, j, path, keys))
		return -1;
	if (!cJSON_GetObjectItemCaseSensitive(j, "id") &&
	    cJSON_GetObjectItemCaseSensitive(j, "zone_id"))
		id_key = "zone_id";
	if (hvb_hvisor_u64(cfg, j, id_key, path, true, UINT32_MAX, &id))
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

/*
 * hvisor-tool's older layout (its examples/virtio_cfg.json): no zones,
 * a top-level "devices" whose members each name their "zone_id".  It has
 * no memory regions: the zones get none, and a warning says their
 * devices cannot reach virtqueues until memory_region is added.
 */
static int hvb_hvisor_flat(struct hvb_config *cfg, const cJSON *devs)
{
	char p[HVB_CONFIG_PATH_MAX];
	struct hvb_config_zone *z;
	const cJSON *item;
	unsigned int i = 0, k;
	__u64 id;

	if (hvb_hvisor_keys(cfg, cfg->root, "", hvb_hvisor_top_keys))
		return -1;
	cJSON_ArrayForEach(item, devs) {
		hvb_config_pathf(p, "devices[%u]", i++);
		if (hvb_config_object(cfg, item, p) ||
		    hvb_hvisor_u64(cfg, item, "zone_id", p, true, UINT32_MAX,
				   &id))
			return -1;
		for (z = NULL, k = 0; k < cfg->nr_zones && !z; k++)
			if (cfg->zones[k].id == id)
				z = &cfg->zones[k];
		if (!z) {
			z = hvb_config_add_zone(cfg, p);
			if (!z)
				return -1;
			z->id = (__u32)id;
			hvb_config_warn(cfg, p, "zone %u has no memory_region (hvisor-tool's older layout): its devices cannot reach its virtqueues; put the file in the zones[] layout with memory_region",
					z->id);
		}
		if (hvb_hvisor_dev(cfg, z, item, p))
			return -1;
	}
	return 0;
}

int hvb_config_read_hvisor(struct hvb_config *cfg)
{
	char p[HVB_CONFIG_PATH_MAX];
	const cJSON *zones, *item, *devs;
	unsigned int i = 0;
	int ret;

	if (hvb_hvisor_not_zonecfg(cfg, cfg->root, ""))
		return -1;
	ret = hvb_config_array(cfg, cfg->root, "zones", "", false, &zones);
	if (ret < 0)
		return -1;
	if (ret) {
		devs = cJSON_GetObjectItemCaseSensitive(cfg->root, "devices");
		/* The older layout: devices name their zones. */
		if (cJSON_IsArray(devs) &&
		    !cJSON_GetObjectItemCaseSensitive(cfg->root, "id") &&
		    !cJSON_GetObjectItemCaseSensitive(cfg->root, "zone_id"))
			return hvb_hvisor_flat(cfg, devs);
		/* What hvisor-tool's reader does without "zones": the
		 * file is the one zone. */
		return hvb_hvisor_zone(cfg, cfg->root, "", hvb_hvisor_top_keys);
	}
	if (hvb_hvisor_keys(cfg, cfg->root, "", hvb_hvisor_top_keys))
		return -1;
	cJSON_ArrayForEach(item, zones) {
		hvb_config_pathf(p, "zones[%u]", i++);
		if (hvb_hvisor_zone(cfg, item, p, hvb_hvisor_zone_keys))
			return -1;
	}
	return 0;
}
