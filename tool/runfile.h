/* SPDX-License-Identifier: MIT */
/*
 * runfile.h - the files a running daemon keeps beside its virtio state
 * (docs/daemon.md, "Run files"), in the state directory (--state-dir,
 * daemon.state_dir, else /run/hvbridge):
 *
 *   <key>.pid    its pid, write-locked (fcntl F_SETLK) while it lives:
 *                `hvbridge daemon --stop` signals the lock's holder,
 *                which the kernel names (F_GETLK), never a number read
 *                from a file that may be stale
 *   <key>.stats  its per-device counters (devstats.h)
 *
 * <key> names the region the daemon serves, so that `--stop` and `stat`
 * find the files from the same --region (or --device, --mem) the daemon
 * was given: "kmod-<major>-<minor>" for a character device (the module's
 * node, whatever its path), "file-<st_dev>-<st_ino>" (hex) for a file
 * (sim: the region file; host: QEMU's RAM file).
 */
#ifndef HVB_TOOL_RUNFILE_H
#define HVB_TOOL_RUNFILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Path of run file "<dir>/<key>.<suffix>" of the daemon serving @region
 * into @buf.  Returns 0, or a negative errno (the region cannot be
 * stat()ed, or the path does not fit) with a sentence in @err.
 */
int hvb_runfile_path(char *buf, size_t len, const char *dir,
		     const char *region, const char *suffix, char *err,
		     size_t err_len);

/*
 * Make the directory run file @path goes in (mode 0700), if it is not
 * there.  Returns 0, or a negative errno with a sentence in @err.
 */
int hvb_runfile_mkdir(const char *path, char *err, size_t err_len);

/* A daemon's pid file, created and locked while it serves. */
struct hvb_pidfile {
	int fd;			/* -1: none */
	char path[512];
};

/*
 * Create (or take over a stale) pid file @path, lock it for this process
 * and write the pid.  Returns 0, or a negative errno with a sentence in
 * @err (-EBUSY: a live process holds it).
 */
int hvb_pidfile_create(struct hvb_pidfile *pf, const char *path, char *err,
		       size_t err_len);

/*
 * The daemon is done (drained, detached) and exits with @status: record
 * "PID stopped STATUS", remove the file, then close it, which drops the
 * lock: the one event `--stop` waits for.  No-op without a file.
 */
void hvb_pidfile_finish(struct hvb_pidfile *pf, int status);

/*
 * The pid of the process holding the write lock of open pid file @fd:
 * > 0, or 0 when nobody holds it (no daemon: the file is stale), or -1
 * when the holder is invisible here (another pid namespace) or F_GETLK
 * failed.
 */
pid_t hvb_pidfile_holder(int fd);

#endif /* HVB_TOOL_RUNFILE_H */
