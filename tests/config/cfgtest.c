// SPDX-License-Identifier: MIT
/*
 * Helpers of the config tests (cfgtest.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cfgtest.h"
#include "config_opts.h"
#include "device.h"

static __u32 cfg_stub_access(struct hvb_device *d, __u64 offset, __u32 size,
			     bool is_write, __u64 *value)
{
	(void)d, (void)offset, (void)size, (void)is_write, (void)value;
	return HVB_STATUS_IO_ERROR;
}

static const struct hvb_device_ops cfg_stub_ops = {
	.type = "stub",
	.access = cfg_stub_access,
};

static int cfg_stub_init(struct hvb_device *d)
{
	d->ops = &cfg_stub_ops;
	return 0;
}

/* test-blk checks its options as a real type would, through the same
 * readers: the CLI-free create tests rely on that. */
static int cfg_blk_configure(struct hvb_device *d,
			     const struct hvb_device_args *args,
			     const char **why)
{
	const char *img = NULL;
	bool ro = false;
	int err;

	(void)d;
	err = hvb_opt_string(args->opts, "img", &img, why);
	if (err == -ENOENT)
		*why = "options.img is required";
	if (err)
		return err;
	err = hvb_opt_bool(args->opts, "readonly", &ro, why);
	return err == -ENOENT ? 0 : err;
}

static const char *const cfg_blk_opts[] = { "img", "readonly", NULL };
static const char *const cfg_console_opts[] = { "mode", "path", NULL };
static const char *const cfg_net_opts[] = { "tap", "mac", NULL };

static struct hvb_device_type cfg_types[] = {
	{ .name = "test-blk", .init = cfg_stub_init,
	  .options = cfg_blk_opts, .configure = cfg_blk_configure },
	{ .name = "virtio-blk", .init = cfg_stub_init,
	  .options = cfg_blk_opts },
	{ .name = "virtio-console", .init = cfg_stub_init,
	  .options = cfg_console_opts },
	{ .name = "virtio-net", .init = cfg_stub_init,
	  .options = cfg_net_opts },
	{ .name = "virtio-rng", .init = cfg_stub_init },
};

void cfg_types_setup(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(cfg_types) / sizeof(cfg_types[0]); i++)
		if (!hvb_device_type_find(cfg_types[i].name))
			hvb_device_type_register(&cfg_types[i]);
}

cJSON *cfg_json_file(const char *rel)
{
	char path[512], *text;
	cJSON *root;
	long len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", HVB_TEST_TOP, rel);
	f = fopen(path, "r");
	cr_assert(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)len + 1);
	cr_assert(text && fread(text, 1, (size_t)len, f) == (size_t)len);
	fclose(f);
	root = cJSON_Parse(text);
	free(text);
	cr_assert(root, "%s is not valid JSON", path);
	return root;
}

/*
 * One step of a path: "name", "name[3]" or "[3]".  Returns the parent of
 * the last step in *parent and the last step's key or index.
 */
static cJSON *cfg_walk(cJSON *root, const char *path, cJSON **parent,
		       char *key, int *index)
{
	char buf[256], *tok, *save, *br;
	cJSON *cur = root, *up = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	key[0] = '\0';
	*index = -1;
	for (tok = strtok_r(buf, ".", &save); tok;
	     tok = strtok_r(NULL, ".", &save)) {
		br = strchr(tok, '[');
		if (br)
			*br = '\0';
		if (*tok) {
			up = cur;
			snprintf(key, 64, "%s", tok);
			*index = -1;
			cur = cur ? cJSON_GetObjectItemCaseSensitive(cur, tok) :
				    NULL;
		}
		while (br) {
			up = cur;
			*index = atoi(br + 1);
			key[0] = '\0';
			cur = cur ? cJSON_GetArrayItem(cur, *index) : NULL;
			br = strchr(br + 1, '[');
		}
	}
	*parent = up;
	return cur;
}

cJSON *cfg_at(cJSON *root, const char *path)
{
	cJSON *parent;
	char key[64];
	int index;

	return cfg_walk(root, path, &parent, key, &index);
}

void cfg_del(cJSON *root, const char *path)
{
	cJSON *parent, *item;
	char key[64];
	int index;

	item = cfg_walk(root, path, &parent, key, &index);
	cr_assert(item && parent, "no %s in the sample", path);
	if (index >= 0)
		cJSON_DeleteItemFromArray(parent, index);
	else
		cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
}

void cfg_set(cJSON *root, const char *path, cJSON *value)
{
	cJSON *parent, *item;
	char key[64];
	int index;

	item = cfg_walk(root, path, &parent, key, &index);
	cr_assert(parent, "no parent of %s in the sample", path);
	if (index >= 0)
		cJSON_ReplaceItemInArray(parent, index, value);
	else if (item)
		cJSON_ReplaceItemInObjectCaseSensitive(parent, key, value);
	else
		cJSON_AddItemToObject(parent, key, value);
}

void cfg_set_json(cJSON *root, const char *path, const char *json)
{
	cJSON *value = cJSON_Parse(json);

	cr_assert(value, "bad JSON in the test: %s", json);
	cfg_set(root, path, value);
}

int cfg_parse_tree(struct hvb_config *cfg, const cJSON *root,
		   enum hvb_config_format format)
{
	char *text = cJSON_Print(root);
	int ret;

	cr_assert(text);
	ret = hvb_config_parse(cfg, text, "test.json", format);
	free(text);
	return ret;
}

void cfg_expect_error(cJSON *root, enum hvb_config_format format, ...)
{
	struct hvb_config cfg;
	const char *want;
	va_list ap;
	int ret;

	ret = cfg_parse_tree(&cfg, root, format);
	cr_expect_neq(ret, 0, "a bad config was accepted");
	cr_expect(!strncmp(cfg.error, "test.json: ", 11),
		  "message does not name the file: %s", cfg.error);
	va_start(ap, format);
	while ((want = va_arg(ap, const char *)))
		cr_expect(strstr(cfg.error, want),
			  "message lacks \"%s\": %s", want, cfg.error);
	va_end(ap);
	hvb_config_free(&cfg);
	cJSON_Delete(root);
}
