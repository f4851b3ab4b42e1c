// SPDX-License-Identifier: MIT
/*
 * `hvbridge console ZONE`: attach to a zone's virtio-console from the
 * root zone, through the link the daemon keeps in its run directory
 * (console_link.h, docs/virtio-console.md).  hvisor-tool prints a pty
 * and leaves the rest to screen; this finds the pty (or unix socket) by
 * zone id and relays it, interactively or from a script.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "console_cmd.h"
#include "console_link.h"
#include "daemon.h"
#include "virtio/vstate.h"

/* Ctrl-], as telnet and virsh console leave. */
#define HVB_CONSOLE_ESCAPE	0x1d
/* A script's stdin ended: how long the answer may still take (ms). */
#define HVB_CONSOLE_LINGER_MS	1000
/* --until's default --timeout (s): a script never waits for ever. */
#define HVB_CONSOLE_UNTIL_S	30

struct hvb_console_opts {
	const char *dir;
	__u32 zone;
	__u64 base;
	bool has_base;
	const char *until;
	long timeout_ms;	/* -1: none */
	bool read_only;
};

static void hvb_console_usage(FILE *f)
{
	fprintf(f,
"Usage: hvbridge console ZONE [--base ADDR] [--state-dir DIR]\n"
"                        [--until TEXT] [--timeout SECONDS] [--read-only]\n\n"
"Attach to zone ZONE's virtio-console, which the daemon serves on a pty\n"
"or a unix socket and links from its state directory as\n"
"zone<ZONE>-<base>.console.\n\n"
"From a terminal: raw mode, every key goes to the zone; Ctrl-] leaves.\n"
"From a script (stdin not a terminal, or --until): stdin's bytes go to\n"
"the zone and its output to stdout.  It ends when TEXT appears in the\n"
"output (exit 0), or when the console closes or --timeout passes\n"
"first (exit 1).  Without --until it ends 1 s after stdin ends.  The\n"
"zone's shell echoes what it is sent: make TEXT something only the\n"
"answer contains (echo ok-$((6*7)) is answered ok-42).\n\n"
"  -b, --base ADDR        the console's window, when the zone has several\n"
"  -s, --state-dir DIR    the daemon's (default $" HVB_VSTATE_DIR_ENV " or\n"
"                         " HVB_VSTATE_DIR ")\n"
"  -u, --until TEXT       end once the zone printed TEXT\n"
"  -t, --timeout SECONDS  end after SECONDS (with --until: default %d)\n"
"  -r, --read-only        only print the output, send nothing; ends when\n"
"                         the console closes (the daemon exits)\n"
"  -h, --help             this text\n", HVB_CONSOLE_UNTIL_S);
}

static long hvb_console_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The link of zone @o->zone's console into @link, or -1 (said why). */
static int hvb_console_find(const struct hvb_console_opts *o, char *link,
			    size_t len)
{
	char pat[512];
	glob_t g;
	size_t i;
	int ret;

	if (o->has_base) {
		if (!hvb_console_link_path(link, len, o->dir, o->zone,
					   o->base)) {
			fprintf(stderr, "hvbridge console: %s: path too long\n",
				o->dir);
			return -1;
		}
		return 0;
	}
	snprintf(pat, sizeof(pat), "%s/zone%u-*.console", o->dir, o->zone);
	ret = glob(pat, 0, NULL, &g);
	if (ret == GLOB_NOMATCH || (!ret && !g.gl_pathc)) {
		fprintf(stderr,
			"hvbridge console: no console of zone %u in %s: does a daemon serve a virtio-console (pty or unix mode) for it?\n",
			o->zone, o->dir);
		if (!ret)
			globfree(&g);
		return -1;
	}
	if (ret) {
		fprintf(stderr, "hvbridge console: %s: cannot list it\n", o->dir);
		return -1;
	}
	if (g.gl_pathc > 1) {
		fprintf(stderr, "hvbridge console: zone %u has %zu consoles; pick one with --base:\n",
			o->zone, g.gl_pathc);
		for (i = 0; i < g.gl_pathc; i++)
			fprintf(stderr, "  %s\n", g.gl_pathv[i]);
		globfree(&g);
		return -1;
	}
	ret = snprintf(link, len, "%s", g.gl_pathv[0]);
	globfree(&g);
	return ret > 0 && (size_t)ret < len ? 0 : -1;
}

