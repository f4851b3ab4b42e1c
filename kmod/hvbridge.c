// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * hvbridge.ko - the root zone's bridge between the EL2 hypervisor's
 * request channel and the user-space daemon.
 *
 * On probe it allocates the channel region in the root zone's RAM,
 * formats it and hands it to the hypervisor (HVB_HC_CHANNEL_ATTACH);
 * the hypervisor's wake interrupt bumps a counter the daemon waits on.
 * /dev/hvbridge lets root processes drive the zones and read the
 * region's statistics; the one file holding the daemon role also maps
 * the region writable and the zones' shared RAM, and waits for wakes.
 * The user ABI is in hvbridge/kmod-ioctl.h, the hypercalls in
 * hvbridge/hypercall.h; both are described in docs/kmod.md and
 * docs/hypercalls.md.
 */
#include <linux/arm-smccc.h>
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/libnvdimm.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mod_devicetable.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <asm/cacheflush.h>

#include <hvbridge/channel.h>
#include <hvbridge/hypercall.h>
#include <hvbridge/kmod-ioctl.h>
#include <hvbridge/region.h>
#include <hvbridge/zone-desc.h>

#define HVB_MAX_WINDOWS	16
/* How long HVB_IOC_ZONE_DESTROY waits for a zone's CPUs to stop. */
#define HVB_DESTROY_TRIES	200
#define HVB_DESTROY_WAIT_MS	10

static unsigned int nr_cpus;
module_param(nr_cpus, uint, 0444);
MODULE_PARM_DESC(nr_cpus,
		 "CPU slots of the region (0: as many as the hypervisor needs)");

static unsigned int timeout_ms;
module_param(timeout_ms, uint, 0444);
MODULE_PARM_DESC(timeout_ms,
		 "How long a zone's access waits for a live but slow daemon before the zone gets an abort, in ms (0: the hypervisor's default, 500; at most 10000)");

/**
 * struct hvb_window - a zone's RAM window the daemon may map
 * @zone_id: the zone
 * @phys: physical address (the mmap offset)
 * @size: bytes
 */
struct hvb_window {
	u32 zone_id;
	u64 phys;
	u64 size;
};

/**
 * struct hvb_dev - the one bridge device
 * @misc: /dev/hvbridge
 * @dev: the platform device's struct device, for messages
 * @region: the channel region (kernel address)
 * @region_phys: its physical address
 * @region_size: its size, a multiple of PAGE_SIZE
 * @nr_cpus: its CPU slots
 * @hc_version: what HVB_HC_VERSION answered
 * @formatted_ns: CLOCK_REALTIME when the region was formatted (the zero
 *	of its counters; HVB_IOC_INFO reports it)
 * @wakes: wake interrupts (and user writes) counted since probe
 * @wq: readers waiting for @wakes to change
 * @daemon: the file holding the daemon role, or NULL
 * @daemon_lock: serialises claiming and releasing @daemon
 * @zone_buf: a buffer in our RAM for HVB_HC_ZONE_LIST
 * @zone_lock: serialises the use of @zone_buf (held across copies to
 *	user space: never taken under mmap_lock)
 * @ctl_lock: serialises zone create and destroy (held across copies
 *	from user space)
 * @win_lock: guards @windows and @nr_windows (taken by mmap, under
 *	mmap_lock: nothing under it touches user memory)
 * @nr_zones: zones the hypervisor reported at probe
 * @nr_windows: entries of @windows
 * @windows: the mappable RAM windows: the zones' shared RAM, and the
 *	guest pool (the root zone's shared window)
 */
struct hvb_dev {
	struct miscdevice misc;
	struct device *dev;
	void *region;
	phys_addr_t region_phys;
	size_t region_size;
	u32 nr_cpus;
	u32 hc_version;
	u64 formatted_ns;
	atomic64_t wakes;
	wait_queue_head_t wq;
	struct file *daemon;
	struct mutex daemon_lock;	/* @daemon */
	struct hvb_zone_info *zone_buf;
	struct mutex zone_lock;	/* zone_buf */
	struct mutex ctl_lock;	/* zone create and destroy */
	struct mutex win_lock;	/* windows, nr_windows */
	u32 nr_zones;
	u32 nr_windows;
	struct hvb_window windows[HVB_MAX_WINDOWS];
};

/**
 * struct hvb_file - per-open state
 * @hd: the device
 * @seen: the wake counter as this file's last read returned it
 * @lock: serialises reads of this file (@seen)
 */
struct hvb_file {
	struct hvb_dev *hd;
	u64 seen;
	struct mutex lock;	/* @seen */
};

/**
 * hvb_is_daemon() - does @file hold the daemon role?
 * @file: an open file of the device
 *
 * Unlocked: only a claim on @file turns the answer on, and only
 * @file's release, when no other call on @file can run, turns it off.
 *
 * Return: true if so.
 */
static bool hvb_is_daemon(struct file *file)
{
	struct hvb_file *hf = file->private_data;

	return READ_ONCE(hf->hd->daemon) == file;
}

/**
 * hvb_hc() - make a hypercall
 * @fn: HVB_HC_* function id
 * @a1: first argument (x1)
 * @a2: second argument (x2)
 * @res: the four result registers
 *
 * Return: x0 as a signed value: >= 0 on success, else an HVB_HC_E* code.
 */
static long hvb_hc(u32 fn, u64 a1, u64 a2, struct arm_smccc_res *res)
{
	arm_smccc_1_1_hvc(fn, a1, a2, res);
	return (long)res->a0;
}

