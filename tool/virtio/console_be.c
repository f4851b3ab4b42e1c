// SPDX-License-Identifier: MIT
/*
 * The backends of virtio-console (console_be.h): stdio, a pty, or a unix
 * socket.  Only the device's I/O thread calls these after open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "config_opts.h"
#include "log.h"
#include "console_be.h"

/* How often a pty nobody has open is looked at again (POLLHUP cannot be
 * waited for: poll() reports it at once, again and again). */
#define CONSOLE_PTY_RECHECK_MS	100

static const char *const console_modes[] = { "stdio", "pty", "unix", NULL };

/* The daemon has one stdin: one stdio console at a time. */
static int console_stdio_taken;

/* A non-blocking descriptor of our own for stdin or stdout: reopened
 * through /proc so O_NONBLOCK does not change the shell's terminal or
 * pipe; a socket cannot be reopened and is dup'ed instead. */
static int console_reopen(int fd, int flags)
{
	char path[32];
	int nfd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, flags | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (nfd >= 0)
		return nfd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (nfd >= 0 && fcntl(nfd, F_SETFL, O_NONBLOCK) < 0) {
		close(nfd);
		return -1;
	}
	return nfd;
}

static int console_open_stdio(struct console_be *be, const char **why)
{
	if (__atomic_exchange_n(&console_stdio_taken, 1, __ATOMIC_RELAXED)) {
		*why = "another console already has stdio";
		return -EBUSY;
	}
	be->in_fd = console_reopen(STDIN_FILENO, O_RDONLY);
	be->out_fd = console_reopen(STDOUT_FILENO, O_WRONLY);
	if (be->out_fd < 0) {
		*why = "cannot use the daemon's stdout";
		return -errno;
	}
	/* No stdin (closed): output only. */
	return 0;
}

/* Replace an old symlink or socket at @path; refuse anything else. */
static int console_clear_path(const char *path, mode_t type,
			      const char **why)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if ((st.st_mode & S_IFMT) != type) {
		*why = "options.path exists and is not ours to replace";
		return -EEXIST;
	}
	return unlink(path) < 0 ? -errno : 0;
}

static int console_open_pty(struct console_be *be, const char **why)
{
	struct termios tio;
	int slave, err;

	*why = "cannot create a pty";
	be->pty_fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (be->pty_fd < 0 || grantpt(be->pty_fd) || unlockpt(be->pty_fd) ||
	    ptsname_r(be->pty_fd, be->pty_name, sizeof(be->pty_name)))
		return -errno;
	/* Raw: no echo of the guest's output back as its input, no
	 * newline translation; bytes pass as they are. */
	if (tcgetattr(be->pty_fd, &tio) < 0)
		return -errno;
	cfmakeraw(&tio);
	if (tcsetattr(be->pty_fd, TCSANOW, &tio) < 0)
		return -errno;
	/* Open and close the slave once: from then on the master reports
	 * POLLHUP until a reader opens it, which is how we tell "nobody
	 * there" (never opened, it would not). */
	slave = open(be->pty_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return -errno;
	close(slave);
	be->pty_hup = true;
	if (be->path[0]) {
		err = console_clear_path(be->path, S_IFLNK, why);
		if (err)
			return err;
		if (symlink(be->pty_name, be->path) < 0) {
			*why = "cannot link options.path to the pty";
			return -errno;
		}
	}
	hvb_info("%s: console on pty %s%s%s", be->name, be->pty_name,
		 be->path[0] ? ", linked from " : "", be->path);
	return 0;
}

static int console_open_unix(struct console_be *be, const char **why)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int err;

	if (strlen(be->path) >= sizeof(sa.sun_path)) {
		*why = "options.path is too long for a unix socket";
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, be->path);
	err = console_clear_path(be->path, S_IFSOCK, why);
	if (err)
		return err;
	*why = "cannot listen on options.path";
	be->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
			       SOCK_CLOEXEC, 0);
	if (be->listen_fd < 0 ||
	    bind(be->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(be->listen_fd, 1) < 0)
		return -errno;
	hvb_info("%s: console on unix socket %s", be->name, be->path);
	return 0;
}

int console_be_open(struct console_be *be, const char *name,
		    const struct cJSON *opts, const char **why)
{
	unsigned int mode = CONSOLE_PTY;
	const char *path = NULL;
	int err;

	memset(be, 0, sizeof(*be));
	be->name = name;
	be->in_fd = be->out_fd = be->listen_fd = be->pty_fd = -1;
	err = hvb_opt_choice(opts, "mode", console_modes, &mode, why);
	if (err && err != -ENOENT)
		return err;
	err = hvb_opt_string(opts, "path", &path, why);
	if (err && err != -ENOENT)
		return err;
	be->mode = mode;
	if (path) {
		if (mode == CONSOLE_STDIO) {
			*why = "options.path: not for mode stdio";
			return -EINVAL;
		}
		if (strlen(path) >= sizeof(be->path)) {
			*why = "options.path is too long";
			return -ENAMETOOLONG;
		}
		strcpy(be->path, path);
	}
	switch (be->mode) {
	case CONSOLE_STDIO:
		return console_open_stdio(be, why);
	case CONSOLE_PTY:
		return console_open_pty(be, why);
	default:
		if (!path) {
			*why = "options.path is required for mode unix";
			return -EINVAL;
		}
		return console_open_unix(be, why);
	}
}

