// SPDX-License-Identifier: MIT
/*
 * Typed reads of JSON values (config_opts.h).  Shared by the config parser
 * and by device types, so a wrong value reads the same wherever it is.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_opts.h"

/* A device's configure() runs on the daemon's main thread, but the
 * simulation and the tests may build devices on several threads. */
static __thread char hvb_opt_why_buf[160];

static int hvb_opt_fail(const char **why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int hvb_opt_fail(const char **why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(hvb_opt_why_buf, sizeof(hvb_opt_why_buf), fmt, ap);
	va_end(ap);
	if (why)
		*why = hvb_opt_why_buf;
	return -EINVAL;
}

/* Decimal, 0x-hex or 0-octal, all of it, nothing signed or blank. */
static int hvb_json_parse_str(const char *s, __u64 *out, const char **why)
{
	unsigned long long v;
	char *end;

	if (!*s) {
		*why = "is an empty string, not a number";
		return -EINVAL;
	}
	/* strtoull takes "-1" (as ULLONG_MAX) and leading blanks. */
	if (*s == '-') {
		*why = "is negative";
		return -EINVAL;
	}
	if (*s == '+' || *s == ' ' || *s == '\t') {
		*why = "is not a number";
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (*end) {
		*why = "is not a number (decimal or 0x-hex)";
		return -EINVAL;
	}
	if (errno == ERANGE) {
		*why = "does not fit in 64 bits";
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int hvb_json_u64(const struct cJSON *item, __u64 max, __u64 *out,
		 const char **why)
{
	__u64 v;
	double d;

	if (cJSON_IsString(item)) {
		if (hvb_json_parse_str(item->valuestring, &v, why))
			return -EINVAL;
	} else if (cJSON_IsNumber(item)) {
		d = item->valuedouble;
		if (d < 0) {
			*why = "is negative";
			return -EINVAL;
		}
		/* From 2^53 on a double cannot tell n from n + 1: the text
		 * may have said a number the parser rounded. */
		if (!(d < (double)HVB_JSON_EXACT_MAX)) {
			*why = "is too large for a JSON number: write it as a string, e.g. \"0x...\"";
			return -EINVAL;
		}
		v = (__u64)d;
		if ((double)v != d) {
			*why = "is not a whole number";
			return -EINVAL;
		}
	} else {
		*why = "expected a number or a numeric string";
		return -EINVAL;
	}
	if (v > max) {
		*why = "is out of range";
		return -ERANGE;
	}
	*out = v;
	return 0;
}

static const cJSON *hvb_opt_get(const struct cJSON *opts, const char *key)
{
	return opts ? cJSON_GetObjectItemCaseSensitive(opts, key) : NULL;
}

int hvb_opt_string(const struct cJSON *opts, const char *key,
		   const char **out, const char **why)
{
	const cJSON *item = hvb_opt_get(opts, key);

	if (!item)
		return -ENOENT;
	if (!cJSON_IsString(item))
		return hvb_opt_fail(why, "options.%s: expected a string", key);
	if (!*item->valuestring)
		return hvb_opt_fail(why, "options.%s: is empty", key);
	*out = item->valuestring;
	return 0;
}

int hvb_opt_bool(const struct cJSON *opts, const char *key, bool *out,
		 const char **why)
{
	const cJSON *item = hvb_opt_get(opts, key);

	if (!item)
		return -ENOENT;
	if (!cJSON_IsBool(item))
		return hvb_opt_fail(why, "options.%s: expected true or false",
				    key);
	*out = cJSON_IsTrue(item);
	return 0;
}

int hvb_opt_u64(const struct cJSON *opts, const char *key, __u64 max,
		__u64 *out, const char **why)
{
	const cJSON *item = hvb_opt_get(opts, key);
	const char *what;
	int err;

	if (!item)
		return -ENOENT;
	err = hvb_json_u64(item, max, out, &what);
	if (err == -ERANGE)
		return hvb_opt_fail(why, "options.%s: %s (at most %llu)", key,
				    what, (unsigned long long)max);
	if (err)
		return hvb_opt_fail(why, "options.%s: %s", key, what);
	return 0;
}

int hvb_opt_choice(const struct cJSON *opts, const char *key,
		   const char *const *choices, unsigned int *out,
		   const char **why)
{
	const cJSON *item = hvb_opt_get(opts, key);
	char list[96] = "";
	unsigned int i;
	size_t len;

	if (!item)
		return -ENOENT;
	for (i = 0; cJSON_IsString(item) && choices[i]; i++) {
		if (!strcmp(item->valuestring, choices[i])) {
			*out = i;
			return 0;
		}
	}
	for (i = 0; choices[i]; i++) {
		len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s\"%s\"",
			 i ? ", " : "", choices[i]);
	}
	return hvb_opt_fail(why, "options.%s: expected one of %s", key, list);
}

/* "00:16:3e:10:10:10": @n two-digit hex pairs split by colons. */
static bool hvb_opt_parse_hexpairs(const char *s, __u8 *out, size_t n)
{
	size_t i;

	if (strlen(s) != n * 3 - 1)
		return false;
	for (i = 0; i < n; i++) {
		char pair[3] = { s[3 * i], s[3 * i + 1], '\0' };

		if (i + 1 < n && s[3 * i + 2] != ':')
			return false;
		if (!isxdigit((unsigned char)pair[0]) ||
		    !isxdigit((unsigned char)pair[1]))
			return false;
		out[i] = (__u8)strtoul(pair, NULL, 16);
	}
	return true;
}

int hvb_opt_bytes(const struct cJSON *opts, const char *key, __u8 *out,
		  size_t n, const char **why)
{
	const cJSON *item = hvb_opt_get(opts, key);
	const cJSON *elem;
	const char *what;
	size_t i = 0;
	__u64 v;

	if (!item)
		return -ENOENT;
	if (cJSON_IsString(item)) {
		if (!hvb_opt_parse_hexpairs(item->valuestring, out, n))
			return hvb_opt_fail(why, "options.%s: expected %zu colon-separated hex bytes",
					    key, n);
		return 0;
	}
	if (!cJSON_IsArray(item) || (size_t)cJSON_GetArraySize(item) != n)
		return hvb_opt_fail(why, "options.%s: expected an array of %zu bytes",
				    key, n);
	cJSON_ArrayForEach(elem, item) {
		if (hvb_json_u64(elem, 0xff, &v, &what))
			return hvb_opt_fail(why, "options.%s[%zu]: %s (a byte: 0..255)",
					    key, i, what);
		out[i++] = (__u8)v;
	}
	return 0;
}