/**
 * hvb_hc_errno() - turn a hypercall's error into an errno
 * @ret: negative HVB_HC_E* code
 *
 * Return: the negative errno kmod-ioctl.h documents for @ret.
 */
static int hvb_hc_errno(long ret)
{
	switch (ret) {
	case HVB_HC_EINVAL:
	case HVB_HC_EZONE:
		return -EINVAL;
	case HVB_HC_EAGAIN:
		return -EAGAIN;
	case HVB_HC_ENOENT:
		return -ENOENT;
	case HVB_HC_EBUSY:
	case HVB_HC_ESTATE:
		return -EBUSY;
	case HVB_HC_EDENIED:
		return -EPERM;
	case HVB_HC_EDEVICES:
		return -EAGAIN;
	}
	return -EIO;
}

/**
 * hvb_zone_list() - ask the hypervisor for its zones
 * @hd: the device
 *
 * Fills @hd->zone_buf; the caller holds @hd->zone_lock.
 *
 * Return: the number of zones (at most HVB_IOC_MAX_ZONES valid entries
 * in the buffer), or a negative errno.
 */
static int hvb_zone_list(struct hvb_dev *hd)
{
	struct arm_smccc_res res;
	long ret;

	lockdep_assert_held(&hd->zone_lock);
	ret = hvb_hc(HVB_HC_ZONE_LIST, virt_to_phys(hd->zone_buf),
		     HVB_IOC_MAX_ZONES * sizeof(*hd->zone_buf), &res);
	if (ret < 0)
		return hvb_hc_errno(ret);
	return ret > INT_MAX ? INT_MAX : (int)ret;
}

/**
 * hvb_add_windows() - remember the shared RAM windows of one zone
 * @hd: the device
 * @zone: the zone, as HVB_HC_ZONE_LIST reported it
 *
 * Only RAM the hypervisor also maps in the root zone can be mapped for
 * the daemon; everything else of the zone stays out of reach.
 */
static void hvb_add_windows(struct hvb_dev *hd, const struct hvb_zone_info *zone)
{
	struct arm_smccc_res res;
	struct hvb_window *w;
	u32 i;
	long ret;

	for (i = 0; i < zone->nr_mem && hd->nr_windows < HVB_MAX_WINDOWS; i++) {
		ret = hvb_hc(HVB_HC_ZONE_MEM, zone->id, i, &res);
		if (ret < 0 || !(ret & HVB_ZONE_MEM_SHARED))
			continue;
		if (!res.a3 || !PAGE_ALIGNED(res.a1) || !PAGE_ALIGNED(res.a3) ||
		    res.a1 + res.a3 < res.a1)
			continue;
		w = &hd->windows[hd->nr_windows++];
		w->zone_id = zone->id;
		w->phys = res.a1;
		w->size = res.a3;
		dev_info(hd->dev, "zone %s (id %u): window %pa+%#llx mappable\n",
			 zone->name, zone->id, &w->phys, w->size);
	}
}

/**
 * hvb_find_windows() - list the zones and their mappable windows
 * @hd: the device
 *
 * The table is built anew: zones come and go (HVB_IOC_ZONE_CREATE,
 * HVB_IOC_ZONE_DESTROY).  Lock order: @zone_lock, then @win_lock.
 *
 * Return: 0, or a negative errno when the zones cannot be listed.
 */
static int hvb_find_windows(struct hvb_dev *hd)
{
	struct hvb_zone_info *z;
	int n, i;

	mutex_lock(&hd->zone_lock);
	mutex_lock(&hd->win_lock);
	hd->nr_windows = 0;
	n = hvb_zone_list(hd);
	if (n < 0)
		goto out;
	hd->nr_zones = n;
	for (i = 0; i < n && i < HVB_IOC_MAX_ZONES; i++) {
		z = &hd->zone_buf[i];
		z->name[HVB_ZONE_NAME_LEN - 1] = '\0';
		/*
		 * The root zone's one shared window is the pool guest zones
		 * take their RAM from: a daemon started before its zones
		 * (hvisor-tool's order) maps their RAM there.
		 */
		hvb_add_windows(hd, z);
	}
	n = 0;
out:
	mutex_unlock(&hd->win_lock);
	mutex_unlock(&hd->zone_lock);
	return n;
}

/**
 * hvb_open() - open /dev/hvbridge
 * @inode: the device node
 * @file: the new file
 *
 * Any number of root files may be open; one of them may later claim the
 * daemon role (hvb_ioc_claim()).
 *
 * Return: 0; -EPERM without CAP_SYS_ADMIN; -ENOMEM.
 */
static int hvb_open(struct inode *inode, struct file *file)
{
	struct hvb_dev *hd = container_of(file->private_data, struct hvb_dev,
					  misc);
	struct hvb_file *hf;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	hf = kzalloc(sizeof(*hf), GFP_KERNEL);
	if (!hf)
		return -ENOMEM;
	hf->hd = hd;
	mutex_init(&hf->lock);
	hf->seen = atomic64_read(&hd->wakes);
	file->private_data = hf;
	return stream_open(inode, file);
}

/**
 * hvb_daemon_gone() - tell the hypervisor that no daemon is attached
 * @hd: the device
 *
 * Called when the daemon's file is released: the daemon exited, killed
 * or not, and nothing of it still maps the region.  A daemon that
 * detached left ABSENT already; one killed with SIGKILL left RUNNING or
 * SLEEPING, which would make the hypervisor time its requests out after
 * 500 ms.  ABSENT makes it hold them for the next daemon instead
 * (docs/abi.md, "No daemon: the hold").
 */
