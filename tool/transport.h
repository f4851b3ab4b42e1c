/* SPDX-License-Identifier: MIT */
/*
 * transport.h - how the daemon reaches a channel region and sleeps on it.
 *
 *   sim   a shared file (e.g. in /dev/shm) created by hvbridge-sim; sleeps
 *         with a futex on the region's wake_gen word
 *   host  (later) the file QEMU uses as guest RAM; polls
 *   kmod  (later) /dev/hvbridge in the root zone; sleeps in poll()
 */
#ifndef HVB_TOOL_TRANSPORT_H
#define HVB_TOOL_TRANSPORT_H

#include <stdbool.h>
#include <hvbridge/types.h>

struct hvb_transport;

struct hvb_transport_ops {
	const char *name;
	/* Map the region named by @where; set t->region and t->size.
	 * Returns 0 or a negative errno, with a message in t->error. */
	int (*open)(struct hvb_transport *t, const char *where);
	/* Can this transport sleep?  If not the consumer only polls. */
	bool (*can_sleep)(struct hvb_transport *t);
	/*
	 * Block until a producer signals, or return at once if @wake_word
	 * no longer holds @token (the wake_gen value the consumer read with
	 * Barrier W0).  Returns 0, or -EINTR on a signal, or another
	 * negative errno.
	 */
	int (*wait)(struct hvb_transport *t, __u32 *wake_word, __u32 token);
	void (*close)(struct hvb_transport *t);
	/*
	 * Optional.  Make a wait in progress, or one about to start, return
	 * at once; async-signal-safe, so a signal handler can call it.
	 * @wake_word is the word wait() sleeps on.
	 */
	void (*interrupt)(struct hvb_transport *t, __u32 *wake_word);
};

struct hvb_transport {
	const struct hvb_transport_ops *ops;
	void *region;
	__u64 size;
	int fd;
	/*
	 * Optional stop flag, set by whoever owns the transport (the daemon's
	 * signal handler).  wait() returns -EINTR without sleeping when it is
	 * non-zero: with interrupt() this closes the window between the
	 * consumer's last stop check and its sleep (see daemon.c).
	 */
	const volatile int *stop;
	char error[256];
};

/* Look up a transport by name ("sim", ...); NULL if unknown. */
const struct hvb_transport_ops *hvb_transport_find(const char *name);

/* Every known transport, NULL-terminated (for --help and messages). */
extern const struct hvb_transport_ops *const hvb_transport_table[];

extern const struct hvb_transport_ops hvb_transport_sim;

#endif /* HVB_TOOL_TRANSPORT_H */
