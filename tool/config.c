// SPDX-License-Identifier: MIT
/*
 * The daemon's JSON config (config.h, docs/config.md): reading a file,
 * our native format, and the checks both formats go through.
 *
 * Reading fills zones[] and devs[] with what the file says.  Resolving
 * then checks them as a whole (duplicate zones, overlapping memory or
 * windows, device types and their option keys) and fills in what was
 * left out (fixed window sizes).  Nothing is created until
 * all of it has passed, so a bad file never leaves half a daemon behind.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hvbridge/testdev.h>

#include "config_opts.h"
#include "config_parse.h"
#include "log.h"
#include "testdev.h"
#include "transport.h"

/* A config is a few KiB; anything this big is the wrong file. */
#define HVB_CONFIG_FILE_MAX	(1u << 20)

/* The native format's version this daemon reads. */
#define HVB_CONFIG_VERSION	1u

const struct hvb_config_names hvb_config_native_names = {
	.base = "base", .size = "size", .phys = "phys", .ipa = "ipa",
	.mem_size = "size", .irq = "irq", .kick = "kick",
};

static const struct hvb_config_names *
hvb_config_names(const struct hvb_config *cfg)
{
	return cfg->format == HVB_CONFIG_HVISOR ? &hvb_config_hvisor_names :
						  &hvb_config_native_names;
}

int hvb_config_fail(struct hvb_config *cfg, const char *path,
		    const char *fmt, ...)
{
	char why[384];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (path && *path)
		n = snprintf(cfg->error, sizeof(cfg->error), "%s: %s: %s",
			     cfg->file, path, why);
	else
		n = snprintf(cfg->error, sizeof(cfg->error), "%s: %s",
			     cfg->file, why);
	(void)n;	/* a message too long is cut, not lost */
	return -1;
}

/*
 * Paths go through vsnprintf so a long one is cut quietly: they are only
 * ever shown in messages (gcc's -Wformat-truncation would otherwise flag
 * every snprintf of a path into a fixed buffer).
 */
void hvb_config_pathf(char *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, HVB_CONFIG_PATH_MAX, fmt, ap);
	va_end(ap);
}

/* "@path.@key", or @key at the top. */
static void hvb_config_join(char *out, const char *path, const char *key)
{
	hvb_config_pathf(out, "%s%s%s", path, *path ? "." : "", key);
}

/* "@path.@key[@i]". */
static void hvb_config_elem(char *out, const char *path, const char *key,
			    unsigned int i)
{
	hvb_config_pathf(out, "%s%s%s[%u]", path, *path ? "." : "", key, i);
}

/* Present (non-NULL) or, if @required, an error. */
static const cJSON *hvb_config_get(struct hvb_config *cfg, const cJSON *obj,
				   const char *key, const char *path,
				   bool required, int *ret)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[HVB_CONFIG_PATH_MAX];

	*ret = 0;
	if (item)
		return item;
	if (required) {
		hvb_config_join(p, path, key);
		*ret = hvb_config_fail(cfg, p, "required field is missing");
	} else {
		*ret = 1;
	}
	return NULL;
}

int hvb_config_u64(struct hvb_config *cfg, const cJSON *obj, const char *key,
		   const char *path, bool required, __u64 max, __u64 *out)
{
	char p[HVB_CONFIG_PATH_MAX];
	const cJSON *item;
	const char *why;
	int ret, err;

	item = hvb_config_get(cfg, obj, key, path, required, &ret);
	if (!item)
		return ret;
	err = hvb_json_u64(item, max, out, &why);
	if (!err)
		return 0;
	hvb_config_join(p, path, key);
	if (err == -ERANGE)
		return hvb_config_fail(cfg, p, "%s (at most %llu, 0x%llx)", why,
				       (unsigned long long)max,
				       (unsigned long long)max);
	return hvb_config_fail(cfg, p, "%s", why);
}

int hvb_config_string(struct hvb_config *cfg, const cJSON *obj,
		      const char *key, const char *path, bool required,
		      const char **out)
{
	char p[HVB_CONFIG_PATH_MAX];
	const cJSON *item;
	int ret;

	item = hvb_config_get(cfg, obj, key, path, required, &ret);
	if (!item)
		return ret;
	hvb_config_join(p, path, key);
	if (!cJSON_IsString(item))
		return hvb_config_fail(cfg, p, "expected a string");
	if (!*item->valuestring)
		return hvb_config_fail(cfg, p, "is empty");
	*out = item->valuestring;
	return 0;
}

static int hvb_config_bool(struct hvb_config *cfg, const cJSON *obj,
			   const char *key, const char *path, bool *out)
{
	char p[HVB_CONFIG_PATH_MAX];
	const cJSON *item;
	int ret;

	item = hvb_config_get(cfg, obj, key, path, false, &ret);
	if (!item)
		return ret;
	if (!cJSON_IsBool(item)) {
		hvb_config_join(p, path, key);
		return hvb_config_fail(cfg, p, "expected true or false");
	}
	*out = cJSON_IsTrue(item);
	return 0;
}

