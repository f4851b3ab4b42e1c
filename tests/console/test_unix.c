// SPDX-License-Identifier: MIT
/*
 * Description: virtio-console on a unix socket end to end: bytes from a
 * client reach the guest's receive buffers and the guest's output reaches
 * the client; output with no client is dropped and never delivered late;
 * a slow client holds the guest's output without losing any; input waits
 * (bounded) for receive buffers without loss; a second client waits
 * until the first leaves; reset with output held does not hang; input
 * for a receiveq the driver never set up does not make the device spin;
 * bad options are refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <linux/virtio_ids.h>

#include "virtio/virtio.h"
#include "con.h"

static char con_sock[108];

static void con_fini(void)
{
	vt_stop();
	/* The device unlinks its socket; this is for a test that died. */
	if (con_sock[0])
		unlink(con_sock);
}

TestSuite(console_unix, .fini = con_fini, .timeout = VT_SUITE_TIMEOUT_S);

#define CON_V1		(1ull << VIRTIO_F_VERSION_1)
#define CON_EVENT_IDX	(1ull << VIRTIO_RING_F_EVENT_IDX)

static struct vt_env *con_unix(__u64 features)
{
	con_path(con_sock, sizeof(con_sock), "sock");
	return con_start("unix", con_sock, features);
}

/* The device serves the client: a byte from it reached the guest. */
static void con_sync(struct vt_env *e, int fd)
{
	char c = 0;

	con_host_send(fd, "!", 1);
	cr_assert_eq(con_guest_recv(e, &c, 1, VT_WAIT_MS), 1u,
		     "the client's byte never reached the guest");
	cr_assert_eq(c, '!');
}

static void con_echo(__u64 features, bool posted)
{
	static const char in[] = "typed on the host console";
	static const char out[] = "printed by the guest";
	struct vt_env *e = con_unix(features);
	char buf[64] = { 0 };
	int fd;

	/* Kicks through the kick bitmap, served after the guest goes on. */
	e->drv.posted_kicks = posted;
	con_post_rx(e);
	fd = con_connect(con_sock);
	con_host_send(fd, in, sizeof(in));
	cr_assert_eq(con_guest_recv(e, buf, sizeof(in), VT_WAIT_MS),
		     sizeof(in), "guest received %s", buf);
	cr_expect_str_eq(buf, in);
	con_guest_send(e, out, sizeof(out));
	memset(buf, 0, sizeof(buf));
	cr_assert_eq(con_host_recv(fd, buf, sizeof(out), VT_WAIT_MS),
		     sizeof(out));
	cr_expect_str_eq(buf, out);
	cr_expect_eq(vt_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET, 0u);
	close(fd);
}

Test(console_unix, echo_both_ways)
{
	con_echo(CON_V1, false);
}

Test(console_unix, echo_both_ways_event_idx_posted_kicks)
{
	con_echo(CON_V1 | CON_EVENT_IDX, true);
}

Test(console_unix, output_without_client_is_dropped)
{
	struct vt_env *e = con_unix(CON_V1);
	char buf[16] = { 0 };
	int fd;

	con_post_rx(e);
	/* No client: the chain must still come back (a guest console
	 * must not hang because nobody watches). */
	con_guest_send(e, "lost", 4);
	fd = con_connect(con_sock);
	con_sync(e, fd);
	con_guest_send(e, "kept", 4);
	cr_assert_eq(con_host_recv(fd, buf, 4, VT_WAIT_MS), 4u);
	cr_expect_str_eq(buf, "kept", "the client got \"%s\"", buf);
	cr_expect_eq(con_host_recv(fd, buf, sizeof(buf), 100), 0u,
		     "more came after: output was kept, not dropped");
	close(fd);
}

#define CON_BIG_CHAINS	16u
#define CON_BIG_LEN	(32u * 1024)

static __u8 con_pattern(size_t i)
{
	return (__u8)(i * 7 + (i >> 9));
}

