// SPDX-License-Identifier: MIT
/*
 * Description: virtio-console on the daemon's stdin and stdout (pipes
 * here): input reaches the guest, output reaches stdout; stdin's EOF ends
 * input but not output; the pipes the daemon was given stay blocking (it
 * reopens them for itself); a second stdio console is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "virtio/virtio.h"
#include "con.h"

/* The test's own stdin/stdout, put back before Criterion reports. */
static int con_saved[2] = { -1, -1 };

static void con_fini(void)
{
	vt_stop();
	if (con_saved[0] >= 0)
		dup2(con_saved[0], STDIN_FILENO);
	if (con_saved[1] >= 0)
		dup2(con_saved[1], STDOUT_FILENO);
}

TestSuite(console_stdio, .fini = con_fini, .timeout = VT_SUITE_TIMEOUT_S);

/* Make stdin the read end of @in and stdout the write end of @out. */
static void con_pipes(int in[2], int out[2])
{
	cr_assert(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0);
	con_saved[0] = dup(STDIN_FILENO);
	con_saved[1] = dup(STDOUT_FILENO);
	cr_assert(dup2(in[0], STDIN_FILENO) == STDIN_FILENO);
	cr_assert(dup2(out[1], STDOUT_FILENO) == STDOUT_FILENO);
	close(in[0]);
	close(out[1]);
}

Test(console_stdio, echo_both_ways_and_eof)
{
	static const char in_text[] = "stdin line\n";
	static const char out_text[] = "to stdout\n";
	char buf[32] = { 0 };
	struct vt_env *e;
	int in[2], out[2];

	con_pipes(in, out);
	e = con_start("stdio", NULL, 1ull << VIRTIO_F_VERSION_1);
	/* Our descriptors were not made non-blocking behind our back. */
	cr_expect_eq(fcntl(STDIN_FILENO, F_GETFL) & O_NONBLOCK, 0);
	cr_expect_eq(fcntl(STDOUT_FILENO, F_GETFL) & O_NONBLOCK, 0);
	con_post_rx(e);
	con_host_send(in[1], in_text, sizeof(in_text) - 1);
	cr_assert_eq(con_guest_recv(e, buf, sizeof(in_text) - 1, VT_WAIT_MS),
		     sizeof(in_text) - 1);
	cr_expect_str_eq(buf, in_text);
	con_guest_send(e, out_text, sizeof(out_text) - 1);
	memset(buf, 0, sizeof(buf));
	cr_assert_eq(con_host_recv(out[0], buf, sizeof(out_text) - 1,
				   VT_WAIT_MS), sizeof(out_text) - 1);
	cr_expect_str_eq(buf, out_text);
	/* EOF on stdin: no more input, output goes on. */
	close(in[1]);
	usleep(20 * 1000);
	con_guest_send(e, "after", 5);
	memset(buf, 0, sizeof(buf));
	cr_expect_eq(con_host_recv(out[0], buf, 5, VT_WAIT_MS), 5u);
	cr_expect_str_eq(buf, "after");
	cr_expect_eq(vdrv_used_pending(&e->drv, CON_RXQ), 0);
	close(out[0]);
}

Test(console_stdio, one_stdio_console_only)
{
	struct hvb_device_args args = {
		.zone_id = VT_ZONE,
		.base = VT_DEV_BASE + 0x1000,
		.size = VT_WINDOW,
		.kick_dev = -1,
	};
	cJSON *opts = cJSON_Parse("{\"mode\": \"stdio\"}");
	const char *why = "";
	struct vt_env *e;
	int in[2], out[2];

	con_pipes(in, out);
	e = con_start("stdio", NULL, 1ull << VIRTIO_F_VERSION_1);
	cr_assert(opts);
	args.opts = opts;
	cr_expect_eq(hvb_devices_create(&e->devs, "virtio-console", &args,
					&why), -EBUSY);
	cr_expect(strstr(why, "stdio"), "why: %s", why);
	cJSON_Delete(opts);
	close(in[1]);
	close(out[0]);
}
