// SPDX-License-Identifier: MIT
/*
 * The PSCI image: zone1's checks of the PSCI a zone gets
 * (docs/psci.md) and of the arm64 boot protocol, on the zone's two CPUs
 * (tests/e2e/psci.sh).  Booted the Linux way (psci_start.S: it has an
 * Image header), its first vCPU checks the entry state, calls every
 * PSCI function over SMC and HVC and checks each return value, tries to
 * start CPUs that are not the zone's, starts its second vCPU at a custom
 * entry and context id (twice, with CPU_OFF between), powers itself off
 * and lets the second vCPU start it again at another entry, then
 * resets the zone with SYSTEM_RESET; after the restart its second vCPU
 * resets the zone while the first loops with interrupts masked; after
 * that restart it starts its second vCPU in a loop that never exits and
 * powers the zone off with SYSTEM_OFF (which must stop that vCPU too).  Lines (tests grep them):
 *   PASS <name> | FAIL <name>: got <x> want <y>
 *   psci: <n> passed, <m> failed          before the reset
 *   psci: after reset: <n> passed, <m> failed
 *   psci: after second reset: <n> passed, <m> failed
 * Nothing here waits forever: every wait gives up after PSCI_WAIT_S.
 */
#include "psci.h"

#define PSCI_VERSION		0x84000000ull
#define PSCI_CPU_SUSPEND_64	0xc4000001ull
#define PSCI_CPU_OFF		0x84000002ull
#define PSCI_CPU_ON_32		0x84000003ull
#define PSCI_CPU_ON_64		0xc4000003ull
#define PSCI_AFF_INFO_32	0x84000004ull
#define PSCI_AFF_INFO_64	0xc4000004ull
#define PSCI_MIGRATE_64		0xc4000005ull
#define PSCI_MIGRATE_INFO_TYPE	0x84000006ull
#define PSCI_MIGRATE_UP_CPU_64	0xc4000007ull
#define PSCI_SYSTEM_OFF		0x84000008ull
#define PSCI_SYSTEM_RESET	0x84000009ull
#define PSCI_FEATURES		0x8400000aull
#define PSCI_SYSTEM_SUSPEND_64	0xc400000eull
#define PSCI_SYSTEM_RESET2_64	0xc4000012ull
#define SMCCC_VERSION		0x80000000ull
#define SMCCC_ARCH_FEATURES	0x80000001ull
#define SMCCC_WORKAROUND_1	0x80008000ull
#define SMCCC_WORKAROUND_2	0x80007fffull
#define SMCCC_WORKAROUND_3	0x80003fffull

#define NOT_SUPPORTED		(-1)
#define INVALID_PARAMETERS	(-2)
#define ALREADY_ON		(-4)
#define ON_PENDING		(-5)
#define INVALID_ADDRESS		(-9)

#define AFF_ON			0
#define AFF_OFF			1

#define PSCI_WAIT_S		3
#define CTX1			0x0123456789abcdefull
#define CTX2			0x5a5a5a5aull		/* through CPU_ON_32 */
#define CTX3			0xb007b007b007b007ull

/* psci_start.S */
__s64 psci_smc(__u64 fn, __u64 a1, __u64 a2, __u64 a3);
__s64 psci_hvc(__u64 fn, __u64 a1, __u64 a2, __u64 a3);
void psci_putc(int c);
void psci_exit(__u64 code) __attribute__((noreturn));
__u64 psci_now(void);
__u64 psci_freq(void);
void psci_secondary(void);
void psci_boot_again(void);
void psci_spin(void) __attribute__((noreturn));
void psci_resetter(void);
extern struct psci_regs psci_sec_regs;

/*
 * Shared by the two vCPUs.  Written with release, read with acquire
 * (the MMU is off on both, so these are Device accesses: coherent, and
 * ldar/stlr order them against the records they announce).
 *   psci_landed    second vCPU: landings so far (after its record)
 *   psci_go_off    first vCPU: "power yourself off now"
 *   psci_wake_rc   second vCPU: its CPU_ON of the first vCPU's result,
 *                  + 100 so 0 means "not yet"
 * Counters in .data survive the reset (the image is not reloaded):
 *   psci_entries   first vCPU: times _start reached psci_main()
 *   psci_resets    first vCPU: SYSTEM_RESETs asked for (by either)
 *   psci_resetter_rc  first vCPU: its CPU_ON of the resetting vCPU
 */
