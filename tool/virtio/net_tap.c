// SPDX-License-Identifier: MIT
/*
 * The tap behind virtio-net (net.h): /dev/net/tun in TAP mode, no packet
 * information prefix, and the virtio-net header on every frame
 * (IFF_VNET_HDR) sized to the virtio 1 header.  No offloads are turned on
 * (TUNSETOFFLOAD 0), matching the features the device offers: the kernel
 * hands us complete frames with complete checksums, and expects the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "net.h"

int net_tap_open(const char *name, char *ifname, unsigned int hdr_len,
		 const char **why)
{
	struct ifreq ifr;
	int fd, err, sz = (int)hdr_len;

	if (strlen(name) >= IFNAMSIZ) {
		*why = "options.tap: an interface name is at most 15 characters";
		return -EINVAL;
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*why = "cannot open /dev/net/tun";
		return -errno;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	strcpy(ifr.ifr_name, name);
	*why = "cannot attach to the tap (options.tap; needs CAP_NET_ADMIN)";
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		goto fail;
	*why = "the tap refused the virtio-net header size or offloads";
	if (ioctl(fd, TUNSETVNETHDRSZ, &sz) < 0 ||
	    ioctl(fd, TUNSETOFFLOAD, 0ul) < 0)
		goto fail;
	memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
	ifname[IFNAMSIZ - 1] = '\0';
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}