/*
 * Open the console @link stands for: a pty's slave or a unix socket.
 * Returns a non-blocking fd, or -1 (said why).
 *
 * A killed daemon's link stays, and its pty number is soon another
 * program's terminal, so the link is trusted only through its owner
 * file (console_link.h): the target is the one the owner file names,
 * and the same daemon holds the owner lock before and after the open.
 * A daemon holds that lock for its whole life, so it lived through the
 * open, and so did the pty or socket it made.
 */
static int hvb_console_open(const char *link)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char target[256], again[256];
	long pid, pid2;
	struct stat st;
	int fd;

	if (lstat(link, &st)) {
		fprintf(stderr, "hvbridge console: %s: %s\n", link,
			strerror(errno));
		return -1;
	}
	pid = hvb_console_owner(link, target, sizeof(target));
	if (pid == 0) {
		fprintf(stderr, "hvbridge console: %s: stale: no daemon holds %s.owner (the daemon that made it is gone)\n",
			link, link);
		return -1;
	}
	if (pid < 0) {
		fprintf(stderr, "hvbridge console: %s.owner: %s\n", link,
			errno == EAGAIN ? "its daemon is still making the link; try again" :
			strerror(errno));
		return -1;
	}
	if (stat(target, &st)) {
		fprintf(stderr, "hvbridge console: %s -> %s: %s\n", link,
			target, strerror(errno));
		return -1;
	}
	if (S_ISCHR(st.st_mode)) {
		fd = open(target, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	} else if (S_ISSOCK(st.st_mode) && strlen(target) < sizeof(sa.sun_path)) {
		strcpy(sa.sun_path, target);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
				fcntl(fd, F_SETFL, O_NONBLOCK))) {
			close(fd);
			fd = -1;
		}
	} else {
		fprintf(stderr, "hvbridge console: %s -> %s: not a pty or a unix socket\n",
			link, target);
		return -1;
	}
	if (fd < 0) {
		fprintf(stderr, "hvbridge console: %s -> %s: %s\n", link, target,
			strerror(errno));
		return -1;
	}
	pid2 = hvb_console_owner(link, again, sizeof(again));
	if (pid2 != pid || strcmp(again, target)) {
		fprintf(stderr, "hvbridge console: %s: its daemon exited or was replaced while it was opened; try again\n",
			link);
		close(fd);
		return -1;
	}
	return fd;
}

/* Write all of @buf to the console, waiting for room until @deadline
 * (ms, -1: none).  Returns 0, or -1: the console closed or the time is
 * up. */
static int hvb_console_send(int fd, const char *buf, size_t len,
			    long deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (poll(&p, 1, deadline < 0 ? -1 :
			 (int)(deadline > hvb_console_now_ms() ?
			       deadline - hvb_console_now_ms() : 0)) == 0)
			return -1;
	}
	return 0;
}

static void hvb_console_out(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * Has @until appeared, given output chunk @buf?  @win keeps the last
 * strlen(@until) - 1 bytes seen, so a match split across reads counts.
 */
static bool hvb_console_seen(const char *until, char *win, size_t *have,
			     const char *buf, size_t len)
{
	size_t ulen = strlen(until), keep = ulen - 1;
	bool found;

	memcpy(win + *have, buf, len);
	*have += len;
	found = memmem(win, *have, until, ulen) != NULL;
	if (*have > keep) {
		memmove(win, win + *have - keep, keep);
		*have = keep;
	}
	return found;
}

static int hvb_console_relay(const struct hvb_console_opts *o, int fd,
			     bool interactive)
{
	char buf[4096], *win = NULL;
	size_t have = 0;
	long deadline = o->timeout_ms < 0 ? -1 :
			hvb_console_now_ms() + o->timeout_ms;
	bool in_open = !o->read_only;
	struct pollfd p[2];
	ssize_t n;
	int nfd, wait;

	if (o->until) {
		win = malloc(strlen(o->until) + sizeof(buf));
		if (!win)
			return HVB_EXIT_FAIL;
	}
	for (;;) {
		wait = deadline < 0 ? -1 : (int)(deadline > hvb_console_now_ms() ?
					     deadline - hvb_console_now_ms() : 0);
		p[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		nfd = in_open ? 2 : 1;
		if (poll(p, (nfds_t)nfd, wait) == 0)
			break;
		if (p[0].revents) {
			n = read(fd, buf, sizeof(buf));
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0) {
				/* A pty's slave reads EIO once the master
				 * (the daemon) closed; a socket reads 0. */
				if (!o->read_only)
					fprintf(stderr, "\r\nhvbridge console: the console closed (the daemon exited?)\r\n");
				free(win);
				return o->read_only ? HVB_EXIT_OK : HVB_EXIT_FAIL;
			}
			hvb_console_out(buf, (size_t)n);
			if (win && hvb_console_seen(o->until, win, &have, buf,
						    (size_t)n)) {
				free(win);
				return HVB_EXIT_OK;
			}
		}
		if (nfd < 2 || !p[1].revents)
			continue;
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			in_open = false;
			if (!o->until && o->timeout_ms < 0)
				deadline = hvb_console_now_ms() +
					   HVB_CONSOLE_LINGER_MS;
			continue;
		}
		if (interactive) {
			char *esc = memchr(buf, HVB_CONSOLE_ESCAPE, (size_t)n);

			if (esc) {
				hvb_console_send(fd, buf, (size_t)(esc - buf),
						 deadline);
				free(win);
				return HVB_EXIT_OK;
			}
		}
		if (hvb_console_send(fd, buf, (size_t)n, deadline)) {
			fprintf(stderr, "hvbridge console: cannot send: the console closed or does not read\n");
			free(win);
			return HVB_EXIT_FAIL;
		}
	}
	free(win);
	if (o->until) {
		fprintf(stderr, "hvbridge console: no '%s' from zone %u within %ld s\n",
			o->until, o->zone, o->timeout_ms / 1000);
		return HVB_EXIT_FAIL;
	}
	return HVB_EXIT_OK;
}