static void hvb_daemon_gone(struct hvb_dev *hd)
{
	struct hvb_wake *w = hvb_region_wake(hd->region);

	/*
	 * Barrier P: fully ordered, so everything the dead daemon wrote
	 * comes before ABSENT; pairs with the producers' acquire of
	 * consumer_state in their wait (Barrier P') and with the next
	 * daemon's exchange to RUNNING.  An exchange, not a store: a
	 * producer's SLEEPING -> RUNNING swap may race with it, and
	 * either order ends in ABSENT.
	 */
	xchg(&w->consumer_state, HVB_CONSUMER_ABSENT);
	WRITE_ONCE(w->consumer_pid, 0);
}

/**
 * hvb_release() - the last reference to the file is gone
 * @inode: the device node
 * @file: the file
 *
 * Mappings hold the file, so this runs only once its process has
 * unmapped everything too (or exited, killed or not); only then is the
 * daemon role, if this file held it, free for the next daemon, and the
 * region says that no daemon is attached (hvb_daemon_gone()).
 *
 * Return: 0.
 */
static int hvb_release(struct inode *inode, struct file *file)
{
	struct hvb_file *hf = file->private_data;
	struct hvb_dev *hd = hf->hd;

	mutex_lock(&hd->daemon_lock);
	if (hd->daemon == file) {
		/*
		 * Before the role is free: the next daemon's attach comes
		 * after this ABSENT, never before it.
		 */
		hvb_daemon_gone(hd);
		WRITE_ONCE(hd->daemon, NULL);
	}
	mutex_unlock(&hd->daemon_lock);
	mutex_destroy(&hf->lock);
	kfree(hf);
	return 0;
}

/**
 * hvb_read() - wait for a wake
 * @file: the file
 * @buf: user buffer, at least 8 bytes
 * @len: its size
 * @ppos: ignored (a stream)
 *
 * Blocks until the wake counter differs from what this file's last read
 * returned, then returns the counter.  The wait condition is checked
 * after the task is queued (wait_event_interruptible()), and the
 * interrupt handler increments before it wakes, so an interrupt between
 * the daemon's last look for work and this wait is never lost.
 *
 * Return: 8; -EACCES unless this file is the daemon's; -EINVAL for a
 * short buffer; -EAGAIN (O_NONBLOCK); -ERESTARTSYS on a signal; -EFAULT.
 */
static ssize_t hvb_read(struct file *file, char __user *buf, size_t len,
			loff_t *ppos)
{
	struct hvb_file *hf = file->private_data;
	struct hvb_dev *hd = hf->hd;
	u64 now;
	int ret;

	if (!hvb_is_daemon(file))
		return -EACCES;
	if (len < sizeof(now))
		return -EINVAL;
	if (mutex_lock_interruptible(&hf->lock))
		return -ERESTARTSYS;
	for (;;) {
		now = atomic64_read(&hd->wakes);
		if (now != hf->seen)
			break;
		ret = -EAGAIN;
		if (file->f_flags & O_NONBLOCK)
			goto out;
		ret = wait_event_interruptible(hd->wq,
					       atomic64_read(&hd->wakes) !=
					       hf->seen);
		if (ret)
			goto out;
	}
	ret = -EFAULT;
	if (copy_to_user(buf, &now, sizeof(now)))
		goto out;
	WRITE_ONCE(hf->seen, now);	/* hvb_poll() reads it unlocked */
	ret = sizeof(now);
out:
	mutex_unlock(&hf->lock);
	return ret;
}

/**
 * hvb_write() - wake the reader by hand
 * @file: the file
 * @buf: a u64 that must be 1
 * @len: 8
 * @ppos: ignored (a stream)
 *
 * Return: 8, -EACCES (not the daemon's file), -EINVAL or -EFAULT.
 */
static ssize_t hvb_write(struct file *file, const char __user *buf,
			 size_t len, loff_t *ppos)
{
	struct hvb_file *hf = file->private_data;
	u64 v;

	if (!hvb_is_daemon(file))
		return -EACCES;
	if (len != sizeof(v))
		return -EINVAL;
	if (copy_from_user(&v, buf, sizeof(v)))
		return -EFAULT;
	if (v != 1)
		return -EINVAL;
	atomic64_inc(&hf->hd->wakes);
	wake_up_interruptible(&hf->hd->wq);
	return sizeof(v);
}

/**
 * hvb_poll() - readable while the counter differs from the last read
 * @file: the file
 * @pt: poll table
 *
 * Return: EPOLLIN | EPOLLRDNORM when a read would not block, else 0;
 * EPOLLERR for a file that is not the daemon's (its read fails).
 */
