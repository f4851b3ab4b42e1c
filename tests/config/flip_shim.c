// SPDX-License-Identifier: MIT
/*
 * An LD_PRELOAD shim for `hvbridge stat` (test_cli.c): a rogue creator
 * that rewrites the region's header at a chosen moment.  stat's first
 * printf() comes after it checked the header; there the shim changes the
 * region in file $HVB_FLIP_REGION to $HVB_FLIP_CPUS CPUs (nr_cpus and
 * stats_off together, so the header is still valid), then prints.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <hvbridge/region.h>

static void flip_header(void)
{
	const char *path = getenv("HVB_FLIP_REGION");
	const char *cpus = getenv("HVB_FLIP_CPUS");
	struct hvb_region_header *h;
	__u32 n;
	int fd;

	if (!path || !cpus)
		return;
	n = (__u32)strtoul(cpus, NULL, 0);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return;
	h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (h == MAP_FAILED)
		return;
	h->nr_cpus = n;
	h->stats_off = (__u32)hvb_region_stats_off(n);
	munmap(h, sizeof(*h));
}

int printf(const char *fmt, ...)
{
	static int flipped;
	va_list ap;
	int ret;

	if (!flipped) {
		flipped = 1;
		flip_header();
	}
	va_start(ap, fmt);
	ret = vprintf(fmt, ap);
	va_end(ap);
	return ret;
}
