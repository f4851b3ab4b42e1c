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
 * pointing where it put them when it exits; a killed daemon leaves them
 * until the next daemon replaces them.
 *
 * A dead daemon's pty number is soon someone else's terminal, so a link
 * alone cannot say whether it is live.  Beside each link the daemon keeps
 *
 *   zone<Z>-<base>.console.owner  the link's target and a newline,
 *                                 write-locked (fcntl F_SETLK) while
 *                                 the daemon that made the link lives
 *
 * taken before the link is made and written before it is renamed into
 * place; `hvbridge console` opens a link only while the owner file's
 * lock is held and names the target it opened (hvb_console_owner()).
 */
#ifndef HVB_TOOL_CONSOLE_LINK_H
#define HVB_TOOL_CONSOLE_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <hvbridge/types.h>

#include "device.h"

/* What a daemon holds while its links stand: each one's owner file,
 * locked (-1: none).  Indexed like hvb_devices.devs. */
struct hvb_console_links {
	int owner_fd[HVB_MAX_DEVICES];
};

/* "<dir>/zone<zone>-<base>.console" into @buf; false if it does not fit. */
bool hvb_console_link_path(char *buf, size_t len, const char *dir,
			   __u32 zone, __u64 base);

/*
 * Link every device of @devs that has an attach path from @dir, each
 * with its owner file locked in @l.  A link that cannot be made is
 * warned about: the console still works through the path the device
 * logged.
 */
void hvb_console_links_make(struct hvb_console_links *l,
			    struct hvb_devices *devs, const char *dir);

/* Remove the links hvb_console_links_make() made that still point where
 * it pointed them (a later daemon's are left alone), and drop their
 * owner locks. */
void hvb_console_links_remove(struct hvb_console_links *l,
			      struct hvb_devices *devs, const char *dir);

/*
 * Is link @link live?  Reads its owner file: returns the pid of the
 * daemon holding it (>0) with the target that daemon linked in @target,
 * 0 when no process holds it (the daemon is gone, or the link predates
 * owner files), or -1 with errno (cannot read it).
 */
long hvb_console_owner(const char *link, char *target, size_t len);

#endif /* HVB_TOOL_CONSOLE_LINK_H */
