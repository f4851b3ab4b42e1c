// SPDX-License-Identifier: MIT
/*
 * virtio-console (virtio 1.2, 5.3): one port, no MULTIPORT: receiveq 0
 * carries backend input to the guest, transmitq 1 the guest's output to
 * the backend (console_be.h: stdio, a pty or a unix socket).
 *
 * The backend is served by the device's I/O thread (iothread.h), never
 * by the consumer thread: notify() only forwards the kick.  The thread
 * owns both queues from DRIVER_OK until reset.
 *
 * Flow control (docs/virtio-console.md):
 *  - output: a transmit chain is written with writev() straight from the
 *    guest's buffers; a slow reader holds the chain (the guest waits, as
 *    on a serial line); no reader at all drops it, counted, so a guest
 *    never hangs on a console nobody watches;
 *  - input: read into a ring of CONSOLE_RX_BUF bytes, moved into the
 *    guest's receive buffers as they come; while the ring is full the
 *    backend is not read, so the rest waits in the kernel (the pty, the
 *    socket) and nothing is lost.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>

#include "log.h"
#include "console_be.h"
#include "iothread.h"
#include "virtio.h"
#include "virtqueue.h"

#define CONSOLE_RXQ		0u
#define CONSOLE_TXQ		1u
/* Input read ahead of the guest's receive buffers. */
#define CONSOLE_RX_BUF		4096u
/* Chains a queue gives back per turn of the thread, under one
 * notification. */
#define CONSOLE_BATCH		64u

struct console {
	struct virtio_console_config config;	/* read-only, zero */
	struct console_be be;
	struct hvb_iothread io;

	/* The I/O thread's, while it runs. */
	unsigned int live;		/* queues kicked at least once */
	struct hvb_vq_chain rx_chain;
	struct hvb_vq_chain tx_chain;
	bool tx_held;			/* tx_chain is partly written */
	size_t tx_done;			/* of its readable bytes */
	size_t rx_start, rx_len;	/* input waiting in rx_buf */
	__u8 rx_buf[CONSOLE_RX_BUF];

	/* Counters: written by the I/O thread, read by anyone (atomics). */
	__u64 tx_bytes, tx_dropped, rx_bytes;
};

static const char *const console_options[] = { "mode", "path", NULL };

static void console_count(__u64 *ctr, size_t n)
{
	__atomic_fetch_add(ctr, n, __ATOMIC_RELAXED);
}

/*
 * Write what is left of the held transmit chain.  Returns true when it
 * is done with (written or dropped), false when the reader is slow.
 */
static bool console_tx_chain(struct console *c)
{
	const struct hvb_vq_chain *ch = &c->tx_chain;
	struct iovec iov[HVB_VIRTIO_QUEUE_MAX];
	ssize_t n;

	while (c->tx_done < ch->read_len) {
		size_t skip = c->tx_done;
		int i, cnt = 0;

		if (!console_be_has_reader(&c->be))
			break;
		for (i = 0; i < ch->nr_read; i++) {
			size_t len = ch->seg[i].iov_len;

			if (skip >= len) {
				skip -= len;
				continue;
			}
			iov[cnt].iov_base = (__u8 *)ch->seg[i].iov_base + skip;
			iov[cnt++].iov_len = len - skip;
			skip = 0;
		}
		n = console_be_writev(&c->be, iov, cnt);
		if (n == 0)
			return false;	/* POLLOUT will say when */
		if (n < 0)
			break;		/* the reader left meanwhile */
		c->tx_done += (size_t)n;
		console_count(&c->tx_bytes, (size_t)n);
	}
	if (c->tx_done < ch->read_len)
		console_count(&c->tx_dropped, ch->read_len - c->tx_done);
	return true;
}