static __poll_t hvb_poll(struct file *file, poll_table *pt)
{
	struct hvb_file *hf = file->private_data;
	struct hvb_dev *hd = hf->hd;

	if (!hvb_is_daemon(file))
		return EPOLLERR;
	poll_wait(file, &hd->wq, pt);
	if (atomic64_read(&hd->wakes) != READ_ONCE(hf->seen))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

/**
 * hvb_mmap_phys() - what an mmap request may map
 * @hd: the device
 * @off: the mmap offset in bytes
 * @len: the mapping's length
 * @phys: the physical address to map
 *
 * Return: 0 with @phys set if [@off, @off + @len) is the region (offset
 * 0, not past its end) or lies within one zone window; -EINVAL otherwise.
 */
static int hvb_mmap_phys(struct hvb_dev *hd, u64 off, u64 len, u64 *phys)
{
	const struct hvb_window *w;
	u32 i;

	if (off == HVB_MMAP_REGION) {
		if (len > hd->region_size)
			return -EINVAL;
		*phys = hd->region_phys;
		return 0;
	}
	for (i = 0; i < hd->nr_windows; i++) {
		w = &hd->windows[i];
		if (off >= w->phys && off - w->phys < w->size &&
		    len <= w->size - (off - w->phys)) {
			*phys = off;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * hvb_mmap() - map the region or a zone window
 * @file: the file
 * @vma: the new mapping
 *
 * Shared mappings only, with the default (Normal write-back cacheable)
 * attributes, which are those the hypervisor and the zones use.  The
 * mapping holds the file, hence the module.  A file without the daemon
 * role may map only the region, read-only and for good (no VM_MAYWRITE,
 * so mprotect() cannot make it writable): the statistics.
 *
 * Return: 0, -EINVAL (what is asked for is not mappable), -EACCES (not
 * by this file) or remap_pfn_range()'s error.
 */
static int hvb_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct hvb_file *hf = file->private_data;
	u64 len = vma->vm_end - vma->vm_start, off, phys;
	int ret;

	/*
	 * VM_MAYSHARE, not VM_SHARED: mmap() drops VM_SHARED from a shared
	 * mapping of a file opened read-only, such as `hvbridge stat`'s.
	 */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vma->vm_pgoff > (U64_MAX >> PAGE_SHIFT))
		return -EINVAL;
	off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	mutex_lock(&hf->hd->win_lock);
	ret = hvb_mmap_phys(hf->hd, off, len, &phys);
	mutex_unlock(&hf->hd->win_lock);
	if (ret)
		return ret;
	if (!hvb_is_daemon(file)) {
		if (off != HVB_MMAP_REGION || (vma->vm_flags & VM_WRITE))
			return -EACCES;
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	return remap_pfn_range(vma, vma->vm_start, PHYS_PFN(phys), len,
			       vma->vm_page_prot);
}

/**
 * hvb_copy_req() - copy an ioctl's struct in and check its unused tail
 * @req: the kernel copy
 * @size: sizeof(*@req)
 * @flags_off: offsetof() its flags word, which the reserved words
 *	follow to the end of the struct (kmod-ioctl.h asserts that layout)
 * @arg: the user pointer
 *
 * Return: 0; -EFAULT; -EINVAL when flags or a reserved word is not zero.
 */
static int hvb_copy_req(void *req, size_t size, size_t flags_off,
			const void __user *arg)
{
	if (copy_from_user(req, arg, size))
		return -EFAULT;
	if (memchr_inv((u8 *)req + flags_off, 0, size - flags_off))
		return -EINVAL;
	return 0;
}

/**
 * hvb_ioc_info() - HVB_IOC_INFO
 * @hd: the device
 * @arg: user pointer to struct hvb_ioc_info
 *
 * Return: 0 or -EFAULT.
 */
static long hvb_ioc_info(struct hvb_dev *hd, void __user *arg)
{
	struct hvb_ioc_info info = {
		.abi_major = HVB_ABI_MAJOR,
		.abi_minor = HVB_ABI_MINOR,
		.hc_version = hd->hc_version,
		.region_size = hd->region_size,
		.region_phys = hd->region_phys,
		.nr_cpus = hd->nr_cpus,
		.nr_zones = hd->nr_zones,
		.wakes = atomic64_read(&hd->wakes),
		.formatted_ns = hd->formatted_ns,
		.timeout_ms = timeout_ms ? timeout_ms :
			      HVB_HC_TIMEOUT_DEFAULT_MS,
	};

	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

/**
 * hvb_ioc_claim() - HVB_IOC_CLAIM: make @file the daemon's
 * @file: the file
 * @arg: user pointer to struct hvb_ioc_claim
 *
 * The role stays with @file until hvb_release(); a daemon that dies
 * releases it with its last mapping, so it never blocks its successor.
 *
 * Return: 0 (also if @file already holds it), -EBUSY if another file
 * does, -EFAULT, -EINVAL.
 */
static long hvb_ioc_claim(struct file *file, void __user *arg)
{
	struct hvb_file *hf = file->private_data;
	struct hvb_dev *hd = hf->hd;
	struct hvb_ioc_claim req;
	long ret = 0;

	ret = hvb_copy_req(&req, sizeof(req),
			   offsetof(struct hvb_ioc_claim, flags), arg);
	if (ret)
		return ret;
	mutex_lock(&hd->daemon_lock);
	if (!hd->daemon)
		WRITE_ONCE(hd->daemon, file);	/* hvb_is_daemon() reads it */
	else if (hd->daemon != file)
		ret = -EBUSY;
	mutex_unlock(&hd->daemon_lock);
	return ret;
}

/**
 * hvb_ioc_irq() - HVB_IOC_INJECT_IRQ
 * @arg: user pointer to struct hvb_ioc_irq
 *
 * Return: 0, -EFAULT, -EINVAL, or the hypercall's error.
 */
static long hvb_ioc_irq(void __user *arg)
{
	struct hvb_ioc_irq req;
	struct arm_smccc_res res;
	long ret;

	ret = hvb_copy_req(&req, sizeof(req),
			   offsetof(struct hvb_ioc_irq, flags), arg);
	if (ret)
		return ret;
	ret = hvb_hc(HVB_HC_INJECT_IRQ, req.zone_id, req.irq, &res);
	return ret < 0 ? hvb_hc_errno(ret) : 0;
}

/**
 * hvb_ioc_zone() - HVB_IOC_ZONE_START and HVB_IOC_ZONE_STOP
 * @fn: HVB_HC_ZONE_START or HVB_HC_ZONE_STOP
 * @arg: user pointer to struct hvb_ioc_zone
 *
 * Return: 0, -EFAULT, -EINVAL, or the hypercall's error.
 */
static long hvb_ioc_zone(u32 fn, void __user *arg)
{
	struct hvb_ioc_zone req;
	struct arm_smccc_res res;
	long ret;

	ret = hvb_copy_req(&req, sizeof(req),
			   offsetof(struct hvb_ioc_zone, flags), arg);
	if (ret)
		return ret;
	ret = hvb_hc(fn, req.zone_id, 0, &res);
	return ret < 0 ? hvb_hc_errno(ret) : 0;
}

/**
 * hvb_ioc_zone_list() - HVB_IOC_ZONE_LIST
 * @hd: the device
 * @arg: user pointer to struct hvb_ioc_zone_list
 *
 * Return: 0, -EFAULT, -EINVAL, or the hypercall's error.
 */
static long hvb_ioc_zone_list(struct hvb_dev *hd, void __user *arg)
{
	struct hvb_ioc_zone_list req;
	void __user *zones;
	u32 n;
	int ret;

	ret = hvb_copy_req(&req, sizeof(req),
			   offsetof(struct hvb_ioc_zone_list, flags), arg);
	if (ret)
		return ret;
	zones = u64_to_user_ptr(req.zones);
	mutex_lock(&hd->zone_lock);
	ret = hvb_zone_list(hd);
	if (ret < 0)
		goto out;
	req.nr = ret;
	n = min3(req.max, req.nr, HVB_IOC_MAX_ZONES);
	ret = -EFAULT;
	if (n && copy_to_user(zones, hd->zone_buf, n * sizeof(*hd->zone_buf)))
		goto out;
	if (copy_to_user(arg, &req, sizeof(req)))
		goto out;
	ret = 0;
out:
	mutex_unlock(&hd->zone_lock);
	return ret;
}

/**
 * hvb_ioc_zone_mem() - HVB_IOC_ZONE_MEM
 * @arg: user pointer to struct hvb_ioc_zone_mem
 *
 * Return: 0, -EFAULT, -EINVAL, or the hypercall's error.
 */
static long hvb_ioc_zone_mem(void __user *arg)
{
	struct hvb_ioc_zone_mem req;
	struct arm_smccc_res res;
	long ret;

	ret = hvb_copy_req(&req, sizeof(req),
			   offsetof(struct hvb_ioc_zone_mem, flags), arg);
	if (ret)
		return ret;
	ret = hvb_hc(HVB_HC_ZONE_MEM, req.zone_id, req.index, &res);
	if (ret < 0)
		return hvb_hc_errno(ret);
	req.flags = (u32)ret;
	req.phys = res.a1;
	req.ipa = res.a2;
	req.size = res.a3;
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

/**
 * hvb_zone_has_ram() - is [@phys, @phys + @len) RAM of zone @id?
 * @id: the zone
 * @phys: physical address
 * @len: bytes, not zero
 *
 * Only RAM the hypervisor reports as the zone's and maps in the root
 * zone too (HVB_ZONE_MEM_SHARED: the guest pool) is written by the
 * module.
 *
 * Return: true if it lies inside one such window.
 */
static bool hvb_zone_has_ram(u32 id, u64 phys, u64 len)
{
	struct arm_smccc_res res;
	long ret;
	u32 i;

	for (i = 0; i < HVB_ZONE_DESC_MAX_MEM; i++) {
		ret = hvb_hc(HVB_HC_ZONE_MEM, id, i, &res);
		if (ret < 0)
			return false;
		if (!(ret & HVB_ZONE_MEM_SHARED))
			continue;
		if (phys >= res.a1 && phys - res.a1 < res.a3 &&
		    len <= res.a3 - (phys - res.a1))
			return true;
	}
	return false;
}

/**
 * hvb_zone_load() - copy an image into a zone's RAM
 * @id: the zone, created and stopped
 * @phys: where the image goes
 * @src: user pointer to it
 * @len: its size; 0 copies nothing
 *
 * The zone's first CPU starts with its MMU and caches off: the copy is
 * cleaned to the point of coherency (and persistence, where the two
 * differ) and the instruction cache invalidated for it.
 *
 * Return: 0, -EINVAL (not the zone's RAM), -ENOMEM or -EFAULT.
 */
static int hvb_zone_load(u32 id, u64 phys, const void __user *src, u64 len)
{
	void *va;
	int ret = 0;

	if (!len)
		return 0;
	if (!hvb_zone_has_ram(id, phys, len))
		return -EINVAL;
	va = memremap(phys, len, MEMREMAP_WB);
	if (!va)
		return -ENOMEM;
	if (copy_from_user(va, src, len)) {
		ret = -EFAULT;
	} else {
		arch_wb_cache_pmem(va, len);
		caches_clean_inval_pou((unsigned long)va,
				       (unsigned long)va + len);
	}
	memunmap(va);
	return ret;
}

/**
 * hvb_zone_remove() - HVB_HC_ZONE_DESTROY until it is done
 * @id: the zone
 *
 * Return: the hypercall's last result; HVB_HC_EAGAIN if the zone's CPUs
 * did not stop in time.
 */
static long hvb_zone_remove(u32 id)
{
	struct arm_smccc_res res;
	long ret;
	int i;

	for (i = 0; i < HVB_DESTROY_TRIES; i++) {
		ret = hvb_hc(HVB_HC_ZONE_DESTROY, id, 0, &res);
		if (ret != HVB_HC_EAGAIN)
			return ret;
		msleep(HVB_DESTROY_WAIT_MS);
	}
	return HVB_HC_EAGAIN;
}

/**
 * hvb_desc_reason() - the module's own look at a zone descriptor
 * @d: the kernel's copy
 *
 * The hypervisor checks every field again; this refuses early what the
 * module itself relies on: the layout and the image sizes.
 *
 * Return: HVB_ZONE_OK or the HVB_ZONE_E* reason.
 */
static u32 hvb_desc_reason(const struct hvb_zone_desc *d)
{
	if (memcmp(d->signature, HVB_ZONE_DESC_SIGNATURE,
		   sizeof(d->signature)) ||
	    d->revision != HVB_ZONE_DESC_REVISION || d->size != sizeof(*d))
		return HVB_ZONE_ESIGNATURE;
	if (d->flags || memchr_inv(d->reserved, 0, sizeof(d->reserved)))
		return HVB_ZONE_ERESERVED;
	if (!d->kernel_size || d->kernel_size > HVB_IOC_ZONE_IMAGE_MAX)
		return HVB_ZONE_EKERNEL;
	if (d->dtb_size > HVB_IOC_ZONE_IMAGE_MAX)
		return HVB_ZONE_EDTB;
	return HVB_ZONE_OK;
}

/**
 * hvb_ioc_zone_create() - HVB_IOC_ZONE_CREATE
 * @hd: the device
 * @arg: user pointer to struct hvb_ioc_zone_create
 *
 * Return: 0; -EINVAL with reason and index copied back when refused;
 * -EFAULT, -ENOMEM, or a hypercall's error.
 */
static long hvb_ioc_zone_create(struct hvb_dev *hd, void __user *arg)
{
	struct hvb_ioc_zone_create req;
	struct arm_smccc_res res;
	struct hvb_zone_desc *d;
	long ret, hc;

	ret = hvb_copy_req(&req, sizeof(req),
			   offsetof(struct hvb_ioc_zone_create, flags), arg);
	if (ret)
		return ret;
	req.reason = HVB_ZONE_OK;
	req.index = 0;
	/* In our own RAM: the hypervisor copies it from there. */
	d = kmalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(d, u64_to_user_ptr(req.desc), sizeof(*d)))
		goto out;
	req.reason = hvb_desc_reason(d);
	ret = -EINVAL;
	if (req.reason)
		goto copy_out;
	mutex_lock(&hd->ctl_lock);
	hc = hvb_hc(HVB_HC_ZONE_CREATE, virt_to_phys(d), sizeof(*d), &res);
	if (hc == HVB_HC_EZONE) {
		req.reason = (u32)res.a1;
		req.index = (u32)res.a2;
	}
	if (hc < 0) {
		ret = hvb_hc_errno(hc);
		goto unlock;
	}
	ret = hvb_zone_load(d->id, d->kernel_phys, u64_to_user_ptr(req.kernel),
			    d->kernel_size);
	if (!ret)
		ret = hvb_zone_load(d->id, d->dtb_phys,
				    u64_to_user_ptr(req.dtb), d->dtb_size);
	if (!ret) {
		hc = hvb_hc(HVB_HC_ZONE_START, d->id, 0, &res);
		ret = hc < 0 ? hvb_hc_errno(hc) : 0;
	}
	if (ret)
		hvb_zone_remove(d->id);
	else
		dev_info(hd->dev, "zone %.*s (id %u) created and started\n",
			 (int)sizeof(d->name), d->name, d->id);
	hvb_find_windows(hd);
unlock:
	mutex_unlock(&hd->ctl_lock);
copy_out:
	if (copy_to_user(arg, &req, sizeof(req)))
		ret = -EFAULT;
out:
	kfree(d);
	return ret;
}

/**
 * hvb_ioc_zone_destroy() - HVB_IOC_ZONE_DESTROY
 * @hd: the device
 * @arg: user pointer to struct hvb_ioc_zone
 *
 * Return: 0, -EFAULT, -EINVAL, -ETIMEDOUT, or the hypercall's error.
 */
static long hvb_ioc_zone_destroy(struct hvb_dev *hd, void __user *arg)
{
	struct hvb_ioc_zone req;
	long ret;

	ret = hvb_copy_req(&req, sizeof(req),
			   offsetof(struct hvb_ioc_zone, flags), arg);
	if (ret)
		return ret;
	mutex_lock(&hd->ctl_lock);
	ret = hvb_zone_remove(req.zone_id);
	if (!ret)
		hvb_find_windows(hd);
	mutex_unlock(&hd->ctl_lock);
	if (ret == HVB_HC_EAGAIN)
		return -ETIMEDOUT;
	return ret < 0 ? hvb_hc_errno(ret) : 0;
}

/**
 * hvb_ioctl() - the ioctls of kmod-ioctl.h
 * @file: the file
 * @cmd: HVB_IOC_*
 * @arg: user pointer to the command's struct
 *
 * INJECT_IRQ is the daemon's (-EACCES from any other file); the rest
 * any root opener may use.
 *
 * Return: 0, a negative errno, or -ENOTTY for an unknown command.
 */
static long hvb_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct hvb_file *hf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case HVB_IOC_INFO:
		return hvb_ioc_info(hf->hd, uarg);
	case HVB_IOC_CLAIM:
		return hvb_ioc_claim(file, uarg);
	case HVB_IOC_INJECT_IRQ:
		if (!hvb_is_daemon(file))
			return -EACCES;
		return hvb_ioc_irq(uarg);
	case HVB_IOC_ZONE_START:
		return hvb_ioc_zone(HVB_HC_ZONE_START, uarg);
	case HVB_IOC_ZONE_STOP:
		return hvb_ioc_zone(HVB_HC_ZONE_STOP, uarg);
	case HVB_IOC_ZONE_LIST:
		return hvb_ioc_zone_list(hf->hd, uarg);
	case HVB_IOC_ZONE_MEM:
		return hvb_ioc_zone_mem(uarg);
	case HVB_IOC_ZONE_CREATE:
		return hvb_ioc_zone_create(hf->hd, uarg);
	case HVB_IOC_ZONE_DESTROY:
		return hvb_ioc_zone_destroy(hf->hd, uarg);
	}
	return -ENOTTY;
}

static const struct file_operations hvb_fops = {
	.owner = THIS_MODULE,
	.open = hvb_open,
	.release = hvb_release,
	.read = hvb_read,
	.write = hvb_write,
	.poll = hvb_poll,
	.mmap = hvb_mmap,
	.unlocked_ioctl = hvb_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

/**
 * hvb_wake_irq() - the hypervisor found the daemon asleep
 * @irq: the wake interrupt
 * @data: the device
 *
 * The hypervisor incremented wake_gen in the region (fully ordered)
 * before it set this interrupt pending, so a daemon woken here sees the
 * new wake_gen with its acquire load (Barrier W0).  The counter is
 * incremented before the wake-up, which orders it before the woken
 * reader's check (wake_up's barrier pairs with set_current_state()'s).
 *
 * Return: IRQ_HANDLED.
 */
static irqreturn_t hvb_wake_irq(int irq, void *data)
{
	struct hvb_dev *hd = data;

	atomic64_inc(&hd->wakes);
	wake_up_interruptible(&hd->wq);
	return IRQ_HANDLED;
}

/**
 * hvb_attach() - allocate, format and attach the channel region
 * @hd: the device
 *
 * Return: 0 or a negative errno (the region is freed again).
 */
static int hvb_attach(struct hvb_dev *hd)
{
	struct arm_smccc_res res;
	long ret;
	int err;

	hd->region_size = PAGE_ALIGN(hvb_region_size(hd->nr_cpus));
	if (hd->region_size > HVB_HC_REGION_MAX)
		return -EINVAL;
	/* The timeout applies to the region attached next: set it first. */
	if (timeout_ms) {
		if ((hd->hc_version & 0xffff) < 3) {
			dev_err(hd->dev, "timeout_ms: hypervisor ABI 1.%u cannot set the channel timeout (1.3 can)\n",
				hd->hc_version & 0xffff);
			return -EOPNOTSUPP;
		}
		ret = hvb_hc(HVB_HC_CHANNEL_TIMEOUT, timeout_ms, 0, &res);
		if (ret < 0) {
			dev_err(hd->dev, "timeout_ms=%u refused by the hypervisor (%ld; at most %u)\n",
				timeout_ms, ret, HVB_HC_TIMEOUT_MAX_MS);
			return hvb_hc_errno(ret);
		}
	}
	/* Physically contiguous, page aligned, zeroed. */
	hd->region = alloc_pages_exact(hd->region_size,
				       GFP_KERNEL | __GFP_ZERO);
	if (!hd->region)
		return -ENOMEM;
	hd->region_phys = virt_to_phys(hd->region);
	/* The counters' zero, for HVB_IOC_INFO (hvbridge stat says it). */
	hd->formatted_ns = ktime_get_real_ns();
	err = hvb_region_format(hd->region, hd->region_size, hd->nr_cpus);
	if (!err)
		err = hvb_region_check(hd->region, hd->region_size);
	if (err) {
		dev_err(hd->dev, "region: %s\n", hvb_region_strerror(err));
		ret = -EINVAL;
		goto free;
	}
	/*
	 * The format is complete in memory before the hypervisor (on any
	 * CPU) reads it; it publishes the region to its producers with a
	 * release of its own.
	 */
	wmb();
	ret = hvb_hc(HVB_HC_CHANNEL_ATTACH, hd->region_phys, hd->region_size,
		     &res);
	if (ret < 0) {
		dev_err(hd->dev, "hypervisor refused the region at %pa (%ld%s%s)\n",
			&hd->region_phys, ret, ret == HVB_HC_EREGION ? ": " : "",
			ret == HVB_HC_EREGION ?
			hvb_region_strerror((int)res.a1) : "");
		ret = hvb_hc_errno(ret);
		goto free;
	}
	if (timeout_ms)
		dev_info(hd->dev, "region at %pa, %zu bytes, %u CPU slots attached, timeout %u ms\n",
			 &hd->region_phys, hd->region_size, hd->nr_cpus,
			 timeout_ms);
	else
		dev_info(hd->dev, "region at %pa, %zu bytes, %u CPU slots attached\n",
			 &hd->region_phys, hd->region_size, hd->nr_cpus);
	return 0;
free:
	free_pages_exact(hd->region, hd->region_size);
	hd->region = NULL;
	return ret;
}

/**
 * hvb_detach() - take the region back from the hypervisor and free it
 * @hd: the device
 *
 * The hypervisor returns only when none of its CPUs can touch the
 * region any more (it waits out requests in flight, up to about a
 * second); the memory is freed after that and never before.  If the
 * hypervisor refuses, the memory is leaked rather than reused while it
 * may still write to it.
 */
static void hvb_detach(struct hvb_dev *hd)
{
	struct arm_smccc_res res;
	long ret;

	ret = hvb_hc(HVB_HC_CHANNEL_DETACH, hd->region_phys, 0, &res);
	if (ret < 0) {
		dev_err(hd->dev, "detach of the region at %pa failed (%ld): leaking it\n",
			&hd->region_phys, ret);
		return;
	}
	free_pages_exact(hd->region, hd->region_size);
	hd->region = NULL;
	dev_info(hd->dev, "region detached and freed\n");
}

/**
 * hvb_probe() - bind to the hvbridge,channel node
 * @pdev: the platform device
 *
 * Return: 0 or a negative errno.
 */
static int hvb_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct arm_smccc_res res;
	struct hvb_dev *hd;
	long ver;
	int irq, err;

	ver = hvb_hc(HVB_HC_VERSION, 0, 0, &res);
	if (ver < 0 || (ver >> 16) != HVB_HC_ABI_MAJOR) {
		dev_err(dev, "no hvbridge hypervisor (version call: %ld)\n",
			ver);
		return -ENODEV;
	}
	hd = devm_kzalloc(dev, sizeof(*hd), GFP_KERNEL);
	if (!hd)
		return -ENOMEM;
	hd->zone_buf = devm_kcalloc(dev, HVB_IOC_MAX_ZONES,
				    sizeof(*hd->zone_buf), GFP_KERNEL);
	if (!hd->zone_buf)
		return -ENOMEM;
	hd->dev = dev;
	hd->hc_version = (u32)ver;
	hd->nr_cpus = nr_cpus ? nr_cpus : (u32)res.a1;
	if (!hd->nr_cpus || hd->nr_cpus > HVB_MAX_CPUS) {
		dev_err(dev, "bad CPU slot count %u\n", hd->nr_cpus);
		return -EINVAL;
	}
	atomic64_set(&hd->wakes, 0);
	mutex_init(&hd->daemon_lock);
	init_waitqueue_head(&hd->wq);
	mutex_init(&hd->zone_lock);
	mutex_init(&hd->ctl_lock);
	mutex_init(&hd->win_lock);
	err = hvb_find_windows(hd);
	if (err)
		return err;
	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	err = devm_request_irq(dev, irq, hvb_wake_irq, 0, "hvbridge", hd);
	if (err)
		return err;
	err = hvb_attach(hd);
	if (err)
		return err;
	hd->misc.minor = MISC_DYNAMIC_MINOR;
	hd->misc.name = "hvbridge";
	hd->misc.fops = &hvb_fops;
	hd->misc.mode = 0600;
	hd->misc.parent = dev;
	err = misc_register(&hd->misc);
	if (err) {
		hvb_detach(hd);
		return err;
	}
	platform_set_drvdata(pdev, hd);
	return 0;
}

/**
 * hvb_remove() - unbind: no more opens, detach, free
 * @pdev: the platform device
 *
 * Runs only at module unload (bind/unbind through sysfs is suppressed),
 * and the module cannot be unloaded while a file is open or mapped, so
 * nothing in user space still uses the region here.  The wake interrupt
 * (devm) is freed after this returns, after the region: its handler
 * touches only @hd's counter and wait queue, never the region, and @hd
 * (devm too, allocated before the interrupt) is freed after it.
 *
 * Return: 0.
 */
static int hvb_remove(struct platform_device *pdev)
{
	struct hvb_dev *hd = platform_get_drvdata(pdev);

	misc_deregister(&hd->misc);
	hvb_detach(hd);
	return 0;
}

static const struct of_device_id hvb_of_match[] = {
	{ .compatible = "hvbridge,channel" },
	{ }
};
MODULE_DEVICE_TABLE(of, hvb_of_match);

static struct platform_driver hvb_driver = {
	.probe = hvb_probe,
	.remove = hvb_remove,
	.driver = {
		.name = "hvbridge",
		.of_match_table = hvb_of_match,
		.suppress_bind_attrs = true,
	},
};

/*
 * A parameter the hypervisor would refuse fails the load itself: a probe
 * that fails leaves the module loaded with no device.
 */
static int __init hvb_init(void)
{
	if (timeout_ms > HVB_HC_TIMEOUT_MAX_MS) {
		pr_err("hvbridge: timeout_ms=%u: at most %u\n", timeout_ms,
		       HVB_HC_TIMEOUT_MAX_MS);
		return -EINVAL;
	}
	return platform_driver_register(&hvb_driver);
}
module_init(hvb_init);

static void __exit hvb_exit(void)
{
	platform_driver_unregister(&hvb_driver);
}
module_exit(hvb_exit);

MODULE_DESCRIPTION("hvbridge: the root zone's end of the hypervisor request channel");
MODULE_LICENSE("Dual MIT/GPL");