static __u64 psci_landed, psci_go_off, psci_wake_rc;
static __u64 psci_entries __attribute__((section(".data")));
static __u64 psci_resets __attribute__((section(".data")));
static __u64 psci_resetter_rc __attribute__((section(".data")));
/* The first vCPU's MPIDR Aff0 (the second's is one more). */
static __u64 psci_me;
static __u64 psci_pass, psci_fail;

#define load_acq(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define store_rel(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)

static void puts_(const char *s)
{
	while (*s)
		psci_putc(*s++);
}

static void puthex(__u64 v)
{
	int shift = 60;

	puts_("0x");
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		psci_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

static void putdec(__u64 v)
{
	char buf[21];
	int i = 20;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts_(&buf[i]);
}

static void check(const char *name, __u64 got, __u64 want)
{
	if (got == want) {
		psci_pass++;
		puts_("PASS ");
		puts_(name);
		psci_putc('\n');
		return;
	}
	psci_fail++;
	puts_("FAIL ");
	puts_(name);
	puts_(": got ");
	puthex(got);
	puts_(" want ");
	puthex(want);
	psci_putc('\n');
}

static __u64 mpidr(void)
{
	__u64 v;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
	return v & 0xff;
}

static __u64 be32(__u64 addr)
{
	const volatile __u8 *p = (const volatile __u8 *)addr;

	return (__u64)p[0] << 24 | (__u64)p[1] << 16 | (__u64)p[2] << 8 | p[3];
}

/* Wait until *@p reads @want (acquire); 0 on time out. */
static int wait_for(const __u64 *p, __u64 want)
{
	__u64 t0 = psci_now(), limit = psci_freq() * PSCI_WAIT_S;

	while (load_acq(p) != want)
		if (psci_now() - t0 > limit)
			return 0;
	return 1;
}

/* Wait until AFFINITY_INFO of @cpu says @state; the last answer. */
static __s64 wait_aff(__u64 cpu, __s64 state)
{
	__u64 t0 = psci_now(), limit = psci_freq() * PSCI_WAIT_S;
	__s64 r;

	do
		r = psci_smc(PSCI_AFF_INFO_64, cpu, 0, 0);
	while (r != state && psci_now() - t0 <= limit);
	return r;
}

/* The state the boot protocol and CPU_ON promise: MMU and D-cache off
 * (SCTLR_EL1.M, .C), D, A, I, F masked, EL1 with SP_EL1. */
static void check_entry(const char *what, const struct psci_regs *r)
{
	puts_("psci: entry checks: ");
	puts_(what);
	psci_putc('\n');
	check("entry-mmu-off", r->sctlr & 1, 0);
	check("entry-dcache-off", r->sctlr & 4, 0);
	check("entry-daif-masked", r->daif, 0x3c0);
	check("entry-el1", r->current_el, 1 << 2);
	check("entry-el1h", r->spsel, 1);
}

static void report(const char *what)
{
	puts_("psci: ");
	puts_(what);
	putdec(psci_pass);
	puts_(" passed, ");
	putdec(psci_fail);
	puts_(" failed\n");
}

/* The arm64 boot protocol, as _start found it. */
static void check_boot(const struct psci_regs *r)
{
	check_entry("zone boot (arm64 boot protocol)", r);
	check("boot-x0-is-dtb", r->x[0], PSCI_DTB_IPA);
	check("boot-dtb-magic", be32(r->x[0] == PSCI_DTB_IPA ? r->x[0] :
				     PSCI_DTB_IPA), 0xd00dfeed);
	check("boot-x1-zero", r->x[1], 0);
	check("boot-x2-zero", r->x[2], 0);
	check("boot-x3-zero", r->x[3], 0);
}

static void check_discovery(void)
{
	static const __u64 offered[] = {
		PSCI_VERSION, PSCI_CPU_SUSPEND_64, PSCI_CPU_OFF,
		PSCI_CPU_ON_32, PSCI_CPU_ON_64, PSCI_AFF_INFO_32,
		PSCI_AFF_INFO_64, PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF,
		PSCI_SYSTEM_RESET, PSCI_FEATURES, SMCCC_VERSION,
	};
	static const __u64 absent[] = {
		PSCI_MIGRATE_64, PSCI_MIGRATE_UP_CPU_64,
		PSCI_SYSTEM_SUSPEND_64, PSCI_SYSTEM_RESET2_64, 0x8400001full,
		SMCCC_WORKAROUND_1, 0x12345678ull,
	};
	__u64 i, bad = 0;

	check("version-smc", (__u64)psci_smc(PSCI_VERSION, 0, 0, 0), 0x10001);
	check("version-hvc", (__u64)psci_hvc(PSCI_VERSION, 0, 0, 0), 0x10001);
	for (i = 0; i < sizeof(offered) / sizeof(offered[0]); i++)
		if (psci_smc(PSCI_FEATURES, offered[i], 0, 0) != 0) {
			puts_("psci: FEATURES says no to ");
			puthex(offered[i]);
			psci_putc('\n');
			bad++;
		}
	check("features-offered", bad, 0);
	for (bad = 0, i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (psci_smc(PSCI_FEATURES, absent[i], 0, 0) != NOT_SUPPORTED) {
			puts_("psci: FEATURES says yes to ");
			puthex(absent[i]);
			psci_putc('\n');
			bad++;
		}
	check("features-not-offered", bad, 0);
	check("smccc-version", (__u64)psci_smc(SMCCC_VERSION, 0, 0, 0),
	      0x10001);
	check("smccc-version-hvc", (__u64)psci_hvc(SMCCC_VERSION, 0, 0, 0),
	      0x10001);
	check("arch-features-self",
	      (__u64)psci_smc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES, 0, 0),
	      0);
	check("arch-features-wa1",
	      (__u64)psci_smc(SMCCC_ARCH_FEATURES, SMCCC_WORKAROUND_1, 0, 0),
	      (__u64)NOT_SUPPORTED);
	check("arch-features-wa2",
	      (__u64)psci_smc(SMCCC_ARCH_FEATURES, SMCCC_WORKAROUND_2, 0, 0),
	      (__u64)NOT_SUPPORTED);
	check("arch-features-wa3",
	      (__u64)psci_hvc(SMCCC_ARCH_FEATURES, SMCCC_WORKAROUND_3, 0, 0),
	      (__u64)NOT_SUPPORTED);
	check("workaround-1-call",
	      (__u64)psci_smc(SMCCC_WORKAROUND_1, 0, 0, 0),
	      (__u64)NOT_SUPPORTED);
	check("migrate-info-type",
	      (__u64)psci_smc(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
	check("migrate-up-cpu",
	      (__u64)psci_smc(PSCI_MIGRATE_UP_CPU_64, 0, 0, 0),
	      (__u64)NOT_SUPPORTED);
	check("unknown-psci-fn", (__u64)psci_smc(0x8400001full, 0, 0, 0),
	      (__u64)NOT_SUPPORTED);
	check("cpu-suspend-standby",
	      (__u64)psci_smc(PSCI_CPU_SUSPEND_64, 0, 0, 0), 0);
	check("cpu-suspend-powerdown",
	      (__u64)psci_smc(PSCI_CPU_SUSPEND_64, 1u << 16,
			      (__u64)psci_boot_again, 0),
	      (__u64)INVALID_PARAMETERS);
	check("cpu-suspend-level1",
	      (__u64)psci_hvc(PSCI_CPU_SUSPEND_64, 1u << 24, 0, 0),
	      (__u64)INVALID_PARAMETERS);
}

/* Nothing of another zone's, or of no one's, can be started or seen. */
static void check_refusals(__u64 other)
{
	__u64 sec = (__u64)psci_secondary;

	check("aff-self-on", (__u64)psci_smc(PSCI_AFF_INFO_64, psci_me, 0, 0),
	      AFF_ON);
	check("aff-other-off", (__u64)psci_smc(PSCI_AFF_INFO_64, other, 0, 0),
	      AFF_OFF);
	check("aff-other-off-hvc32",
	      (__u64)psci_hvc(PSCI_AFF_INFO_32, other, 0, 0), AFF_OFF);
	check("aff-level1", (__u64)psci_smc(PSCI_AFF_INFO_64, other, 1, 0),
	      (__u64)INVALID_PARAMETERS);
	check("aff-cpu0-not-ours", (__u64)psci_smc(PSCI_AFF_INFO_64, 0, 0, 0),
	      (__u64)INVALID_PARAMETERS);
	/* CPU 0 (and 1 next to the root zone) runs another zone. */
	check("on-cpu0-not-ours", (__u64)psci_smc(PSCI_CPU_ON_64, 0, sec, 0),
	      (__u64)INVALID_PARAMETERS);
	if (psci_me > 1)
		check("on-cpu1-not-ours",
		      (__u64)psci_hvc(PSCI_CPU_ON_64, 1, sec, 0),
		      (__u64)INVALID_PARAMETERS);
	check("on-cpu7-absent", (__u64)psci_smc(PSCI_CPU_ON_64, 7, sec, 0),
	      (__u64)INVALID_PARAMETERS);
	check("on-aff1-set",
	      (__u64)psci_smc(PSCI_CPU_ON_64, other | 0x100, sec, 0),
	      (__u64)INVALID_PARAMETERS);
	check("on-entry-outside-ram",
	      (__u64)psci_smc(PSCI_CPU_ON_64, other, 0x0c000000, 0),
	      (__u64)INVALID_ADDRESS);
	check("on-entry-misaligned",
	      (__u64)psci_smc(PSCI_CPU_ON_64, other, sec + 2, 0),
	      (__u64)INVALID_ADDRESS);
	check("on-self-already-on",
	      (__u64)psci_smc(PSCI_CPU_ON_64, psci_me, sec, 0),
	      (__u64)ALREADY_ON);
	check("aff-other-still-off",
	      (__u64)psci_smc(PSCI_AFF_INFO_64, other, 0, 0), AFF_OFF);
	check("landed-none", load_acq(&psci_landed), 0);
}

/* Start the second vCPU with @fn (SMC CPU_ON_64 or HVC CPU_ON_32) and
 * @ctx; check where and how it landed. */
static void check_cpu_on(__u64 other, __u64 landing, int hvc32, __u64 ctx)
{
	__s64 r, again;

	if (hvc32)
		r = psci_hvc(PSCI_CPU_ON_32, other, (__u64)psci_secondary,
			     ctx);
	else
		r = psci_smc(PSCI_CPU_ON_64, other, (__u64)psci_secondary,
			     ctx);
	again = psci_smc(PSCI_CPU_ON_64, other, (__u64)psci_secondary, ctx);
	check(hvc32 ? "on-other-hvc32" : "on-other-smc64", (__u64)r, 0);
	check("on-other-again-on-or-pending",
	      again == ALREADY_ON || again == ON_PENDING, 1);
	check("other-landed", wait_for(&psci_landed, landing), 1);
	check("other-x0-is-context", psci_sec_regs.x[0], ctx);
	check_entry("second vCPU, PSCI CPU_ON", &psci_sec_regs);
	check("aff-other-on", (__u64)psci_smc(PSCI_AFF_INFO_64, other, 0, 0),
	      AFF_ON);
}

void psci_main(const struct psci_regs *regs)
{
	__u64 other;

	psci_me = mpidr();
	other = psci_me + 1;
	psci_entries++;
	puts_("psci: hello from CPU ");
	putdec(psci_me);
	puts_(", entry ");
	putdec(psci_entries);
	psci_putc('\n');
	check_boot(regs);
	if (psci_resets == 1) {
		/* Restarted by the hypervisor after our SYSTEM_RESET: the
		 * boot checks above again.  Now the second vCPU resets the
		 * zone while this one loops with interrupts masked: the
		 * hypervisor must stop this one and restart the zone here.
		 * Nothing is printed after the CPU_ON (a print is an exit,
		 * where this vCPU may be parked): its result waits in
		 * psci_resetter_rc for the next boot. */
		check("reset-restarted-at-image-entry", psci_entries, 2);
		report("after reset: ");
		psci_resets = 2;
		psci_resetter_rc = (__u64)psci_smc(PSCI_CPU_ON_64, other,
						   (__u64)psci_resetter, 0);
		psci_spin();
	}
	if (psci_resets == 2) {
		check("reset-by-second-vcpu-restarted", psci_entries, 3);
		check("on-resetter", psci_resetter_rc, 0);
		/* A second vCPU that never exits (a loop, interrupts
		 * masked): SYSTEM_OFF must stop it too. */
		check("on-spinner", (__u64)psci_smc(PSCI_CPU_ON_64, other,
						    (__u64)psci_spin, 0), 0);
		check("spinner-on", (__u64)wait_aff(other, AFF_ON), AFF_ON);
		report("after second reset: ");
		psci_hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
		check("system-off-does-not-return", 1, 0);
		psci_exit(1);
	}
	check_discovery();
	check_refusals(other);

	/* The second vCPU at a custom entry and context id, off, again. */
	check_cpu_on(other, 1, 0, CTX1);
	store_rel(&psci_go_off, 1);
	check("aff-other-off-after-cpu-off", (__u64)wait_aff(other, AFF_OFF),
	      AFF_OFF);
	check_cpu_on(other, 2, 1, CTX2);

	/* Now this vCPU goes off and the second starts it at
	 * psci_boot_again with CTX3 (psci_secondary_main()). */
	puts_("psci: CPU_OFF on the first vCPU\n");
	psci_smc(PSCI_CPU_OFF, 0, 0, 0);
	check("cpu-off-does-not-return", 1, 0);
	psci_exit(1);
}

void psci_again_main(const struct psci_regs *regs)
{
	__u64 other = psci_me + 1;

	check_entry("first vCPU restarted by PSCI CPU_ON", regs);
	check("again-x0-is-context", regs->x[0], CTX3);
	check("again-not-a-zone-restart", psci_entries, 1);
	/* The second vCPU stores its CPU_ON's result after the call
	 * returned, which may be after we got here. */
	check("again-cpu-on-result", wait_for(&psci_wake_rc, 100), 1);
	check("aff-self-on-again",
	      (__u64)psci_smc(PSCI_AFF_INFO_64, psci_me, 0, 0), AFF_ON);
	check("aff-other-off-at-end", (__u64)wait_aff(other, AFF_OFF),
	      AFF_OFF);
	report("");
	/* A reset restarts the zone at _start (the Linux way again). */
	psci_resets = 1;
	psci_smc(PSCI_SYSTEM_RESET, 0, 0, 0);
	check("system-reset-does-not-return", 1, 0);
	psci_exit(1);
}

void psci_secondary_main(const struct psci_regs *regs)
{
	__u64 n = load_acq(&psci_landed) + 1;
	__u64 first = psci_me;

	(void)regs;
	/* Release: our record (psci_sec_regs) before the count. */
	store_rel(&psci_landed, n);
	if (n == 1) {
		if (!wait_for(&psci_go_off, 1))
			puts_("psci: FAIL second vCPU: no go-off\n");
		psci_smc(PSCI_CPU_OFF, 0, 0, 0);
		puts_("psci: FAIL second vCPU: CPU_OFF returned\n");
		psci_exit(1);
	}
	/* Second landing: start the first vCPU again once it is off. */
	if (wait_aff(first, AFF_OFF) != AFF_OFF)
		puts_("psci: FAIL second vCPU: the first never went off\n");
	store_rel(&psci_wake_rc,
		  (__u64)(psci_smc(PSCI_CPU_ON_64, first,
				   (__u64)psci_boot_again, CTX3) + 100));
	psci_smc(PSCI_CPU_OFF, 0, 0, 0);
	puts_("psci: FAIL second vCPU: CPU_OFF returned\n");
	psci_exit(1);
}

/* CPU_ON's entry (psci_resetter) for the second vCPU that resets the
 * zone while the first one loops. */
void psci_resetter_main(void)
{
	psci_smc(PSCI_SYSTEM_RESET, 0, 0, 0);
	puts_("psci: FAIL second vCPU: SYSTEM_RESET returned\n");
	psci_exit(1);
}

void psci_unexpected(__u64 esr, __u64 elr, __u64 far)
{
	puts_("psci: FAIL unexpected exception, ESR ");
	puthex(esr);
	puts_(" ELR ");
	puthex(elr);
	puts_(" FAR ");
	puthex(far);
	psci_putc('\n');
	psci_exit(255);
}
