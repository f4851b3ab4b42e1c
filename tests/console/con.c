// SPDX-License-Identifier: MIT
/*
 * Both ends of a virtio-console for the tests (con.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <linux/virtio_ids.h>

#include "con.h"

/* Receive buffers by head, to find a used one's bytes. */
static __u64 con_rx_ipa[VDRV_MAX_SIZE];

static __u64 con_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000 + (__u64)ts.tv_nsec / 1000000;
}

void con_path(char *buf, size_t len, const char *what)
{
	snprintf(buf, len, "/tmp/hvbt-console-%d-%s", getpid(), what);
}

struct vt_env *con_create(const char *mode, const char *path)
{
	cJSON *opts = cJSON_CreateObject();
	struct vt_env *e;

	cr_assert(opts && cJSON_AddStringToObject(opts, "mode", mode));
	if (path)
		cr_assert(cJSON_AddStringToObject(opts, "path", path));
	e = vt_start_opts("virtio-console", opts);
	cJSON_Delete(opts);
	return e;
}

struct vt_env *con_start(const char *mode, const char *path, __u64 features)
{
	struct vt_env *e = con_create(mode, path);
	int err;

	err = vdrv_init(&e->drv, VIRTIO_ID_CONSOLE, features, 2, CON_QSIZE);
	cr_assert(err == 0, "console init failed: %d", err);
	return e;
}

static void con_add_rx(struct vt_env *e, __u64 ipa)
{
	struct vdrv_buf b = { .ipa = ipa, .len = CON_RX_LEN,
			      .writable = true };
	int head = vdrv_add(&e->drv, CON_RXQ, &b, 1, false);

	cr_assert(head >= 0, "no free receive descriptor");
	con_rx_ipa[head] = ipa;
}

void con_post_rx(struct vt_env *e)
{
	unsigned int i;

	for (i = 0; i < CON_RX_BUFS; i++)
		con_add_rx(e, vdrv_alloc(&e->drv, CON_RX_LEN, 8));
	cr_assert(vdrv_kick(&e->drv, CON_RXQ) == HVB_STATUS_OK);
}

size_t con_guest_recv(struct vt_env *e, void *buf, size_t len,
		      unsigned int ms)
{
	__u64 end = con_now_ms() + ms;
	__u8 *out = buf;
	size_t got = 0;
	__u32 n;
	int head;

	while (got < len && con_now_ms() < end) {
		if (!vdrv_wait_used(&e->drv, CON_RXQ, 1, 10))
			continue;
		head = vdrv_get_used(&e->drv, CON_RXQ, &n);
		cr_assert(head >= 0 && head < (int)VDRV_MAX_SIZE);
		cr_assert(n <= CON_RX_LEN, "used length %u > buffer", n);
		cr_assert(n <= len - got, "%zu bytes more than sent",
			  n - (len - got));
		memcpy(out + got, vdrv_ptr(&e->drv, con_rx_ipa[head]), n);
		got += n;
		con_add_rx(e, con_rx_ipa[head]);
		cr_assert(vdrv_kick(&e->drv, CON_RXQ) == HVB_STATUS_OK);
	}
	return got;
}

void con_guest_send_many(struct vt_env *e, const void *data, size_t len,
			 unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct vdrv_buf b = { .len = (__u32)len };

		b.ipa = vdrv_alloc(&e->drv, len, 8);
		cr_assert(b.ipa, "out of guest memory");
		memcpy(vdrv_ptr(&e->drv, b.ipa), (const __u8 *)data + i * len,
		       len);
		cr_assert(vdrv_add(&e->drv, CON_TXQ, &b, 1, false) >= 0);
	}
	cr_assert(vdrv_kick(&e->drv, CON_TXQ) == HVB_STATUS_OK);
}

void con_guest_send(struct vt_env *e, const void *data, size_t len)
{
	__u32 used_len = ~0u;

	con_guest_send_many(e, data, len, 1);
	cr_assert(vdrv_wait_used(&e->drv, CON_TXQ, 1, VT_WAIT_MS),
		  "transmit chain not used in %u ms", VT_WAIT_MS);
	cr_assert(vdrv_get_used(&e->drv, CON_TXQ, &used_len) >= 0);
	cr_expect_eq(used_len, 0u, "a transmit chain was written to");
}

int con_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	cr_assert(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0,
		  "connect %s: %s", path, strerror(errno));
	return fd;
}

void con_host_send(int fd, const void *buf, size_t len)
{
	const __u8 *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		cr_assert(n > 0, "host write: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
}

size_t con_host_recv(int fd, void *buf, size_t len, unsigned int ms)
{
	__u64 end = con_now_ms() + ms;
	__u8 *p = buf;
	size_t got = 0;

	while (got < len) {
		__u64 now = con_now_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (now >= end || poll(&pfd, 1, (int)(end - now)) <= 0)
			break;
		n = read(fd, p + got, len - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}
