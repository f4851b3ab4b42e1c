/* SPDX-License-Identifier: MIT */
/*
 * con.h - both ends of a virtio-console for the tests: the guest side
 * (receive buffers posted, transmit chains sent, through the tests/virtio
 * guest driver and the real channel) and the host side (a unix socket
 * client, the pty's reader).  Every wait is bounded; helpers assert.
 */
#ifndef HVB_TESTS_CONSOLE_CON_H
#define HVB_TESTS_CONSOLE_CON_H

#include <stddef.h>

#include "vtest.h"

#define CON_RXQ		0u
#define CON_TXQ		1u
#define CON_QSIZE	64u
#define CON_RX_BUFS	8u
#define CON_RX_LEN	1024u

/* A unix socket path or pty link of this test process. */
void con_path(char *buf, size_t len, const char *what);

/* Start a console with {"mode": @mode, "path": @path} (@path may be
 * NULL); asserts.  The guest has not touched it yet. */
struct vt_env *con_create(const char *mode, const char *path);
/* The same, initialized as a guest with @features; asserts. */
struct vt_env *con_start(const char *mode, const char *path, __u64 features);

/* Post CON_RX_BUFS receive buffers of CON_RX_LEN bytes and kick. */
void con_post_rx(struct vt_env *e);

/* Guest: receive @len bytes within @ms, reposting each buffer it used;
 * returns how many came (stops early on a timeout). */
size_t con_guest_recv(struct vt_env *e, void *buf, size_t len,
		      unsigned int ms);

/* Guest: queue @n transmit chains of @len bytes each, copied from
 * @data + i * @len, and kick once; returns nothing, check with
 * vdrv_used_pending(CON_TXQ). */
void con_guest_send_many(struct vt_env *e, const void *data, size_t len,
			 unsigned int n);
/* Guest: send @len bytes in one chain and wait until it is used. */
void con_guest_send(struct vt_env *e, const void *data, size_t len);

/* Host: a client connected to @path; asserts. */
int con_connect(const char *path);
/* Host: write all of @buf; asserts. */
void con_host_send(int fd, const void *buf, size_t len);
/* Host: read up to @len bytes within @ms; returns how many came. */
size_t con_host_recv(int fd, void *buf, size_t len, unsigned int ms);

#endif /* HVB_TESTS_CONSOLE_CON_H */