static void console_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The unix client went away (or errs): listen for the next. */
static void console_drop_client(struct console_be *be)
{
	hvb_info("%s: console client disconnected", be->name);
	console_close_fd(&be->in_fd);
	be->out_fd = -1;	/* the same socket */
}

void console_be_close(struct console_be *be)
{
	switch (be->mode) {
	case CONSOLE_STDIO:
		console_close_fd(&be->in_fd);
		console_close_fd(&be->out_fd);
		__atomic_store_n(&console_stdio_taken, 0, __ATOMIC_RELAXED);
		break;
	case CONSOLE_PTY:
		console_close_fd(&be->pty_fd);
		if (be->path[0])
			unlink(be->path);
		break;
	default:
		console_close_fd(&be->in_fd);
		if (be->listen_fd >= 0 && be->path[0])
			unlink(be->path);
		console_close_fd(&be->listen_fd);
		break;
	}
	be->in_fd = be->out_fd = -1;
}

/* Pty: is the slave open?  POLLHUP on the master says it is not. */
static void console_pty_check(struct console_be *be)
{
	struct pollfd p = { .fd = be->pty_fd };
	bool hup;

	hup = poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
	if (hup != be->pty_hup)
		hvb_debug("%s: pty %s %s", be->name, be->pty_name,
			  hup ? "closed by its reader" : "opened");
	be->pty_hup = hup;
	be->in_fd = be->out_fd = hup ? -1 : be->pty_fd;
}

int console_be_poll_setup(struct console_be *be, struct pollfd *pfd,
			  bool want_in, bool want_out, int *timeout)
{
	short in = want_in ? POLLIN : 0, out = want_out ? POLLOUT : 0;
	int n = 0;

	*timeout = -1;
	switch (be->mode) {
	case CONSOLE_STDIO:
		if (be->in_fd >= 0 && in)
			pfd[n++] = (struct pollfd){ .fd = be->in_fd,
						    .events = in };
		if (be->out_fd >= 0 && out)
			pfd[n++] = (struct pollfd){ .fd = be->out_fd,
						    .events = out };
		break;
	case CONSOLE_PTY:
		console_pty_check(be);
		if (be->pty_hup)
			*timeout = CONSOLE_PTY_RECHECK_MS;
		else
			pfd[n++] = (struct pollfd){ .fd = be->pty_fd,
						    .events = in | out };
		break;
	default:
		/* One client at a time: the next waits in the listen
		 * backlog until this one leaves.  Polled even with no
		 * events asked, so its POLLHUP/POLLERR are seen. */
		if (be->in_fd >= 0)
			pfd[n++] = (struct pollfd){ .fd = be->in_fd,
						    .events = in | out };
		else
			pfd[n++] = (struct pollfd){ .fd = be->listen_fd,
						    .events = POLLIN };
		break;
	}
	return n;
}

static void console_accept(struct console_be *be)
{
	int fd = accept4(be->listen_fd, NULL, NULL,
			 SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	hvb_info("%s: console client connected", be->name);
	be->in_fd = be->out_fd = fd;
}

void console_be_poll_done(struct console_be *be, const struct pollfd *pfd,
			  int n)
{
	int i;

	if (be->mode != CONSOLE_UNIX)
		return;	/* stdio and pty errors show in read and write */
	for (i = 0; i < n; i++) {
		if (pfd[i].fd == be->listen_fd) {
			if (pfd[i].revents & POLLIN)
				console_accept(be);
		} else if (pfd[i].fd == be->in_fd) {
			/* A hang-up with input wanted is left to read(),
			 * which takes what is left first; otherwise it
			 * would be reported again at once, forever. */
			if ((pfd[i].revents & POLLERR) ||
			    ((pfd[i].revents & POLLHUP) &&
			     !(pfd[i].events & POLLIN)))
				console_drop_client(be);
		}
	}
}

/* The backend's input (@is_read) or output failed for good (errno). */
static void console_fail(struct console_be *be, bool is_read)
{
	switch (be->mode) {
	case CONSOLE_STDIO:
		hvb_log_once(HVB_LOG_WARN,
			     "%s: console %s: %m; no more of it (said once)",
			     be->name, is_read ? "stdin" : "stdout");
		console_close_fd(is_read ? &be->in_fd : &be->out_fd);
		break;
	case CONSOLE_PTY:
		be->pty_hup = true;	/* until console_pty_check() */
		be->in_fd = be->out_fd = -1;
		break;
	default:
		console_drop_client(be);
		break;
	}
}

size_t console_be_read(struct console_be *be, void *buf, size_t len)
{
	ssize_t n;

	if (be->in_fd < 0 || !len)
		return 0;
	n = read(be->in_fd, buf, len);
	if (n > 0)
		return (size_t)n;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n == 0) {
		if (be->mode == CONSOLE_STDIO) {
			hvb_info("%s: console input ended (stdin EOF)",
				 be->name);
			console_close_fd(&be->in_fd);
		} else {
			errno = EPIPE;
			console_fail(be, true);
		}
		return 0;
	}
	console_fail(be, true);
	return 0;
}

ssize_t console_be_writev(struct console_be *be, const struct iovec *iov,
			  int iovcnt)
{
	ssize_t n;

	if (be->out_fd < 0)
		return -1;
	n = writev(be->out_fd, iov, iovcnt);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	console_fail(be, false);
	return -1;
}