static void console_tx(struct console *c, struct hvb_virtqueue *vq)
{
	unsigned int pushed = 0;
	int ret;

	hvb_iothread_batch_open(&c->io);
	/* A reset ends the loop even while a guest keeps the queue full
	 * (the consumer thread is waiting to join this thread); so does a
	 * full batch, which a settle may be waiting out (iothread.h). */
	while (pushed < CONSOLE_BATCH && !hvb_iothread_should_stop(&c->io)) {
		if (!c->tx_held) {
			ret = hvb_vq_pop(vq, &c->tx_chain);
			if (ret == 0 && hvb_vq_enable_kicks(vq))
				continue;
			if (ret <= 0)
				break;	/* empty, or NEEDS_RESET */
			c->tx_held = true;
			c->tx_done = 0;
		}
		if (!console_tx_chain(c))
			break;
		c->tx_held = false;
		/* The device wrote nothing into a transmit buffer. */
		hvb_vq_push(vq, c->tx_chain.head, 0);
		pushed++;
	}
	if (pushed)
		hvb_vq_notify_guest(vq);
	hvb_iothread_batch_close(&c->io);
	/* A full batch: more may wait; the eventfd brings us back. */
	if (pushed == CONSOLE_BATCH)
		hvb_iothread_kick(&c->io, CONSOLE_TXQ);
}

/* Read backend input into the ring while it has room. */
static void console_rx_fill(struct console *c)
{
	size_t end, n;

	for (;;) {
		if (c->rx_len == CONSOLE_RX_BUF)
			return;
		if (!c->rx_len)
			c->rx_start = 0;
		end = c->rx_start + c->rx_len;
		if (end == CONSOLE_RX_BUF) {
			memmove(c->rx_buf, c->rx_buf + c->rx_start, c->rx_len);
			c->rx_start = 0;
			end = c->rx_len;
		}
		n = console_be_read(&c->be, c->rx_buf + end,
				    CONSOLE_RX_BUF - end);
		if (!n)
			return;
		c->rx_len += n;
	}
}

static void console_rx(struct console *c, struct hvb_virtqueue *vq)
{
	unsigned int pushed = 0;
	size_t n;
	int ret;

	console_rx_fill(c);
	hvb_iothread_batch_open(&c->io);
	/* Bounded as console_tx() is: a client that writes as fast as the
	 * guest posts buffers would keep the batch open otherwise. */
	while (c->rx_len && pushed < CONSOLE_BATCH) {
		ret = hvb_vq_pop(vq, &c->rx_chain);
		if (ret == 0 && hvb_vq_enable_kicks(vq))
			continue;
		if (ret <= 0)
			break;	/* no buffer: the kick will come */
		n = hvb_vq_chain_write(&c->rx_chain,
				       c->rx_buf + c->rx_start, c->rx_len);
		hvb_vq_push(vq, c->rx_chain.head, (__u32)n);
		pushed++;
		console_count(&c->rx_bytes, n);
		c->rx_start += n;
		c->rx_len -= n;
		if (!c->rx_len)
			console_rx_fill(c);
	}
	if (pushed)
		hvb_vq_notify_guest(vq);
	hvb_iothread_batch_close(&c->io);
	if (pushed == CONSOLE_BATCH)
		hvb_iothread_kick(&c->io, CONSOLE_RXQ);
}

/* Sleep until a kick, backend input we can take, or output room. */
static void console_wait(struct hvb_virtio_dev *vd, struct console *c)
{
	struct pollfd pfd[1 + CONSOLE_BE_MAX_POLL];
	bool ok = !hvb_virtio_is_broken(vd);
	int n, timeout;

	pfd[0] = (struct pollfd){ .fd = hvb_iothread_fd(&c->io),
				  .events = POLLIN };
	/* Ask only for what we would act on, or poll() would wake us
	 * again and again: input only into a live receiveq (a driver may
	 * leave it unset), nothing at all once broken. */
	n = console_be_poll_setup(&c->be, pfd + 1,
				  ok && (c->live & (1u << CONSOLE_RXQ)) &&
				  c->rx_len < CONSOLE_RX_BUF,
				  ok && c->tx_held, &timeout);
	if (poll(pfd, (nfds_t)n + 1, timeout) > 0)
		console_be_poll_done(&c->be, pfd + 1, n);
}

