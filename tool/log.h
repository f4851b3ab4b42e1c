/* SPDX-License-Identifier: MIT */
/*
 * log.h - the daemon's diagnostics: one line per event on stderr, each
 * prefixed "hvbridge: ", filtered by a level chosen with --log-level; or,
 * after hvb_log_to_syslog(), to syslog (facility daemon) instead.
 *
 * Nothing on the request path logs at the default level (info): a line
 * per request would cost more than the request.  Messages provoked by a
 * guest (hostile input) go through hvb_log_once(), so a guest cannot
 * flood the root zone's log by repeating a bad access.
 */
#ifndef HVB_TOOL_LOG_H
#define HVB_TOOL_LOG_H

#include <stdbool.h>

enum hvb_log_level {
	HVB_LOG_ERROR,
	HVB_LOG_WARN,
	HVB_LOG_INFO,
	HVB_LOG_DEBUG,
};

/* Messages above this level are dropped; HVB_LOG_INFO at start. */
extern enum hvb_log_level hvb_log_threshold;

/* "error", "warn", "info" or "debug"; returns the level or -1. */
int hvb_log_parse_level(const char *name);

static inline bool hvb_log_enabled(enum hvb_log_level level)
{
	return level <= hvb_log_threshold;
}

void hvb_log(enum hvb_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* From now on, send lines to syslog as @ident[pid] (--syslog). */
void hvb_log_to_syslog(const char *ident);

#define hvb_err(...)	hvb_log(HVB_LOG_ERROR, __VA_ARGS__)
#define hvb_warn(...)	hvb_log(HVB_LOG_WARN, __VA_ARGS__)
#define hvb_info(...)	hvb_log(HVB_LOG_INFO, __VA_ARGS__)
#define hvb_debug(...)	hvb_log(HVB_LOG_DEBUG, __VA_ARGS__)

/*
 * Log at most once per call site for the life of the process.  The flag
 * is taken with an atomic exchange, so two threads serving different
 * regions never both print it.
 */
#define hvb_log_once(level, ...)					\
	do {								\
		static int hvb_log_once_done_;				\
									\
		if (hvb_log_enabled(level) &&				\
		    !__atomic_exchange_n(&hvb_log_once_done_, 1,	\
					 __ATOMIC_RELAXED))		\
			hvb_log(level, __VA_ARGS__);			\
	} while (0)

#endif /* HVB_TOOL_LOG_H */
