/* SPDX-License-Identifier: MIT */
/*
 * daemon_stop.h - `hvbridge daemon --stop` (daemon_stop.c).
 */
#ifndef HVB_TOOL_DAEMON_STOP_H
#define HVB_TOOL_DAEMON_STOP_H

/* How long --stop waits for the daemon by default (--timeout). */
#define HVB_STOP_TIMEOUT_S	30u

/*
 * Stop the daemon serving @region whose run files are in @dir: SIGTERM
 * to the holder of its pid file's lock, if that is an hvbridge process,
 * then wait up to @timeout_s for it to drain and exit.  Returns
 * HVB_EXIT_OK (it stopped, exit status 0), HVB_EXIT_FAIL (no daemon, a
 * stale or foreign pid file: nothing signalled; or it exited uncleanly)
 * or HVB_EXIT_TIMEOUT, each with a message.
 */
int hvb_daemon_stop_run(const char *dir, const char *region,
			unsigned int timeout_s);

#endif /* HVB_TOOL_DAEMON_STOP_H */