static void *console_thread(void *arg)
{
	struct hvb_virtio_dev *vd = arg;
	struct console *c = vd->priv;

	while (!hvb_iothread_should_stop(&c->io)) {
		c->live |= hvb_iothread_take(&c->io);
		if (!hvb_virtio_is_broken(vd)) {
			if (c->live & (1u << CONSOLE_TXQ))
				console_tx(c, &vd->vqs[CONSOLE_TXQ]);
			if (c->live & (1u << CONSOLE_RXQ))
				console_rx(c, &vd->vqs[CONSOLE_RXQ]);
		}
		console_wait(vd, c);
	}
	return NULL;
}

static int console_init(struct hvb_virtio_dev *vd,
			const struct hvb_device_args *args, const char **why)
{
	struct console *c = calloc(1, sizeof(*c));
	int err;

	if (!c) {
		*why = "out of memory";
		return -ENOMEM;
	}
	err = console_be_open(&c->be, vd->dev->name, args->opts, why);
	if (!err) {
		err = hvb_iothread_init(&c->io);
		if (err)
			*why = "cannot create an eventfd";
	}
	if (err) {
		console_be_close(&c->be);
		free(c);
		return err;
	}
	vd->priv = c;
	vd->config = &c->config;
	vd->config_size = sizeof(c->config);
	return 0;
}

static void console_destroy(struct hvb_virtio_dev *vd)
{
	struct console *c = vd->priv;

	hvb_iothread_fini(&c->io);
	console_be_close(&c->be);
	free(c);
	vd->priv = NULL;
}

static void console_driver_ok(struct hvb_virtio_dev *vd)
{
	struct console *c = vd->priv;
	int err = hvb_iothread_start(&c->io, console_thread, vd,
				     "hvb-console");

	if (err) {
		hvb_log_once(HVB_LOG_ERROR,
			     "%s: cannot start the console thread: %s; device needs reset (said once)",
			     vd->dev->name, strerror(-err));
		hvb_virtio_needs_reset(vd);
	}
}

static void console_notify(struct hvb_virtio_dev *vd,
			   struct hvb_virtqueue *vq)
{
	struct console *c = vd->priv;

	hvb_iothread_kick(&c->io, vq->index);
}

static void console_reset(struct hvb_virtio_dev *vd)
{
	struct console *c = vd->priv;

	hvb_iothread_stop(&c->io);
	/* A chain half written belongs to the old driver: forget it.
	 * Input read ahead stays for the next one. */
	c->live = 0;
	c->tx_held = false;
}

/* Where `hvbridge console` attaches: the pty's slave, or the socket. */
static const char *console_attach_path(struct hvb_virtio_dev *vd)
{
	struct console *c = vd->priv;

	switch (c->be.mode) {
	case CONSOLE_PTY:
		return c->be.pty_name;
	case CONSOLE_UNIX:
		return c->be.path;
	default:
		return NULL;	/* stdio: the daemon's own terminal */
	}
}

/* InterruptStatus found the used-buffer bit clear (virtio.h). */
static void console_settle(struct hvb_virtio_dev *vd)
{
	struct console *c = vd->priv;

	hvb_iothread_settle(&c->io);
}

static const struct hvb_virtio_ops console_ops = {
	.device_id = VIRTIO_ID_CONSOLE,
	.nr_queues = 2,
	.queue_max = 256,
	.options = console_options,
	.init = console_init,
	.destroy = console_destroy,
	.driver_ok = console_driver_ok,
	.notify = console_notify,
	.reset = console_reset,
	.settle = console_settle,
	.attach_path = console_attach_path,
};

HVB_VIRTIO_DEVICE(console_type, "virtio-console", console_ops)