int hvb_config_array(struct hvb_config *cfg, const cJSON *obj,
		     const char *key, const char *path, bool required,
		     const cJSON **out)
{
	char p[HVB_CONFIG_PATH_MAX];
	const cJSON *item;
	int ret;

	item = hvb_config_get(cfg, obj, key, path, required, &ret);
	if (!item)
		return ret;
	if (!cJSON_IsArray(item)) {
		hvb_config_join(p, path, key);
		return hvb_config_fail(cfg, p, "expected an array [...]");
	}
	*out = item;
	return 0;
}

int hvb_config_object(struct hvb_config *cfg, const cJSON *item,
		      const char *path)
{
	if (cJSON_IsObject(item))
		return 0;
	return hvb_config_fail(cfg, path, "expected an object {...}");
}

static bool hvb_config_in(const char *name, const char *const *list)
{
	for (; list && *list; list++)
		if (!strcmp(name, *list))
			return true;
	return false;
}

static void hvb_config_list(char *buf, size_t len, const char *const *list)
{
	size_t used = 0;
	int n;

	buf[0] = '\0';
	for (; list && *list && used < len; list++) {
		n = snprintf(buf + used, len - used, "%s%s",
			     used ? ", " : "", *list);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* Optimal string alignment distance of @a and @b, capped at 9. */
static unsigned int hvb_config_distance(const char *a, const char *b)
{
	enum { MAX = 32 };
	unsigned int d[MAX + 1][MAX + 1], i, j, la, lb, best;

	la = (unsigned int)strlen(a);
	lb = (unsigned int)strlen(b);
	if (la > MAX || lb > MAX)
		return 9;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb] < 9 ? d[la][lb] : 9;
}

const char *hvb_config_closest(const char *key, const char *const *known)
{
	unsigned int dist, best = 3;
	const char *pick = NULL;

	for (; known && *known; known++) {
		dist = hvb_config_distance(key, *known);
		if (dist < best && 2 * dist < strlen(key)) {
			best = dist;
			pick = *known;
		}
	}
	return pick;
}

void hvb_config_warn(struct hvb_config *cfg, const char *path,
		     const char *fmt, ...)
{
	size_t used = strlen(cfg->warnings);
	va_list ap;
	int n;

	if (used + 1 >= sizeof(cfg->warnings))
		return;
	n = snprintf(cfg->warnings + used, sizeof(cfg->warnings) - used,
		     "%s: %s%s", cfg->file, path, *path ? ": " : "");
	if (n < 0 || (size_t)n >= sizeof(cfg->warnings) - used)
		return;
	used += (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(cfg->warnings + used, sizeof(cfg->warnings) - used,
		      fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cfg->warnings) - used - 1) {
		cfg->warnings[used] = '\0';	/* no half a warning */
		return;
	}
	strcat(cfg->warnings, "\n");
}

/*
 * Every member of @obj is in @known, and none is given twice (cJSON keeps
 * both and reads the first, so the second would be silently ignored).
 * @what says what the keys are ("field", "option").
 */
static int hvb_config_keys(struct hvb_config *cfg, const cJSON *obj,
			   const char *path, const char *const *known,
			   const char *what, const char *owner)
{
	char p[HVB_CONFIG_PATH_MAX], list[192];
	const cJSON *item, *prev;

	cJSON_ArrayForEach(item, obj) {
		hvb_config_join(p, path, item->string);
		for (prev = obj->child; prev != item; prev = prev->next)
			if (!strcmp(prev->string, item->string))
				return hvb_config_fail(cfg, p,
						       "%s given twice", what);
		if (hvb_config_in(item->string, known))
			continue;
		if (!known || !*known)
			return hvb_config_fail(cfg, p, "%s takes no %ss",
					       owner, what);
		hvb_config_list(list, sizeof(list), known);
		if (hvb_config_closest(item->string, known))
			return hvb_config_fail(cfg, p, "unknown %s: did you mean \"%s\"? (%s takes: %s)",
					       what,
					       hvb_config_closest(item->string,
								  known),
					       owner, list);
		return hvb_config_fail(cfg, p, "unknown %s (%s takes: %s)",
				       what, owner, list);
	}
	return 0;
}

struct hvb_config_zone *hvb_config_add_zone(struct hvb_config *cfg,
					    const char *path)
{
	struct hvb_config_zone *z;

	if (cfg->nr_zones == HVB_CONFIG_MAX_ZONES) {
		hvb_config_fail(cfg, path, "more than %u zones",
				HVB_CONFIG_MAX_ZONES);
		return NULL;
	}
	z = &cfg->zones[cfg->nr_zones++];
	memset(z, 0, sizeof(*z));
	hvb_config_pathf(z->path, "%s", path);
	return z;
}

struct hvb_config_dev *hvb_config_add_dev(struct hvb_config *cfg,
					  const char *path)
{
	struct hvb_config_dev *d;

	if (cfg->nr_devs == HVB_MAX_DEVICES) {
		hvb_config_fail(cfg, path, "more than %u devices",
				HVB_MAX_DEVICES);
		return NULL;
	}
	d = &cfg->devs[cfg->nr_devs++];
	memset(d, 0, sizeof(*d));
	d->kick_dev = -1;
	hvb_config_pathf(d->path, "%s", path);
	return d;
}

/* ---- The native format ---- */

static const char *const hvb_native_top[] = {
	"version", "transport", "daemon", "zones", NULL,
};
static const char *const hvb_native_transport[] = {
	"type", "region", "memory", "memory_base", "region_phys", "interrupts",
	NULL,
};
static const char *const hvb_native_daemon[] = {
	"log_level", "syslog", "spin_budget", "poll", "state_dir", NULL,
};
static const char *const hvb_native_zone[] = {
	"id", "memory", "devices", NULL,
};
static const char *const hvb_native_mem[] = {
	"phys", "ipa", "size", NULL,
};
static const char *const hvb_native_dev[] = {
	"type", "name", "base", "size", "irq", "kick", "enabled", "options",
	NULL,
};

static int hvb_native_transport_read(struct hvb_config *cfg,
				     const cJSON *t)
{
	const struct hvb_transport_ops *const *ops;
	char known[128] = "";
	size_t used = 0;
	int base, phys;

	if (hvb_config_object(cfg, t, "transport") ||
	    hvb_config_keys(cfg, t, "transport", hvb_native_transport,
			    "field", "transport") ||
	    hvb_config_string(cfg, t, "type", "transport", false,
			      &cfg->transport) < 0 ||
	    hvb_config_string(cfg, t, "region", "transport", false,
			      &cfg->region) < 0 ||
	    hvb_config_string(cfg, t, "memory", "transport", false,
			      &cfg->memory) < 0 ||
	    (base = hvb_config_u64(cfg, t, "memory_base", "transport", false,
				   UINT64_MAX, &cfg->memory_base)) < 0 ||
	    (phys = hvb_config_u64(cfg, t, "region_phys", "transport", false,
				   UINT64_MAX, &cfg->region_phys)) < 0 ||
	    hvb_config_string(cfg, t, "interrupts", "transport", false,
			      &cfg->interrupts) < 0)
		return -1;
	/* hvb_config_u64(): 0 when given, 1 when absent. */
	cfg->has_memory_base = base == 0;
	cfg->has_region_phys = phys == 0;
	if (!cfg->transport || hvb_transport_find(cfg->transport))
		return 0;
	for (ops = hvb_transport_table; *ops && used < sizeof(known); ops++)
		used += (size_t)snprintf(known + used, sizeof(known) - used,
					 "%s%s", used ? ", " : "",
					 (*ops)->name);
	return hvb_config_fail(cfg, "transport.type",
			       "unknown transport \"%s\" (known: %s)",
			       cfg->transport, known);
}

static int hvb_native_daemon_read(struct hvb_config *cfg, const cJSON *d)
{
	const char *level;
	int ret;

	if (hvb_config_object(cfg, d, "daemon") ||
	    hvb_config_keys(cfg, d, "daemon", hvb_native_daemon, "field",
			    "daemon"))
		return -1;
	ret = hvb_config_string(cfg, d, "log_level", "daemon", false, &level);
	if (ret < 0)
		return -1;
	if (!ret) {
		cfg->log_level = hvb_log_parse_level(level);
		if (cfg->log_level < 0)
			return hvb_config_fail(cfg, "daemon.log_level",
					       "\"%s\" is not error, warn, info or debug",
					       level);
		cfg->has_log_level = true;
	}
	ret = hvb_config_bool(cfg, d, "syslog", "daemon", &cfg->syslog);
	if (ret < 0)
		return -1;
	cfg->has_syslog = !ret;
	ret = hvb_config_bool(cfg, d, "poll", "daemon", &cfg->poll);
	if (ret < 0)
		return -1;
	cfg->has_poll = !ret;
	ret = hvb_config_u64(cfg, d, "spin_budget", "daemon", false,
			     UINT64_MAX, &cfg->spin_budget);
	if (ret < 0)
		return -1;
	cfg->has_spin_budget = !ret;
	if (hvb_config_string(cfg, d, "state_dir", "daemon", false,
			      &cfg->state_dir) < 0)
		return -1;
	if (cfg->has_poll && cfg->poll && cfg->has_spin_budget)
		return hvb_config_fail(cfg, "daemon",
				       "poll and spin_budget exclude each other");
	return 0;
}

static int hvb_native_mem_read(struct hvb_config *cfg,
			       struct hvb_config_zone *z, const cJSON *m,
			       const char *path)
{
	struct hvb_config_mem *mem;

	if (z->nr_mem == HVB_CONFIG_MAX_REGIONS)
		return hvb_config_fail(cfg, path, "more than %u regions in a zone",
				       HVB_CONFIG_MAX_REGIONS);
	mem = &z->mem[z->nr_mem++];
	hvb_config_pathf(mem->path, "%s", path);
	if (hvb_config_object(cfg, m, path) ||
	    hvb_config_keys(cfg, m, path, hvb_native_mem, "field",
			    "a memory region") ||
	    hvb_config_u64(cfg, m, "phys", path, true, UINT64_MAX,
			   &mem->phys) ||
	    hvb_config_u64(cfg, m, "ipa", path, true, UINT64_MAX, &mem->ipa) ||
	    hvb_config_u64(cfg, m, "size", path, true, UINT64_MAX,
			   &mem->size))
		return -1;
	return 0;
}

static int hvb_native_dev_read(struct hvb_config *cfg,
			       const struct hvb_config_zone *z,
			       const cJSON *j, const char *path)
{
	struct hvb_config_dev *d;
	char p[HVB_CONFIG_PATH_MAX];
	bool enabled = true;
	const cJSON *opts;
	__u64 kick, irq = 0;
	int ret;

	d = hvb_config_add_dev(cfg, path);
	if (!d)
		return -1;
	d->zone_id = z->id;
	if (hvb_config_object(cfg, j, path) ||
	    hvb_config_keys(cfg, j, path, hvb_native_dev, "field",
			    "a device") ||
	    hvb_config_string(cfg, j, "type", path, true, &d->type) ||
	    hvb_config_string(cfg, j, "name", path, false, &d->name) < 0 ||
	    hvb_config_u64(cfg, j, "base", path, true, UINT64_MAX,
			   &d->base) ||
	    hvb_config_u64(cfg, j, "size", path, false, UINT64_MAX,
			   &d->size) < 0 ||
	    hvb_config_u64(cfg, j, "irq", path, false, HVB_CONFIG_MAX_IRQ,
			   &irq) < 0 ||
	    hvb_config_bool(cfg, j, "enabled", path, &enabled) < 0)
		return -1;
	d->irq = (__u32)irq;
	/* Read as before, so a file that gives one still loads; but kick
	 * numbers are the hypervisor's (docs/config.md, "Kick numbers"). */
	ret = hvb_config_u64(cfg, j, "kick", path, false, HVB_KICK_DEVS - 1,
			     &kick);
	if (ret < 0)
		return -1;
	if (!ret) {
		hvb_config_join(p, path, "kick");
		hvb_config_warn(cfg, p, "ignored: the hypervisor numbers the windows it posts QueueNotify writes of, and the daemon learns the numbers from the channel region (docs/config.md, \"Kick numbers\")");
	}
	if (cJSON_GetObjectItemCaseSensitive(j, "size") && !d->size) {
		hvb_config_join(p, path, "size");
		return hvb_config_fail(cfg, p, "is zero");
	}
	opts = cJSON_GetObjectItemCaseSensitive(j, "options");
	if (opts) {
		hvb_config_join(p, path, "options");
		if (hvb_config_object(cfg, opts, p))
			return -1;
		d->opts = opts;
	}
	if (!enabled) {
		cfg->nr_devs--;
		cfg->nr_disabled++;
	}
	return 0;
}

static int hvb_native_zone_read(struct hvb_config *cfg, const cJSON *j,
				const char *path)
{
	char p[HVB_CONFIG_PATH_MAX];
	const cJSON *list, *item;
	struct hvb_config_zone *z;
	unsigned int i;
	__u64 id;

	z = hvb_config_add_zone(cfg, path);
	if (!z || hvb_config_object(cfg, j, path) ||
	    hvb_config_keys(cfg, j, path, hvb_native_zone, "field",
			    "a zone") ||
	    hvb_config_u64(cfg, j, "id", path, true, UINT32_MAX, &id))
		return -1;
	z->id = (__u32)id;
	list = NULL;
	if (hvb_config_array(cfg, j, "memory", path, false, &list) < 0)
		return -1;
	i = 0;
	cJSON_ArrayForEach(item, list) {
		hvb_config_elem(p, path, "memory", i++);
		if (hvb_native_mem_read(cfg, z, item, p))
			return -1;
	}
	list = NULL;
	if (hvb_config_array(cfg, j, "devices", path, false, &list) < 0)
		return -1;
	i = 0;
	cJSON_ArrayForEach(item, list) {
		hvb_config_elem(p, path, "devices", i++);
		if (hvb_native_dev_read(cfg, z, item, p))
			return -1;
	}
	return 0;
}

static int hvb_config_read_native(struct hvb_config *cfg)
{
	const cJSON *root = cfg->root, *item, *zones;
	char p[HVB_CONFIG_PATH_MAX];
	unsigned int i;
	__u64 version;

	if (hvb_config_keys(cfg, root, "", hvb_native_top, "field",
			    "the top level") ||
	    hvb_config_u64(cfg, root, "version", "", true, UINT32_MAX,
			   &version))
		return -1;
	if (version != HVB_CONFIG_VERSION)
		return hvb_config_fail(cfg, "version",
				       "%llu is not a version this hvbridge reads (%u)",
				       (unsigned long long)version,
				       HVB_CONFIG_VERSION);
	item = cJSON_GetObjectItemCaseSensitive(root, "transport");
	if (item && hvb_native_transport_read(cfg, item))
		return -1;
	item = cJSON_GetObjectItemCaseSensitive(root, "daemon");
	if (item && hvb_native_daemon_read(cfg, item))
		return -1;
	if (hvb_config_array(cfg, root, "zones", "", true, &zones))
		return -1;
	i = 0;
	cJSON_ArrayForEach(item, zones) {
		hvb_config_elem(p, "", "zones", i++);
		if (hvb_native_zone_read(cfg, item, p))
			return -1;
	}
	return 0;
}

/* ---- Checks common to both formats ---- */

/* Do [a, a + la) and [b, b + lb) meet?  Neither is empty nor wraps. */
static bool hvb_config_overlap(__u64 a, __u64 la, __u64 b, __u64 lb)
{
	return a <= b + (lb - 1) && b <= a + (la - 1);
}

static bool hvb_config_wraps(__u64 base, __u64 size)
{
	return base > UINT64_MAX - (size - 1);
}

/* The phys or ipa base of a region of @size (checked non-zero), field
 * @p: page aligned, and the region does not wrap. */
static int hvb_config_check_base(struct hvb_config *cfg, const char *p,
				 __u64 base, __u64 size)
{
	if (base % HVB_CONFIG_PAGE)
		return hvb_config_fail(cfg, p, "0x%llx is not 4 KiB aligned (regions are mapped with mmap)",
				       (unsigned long long)base);
	if (hvb_config_wraps(base, size))
		return hvb_config_fail(cfg, p, "0x%llx + size 0x%llx wraps past 2^64",
				       (unsigned long long)base,
				       (unsigned long long)size);
	return 0;
}

static int hvb_config_check_mem(struct hvb_config *cfg,
				const struct hvb_config_zone *z,
				const struct hvb_config_mem *m)
{
	const struct hvb_config_names *n = hvb_config_names(cfg);
	char p[HVB_CONFIG_PATH_MAX];

	hvb_config_join(p, m->path, n->mem_size);
	if (!m->size)
		return hvb_config_fail(cfg, p, "is zero");
	if (m->size % HVB_CONFIG_PAGE)
		return hvb_config_fail(cfg, p, "0x%llx is not a whole number of 4 KiB pages (regions are mapped with mmap)",
				       (unsigned long long)m->size);
	hvb_config_join(p, m->path, n->phys);
	if (hvb_config_check_base(cfg, p, m->phys, m->size))
		return -1;
	hvb_config_join(p, m->path, n->ipa);
	if (hvb_config_check_base(cfg, p, m->ipa, m->size))
		return -1;
	(void)z;
	return 0;
}

/* @m against every region read before it: the guest ranges of its own
 * zone, and the physical ranges of every zone (RAM belongs to one). */
static int hvb_config_check_mem_overlap(struct hvb_config *cfg,
					unsigned int zi, unsigned int mi)
{
	const struct hvb_config_mem *m = &cfg->zones[zi].mem[mi], *o;
	unsigned int z, i;

	for (z = 0; z <= zi; z++) {
		for (i = 0; i < cfg->zones[z].nr_mem; i++) {
			if (z == zi && i == mi)
				return 0;
			o = &cfg->zones[z].mem[i];
			if (z == zi &&
			    hvb_config_overlap(m->ipa, m->size, o->ipa,
					       o->size))
				return hvb_config_fail(cfg, m->path,
						       "guest range [0x%llx, 0x%llx) overlaps %s",
						       (unsigned long long)m->ipa,
						       (unsigned long long)(m->ipa + (m->size - 1)) + 1,
						       o->path);
			if (hvb_config_overlap(m->phys, m->size, o->phys,
					       o->size))
				return hvb_config_fail(cfg, m->path,
						       "physical range [0x%llx, 0x%llx) overlaps %s",
						       (unsigned long long)m->phys,
						       (unsigned long long)(m->phys + (m->size - 1)) + 1,
						       o->path);
		}
	}
	return 0;
}

static int hvb_config_check_zones(struct hvb_config *cfg)
{
	char p[HVB_CONFIG_PATH_MAX];
	unsigned int i, j;

	if (!cfg->nr_zones)
		return hvb_config_fail(cfg, "zones",
				       "no zones: there would be nothing to serve");
	for (i = 0; i < cfg->nr_zones; i++) {
		const struct hvb_config_zone *z = &cfg->zones[i];

		hvb_config_join(p, z->path, "id");
		if (!z->id)
			return hvb_config_fail(cfg, p, "zone 0 is the root zone, where the daemon runs; guest zones are 1 and up");
		for (j = 0; j < i; j++)
			if (cfg->zones[j].id == z->id)
				return hvb_config_fail(cfg, p, "zone %u is also %s",
						       z->id,
						       cfg->zones[j].path);
		for (j = 0; j < z->nr_mem; j++)
			if (hvb_config_check_mem(cfg, z, &z->mem[j]) ||
			    hvb_config_check_mem_overlap(cfg, i, j))
				return -1;
	}
	return 0;
}

struct hvb_config_types {
	const char *names[HVB_MAX_DEVICES + 1];
	unsigned int nr;
};

static void hvb_config_type_add(const struct hvb_device_type *t, void *arg)
{
	struct hvb_config_types *acc = arg;

	if (acc->nr < HVB_MAX_DEVICES)
		acc->names[acc->nr++] = t->name;
}

void hvb_config_type_list(char *buf, size_t len)
{
	struct hvb_config_types acc = { .nr = 0 };
	unsigned int i, j;
	const char *t;

	hvb_device_type_foreach(hvb_config_type_add, &acc);
	/* Sorted, so messages do not depend on link order. */
	for (i = 1; i < acc.nr; i++) {
		for (j = i; j > 0 && strcmp(acc.names[j - 1],
					    acc.names[j]) > 0; j--) {
			t = acc.names[j];
			acc.names[j] = acc.names[j - 1];
			acc.names[j - 1] = t;
		}
	}
	acc.names[acc.nr] = NULL;
	hvb_config_list(buf, len, acc.names);
}

static const struct hvb_config_zone *
hvb_config_zone_of(const struct hvb_config *cfg, __u32 id)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_zones; i++)
		if (cfg->zones[i].id == id)
			return &cfg->zones[i];
	return NULL;
}

