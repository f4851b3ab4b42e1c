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
};

struct hvb_transport {
	const struct hvb_transport_ops *ops;
	void *region;
	__u64 size;
	int fd;
	char error[256];
};

/* Look up a transport by name ("sim", ...); NULL if unknown. */
const struct hvb_transport_ops *hvb_transport_find(const char *name);

extern const struct hvb_transport_ops hvb_transport_sim;

#endif /* HVB_TOOL_TRANSPORT_H */
