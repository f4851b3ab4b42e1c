// SPDX-License-Identifier: MIT
/*
 * The state file of a virtio device (vstate.h): attach, check, detach,
 * and the register copy.  Resuming from it is the register file's job
 * (mmio.c, hvb_virtio_mmio_resume()) and the queues' (virtqueue.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "virtqueue.h"
#include "vstate.h"

/* Point the device and its queues at @vs. */
static void vstate_use(struct hvb_virtio_dev *vd, struct hvb_vstate *vs)
{
	__u32 i;

	vd->vs = vs;
	for (i = 0; i < vd->ops->nr_queues; i++)
		vd->vqs[i].vs = &vs->q[i];
}

/* Make @vs the state of @vd as it stands now (reset, at attach). */
static void vstate_fill(struct hvb_virtio_dev *vd, struct hvb_vstate *vs,
			__u32 epoch, __u32 zone_gen)
{
	memset(vs, 0, sizeof(*vs));
	vs->magic = HVB_VSTATE_MAGIC;
	vs->version = HVB_VSTATE_VERSION;
	vs->size = sizeof(*vs);
	vs->epoch = epoch;
	vs->zone_gen = zone_gen;
	vs->zone = vd->dev->zone_id;
	vs->device_id = vd->ops->device_id;
	vs->base = vd->dev->base;
	vs->nr_queues = vd->ops->nr_queues;
	vs->status = __atomic_load_n(&vd->status, __ATOMIC_ACQUIRE);
	vs->isr = __atomic_load_n(&vd->isr, __ATOMIC_ACQUIRE);
	vs->config_gen = __atomic_load_n(&vd->config_gen, __ATOMIC_ACQUIRE);
}

static bool vstate_is_ours(const struct hvb_virtio_dev *vd,
			   const struct hvb_vstate *vs, __u32 epoch)
{
	return vs->zone == vd->dev->zone_id && vs->base == vd->dev->base &&
	       vs->device_id == vd->ops->device_id &&
	       vs->nr_queues == vd->ops->nr_queues &&
	       vs->epoch + 1 == epoch;
}

const char *hvb_vstate_default_dir(void)
{
	const char *dir = getenv(HVB_VSTATE_DIR_ENV);

	return dir && *dir ? dir : HVB_VSTATE_DIR;
}

