/* SPDX-License-Identifier: MIT */
/*
 * arm64/hvc.h - the root zone's hypercalls (hvbridge/hypercall.h):
 * dispatch and zone control (hvc_bridge.c), the channel region's attach
 * and detach (chan.c).
 */
#ifndef ARM64_HVC_H
#define ARM64_HVC_H

#include <arm64/traps.h>

struct hyp_zone;

/* An SMCCC call (HVC #0) from @z: x0 the function, results in x0..x3. */
void hyp_hc_call(struct hyp_zone *z, struct hyp_trap_frame *tf);

/*
 * At an exit of a zone's vCPU (MMIO trap, hypercall): if the zone was
 * asked to stop, park this CPU (PSCI CPU_OFF; does not return).  @z may
 * be NULL or the root zone: nothing happens.
 */
void hyp_hc_zone_exit_check(struct hyp_zone *z);

/*
 * Was @z asked to stop (its CPUs park at their next exit)?  0 for NULL
 * or the root zone.  For a CPU of @z waiting at EL2 (a channel request
 * held for the daemon), which gives the access back and parks instead
 * of waiting on (hyp_arm64_chan_wait_check()).
 */
int hyp_hc_zone_is_stopping(const struct hyp_zone *z);

/*
 * PSCI SYSTEM_OFF (@reset 0) or SYSTEM_RESET (1) from a vCPU of guest
 * zone @z: the zone stops, not the machine.  Its other CPUs are kicked
 * and park at that exit; this one powers off.  A reset then starts the
 * zone again as ZONE_START would, once every other CPU is off (up to
 * HYP_HC_RESET_WAIT_NS; else the zone stays stopped).  Does not return.
 */
void hyp_hc_zone_power_off(struct hyp_zone *z, int reset)
	__attribute__((noreturn));

/*
 * A CPU of @z about to enter it (setup.c): if the zone was asked to stop
 * meanwhile, park as at an exit (the kick SGI it was sent is cleared
 * with its CPU interface on entry).  Nothing for NULL or the root zone.
 */
void hyp_hc_zone_entry_check(struct hyp_zone *z);

/* The test guest's exit hypercall ended @z's guest (hvc.c), or @z
 * could not start (vcpu.c). */
void hyp_hc_zone_exited(const struct hyp_zone *z);

/* Write every zone's generation into the region at @region (a region
 * being attached, before the producers see it; docs/abi.md, "Zone
 * restarts"). */
void hyp_hc_zone_gens_publish(void *region);

/* [@pa, @pa + @size) lies in one of @z's own RAM regions: identity
 * mapped, not shared with another zone, not the channel region. */
int hyp_hc_is_own_ram(const struct hyp_zone *z, __u64 pa, __u64 size);

/* [@pa, @pa + @size) overlaps RAM of a zone other than @z. */
int hyp_hc_is_other_zones_ram(const struct hyp_zone *z, __u64 pa,
			      __u64 size);

/*
 * HVB_HC_CHANNEL_ATTACH / DETACH for the root zone @root (chan.c).
 * Return HVB_HC_* codes; *@detail gets the HVB_REGION_E* code of a
 * refused region (x1).
 */
__s64 hyp_arm64_channel_attach(const struct hyp_zone *root, __u64 pa,
			       __u64 size, __u64 *detail);
__s64 hyp_arm64_channel_detach(const struct hyp_zone *root, __u64 pa);
/* HVB_HC_CHANNEL_TIMEOUT: the next attached region's timeout (ms, 0:
 * the default).  HVB_HC_EINVAL above the maximum, HVB_HC_ESTATE while a
 * region is attached. */
__s64 hyp_arm64_channel_timeout(__u64 ms);

/* CPU slots an attached region must have (highest CPU + 1). */
__u32 hyp_arm64_channel_min_cpus(void);

#endif /* ARM64_HVC_H */
