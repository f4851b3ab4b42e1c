// SPDX-License-Identifier: MIT
/*
 * Description: fuzz virtio-blk, virtio-console and virtio-net request
 * handling (tool/virtio/blk*.c, console.c, net.c) behind real queues,
 * driven through the virtio-mmio register file as a guest would: the
 * input negotiates, sets up rings in guest memory, writes descriptors
 * and request headers, kicks, and lets the devices' own I/O threads
 * (io_uring, the console's and the net device's) serve them.
 *
 * The three devices are made once, as the daemon makes them
 * (hvb_devices_create()): blk on a 64 KiB image in /dev/shm, the
 * console on a unix socket this process is the client of, net on a tap
 * in a network namespace of its own (unshare; without root there is no
 * net device and its inputs go to blk).  Every input starts and ends
 * with a reset (Status = 0), which joins the device's thread.
 *
 * Input: byte 0 picks the device (mod 3: blk, console, net); then
 * 8-byte actions:
 *   0      kind (bits 0-2: 0 register read, 1 register write, 2 kick,
 *          3 guest memory write, 4 wait for the device, 5 console input
 *          (the action's bytes), 6 a frame into net's tap: 14 + a[1]
 *          * 8 bytes, to the device's MAC, a[3..6] repeated), access
 *          size 1 << bits 3-4
 *   1..2   window offset, kicked queue, memory offset or length
 *   3..6   value
 * Guest memory is FZ_MEM bytes at FZ_IPA.  Checked after every action:
 * a live queue's rings lie in guest memory; the image never grows (no
 * write lands past its end).  "Wait" polls up to 20 ms for the device
 * to give back every chain of its transmit (blk: its only) queue and
 * for its receive queue to stand still.
 */
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "device.h"
#include "fuzz.h"
#include "guestmem.h"
#include "log.h"
#include "virtio/virtio.h"
#include "virtio/virtqueue.h"

#define FZ_IPA		0x40000000ull
#define FZ_MEM		0x10000u
#define FZ_WINDOW	0x200u
#define FZ_ACTION	8u
#define FZ_IMG_SIZE	0x10000
#define FZ_NR_DEVS	3

static struct hvb_devices fz_tab;
static struct hvb_guestmem fz_gm;
static uint8_t *fz_mem;
static struct hvb_device *fz_dev[FZ_NR_DEVS];
static char fz_img[64], fz_sock[64];
static int fz_img_fd = -1;	/* ours, to watch its size */
static int fz_client = -1;
static int fz_packet = -1;	/* frames into the tap, for net's receiveq */

static void fz_cleanup(void)
{
	hvb_devices_fini(&fz_tab);
	if (fz_client >= 0)
		close(fz_client);
	if (fz_packet >= 0)
		close(fz_packet);
	if (fz_img_fd >= 0)
		close(fz_img_fd);
}

static struct hvb_device *fz_make(const char *type, __u64 base,
				  const char *opts_json)
{
	struct hvb_device_args args = {
		.zone_id = 1,
		.base = base,
		.size = FZ_WINDOW,
		.kick_dev = -1,
		.irq = 0,
	};
	const char *why = "";
	cJSON *opts = cJSON_Parse(opts_json);

	args.opts = opts;
	if (hvb_devices_create(&fz_tab, type, &args, &why)) {
		fprintf(stderr, "fuzz_devices: no %s: %s\n", type, why);
		cJSON_Delete(opts);
		return NULL;
	}
	cJSON_Delete(opts);
	return hvb_devices_lookup(&fz_tab, 1, base, 4);
}

/*
 * The tap up, IPv6 off (the kernel then sends it nothing of its own),
 * and a packet socket on it: what we send there, the tap's reader (the
 * device) receives.
 */
static void fz_tap_up(void)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int s, fd;

	fd = open("/proc/sys/net/ipv6/conf/hvbfuzz0/disable_ipv6",
		  O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			fprintf(stderr, "fuzz_devices: IPv6 stays on\n");
		close(fd);
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	strcpy(ifr.ifr_name, "hvbfuzz0");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		goto out;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		goto out;
	fz_packet = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			   0);
	sll.sll_ifindex = (int)if_nametoindex("hvbfuzz0");
	if (fz_packet >= 0 &&
	    bind(fz_packet, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(fz_packet);
		fz_packet = -1;
	}
out:
	if (s >= 0)
		close(s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char json[256];
	const char *why = NULL;

	(void)argc;
	(void)argv;
	hvb_log_threshold = HVB_LOG_ERROR;
	fz_mem = calloc(1, FZ_MEM);
	FUZZ_CHECK(fz_mem);
	hvb_guestmem_init(&fz_gm, 1);
	FUZZ_CHECK(hvb_guestmem_add(&fz_gm, FZ_IPA, FZ_MEM, fz_mem, &why) == 0);
	FUZZ_CHECK(hvb_guestmem_register(&fz_gm) == 0);
	hvb_devices_init(&fz_tab);

	snprintf(fz_img, sizeof(fz_img), "/dev/shm/hvb-fuzz-%d.img",
		 (int)getpid());
	fz_img_fd = open(fz_img, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FUZZ_CHECK(fz_img_fd >= 0 && ftruncate(fz_img_fd, FZ_IMG_SIZE) == 0);
	snprintf(json, sizeof(json), "{\"img\": \"%s\", \"serial\": \"fuzz\"}",
		 fz_img);
	fz_dev[0] = fz_make("virtio-blk", 0x0a000000, json);
	/* Open by the device and by us: no name left behind, even when
	 * a crash ends the process. */
	unlink(fz_img);
	FUZZ_CHECK(fz_dev[0]);

	snprintf(fz_sock, sizeof(fz_sock), "/tmp/hvb-fuzz-%d.sock",
		 (int)getpid());
	unlink(fz_sock);
	snprintf(json, sizeof(json), "{\"mode\": \"unix\", \"path\": \"%s\"}",
		 fz_sock);
	fz_dev[1] = fz_make("virtio-console", 0x0a000200, json);
	FUZZ_CHECK(fz_dev[1]);
	fz_client = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			   0);
	strcpy(sa.sun_path, fz_sock);
	FUZZ_CHECK(fz_client >= 0 &&
		   !connect(fz_client, (struct sockaddr *)&sa, sizeof(sa)));
	unlink(fz_sock);

	/* A network namespace of our own: the tap dies with us. */
	if (!unshare(CLONE_NEWNET))
		fz_dev[2] = fz_make("virtio-net", 0x0a000400,
				    "{\"tap\": \"hvbfuzz0\", "
				    "\"mac\": \"02:00:00:00:00:01\"}");
	if (fz_dev[2])
		fz_tap_up();
	atexit(fz_cleanup);
	return 0;
}

static bool fz_settled(const struct hvb_virtio_dev *vd, __u32 q)
{
	const struct hvb_virtqueue *vq = &vd->vqs[q];

	return !vq->ready || hvb_virtio_is_broken(vd) ||
	       __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) ==
	       __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE);
}

