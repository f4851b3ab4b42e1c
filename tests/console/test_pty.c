// SPDX-License-Identifier: MIT
/*
 * Description: virtio-console on a pty end to end: the device makes a raw
 * pty and links its slave from "path"; bytes the reader writes reach the
 * guest, the guest's output reaches the reader unchanged (no echo, no
 * newline translation); output while nobody has the pty open is dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "virtio/virtio.h"
#include "con.h"

static char con_link[108];

static void con_fini(void)
{
	vt_stop();
	if (con_link[0])
		unlink(con_link);
}

TestSuite(console_pty, .fini = con_fini, .timeout = VT_SUITE_TIMEOUT_S);

/* Open the pty through the device's link. */
static int con_open_pty(void)
{
	char target[PATH_MAX] = { 0 };
	struct termios tio;
	int fd;

	cr_assert(readlink(con_link, target, sizeof(target) - 1) > 0,
		  "no link at %s: %s", con_link, strerror(errno));
	cr_expect(!strncmp(target, "/dev/pts/", 9), "link to %s", target);
	fd = open(con_link, O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert(fd >= 0, "open %s: %s", target, strerror(errno));
	/* Raw from the device, not from us: a plain reader (cat, a
	 * script) must see the bytes unchanged and echo nothing. */
	cr_assert(tcgetattr(fd, &tio) == 0);
	cr_expect(!(tio.c_lflag & (ECHO | ICANON | ISIG)) &&
		  !(tio.c_oflag & OPOST) && !(tio.c_iflag & ICRNL),
		  "the pty is not raw: lflag 0x%x oflag 0x%x iflag 0x%x",
		  tio.c_lflag, tio.c_oflag, tio.c_iflag);
	return fd;
}

Test(console_pty, echo_both_ways)
{
	static const char in[] = "keys\r\n";
	static const char out[] = "line one\nline two\n";
	struct vt_env *e;
	char buf[64] = { 0 };
	int fd;

	con_path(con_link, sizeof(con_link), "pty");
	e = con_start("pty", con_link, 1ull << VIRTIO_F_VERSION_1);
	con_post_rx(e);
	fd = con_open_pty();
	/* Input first: once it arrives, the device has seen the reader
	 * (it rechecks a pty nobody had open every 100 ms). */
	con_host_send(fd, in, sizeof(in) - 1);
	cr_assert_eq(con_guest_recv(e, buf, sizeof(in) - 1, VT_WAIT_MS),
		     sizeof(in) - 1, "guest received \"%s\"", buf);
	cr_expect_str_eq(buf, in, "input changed on the way");
	con_guest_send(e, out, sizeof(out) - 1);
	memset(buf, 0, sizeof(buf));
	cr_assert_eq(con_host_recv(fd, buf, sizeof(out) - 1, VT_WAIT_MS),
		     sizeof(out) - 1, "reader got \"%s\"", buf);
	cr_expect_str_eq(buf, out, "output changed on the way");
	/* Raw: the guest's output was not echoed back as input. */
	cr_expect_eq(con_guest_recv(e, buf, 1, 100), 0u,
		     "echo reached the guest");
	close(fd);
}

Test(console_pty, output_with_no_reader_is_dropped)
{
	struct vt_env *e;
	char buf[16] = { 0 };
	int fd;

	con_path(con_link, sizeof(con_link), "pty");
	e = con_start("pty", con_link, 1ull << VIRTIO_F_VERSION_1);
	con_post_rx(e);
	con_guest_send(e, "lost", 4);
	fd = con_open_pty();
	con_host_send(fd, "!", 1);
	cr_assert_eq(con_guest_recv(e, buf, 1, VT_WAIT_MS), 1u);
	con_guest_send(e, "kept", 4);
	memset(buf, 0, sizeof(buf));
	cr_assert_eq(con_host_recv(fd, buf, 4, VT_WAIT_MS), 4u);
	cr_expect_str_eq(buf, "kept", "reader got \"%s\"", buf);
	close(fd);
}