int hvb_vstate_attach(struct hvb_virtio_dev *vd, const char *dir,
		      __u32 epoch, __u32 zone_gen, bool *resume, char *err,
		      size_t err_len)
{
	bool old_version = false;
	char path[512];
	struct hvb_vstate *vs;
	struct stat st;
	int fd, e;

	*resume = false;
	snprintf(path, sizeof(path), "%s/zone%u-%llx.state", dir,
		 vd->dev->zone_id, (unsigned long long)vd->dev->base);
	if (mkdir(dir, 0700) && errno != EEXIST) {
		e = errno;
		snprintf(err, err_len, "state directory %s: %s", dir,
			 strerror(e));
		return -e;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		e = errno;
		snprintf(err, err_len, "%s: %s", path, strerror(e));
		return -e;
	}
	/* One daemon per state file, as per region; dies with it. */
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		e = errno == EWOULDBLOCK ? EBUSY : errno;
		snprintf(err, err_len, "%s: %s", path, e == EBUSY ?
			 "another daemon holds it" : strerror(e));
		close(fd);
		return -e;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, err_len, "%s: not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	if (st.st_size == 0 && ftruncate(fd, sizeof(*vs))) {
		e = errno;
		snprintf(err, err_len, "%s: %s", path, strerror(e));
		close(fd);
		return -e;
	}
	if (st.st_size != 0 && st.st_size != (off_t)sizeof(*vs)) {
		snprintf(err, err_len, "%s: %lld bytes, not the %zu of state version %u; remove it to start the device afresh",
			 path, (long long)st.st_size, sizeof(*vs),
			 HVB_VSTATE_VERSION);
		close(fd);
		return -EPROTO;
	}
	vs = mmap(NULL, sizeof(*vs), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		  0);
	/* The lock lives as long as the open file: keep the fd. */
	if (vs == MAP_FAILED) {
		e = errno;
		snprintf(err, err_len, "%s: mmap: %s", path, strerror(e));
		close(fd);
		return -e;
	}
	/* Version 1 has the same size and no generation: the run it
	 * belongs to is unknown, so it is not resumed. */
	old_version = st.st_size != 0 && vs->magic == HVB_VSTATE_MAGIC &&
		      vs->version == 1 && vs->size == sizeof(*vs);
	if (st.st_size != 0 && !old_version &&
	    (vs->magic != HVB_VSTATE_MAGIC ||
	     vs->version != HVB_VSTATE_VERSION || vs->size != sizeof(*vs))) {
		snprintf(err, err_len, "%s: bad header (magic 0x%x, version %u, size %u; want 0x%x, %u, %zu); remove it to start the device afresh",
			 path, vs->magic, vs->version, vs->size,
			 HVB_VSTATE_MAGIC, HVB_VSTATE_VERSION, sizeof(*vs));
		munmap(vs, sizeof(*vs));
		close(fd);
		return -EPROTO;
	}
	vd->vs_fd = fd;
	if (st.st_size != 0 && !old_version && vstate_is_ours(vd, vs, epoch) &&
	    vs->zone_gen == zone_gen) {
		vs->epoch = epoch;
		*resume = true;
	} else {
		if (old_version)
			hvb_info("%s: state version 1 (no zone generation); starting %s afresh",
				 path, vd->dev->name);
		else if (st.st_size != 0 && vstate_is_ours(vd, vs, epoch))
			hvb_info("%s: zone %u was stopped since (generation %u, now %u); starting %s afresh",
				 path, vd->dev->zone_id, vs->zone_gen,
				 zone_gen, vd->dev->name);
		else if (st.st_size != 0)
			hvb_info("%s: left by another device or run; starting %s afresh",
				 path, vd->dev->name);
		vstate_fill(vd, vs, epoch, zone_gen);
	}
	free(vd->vs_own);
	vd->vs_own = NULL;
	vstate_use(vd, vs);
	return 0;
}

void hvb_vstate_detach(struct hvb_virtio_dev *vd)
{
	struct hvb_vstate *own;

	if (vd->vs_fd < 0)
		return;
	/* A private copy, so that the destroy that follows (a reset)
	 * clears it and not the file the next daemon resumes from. */
	own = malloc(sizeof(*own));
	if (own)
		memcpy(own, vd->vs, sizeof(*own));
	munmap(vd->vs, sizeof(*vd->vs));
	close(vd->vs_fd);
	vd->vs_fd = -1;
	vd->vs_own = own;
	if (own) {
		vstate_use(vd, own);
	} else {
		__u32 i;

		vd->vs = NULL;
		for (i = 0; i < vd->ops->nr_queues; i++)
			vd->vqs[i].vs = NULL;
	}
}

void hvb_vstate_save_regs(struct hvb_virtio_dev *vd)
{
	struct hvb_vstate *vs = vd->vs;
	__u32 i;

	if (!vs)
		return;
	vs->queue_sel = vd->queue_sel;
	vs->device_features_sel = vd->device_features_sel;
	vs->driver_features_sel = vd->driver_features_sel;
	vs->driver_features = vd->driver_features;
	vs->features = vd->features;
	for (i = 0; i < vd->ops->nr_queues; i++) {
		struct hvb_virtqueue *vq = &vd->vqs[i];

		vs->q[i].num = vq->num;
		vs->q[i].desc_addr = vq->desc_addr;
		vs->q[i].driver_addr = vq->driver_addr;
		vs->q[i].device_addr = vq->device_addr;
		/* Last: a queue recorded ready has its addresses. */
		__atomic_store_n(&vs->q[i].ready, vq->ready, __ATOMIC_RELEASE);
	}
}
