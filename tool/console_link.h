/* SPDX-License-Identifier: MIT */
/*
 * console_link.h - where `hvbridge console ZONE` finds a zone's console
 * (docs/virtio-console.md, "Attaching from the root zone").  For each
 * device with an attach path (a virtio-console on a pty or a unix
 * socket), the daemon keeps a symbolic link in its run directory (the
 * state directory: --state-dir, daemon.state_dir, else /run/hvbridge):
 *
 *   zone<Z>-<base>.console  ->  /dev/pts/N, or the socket's path
 *
 * <base> is the device's window, hex, as in its state file's name.  The
 * daemon makes the links once it serves and removes the ones still
 * pointing where it put them when it exits; a killed daemon leaves them,
 * and they dangle (its pty is gone) until the next daemon replaces them.
 */
#ifndef HVB_TOOL_CONSOLE_LINK_H
#define HVB_TOOL_CONSOLE_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <hvbridge/types.h>

struct hvb_devices;

/* "<dir>/zone<zone>-<base>.console" into @buf; false if it does not fit. */
bool hvb_console_link_path(char *buf, size_t len, const char *dir,
			   __u32 zone, __u64 base);

/*
 * Link every device of @devs that has an attach path from @dir.  A link
 * that cannot be made is warned about: the console still works through
 * the path the device logged.
 */
void hvb_console_links_make(struct hvb_devices *devs, const char *dir);

/* Remove the links hvb_console_links_make() made that still point where
 * it pointed them (a later daemon's are left alone). */
void hvb_console_links_remove(struct hvb_devices *devs, const char *dir);

#endif /* HVB_TOOL_CONSOLE_LINK_H */
