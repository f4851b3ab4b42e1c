// SPDX-License-Identifier: MIT
/*
 * Diagnostics to stderr.  Each message is formatted into one buffer and
 * written with a single write(2), so lines from concurrent threads (the
 * simulation runs the consumer in-process) do not interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

enum hvb_log_level hvb_log_threshold = HVB_LOG_INFO;

static const char *const hvb_log_names[] = {
	[HVB_LOG_ERROR] = "error",
	[HVB_LOG_WARN] = "warn",
	[HVB_LOG_INFO] = "info",
	[HVB_LOG_DEBUG] = "debug",
};

/* What a line says after the prefix; info lines say nothing extra. */
static const char *const hvb_log_tags[] = {
	[HVB_LOG_ERROR] = "error: ",
	[HVB_LOG_WARN] = "warning: ",
	[HVB_LOG_INFO] = "",
	[HVB_LOG_DEBUG] = "debug: ",
};

int hvb_log_parse_level(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(hvb_log_names) / sizeof(hvb_log_names[0]); i++)
		if (!strcmp(name, hvb_log_names[i]))
			return (int)i;
	return -1;
}

void hvb_log(enum hvb_log_level level, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n, m;

	if (!hvb_log_enabled(level))
		return;
	n = snprintf(line, sizeof(line), "hvbridge: %s", hvb_log_tags[level]);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* A message longer than the buffer is cut, never lost. */
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* Nothing useful to do if stderr is gone. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