/*
 * Wait (20 ms at most) for the device to give back what it was given on
 * its transmit (blk: only) queue, and for its receive queue to stop
 * moving for 1 ms (it waits for input, which may still be on its way);
 * drain the console's output so it is never held by a slow reader.
 */
static void fz_wait(const struct hvb_virtio_dev *vd)
{
	__u32 tx = vd->ops->nr_queues > 1 ? 1 : 0;
	const struct hvb_virtqueue *rx = tx ? &vd->vqs[0] : NULL;
	struct timespec ts = { 0, 100000 };
	__u16 last = 0, now;
	char sink[4096];
	int i, still = 0;

	for (i = 0; i < 200; i++) {
		while (read(fz_client, sink, sizeof(sink)) > 0)
			;
		if (rx && rx->ready && !fz_settled(vd, 0)) {
			now = __atomic_load_n(&rx->used->idx,
					      __ATOMIC_ACQUIRE);
			still = now == last ? still + 1 : 0;
			last = now;
		} else {
			still = 10;
		}
		if (fz_settled(vd, tx) && still >= 10)
			return;
		nanosleep(&ts, NULL);
	}
}

static void fz_frame(unsigned int len, __u32 fill)
{
	static const __u8 dst[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
	__u8 frame[ETH_HLEN + 255 * 8];
	unsigned int i;

	if (fz_packet < 0)
		return;
	memcpy(frame, dst, ETH_ALEN);
	for (i = ETH_ALEN; i < ETH_HLEN + len; i++)
		frame[i] = (__u8)(fill >> (8 * (i % 4)));
	if (send(fz_packet, frame, ETH_HLEN + len, 0) < 0) {
		/* full, or too big for the MTU: the wire's loss */
	}
}

static void fz_check(const struct hvb_virtio_dev *vd)
{
	struct stat st;
	__u32 q;

	for (q = 0; q < vd->ops->nr_queues; q++) {
		const struct hvb_virtqueue *vq = &vd->vqs[q];

		if (!vq->ready)
			continue;
		FUZZ_CHECK(hvb_guestmem_is_valid(vd->mem, vq->desc_addr,
						 16ull * vq->size));
		FUZZ_CHECK(hvb_guestmem_is_valid(vd->mem, vq->driver_addr,
						 6ull + 2ull * vq->size));
		FUZZ_CHECK(hvb_guestmem_is_valid(vd->mem, vq->device_addr,
						 6ull + 8ull * vq->size));
	}
	FUZZ_CHECK(!fstat(fz_img_fd, &st) && st.st_size == FZ_IMG_SIZE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hvb_virtio_dev *vd;
	struct hvb_device *d;
	__u64 zero = 0;
	size_t pos;

	if (size < 1)
		return 0;
	d = fz_dev[data[0] % FZ_NR_DEVS];
	if (!d)
		d = fz_dev[0];
	vd = hvb_virtio_from_device(d);
	FUZZ_CHECK(vd);
	d->ops->access(d, VIRTIO_MMIO_STATUS, 4, true, &zero);
	memset(fz_mem, 0, FZ_MEM);

	for (pos = 1; pos < size; pos += FZ_ACTION) {
		const uint8_t *a = data + pos;
		size_t n = size - pos;
		__u32 bytes = 1u << ((a[0] >> 3) & 3);
		__u64 off = fuzz_le(a + 1, n - 1, 2);
		__u64 value = fuzz_le(a + 3, n > 3 ? n - 3 : 0, 4);

		switch (a[0] & 7) {
		case 0:
		case 1:
			off %= FZ_WINDOW - (bytes - 1);
			d->ops->access(d, off, bytes, a[0] & 1, &value);
			break;
		case 2:
			d->ops->kick(d, (__u32)off % HVB_KICK_QUEUES);
			break;
		case 3:
			off %= FZ_MEM - 3;
			memcpy(fz_mem + off, &value, 4);
			break;
		case 4:
			fz_wait(vd);
			break;
		case 5:
			/* Input for the console: bytes of the action. */
			if (write(fz_client, a, n < FZ_ACTION ? n : FZ_ACTION)
			    < 0) {
				/* full: the device has not read it yet */
			}
			break;
		case 6:
			fz_frame((n > 1 ? a[1] : 0) * 8u, (__u32)value);
			break;
		default:
			break;
		}
		fz_check(vd);
	}
	fz_wait(vd);
	d->ops->access(d, VIRTIO_MMIO_STATUS, 4, true, &zero);
	fz_check(vd);
	return 0;
}