/* Device @i's type, options, window; against devices before it. */
static int hvb_config_check_dev(struct hvb_config *cfg, unsigned int i)
{
	const struct hvb_config_names *n = hvb_config_names(cfg);
	struct hvb_config_dev *d = &cfg->devs[i];
	const struct hvb_device_type *type;
	const struct hvb_config_zone *z;
	char p[HVB_CONFIG_PATH_MAX], list[256];
	unsigned int j;

	type = hvb_device_type_find(d->type);
	if (!type) {
		hvb_config_type_list(list, sizeof(list));
		hvb_config_join(p, d->path, "type");
		if (d->hvisor_type)
			return hvb_config_fail(cfg, p, "\"%s\" needs device type \"%s\", which this hvbridge does not have (it has: %s)",
					       d->hvisor_type, d->type, list);
		return hvb_config_fail(cfg, p, "unknown device type \"%s\" (known: %s)",
				       d->type, list);
	}
	if (d->name && strlen(d->name) >= sizeof(((struct hvb_device *)0)->name)) {
		hvb_config_join(p, d->path, "name");
		return hvb_config_fail(cfg, p, "is longer than %zu characters",
				       sizeof(((struct hvb_device *)0)->name) - 1);
	}
	if (d->opts) {
		hvb_config_join(p, d->path, "options");
		if (hvb_config_keys(cfg, d->opts, p, type->options, "option",
				    type->name))
			return -1;
	}

	hvb_config_join(p, d->path, n->size);
	if (type->size && d->size && d->size != type->size)
		return hvb_config_fail(cfg, p, "0x%llx, but a %s window is 0x%llx",
				       (unsigned long long)d->size, type->name,
				       (unsigned long long)type->size);
	if (!type->size && !d->size)
		return hvb_config_fail(cfg, p, "required field is missing (a %s window has no fixed size)",
				       type->name);
	if (!d->size)
		d->size = type->size;
	if (d->size % HVB_CONFIG_WINDOW_ALIGN)
		return hvb_config_fail(cfg, p, "0x%llx is not a multiple of 8 bytes",
				       (unsigned long long)d->size);
	hvb_config_join(p, d->path, n->base);
	if (d->base % HVB_CONFIG_WINDOW_ALIGN)
		return hvb_config_fail(cfg, p, "0x%llx is not 8-byte aligned",
				       (unsigned long long)d->base);
	if (hvb_config_wraps(d->base, d->size))
		return hvb_config_fail(cfg, p, "window 0x%llx + size 0x%llx wraps past 2^64",
				       (unsigned long long)d->base,
				       (unsigned long long)d->size);

	z = hvb_config_zone_of(cfg, d->zone_id);
	for (j = 0; z && j < z->nr_mem; j++)
		if (hvb_config_overlap(d->base, d->size, z->mem[j].ipa,
				       z->mem[j].size))
			return hvb_config_fail(cfg, p, "window [0x%llx, 0x%llx) lies in the zone's memory %s",
					       (unsigned long long)d->base,
					       (unsigned long long)(d->base + (d->size - 1)) + 1,
					       z->mem[j].path);
	for (j = 0; j < i; j++) {
		const struct hvb_config_dev *o = &cfg->devs[j];

		if (o->zone_id == d->zone_id &&
		    hvb_config_overlap(d->base, d->size, o->base, o->size))
			return hvb_config_fail(cfg, p, "window [0x%llx, 0x%llx) overlaps %s's [0x%llx, 0x%llx)",
					       (unsigned long long)d->base,
					       (unsigned long long)(d->base + (d->size - 1)) + 1,
					       o->path,
					       (unsigned long long)o->base,
					       (unsigned long long)(o->base + (o->size - 1)) + 1);
	}
	return 0;
}