int hvb_cmd_console(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "base", required_argument, NULL, 'b' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "timeout", required_argument, NULL, 't' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hvb_console_opts o = { .timeout_ms = -1 };
	struct termios saved, raw;
	bool interactive, tty_set = false;
	char link[512];
	__u64 v;
	int opt, fd, ret;

	o.dir = hvb_vstate_default_dir();
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":b:s:u:t:rh", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			if (!hvb_parse_u64(optarg, &o.base)) {
				fprintf(stderr, "hvbridge console: --base: not a number: '%s'\n",
					optarg);
				return HVB_EXIT_USAGE;
			}
			o.has_base = true;
			break;
		case 's':
			o.dir = optarg;
			break;
		case 'u':
			if (!*optarg) {
				fprintf(stderr, "hvbridge console: --until: an empty text\n");
				return HVB_EXIT_USAGE;
			}
			o.until = optarg;
			break;
		case 't':
			if (!hvb_parse_u64(optarg, &v) || v > 86400) {
				fprintf(stderr, "hvbridge console: --timeout: seconds, at most 86400: '%s'\n",
					optarg);
				return HVB_EXIT_USAGE;
			}
			o.timeout_ms = (long)v * 1000;
			break;
		case 'r':
			o.read_only = true;
			break;
		case 'h':
			hvb_console_usage(stdout);
			return HVB_EXIT_OK;
		default:
			return hvb_usage_error("console", opt, argv);
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "hvbridge console: which zone?\nTry 'hvbridge console --help'.\n");
		return HVB_EXIT_USAGE;
	}
	if (!hvb_parse_u64(argv[optind], &v) || v > UINT32_MAX) {
		fprintf(stderr, "hvbridge console: not a zone id: '%s'\n",
			argv[optind]);
		return HVB_EXIT_USAGE;
	}
	o.zone = (__u32)v;
	if (optind + 1 < argc) {
		optind++;
		return hvb_usage_error("console", 0, argv);
	}
	if (o.until && o.read_only) {
		fprintf(stderr, "hvbridge console: --until and --read-only do not mix\n");
		return HVB_EXIT_USAGE;
	}
	if (o.until && o.timeout_ms < 0)
		o.timeout_ms = HVB_CONSOLE_UNTIL_S * 1000L;
	if (hvb_console_find(&o, link, sizeof(link)))
		return HVB_EXIT_FAIL;
	fd = hvb_console_open(link);
	if (fd < 0)
		return HVB_EXIT_FAIL;
	interactive = !o.until && !o.read_only && isatty(STDIN_FILENO);
	if (interactive && !tcgetattr(STDIN_FILENO, &saved)) {
		raw = saved;
		cfmakeraw(&raw);
		tty_set = !tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		fprintf(stderr, "hvbridge console: zone %u on %s; Ctrl-] leaves\r\n",
			o.zone, link);
	}
	ret = hvb_console_relay(&o, fd, interactive);
	if (tty_set)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	if (interactive)
		fprintf(stderr, "\nhvbridge console: left zone %u's console\n",
			o.zone);
	close(fd);
	return ret;
}
