// SPDX-License-Identifier: MIT
/*
 * The host-attached transport: the daemon on the build machine serves a
 * hypervisor running under QEMU by mapping the file QEMU uses as the
 * machine's RAM (-object memory-backend-file,share=on,mem-path=FILE
 * -machine memory-backend=...).  Byte N of the file is physical address
 * ram_base + N, so the channel region is at file offset region_phys -
 * ram_base and a zone's memory window is just another offset into the
 * same mapping.
 *
 * The region is the hypervisor's: it formats it at boot, and open()
 * refuses the file until a valid region sits at region_phys, with the
 * address and the reason in the message, so a wrong --region-phys or
 * --ram-base is caught before anything is served.
 *
 * The daemon polls.  The hypervisor's wake is an SPI set pending in the
 * emulated GIC, which only software inside the QEMU machine (the root
 * zone's hvbridge.ko) could take; no process outside QEMU sees it.  For
 * the same reason raise_irq() cannot reach a guest: the guest polls its
 * used rings.
 *
 * One daemon per file: an exclusive flock, held until close(), as the sim
 * transport does for its region file.  QEMU itself takes no lock on a
 * memory backend file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hvbridge/barrier.h>
#include <hvbridge/region.h>

#include "transport.h"

/* t->priv: the layout (set before open) and the RAM mapping. */
struct host_priv {
	__u64 ram_base;		/* physical address of the file's byte 0 */
	__u64 region_phys;	/* physical address of the channel region */
	__u8 *ram;		/* the whole file, shared with QEMU */
	__u64 ram_size;
};

static struct host_priv *host_priv(struct hvb_transport *t)
{
	struct host_priv *p;

	if (t->priv)
		return t->priv;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->ram_base = HVB_HOST_RAM_BASE;
	p->region_phys = HVB_HOST_REGION_PHYS;
	t->priv = p;
	return p;
}

int hvb_transport_host_set_layout(struct hvb_transport *t, __u64 ram_base,
				  __u64 region_phys)
{
	struct host_priv *p = host_priv(t);

	if (!p)
		return -ENOMEM;
	if (p->ram) {
		snprintf(t->error, sizeof(t->error),
			 "the layout must be set before open()");
		return -EBUSY;
	}
	p->ram_base = ram_base;
	p->region_phys = region_phys;
	return 0;
}