static int hvb_config_resolve(struct hvb_config *cfg)
{
	unsigned int i;

	if (hvb_config_check_zones(cfg))
		return -1;
	for (i = 0; i < cfg->nr_devs; i++)
		if (hvb_config_check_dev(cfg, i))
			return -1;
	return 0;
}

/* ---- Loading ---- */

static const char *const hvb_config_format_names[] = {
	[HVB_CONFIG_AUTO] = "auto",
	[HVB_CONFIG_NATIVE] = "native",
	[HVB_CONFIG_HVISOR] = "hvisor",
};

int hvb_config_parse_format(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(hvb_config_format_names) /
			sizeof(hvb_config_format_names[0]); i++)
		if (!strcmp(name, hvb_config_format_names[i]))
			return (int)i;
	return -1;
}

const char *hvb_config_format_name(enum hvb_config_format format)
{
	return hvb_config_format_names[format];
}

/*
 * Ours says "version" (required in it) or has a section only ours has;
 * hvisor-tool's has neither.  A native file that forgot "version" but has
 * "transport" is still read as native, so the message names the missing
 * field instead of complaining in hvisor-tool's terms.
 */
static enum hvb_config_format hvb_config_detect(const cJSON *root)
{
	static const char *const ours[] = { "version", "transport", "daemon" };
	unsigned int i;

