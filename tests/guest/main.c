// SPDX-License-Identifier: MIT
/*
 * The torture image's harness: runs every case of the table cases.S
 * builds (each an assembly function, so the exact instruction is the
 * one the case names) against each test device window, prints one
 * "PASS <window>/<case>" or "FAIL <window>/<case>" line per case and a
 * summary, and leaves with the failure count as its exit code.
 *
 * Windows: "hyp" (0x0b100000, served in the hypervisor) first, then
 * "chan" (0x0b000000, served by the daemon through the channel), so the
 * daemon has time to attach; "zone" cases (isolation) run once.  In a
 * zone started from a zone config there is no "hyp" (guest_main()).
 */
#include <hvbridge/barrier.h>
#include <hvbridge/testdev.h>
#include "guest.h"

struct guest_abort guest_abort;
struct guest_fail guest_fail;

static __u64 guest_passed, guest_failed;

void guest_puts(const char *s)
{
	while (*s)
		guest_putc(*s++);
}

void guest_puthex(__u64 v)
{
	int shift = 60;

	guest_puts("0x");
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		guest_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

void guest_putdec(__u64 v)
{
	char buf[21];
	int i = 20;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	guest_puts(&buf[i]);
}

/* For the cases: the PATTERN register's value at @offset. */
__u64 guest_pattern(__u64 offset)
{
	return hvb_testdev_pattern(offset);
}

/* The vector's report (start.S): record, print, resume after it. */
void guest_sync(__u64 esr, __u64 far, __u64 elr)
{
	/* volatile: the nested call is an exception, not a call. */
	static volatile int busy;

	/* An abort while reporting one (the console itself failing): no
	 * way to say more. */
	if (busy)
		guest_exit(254);
	busy = 1;
	guest_abort.esr = esr;
	guest_abort.far = far;
	guest_abort.elr = elr;
	guest_abort.count++;
	/* EC 0x24/0x25: a data abort (what the cases expect). */
	guest_puts((esr >> 27) == 0x12 ? "guest: data abort: EC " :
		   "guest: exception: EC ");
	guest_puthex(esr >> 26);
	guest_puts(" ISS ");
	guest_puthex(esr & 0x1ffffff);
	guest_puts(" FAR ");
	guest_puthex(far);
	guest_puts(" ELR ");
	guest_puthex(elr);
	guest_putc('\n');
	busy = 0;
}

void guest_unexpected(__u64 esr, __u64 far, __u64 elr)
{
	guest_puts("guest: unexpected exception: ESR ");
	guest_puthex(esr);
	guest_puts(" FAR ");
	guest_puthex(far);
	guest_puts(" ELR ");
	guest_puthex(elr);
	guest_puts("\nguest: 0 passed, 1 failed\n");
	guest_exit(255);
}

/* One step of a workload (the virtio image's, virtio_dev.c): a PASS
 * line, or a FAIL line with @why, counted with the cases. */
void guest_step(const char *name, const char *step, const char *why)
{
	guest_puts(why ? "FAIL " : "PASS ");
	guest_puts(name);
	guest_putc('/');
	guest_puts(step);
	if (why) {
		guest_puts(": ");
		guest_puts(why);
		guest_failed++;
	} else {
		guest_passed++;
	}
	guest_putc('\n');
}

/* What runs before the cases: nothing in the torture image; the virtio
 * image links its driver's workload over this (virtio_dev.c). */
__attribute__((weak)) void guest_workload(void)
{
}

static void guest_result(const char *win, const struct guest_case *c,
			 int ok, const char *why)
{
	guest_puts(ok ? "PASS " : "FAIL ");
	guest_puts(win);
	guest_putc('/');
	guest_puts(c->name);
	if (why) {
		guest_puts(": ");
		guest_puts(why);
	}
	guest_putc('\n');
	if (ok)
		guest_passed++;
	else
		guest_failed++;
}

static void guest_run(const char *win, const struct guest_case *c,
		      __u64 base)
{
	__u64 before = guest_abort.count, r, aborts;

	r = c->run(base);
	aborts = guest_abort.count - before;
	if (r) {
		guest_result(win, c, 0, 0);
		guest_puts("  check at ");
		guest_puthex(guest_fail.at);
		guest_puts(" got ");
		guest_puthex(guest_fail.got);
		guest_puts(" want ");
		guest_puthex(guest_fail.want);
		guest_putc('\n');
	} else if (aborts != (c->flags & GC_ABORT ? 1u : 0u)) {
		guest_result(win, c, 0, "wrong number of data aborts");
	} else {
		guest_result(win, c, 1, 0);
	}
}

static void guest_window(const char *win, __u64 base, int usable)
{
	const struct guest_case *c;

	for (c = __gcase_start; c < __gcase_end; c++) {
		if (!(c->flags & GC_WINDOW))
			continue;
		if (usable)
			guest_run(win, c, base);
		else
			guest_result(win, c, 0, "window not served");
	}
}

/*
 * A static zone1 starts at the hypervisor's boot; the daemon attaches once the
 * hypervisor has formatted the channel region, and in the root zone only
 * after its Linux has booted (seconds under TCG, more on a busy machine).
 * Until then each read of the window times out and aborts: expected, not
 * a failure.  Read ID until a read answers without an abort, for at most
 * @wait_ms by the generic timer, and say how long it took: the cases
 * then run against a daemon that is there.  A zone the root zone
 * started from its config comes after the root zone's boot, next to a
 * running daemon: a short wait, so a window the config misplaced fails
 * in seconds.
 */
#define GUEST_DAEMON_WAIT_MS		90000u
#define GUEST_DAEMON_WAIT_STARTED_MS	10000u
#define GUEST_DAEMON_GAP_MS		100u

static int guest_wait_daemon(__u64 base, __u64 wait_ms)
{
	__u64 tpm = guest_ticks_per_ms(), start = guest_ticks(), now;
	__u64 before, aborts = 0;
	int answered;

	for (;;) {
		before = guest_abort.count;
		answered = guest_mmio_read64(base + HVB_TESTDEV_ID_REG) ==
			   HVB_TESTDEV_ID && guest_abort.count == before;
		now = guest_ticks();
		if (answered)
			break;
		aborts++;
		if (now - start >= wait_ms * tpm)
			break;
		/* An abort that came at once (no channel at all) must not
		 * turn into a flood of abort lines. */
		while (guest_ticks() - now < GUEST_DAEMON_GAP_MS * tpm)
			hvb_cpu_relax();
	}
	/* The root zone's daemon prints "serving" on the shared UART just
	 * as it starts answering: let it finish, or the two lines tear. */
	while (answered && guest_ticks() - now < GUEST_DAEMON_GAP_MS * 10 * tpm)
		hvb_cpu_relax();
	guest_puts(answered ? "guest: chan: the daemon answered after " :
		   "guest: chan: no answer from the daemon after ");
	guest_putdec((now - start) / tpm);
	guest_puts(" ms (");
	guest_putdec(aborts);
	guest_puts(" aborted reads while waiting)\n");
	return answered;
}

/*
 * A static zone (hyp/arch/arm64/zones.c) enters with both windows in x0
 * and x2.  A zone started from a zone config (`hvbridge zone start
 * FILE.json`, docs/zones.md) enters by the arm64 boot protocol: x0 = its
 * DTB or 0, x1..x3 = 0.  Such a zone has no in-hypervisor window (a
 * zone config cannot name one), and its config puts the channel's test
 * device where the static zone1 has it: only "chan" runs, and the count
 * says so, so "N passed, 0 failed" still means every case announced.
 */
__u64 guest_main(__u64 hyp_win, __u64 uart, __u64 chan_win)
{
	const struct guest_case *c;
	int has_hyp = chan_win != 0;
	__u64 n = 0;

	(void)uart;
	if (!has_hyp) {
		hyp_win = 0;
		chan_win = HVB_TESTDEV_DEFAULT_BASE;
	}
	guest_workload();
	for (c = __gcase_start; c < __gcase_end; c++)
		n += c->flags & GC_WINDOW ? 1 + has_hyp : 1;
	if (!has_hyp) {
		guest_puts("guest: entered by the boot protocol (x2 = 0): no in-hypervisor window, the channel's at ");
		guest_puthex(chan_win);
		guest_putc('\n');
	}
	guest_puts("guest: torture image, EL1 MMU and caches on, ");
	guest_putdec(n);
	guest_puts(" cases\n");

	if (has_hyp)
		guest_window("hyp", hyp_win, 1);
	guest_window("chan", chan_win, guest_wait_daemon(chan_win, has_hyp ?
			GUEST_DAEMON_WAIT_MS : GUEST_DAEMON_WAIT_STARTED_MS));
	/* The "zone" cases name their own addresses: any window as x0. */
	for (c = __gcase_start; c < __gcase_end; c++)
		if (c->flags & GC_ONCE)
			guest_run("zone", c, has_hyp ? hyp_win : chan_win);

	guest_puts("guest: ");
	guest_putdec(guest_passed);
	guest_puts(" passed, ");
	guest_putdec(guest_failed);
	guest_puts(" failed\n");
	return guest_failed;
}