/* Undo open(); the layout stays, so open() may be tried again. */
static void host_unmap(struct hvb_transport *t)
{
	struct host_priv *p = t->priv;

	if (p && p->ram)
		munmap(p->ram, (size_t)p->ram_size);
	if (p) {
		p->ram = NULL;
		p->ram_size = 0;
	}
	t->region = NULL;
	t->size = 0;
	/* Closing the last descriptor drops the flock. */
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

static void host_close(struct hvb_transport *t)
{
	host_unmap(t);
	free(t->priv);
	t->priv = NULL;
}

static int host_fail(struct hvb_transport *t, int err, const char *path,
		     const char *what)
{
	snprintf(t->error, sizeof(t->error), "%s: %s: %s", path, what,
		 strerror(-err));
	host_unmap(t);
	return err;
}

/*
 * The region at p->region_phys, once the file is mapped: its size is the
 * header's, bounded by what the file holds past that offset, and the
 * whole header is checked (hvb_region_check) before anyone relies on it.
 */
static int host_find_region(struct hvb_transport *t, const char *path)
{
	struct host_priv *p = t->priv;
	const struct hvb_region_header *h;
	__u64 off, avail, size;
	int err;

	off = p->region_phys - p->ram_base;
	if (p->region_phys < p->ram_base || off >= p->ram_size ||
	    off % HVB_REGION_ALIGN ||
	    p->ram_size - off < sizeof(struct hvb_region_header)) {
		snprintf(t->error, sizeof(t->error),
			 "%s: region PA 0x%llx is not inside the RAM the file holds (PA 0x%llx-0x%llx), or not %u-byte aligned; check --region-phys and --ram-base",
			 path, (unsigned long long)p->region_phys,
			 (unsigned long long)p->ram_base,
			 (unsigned long long)(p->ram_base + p->ram_size - 1),
			 (unsigned int)HVB_REGION_ALIGN);
		return -EINVAL;
	}
	avail = p->ram_size - off;
	h = (const struct hvb_region_header *)(p->ram + off);
	/* The hypervisor wrote it before QEMU let anyone start us (the
	 * e2e scripts wait for its boot line); the consumer re-checks on
	 * attach.  A size past the file is a wrong region, not a fault. */
	size = hvb_read_once_u64(&h->region_size);
	if (!size || size > avail)
		size = avail;
	err = hvb_region_check(h, size);
	if (err) {
		snprintf(t->error, sizeof(t->error),
			 "%s: no channel region at PA 0x%llx (file offset 0x%llx): %s; is --region-phys right (the hypervisor's is 0x%llx) and does QEMU's RAM start at --ram-base 0x%llx?",
			 path, (unsigned long long)p->region_phys,
			 (unsigned long long)off, hvb_region_strerror(err),
			 (unsigned long long)HVB_HOST_REGION_PHYS,
			 (unsigned long long)p->ram_base);
		return -EPROTO;
	}
	t->region = p->ram + off;
	t->size = size;
	return 0;
}

static int host_open(struct hvb_transport *t, const char *path)
{
	struct host_priv *p = host_priv(t);
	struct stat st;
	void *mem;
	int err;

	t->region = NULL;
	t->size = 0;
	t->error[0] = '\0';
	if (!p)
		return host_fail(t, -ENOMEM, path, "cannot allocate");
	t->fd = open(path, O_RDWR | O_CLOEXEC);
	if (t->fd < 0)
		return host_fail(t, -errno, path, "cannot open");
	if (flock(t->fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK)
			return host_fail(t, -errno, path, "cannot lock");
		snprintf(t->error, sizeof(t->error),
			 "another daemon already serves %s", path);
		host_unmap(t);
		return -EBUSY;
	}
	if (fstat(t->fd, &st))
		return host_fail(t, -errno, path, "cannot stat");
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > SIZE_MAX ||
	    p->ram_base > UINT64_MAX - ((__u64)st.st_size - 1))
		return host_fail(t, -EINVAL, path,
				 "not a RAM file (QEMU memory-backend-file)");
	mem = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED, t->fd, 0);
	if (mem == MAP_FAILED)
		return host_fail(t, -errno, path, "cannot map");
	p->ram = mem;
	p->ram_size = (__u64)st.st_size;
	err = host_find_region(t, path);
	if (err)
		host_unmap(t);
	return err;
}

static bool host_can_sleep(struct hvb_transport *t)
{
	(void)t;
	return false;	/* the wake SPI stays inside QEMU: poll */
}

static int host_wait(struct hvb_transport *t, __u32 *wake_word, __u32 token)
{
	(void)t;
	(void)wake_word;
	(void)token;
	return -EOPNOTSUPP;	/* never called: can_sleep() is false */
}

/* [a, a + as) and [b, b + bs) share a byte; neither wraps. */
static bool host_overlaps(__u64 a, __u64 as, __u64 b, __u64 bs)
{
	return a < b + bs && b < a + as;
}

static void *host_map_phys(struct hvb_transport *t, __u64 phys, __u64 size,
			   const char **why)
{
	struct host_priv *p = t->priv;
	__u64 off;

	if (!p || !p->ram) {
		*why = "the RAM file is not open";
		return NULL;
	}
	off = phys - p->ram_base;
	if (phys < p->ram_base || off >= p->ram_size || size == 0 ||
	    size > p->ram_size - off) {
		*why = "memory region lies outside QEMU's RAM file";
		return NULL;
	}
	/* A zone's memory never includes the channel: a device writing
	 * guest buffers there would forge requests and responses. */
	if (host_overlaps(phys, size, p->region_phys, t->size)) {
		*why = "memory region overlaps the channel region";
		return NULL;
	}
	return p->ram + off;
}

/*
 * Nothing outside QEMU can raise a guest interrupt: the guest polls its
 * used rings.  The caller (virtio/core.c) says so once in the log.
 */
static int host_raise_irq(struct hvb_transport *t, __u32 zone, __u32 irq)
{
	(void)t;
	(void)zone;
	(void)irq;
	return -ENOTSUP;
}

const struct hvb_transport_ops hvb_transport_host = {
	.name = "host",
	.owner = HVB_OWNER_HOST,
	.open = host_open,
	.can_sleep = host_can_sleep,
	.wait = host_wait,
	.close = host_close,
	.map_phys = host_map_phys,
	.raise_irq = host_raise_irq,
};