	for (i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (cJSON_GetObjectItemCaseSensitive(root, ours[i]))
			return HVB_CONFIG_NATIVE;
	return HVB_CONFIG_HVISOR;
}

/* "LINE:COL" of @at in @text. */
static void hvb_config_where(const char *text, const char *at,
			     unsigned int *line, unsigned int *col)
{
	*line = 1;
	*col = 1;
	for (; text < at && *text; text++) {
		if (*text == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

int hvb_config_parse(struct hvb_config *cfg, const char *text,
		     const char *file, enum hvb_config_format format)
{
	return hvb_config_parse_flags(cfg, text, file, format, 0);
}

int hvb_config_parse_flags(struct hvb_config *cfg, const char *text,
			   const char *file, enum hvb_config_format format,
			   unsigned int flags)
{
	const char *end = NULL;
	unsigned int line, col;
	size_t snip;
	int err;

	memset(cfg, 0, sizeof(*cfg));
	cfg->file = file;
	cfg->flags = flags;
	cfg->log_level = -1;
	cfg->root = cJSON_ParseWithOpts(text, &end, true);
	if (!cfg->root) {
		if (!end)
			end = text;
		hvb_config_where(text, end, &line, &col);
		if (!*end)
			return hvb_config_fail(cfg, NULL, "line %u, column %u: the JSON ends too early (an unclosed { or [?)",
					       line, col);
		/* A snippet of the rest of the line, enough to spot it. */
		snip = strcspn(end, "\r\n");
		return hvb_config_fail(cfg, NULL, "line %u, column %u: not valid JSON here: \"%.*s\"",
				       line, col, (int)(snip < 24 ? snip : 24),
				       end);
	}
	if (!cJSON_IsObject(cfg->root))
		return hvb_config_fail(cfg, NULL, "expected a JSON object {...} at the top");
	cfg->format = format == HVB_CONFIG_AUTO ?
		      hvb_config_detect(cfg->root) : format;
	if (cfg->format == HVB_CONFIG_HVISOR)
		err = hvb_config_read_hvisor(cfg);
	else
		err = hvb_config_read_native(cfg);
	return err ? -1 : hvb_config_resolve(cfg);
}

int hvb_config_load(struct hvb_config *cfg, const char *file,
		    enum hvb_config_format format)
{
	return hvb_config_load_flags(cfg, file, format, 0);
}

int hvb_config_load_flags(struct hvb_config *cfg, const char *file,
			  enum hvb_config_format format, unsigned int flags)
{
	size_t len = 0, cap = 4096;
	char *text, *bigger;
	FILE *f;
	int err;

	memset(cfg, 0, sizeof(*cfg));
	cfg->file = file;
	f = fopen(file, "r");
	if (!f)
		return hvb_config_fail(cfg, NULL, "cannot open: %s",
				       strerror(errno));
	text = malloc(cap);
	while (text) {
		len += fread(text + len, 1, cap - len - 1, f);
		if (ferror(f)) {
			err = errno;
			free(text);
			fclose(f);
			return hvb_config_fail(cfg, NULL, "cannot read: %s",
					       strerror(err));
		}
		if (feof(f))
			break;
		if (cap >= HVB_CONFIG_FILE_MAX) {
			free(text);
			fclose(f);
			return hvb_config_fail(cfg, NULL, "larger than %u KiB: not a config file?",
					       HVB_CONFIG_FILE_MAX >> 10);
		}
		cap *= 2;
		bigger = realloc(text, cap);
		if (!bigger)
			free(text);
		text = bigger;
	}
	fclose(f);
	if (!text)
		return hvb_config_fail(cfg, NULL, "out of memory");
	text[len] = '\0';
	if (strlen(text) != len) {
		free(text);
		return hvb_config_fail(cfg, NULL, "holds a NUL byte: not a JSON text");
	}
	err = hvb_config_parse_flags(cfg, text, file, format, flags);
	free(text);
	return err;
}

int hvb_config_map_zones(struct hvb_config *cfg, struct hvb_transport *t)
{
	const char *why = NULL;
	unsigned int i, j;

	for (i = 0; i < cfg->nr_zones; i++) {
		struct hvb_config_zone *z = &cfg->zones[i];

		hvb_guestmem_init(&z->map, z->id);
		z->map.transport = t;
		for (j = 0; t && j < z->nr_mem; j++) {
			const struct hvb_config_mem *m = &z->mem[j];

			if (hvb_guestmem_map(&z->map, t, m->ipa, m->phys,
					     m->size, &why))
				return hvb_config_fail(cfg, m->path,
						       "cannot map it: %s",
						       why);
		}
		if (hvb_guestmem_register(&z->map))
			return hvb_config_fail(cfg, z->path,
					       "cannot register the zone's memory (more than %u zones?)",
					       HVB_GUESTMEM_MAX_ZONES);
		z->registered = true;
	}
	return 0;
}

void hvb_config_unmap_zones(struct hvb_config *cfg)
{
	unsigned int i;

	/* The mappings themselves go when the transport is closed. */
	for (i = 0; i < cfg->nr_zones; i++) {
		if (cfg->zones[i].registered)
			hvb_guestmem_unregister(&cfg->zones[i].map);
		cfg->zones[i].registered = false;
	}
}

void hvb_config_log_warnings(const struct hvb_config *cfg)
{
	const char *line = cfg->warnings, *nl;

	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		hvb_warn("%.*s", (int)(nl - line), line);
	}
}

void hvb_config_free(struct hvb_config *cfg)
{
	hvb_config_unmap_zones(cfg);
	cJSON_Delete(cfg->root);
	cJSON_Delete(cfg->made);
	cfg->root = NULL;
	cfg->made = NULL;
	cfg->nr_devs = 0;
	cfg->nr_zones = 0;
}

int hvb_config_create_devices(struct hvb_config *cfg,
			      struct hvb_devices *tab)
{
	const char *why = NULL;
	unsigned int i;

	for (i = 0; i < cfg->nr_devs; i++) {
		const struct hvb_config_dev *d = &cfg->devs[i];
		struct hvb_device_args args = {
			.name = d->name,
			.zone_id = d->zone_id,
			.base = d->base,
			.size = d->size,
			.kick_dev = d->kick_dev,
			.irq = d->irq,
			.opts = d->opts,
		};

		if (hvb_devices_create(tab, d->type, &args, &why))
			return hvb_config_fail(cfg, d->path, "%s: %s", d->type,
					       why);
	}
	return 0;
}

static void hvb_config_print_size(FILE *f, __u64 size)
{
	if (size >= (1ull << 30) && !(size % (1ull << 30)))
		fprintf(f, "%llu GiB", (unsigned long long)(size >> 30));
	else if (size >= (1ull << 20) && !(size % (1ull << 20)))
		fprintf(f, "%llu MiB", (unsigned long long)(size >> 20));
	else
		fprintf(f, "%llu KiB", (unsigned long long)(size >> 10));
}

void hvb_config_print(const struct hvb_config *cfg, FILE *f)
{
	unsigned int i, j;
	char *opts;

	fprintf(f, "config %s (%s format)\n", cfg->file,
		cfg->format == HVB_CONFIG_HVISOR ? "hvisor-tool" : "native");
	fprintf(f, "transport: %s, region %s", cfg->transport ? cfg->transport :
		"(command line)", cfg->region ? cfg->region : "(command line)");
	if (cfg->memory && cfg->has_memory_base)
		fprintf(f, ", memory %s at 0x%llx", cfg->memory,
			(unsigned long long)cfg->memory_base);
	else if (cfg->memory)
		fprintf(f, ", memory %s at the transport's default base",
			cfg->memory);
	if (cfg->has_region_phys)
		fprintf(f, ", region at 0x%llx",
			(unsigned long long)cfg->region_phys);
	if (cfg->interrupts)
		fprintf(f, ", interrupts %s", cfg->interrupts);
	fprintf(f, "\n");
	for (i = 0; i < cfg->nr_zones; i++) {
		const struct hvb_config_zone *z = &cfg->zones[i];

		fprintf(f, "zone %u: %u memory region%s\n", z->id, z->nr_mem,
			z->nr_mem == 1 ? "" : "s");
		for (j = 0; j < z->nr_mem; j++) {
			const struct hvb_config_mem *m = &z->mem[j];

			fprintf(f, "  ipa 0x%llx-0x%llx <- phys 0x%llx (",
				(unsigned long long)m->ipa,
				(unsigned long long)(m->ipa + (m->size - 1)),
				(unsigned long long)m->phys);
			hvb_config_print_size(f, m->size);
			fprintf(f, ")\n");
		}
	}
	fprintf(f, "devices: %u", cfg->nr_devs);
	if (cfg->nr_disabled)
		fprintf(f, " (%u disabled, skipped)", cfg->nr_disabled);
	if (cfg->nr_skipped)
		fprintf(f, " (%u unsupported, skipped)", cfg->nr_skipped);
	fprintf(f, "\n");
	if (!cfg->nr_devs)
		return;
	fprintf(f, "  %-4s %-18s %-8s %-4s %-16s %s\n", "ZONE", "BASE",
		"SIZE", "IRQ", "TYPE", "OPTIONS");
	for (i = 0; i < cfg->nr_devs; i++) {
		const struct hvb_config_dev *d = &cfg->devs[i];

		opts = d->opts ? cJSON_PrintUnformatted(d->opts) : NULL;
		fprintf(f, "  %-4u 0x%-16llx 0x%-6llx %-4u %-16s %s",
			d->zone_id, (unsigned long long)d->base,
			(unsigned long long)d->size, d->irq,
			d->type, opts ? opts : "-");
		if (d->name)
			fprintf(f, " name=%s", d->name);
		fprintf(f, "\n");
		free(opts);
	}
}
