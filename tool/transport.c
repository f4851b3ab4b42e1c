// SPDX-License-Identifier: MIT
/*
 * The transport table.  A new transport is one file defining its ops and
 * one line here (and in objs.mk).
 */
#include <stddef.h>
#include <string.h>

#include "transport.h"

/* transport_kmod.c: /dev/hvbridge in the root zone (hvbridge.ko). */

const struct hvb_transport_ops *const hvb_transport_table[] = {
	&hvb_transport_sim,
	&hvb_transport_host,
	&hvb_transport_kmod,
	NULL,
};

const struct hvb_transport_ops *hvb_transport_find(const char *name)
{
	const struct hvb_transport_ops *const *ops;

	for (ops = hvb_transport_table; *ops; ops++)
		if (!strcmp((*ops)->name, name))
			return *ops;
	return NULL;
}
