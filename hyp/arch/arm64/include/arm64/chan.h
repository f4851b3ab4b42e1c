/* SPDX-License-Identifier: MIT */
/*
 * arm64/chan.h - the channel region of the EL2 image (chan.c).
 */
#ifndef ARM64_CHAN_H
#define ARM64_CHAN_H

#include <hvbridge/types.h>

#define HYP_CHANNEL_BASE	0x7ff00000ul	/* last MiB of the RAM */
#define HYP_CHANNEL_SIZE	0x10000ul
#define HYP_CHANNEL_TIMEOUT_NS	500000000ull	/* 500 ms */

struct hyp_producer;

/* CPU 0, once, before other CPUs run: zero and format the region. */
void hyp_arm64_channel_init(void);

/* This CPU's producer, attached on first use; NULL without a region. */
struct hyp_producer *hyp_arm64_producer(void);

#endif /* ARM64_CHAN_H */