Test(console_unix, slow_client_holds_output_without_loss)
{
	struct vt_env *e = con_unix(CON_V1 | CON_EVENT_IDX);
	size_t total = (size_t)CON_BIG_CHAINS * CON_BIG_LEN, i, bad = 0;
	__u8 *data = malloc(total), *got = malloc(total);
	int fd;

	cr_assert(data && got);
	for (i = 0; i < total; i++)
		data[i] = con_pattern(i);
	con_post_rx(e);
	fd = con_connect(con_sock);
	con_sync(e, fd);
	con_guest_send_many(e, data, CON_BIG_LEN, CON_BIG_CHAINS);
	/* 512 KiB is more than a unix socket holds: with the client not
	 * reading, the device must be waiting with chains still held. */
	usleep(200 * 1000);
	cr_expect(vdrv_used_pending(&e->drv, CON_TXQ) < CON_BIG_CHAINS,
		  "every chain used while the client read nothing");
	cr_assert_eq(con_host_recv(fd, got, total, 10 * 1000), total,
		     "the client got less than the guest sent");
	for (i = 0; i < total; i++)
		bad += got[i] != data[i];
	cr_expect_eq(bad, 0u, "%zu bytes differ", bad);
	cr_expect(vdrv_wait_used(&e->drv, CON_TXQ, CON_BIG_CHAINS,
				 VT_WAIT_MS));
	close(fd);
	free(data);
	free(got);
}

Test(console_unix, input_waits_for_receive_buffers)
{
	struct vt_env *e = con_unix(CON_V1);
	size_t total = 64 * 1024, i, bad = 0;
	__u8 *data = malloc(total), *got = malloc(total);
	int fd;

	cr_assert(data && got);
	for (i = 0; i < total; i++)
		data[i] = con_pattern(i);
	fd = con_connect(con_sock);
	/* No receive buffer yet: the device reads at most its ring ahead
	 * and leaves the rest in the socket. */
	con_host_send(fd, data, total);
	usleep(50 * 1000);
	cr_expect_eq(vdrv_used_pending(&e->drv, CON_RXQ), 0);
	con_post_rx(e);
	cr_assert_eq(con_guest_recv(e, got, total, 10 * 1000), total,
		     "input lost or late");
	for (i = 0; i < total; i++)
		bad += got[i] != data[i];
	cr_expect_eq(bad, 0u, "%zu bytes differ or out of order", bad);
	close(fd);
	free(data);
	free(got);
}

Test(console_unix, second_client_waits_its_turn)
{
	struct vt_env *e = con_unix(CON_V1);
	char buf[8] = { 0 };
	int fd, fd2;

	con_post_rx(e);
	fd = con_connect(con_sock);
	con_sync(e, fd);
	fd2 = con_connect(con_sock);
	con_guest_send(e, "one", 3);
	cr_expect_eq(con_host_recv(fd, buf, 3, VT_WAIT_MS), 3u);
	cr_expect_str_eq(buf, "one");
	cr_expect_eq(con_host_recv(fd2, buf, sizeof(buf), 100), 0u,
		     "the waiting client got the first one's output");
	close(fd);
	/* The first left: the second is served now. */
	con_sync(e, fd2);
	memset(buf, 0, sizeof(buf));
	con_guest_send(e, "two", 3);
	cr_expect_eq(con_host_recv(fd2, buf, 3, VT_WAIT_MS), 3u);
	cr_expect_str_eq(buf, "two");
	close(fd2);
}

Test(console_unix, client_may_come_back)
{
	struct vt_env *e = con_unix(CON_V1);
	char buf[8] = { 0 };
	int fd;

	con_post_rx(e);
	fd = con_connect(con_sock);
	con_sync(e, fd);
	close(fd);
	fd = con_connect(con_sock);
	con_sync(e, fd);
	con_guest_send(e, "again", 5);
	cr_expect_eq(con_host_recv(fd, buf, 5, VT_WAIT_MS), 5u);
	cr_expect_str_eq(buf, "again");
	close(fd);
}

