// SPDX-License-Identifier: MIT
/*
 * Hypercalls (HVC) of a zone, by immediate: #0 is the SMCCC calls of
 * hvbridge/hypercall.h (hvc_bridge.c: the root zone's channel and zone
 * control, a zone's interrupt poll) and PSCI (psci.c); the test guest's are test-only
 * immediates (arm64/vcpu.h): a console that prints whole lines, and an
 * exit that stops the CPU and reports when every zone is done.  Any
 * other HVC answers SMCCC NOT_SUPPORTED.
 */
#include <hvbridge/barrier.h>
#include <arm64/esr.h>
#include <arm64/gic.h>
#include <arm64/hvc.h>
#include <arm64/hyp.h>
#include <arm64/psci.h>
#include <arm64/sysreg.h>
#include <arm64/vcpu.h>
#include <hyp/console.h>
#include <hyp/printk.h>
#include <hyp/zone.h>

/* Zones whose test guest has not exited: set once by CPU 0 before other
 * CPUs run, then by fetch_add. */
static __u32 hyp_vcpu_running;

/* The console hypercall's line, per CPU: a guest line is printed whole,
 * so lines of guests on different CPUs never interleave. */
#define HYP_VCPU_LINE	120
static char hyp_vcpu_line[HYP_MAX_CPUS][HYP_VCPU_LINE + 1];
static __u32 hyp_vcpu_line_len[HYP_MAX_CPUS];

void hyp_vcpu_set_running(__u32 nr_zones)
{
	hyp_vcpu_running = nr_zones;
}

static void hyp_vcpu_putc(const struct hyp_zone *z, __u32 cpu, char c)
{
	char *line = hyp_vcpu_line[cpu];
	__u32 *len = &hyp_vcpu_line_len[cpu];

	if (c == '\r')
		return;
	if (c != '\n') {
		/* Printable ASCII only: the guest does not get to send
		 * escape sequences to the hypervisor's console. */
		line[(*len)++] = c >= 0x20 && c < 0x7f ? c : '?';
		if (*len < HYP_VCPU_LINE)
			return;
	}
	line[*len] = '\0';
	/* Bounded like the zone's console windows (hyp/console.h). */
	if (!z->cfg->console || hyp_console_admit(z->cfg->console))
		hyp_printk("[%s] %s\n", z->cfg->name, line);
	*len = 0;
}

static __attribute__((noreturn)) void hyp_vcpu_exit(struct hyp_zone *z,
						    __u32 cpu, __u64 code)
{
	if (!(z->cfg->flags & HYP_ZONE_ROOT))
		hyp_vgic_report(z);
	hyp_printk("hvbridge-hyp: %s: exit, code %lu\n", z->cfg->name, code);
	hyp_hc_zone_exited(z);
	/* Fully ordered: the last zone to leave says so, once. */
	if (hvb_fetch_add_u32(&hyp_vcpu_running, (__u32)-1) == 1)
		hyp_printk("hvbridge-hyp: all zones exited\n");
	hyp_printk("hvbridge-hyp: CPU %u idle\n", cpu);
	/* Powered off, so the root zone can start the zone again
	 * (HVB_HC_ZONE_START); CPU 0 stays: it started everything. */
	if (cpu)
		hyp_vcpu_cpu_off(z);	/* returns only if refused */
	arm64_halt();
}

enum hyp_trap_result hyp_vcpu_hvc(struct hyp_trap_frame *tf)
{
	struct hyp_zone *z = hyp_vcpu_current();
	__u32 imm = esr_iss(tf->esr) & 0xffff, cpu = hyp_arm64_cpu_id();

	if (!z)
		return HYP_TRAP_UNHANDLED;
	/* An exit: a zone asked to stop parks here. */
	hyp_hc_zone_exit_check(z);
	switch (imm) {
	case 0:
		/* PSCI and SMCCC discovery over the HVC conduit too, for a
		 * zone whose DTB says method = "hvc". */
		if (hyp_psci_is_psci_fn(tf->x[0]))
			hyp_psci_zone_call(tf);
		else
			hyp_hc_call(z, tf);
		break;
	case HYP_HVC_TEST_PUTC:
		hyp_vcpu_putc(z, cpu, (char)tf->x[0]);
		tf->x[0] = 0;
		break;
	case HYP_HVC_TEST_EXIT:
		hyp_vcpu_exit(z, cpu, tf->x[0]);
	default:
		/* SMCCC: unknown function.  ELR already points past it. */
		tf->x[0] = ~0ull;
		break;
	}
	return HYP_TRAP_HANDLED;
}
