/* SPDX-License-Identifier: MIT */
/*
 * console_be.h - the backends of virtio-console (console.c): where the
 * guest's output goes and its input comes from, chosen by the "mode"
 * option (docs/virtio-console.md):
 *
 *   stdio  the daemon's stdin and stdout
 *   pty    a new pseudo-terminal in raw mode; its slave (/dev/pts/N) is
 *          logged, and linked from "path" when given
 *   unix   a listening unix socket at "path"; one client at a time,
 *          the next waiting in the listen backlog until it leaves
 *
 * Every descriptor is non-blocking; after open, only the device's I/O
 * thread uses a backend.  "No reader" (no unix client, a pty nobody has
 * open, a stdout that failed) is a state, not an error: the device then
 * drops the guest's output instead of stalling the guest.
 */
#ifndef HVB_TOOL_VIRTIO_CONSOLE_BE_H
#define HVB_TOOL_VIRTIO_CONSOLE_BE_H

#include <poll.h>
#include <stdbool.h>
#include <sys/types.h>
#include <sys/uio.h>

struct cJSON;

enum console_mode {
	CONSOLE_STDIO,
	CONSOLE_PTY,
	CONSOLE_UNIX,
};

struct console_be {
	enum console_mode mode;
	const char *name;	/* the device's, for messages */
	int in_fd;		/* -1: no input now (EOF, no client) */
	int out_fd;		/* -1: no reader now: output is dropped */
	int listen_fd;		/* unix: the listening socket */
	int pty_fd;		/* pty: the master, in_fd/out_fd when open */
	bool pty_hup;		/* pty: nobody has the slave open */
	char path[108];		/* unix socket or pty link; "" if none */
	char pty_name[64];	/* pty: the slave's path */
};

/* Descriptors of one poll() at most. */
#define CONSOLE_BE_MAX_POLL	2

/*
 * Open the backend @opts asks for ("mode", "path"); NULL: a pty.
 * Returns 0, or a negative errno with a static message in *why.
 */
int console_be_open(struct console_be *be, const char *name,
		    const struct cJSON *opts, const char **why);
void console_be_close(struct console_be *be);

/* Is anybody there to read the guest's output? */
static inline bool console_be_has_reader(const struct console_be *be)
{
	return be->out_fd >= 0;
}

/*
 * Fill @pfd with the backend's descriptors for one poll(): input when
 * @want_in, output when @want_out.  Returns how many, and sets *timeout
 * (ms; -1: none) for what cannot be polled (a pty without a reader).
 */
int console_be_poll_setup(struct console_be *be, struct pollfd *pfd,
			  bool want_in, bool want_out, int *timeout);
/* After poll(): accept or refuse clients, notice hang-ups. */
void console_be_poll_done(struct console_be *be, const struct pollfd *pfd,
			  int n);

/*
 * Read input into @buf.  Returns bytes read, 0 when there is none now
 * (EAGAIN, EOF, a hang-up: the backend then stops offering input).
 */
size_t console_be_read(struct console_be *be, void *buf, size_t len);

/*
 * Write guest output.  Returns bytes written (> 0), 0 when the reader is
 * slow (wait for POLLOUT), or -1 when the reader went away meanwhile
 * (drop the rest: console_be_has_reader() is now false).
 */
ssize_t console_be_writev(struct console_be *be, const struct iovec *iov,
			  int iovcnt);

#endif /* HVB_TOOL_VIRTIO_CONSOLE_BE_H */