Test(console_unix, reset_with_output_held)
{
	struct vt_env *e = con_unix(CON_V1);
	size_t total = (size_t)CON_BIG_CHAINS * CON_BIG_LEN;
	__u8 *data = calloc(1, total);
	char c = 0;
	int fd, err;

	cr_assert(data);
	con_post_rx(e);
	fd = con_connect(con_sock);
	con_sync(e, fd);
	con_guest_send_many(e, data, CON_BIG_LEN, CON_BIG_CHAINS);
	usleep(100 * 1000);
	/* The device's thread is blocked on a full socket with a chain in
	 * hand: reset must take the queues back anyway. */
	cr_assert_eq(vdrv_write(&e->drv, VIRTIO_MMIO_STATUS, 0),
		     HVB_STATUS_OK, "reset failed or timed out");
	cr_assert_eq(vt_status(e), 0u);
	e->drv.alloc_next = 0;
	err = vdrv_init(&e->drv, VIRTIO_ID_CONSOLE, CON_V1, 2, CON_QSIZE);
	cr_assert(err == 0, "re-init failed: %d", err);
	con_post_rx(e);
	con_host_send(fd, "z", 1);
	cr_assert_eq(con_guest_recv(e, &c, 1, VT_WAIT_MS), 1u);
	cr_expect_eq(c, 'z');
	close(fd);
	free(data);
}

/* Create a console with @opts next to the running one; the error. */
static int con_try(struct vt_env *e, const char *json, const char **why)
{
	struct hvb_device_args args = {
		.zone_id = VT_ZONE,
		.base = VT_DEV_BASE + 0x1000,
		.size = VT_WINDOW,
		.kick_dev = -1,
	};
	cJSON *opts = cJSON_Parse(json);
	int err;

	cr_assert(opts, "bad JSON in the test: %s", json);
	args.opts = opts;
	err = hvb_devices_create(&e->devs, "virtio-console", &args, why);
	cJSON_Delete(opts);
	return err;
}

Test(console_unix, bad_options_are_refused)
{
	struct vt_env *e = vt_start("virtio-rng");
	const char *why = "";
	char json[256];

	cr_expect_eq(con_try(e, "{\"mode\": \"telnet\"}", &why), -EINVAL);
	cr_expect(strstr(why, "mode"), "why: %s", why);
	cr_expect_eq(con_try(e, "{\"mode\": \"unix\"}", &why), -EINVAL);
	cr_expect(strstr(why, "path"), "why: %s", why);
	cr_expect_eq(con_try(e, "{\"mode\": \"stdio\", \"path\": \"/x\"}",
			     &why), -EINVAL);
	/* A regular file at the path is not ours to replace. */
	con_path(con_sock, sizeof(con_sock), "file");
	close(open(con_sock, O_CREAT | O_WRONLY, 0600));
	snprintf(json, sizeof(json), "{\"mode\": \"unix\", \"path\": \"%s\"}",
		 con_sock);
	cr_expect_eq(con_try(e, json, &why), -EEXIST, "why: %s", why);
	cr_expect_eq(access(con_sock, F_OK), 0, "the file was removed");
}

static double con_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

Test(console_unix, input_with_no_receiveq_does_not_spin)
{
	struct vt_env *e;
	char buf[8] = { 0 };
	double cpu;
	int fd;

	con_path(con_sock, sizeof(con_sock), "sock");
	e = con_create("unix", con_sock);
	/* A driver that sets up the transmitq only. */
	cr_assert_eq(vdrv_negotiate(&e->drv, VIRTIO_ID_CONSOLE, CON_V1), 0);
	cr_assert_eq(vdrv_setup_vq(&e->drv, CON_TXQ, CON_QSIZE), 0);
	cr_assert_eq(vdrv_driver_ok(&e->drv), HVB_STATUS_OK);
	fd = con_connect(con_sock);
	con_host_send(fd, "unread input", 12);
	cpu = con_cpu_s();
	usleep(300 * 1000);
	cpu = con_cpu_s() - cpu;
	cr_expect(cpu < 0.1, "%.0f ms of CPU in 300 ms idle: a busy loop",
		  cpu * 1000);
	con_guest_send(e, "out", 3);
	cr_expect_eq(con_host_recv(fd, buf, 3, VT_WAIT_MS), 3u);
	cr_expect_str_eq(buf, "out");
	close(fd);
}
