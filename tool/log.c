// SPDX-License-Identifier: MIT
/*
 * Diagnostics to stderr.  Each message is formatted into one buffer and
 * written with a single write(2), so lines from concurrent threads (the
 * simulation runs the consumer in-process) do not interleave.  With
 * --syslog the same lines go to syslog(3), which is thread-safe.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
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

/* Set once, at start-up, before any thread logs. */
static bool hvb_log_syslog;

static const int hvb_log_priorities[] = {
	[HVB_LOG_ERROR] = LOG_ERR,
	[HVB_LOG_WARN] = LOG_WARNING,
	[HVB_LOG_INFO] = LOG_INFO,
	[HVB_LOG_DEBUG] = LOG_DEBUG,
};

void hvb_log_to_syslog(const char *ident)
{
	openlog(ident, LOG_PID, LOG_DAEMON);
	hvb_log_syslog = true;
}

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
	if (hvb_log_syslog) {
		/* syslog has its own ident and priority: no prefix. */
		va_start(ap, fmt);
		vsnprintf(line, sizeof(line), fmt, ap);
		va_end(ap);
		syslog(hvb_log_priorities[level], "%s", line);
		return;
	}
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
