// SPDX-License-Identifier: MIT
/*
 * The hammer image: zone1's workload for the fault, stress and bench
 * tests (tests/e2e/fault.sh).  It waits for a daemon to answer on the
 * channel's test device window, then for HAMMER_RUN_S seconds writes
 * and reads back SCRATCH words and reads PATTERN words, checking every
 * response.  An access that aborts (a daemon timeout: no daemon, or one
 * killed mid-request) is counted apart from a wrong value and the loop
 * goes on; the vector reports each abort with how long the access took.
 * Lines (tests grep them):
 *   guest: data abort after <ms> ms: EC .. ISS .. FAR ..
 *   guest: hammer: the daemon answered after <n> aborted accesses
 *   guest: hammer: <s> s: <n> accesses, <w> wrong, <a> aborted
 *   guest: hammer: done: <n> accesses in <ms> ms (<r> round trips/s),
 *          <w> wrong, <a> aborted, longest abort <ms> ms
 * Exit code: 0 when no value was wrong and the daemon answered.
 */
#include <hvbridge/testdev.h>
#include "guest.h"

/* Long enough for the root zone's kernel to boot under TCG and start
 * its daemon; the tests' watchdogs are shorter. */
#define HAMMER_WAIT_S	150
#define HAMMER_RUN_S	12
/* SCRATCH words the loop cycles through (below the kick mailboxes). */
#define HAMMER_WORDS	(HVB_TESTDEV_MAILBOX(0) / 8)

/* hammer_io.S */
__u64 hammer_read64(__u64 addr);
void hammer_write64(__u64 addr, __u64 val);
__u64 hammer_now(void);
__u64 hammer_freq(void);

struct guest_abort guest_abort;

/* When the access in flight started (counter ticks); the vector's
 * report says how long it took.  Written before each access. */
static volatile __u64 hammer_t0;
static __u64 hammer_ticks_per_ms;
static __u64 hammer_longest_ms;

static void hammer_puts(const char *s)
{
	while (*s)
		guest_putc(*s++);
}

static void hammer_puthex(__u64 v)
{
	int shift = 60;

	hammer_puts("0x");
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		guest_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

static void hammer_putdec(__u64 v)
{
	char buf[21];
	int i = 20;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	hammer_puts(&buf[i]);
}

static __u64 hammer_ms_since(__u64 t0)
{
	return (hammer_now() - t0) / hammer_ticks_per_ms;
}

/* The vector (start.S): an aborted access; count it, say how long it
 * waited (a daemon timeout is the hypervisor's 500 ms), resume after. */
void guest_sync(__u64 esr, __u64 far, __u64 elr)
{
	__u64 ms = hammer_ms_since(hammer_t0);

	(void)elr;
	guest_abort.esr = esr;
	guest_abort.far = far;
	guest_abort.count++;
	if (ms > hammer_longest_ms)
		hammer_longest_ms = ms;
	hammer_puts("guest: data abort after ");
	hammer_putdec(ms);
	hammer_puts(" ms: EC ");
	hammer_puthex(esr >> 26);
	hammer_puts(" ISS ");
	hammer_puthex(esr & 0x1ffffff);
	hammer_puts(" FAR ");
	hammer_puthex(far);
	guest_putc('\n');
}

void guest_unexpected(__u64 esr, __u64 far, __u64 elr)
{
	hammer_puts("guest: unexpected exception: ESR ");
	hammer_puthex(esr);
	hammer_puts(" FAR ");
	hammer_puthex(far);
	hammer_puts(" ELR ");
	hammer_puthex(elr);
	hammer_puts("\nguest: hammer: FAIL\n");
	guest_exit(255);
}

/* One access; 1 if it aborted. */
static int hammer_read(__u64 addr, __u64 *val)
{
	__u64 before = guest_abort.count;

	hammer_t0 = hammer_now();
	*val = hammer_read64(addr);
	return guest_abort.count != before;
}

static int hammer_write(__u64 addr, __u64 val)
{
	__u64 before = guest_abort.count;

	hammer_t0 = hammer_now();
	hammer_write64(addr, val);
	return guest_abort.count != before;
}

/* Until the daemon answers the ID register, or HAMMER_WAIT_S. */
static int hammer_wait_daemon(__u64 win)
{
	__u64 t0 = hammer_now(), id, aborts = 0;

	while (hammer_ms_since(t0) < HAMMER_WAIT_S * 1000ull) {
		if (hammer_read(win + HVB_TESTDEV_ID_REG, &id)) {
			aborts++;
			continue;
		}
		if (id != HVB_TESTDEV_ID)
			return 0;
		hammer_puts("guest: hammer: the daemon answered after ");
		hammer_putdec(aborts);
		hammer_puts(" aborted accesses\n");
		return 1;
	}
	return 0;
}

static void hammer_counts(__u64 n, __u64 wrong, __u64 aborted)
{
	hammer_putdec(n);
	hammer_puts(" accesses, ");
	hammer_putdec(wrong);
	hammer_puts(" wrong, ");
	hammer_putdec(aborted);
	hammer_puts(" aborted");
}

__u64 guest_main(__u64 hyp_win, __u64 uart, __u64 win)
{
	__u64 n = 0, wrong = 0, aborted = 0, i, t0, ms, sec = 1, v, got;
	__u64 off;

	(void)hyp_win;
	(void)uart;
	hammer_ticks_per_ms = hammer_freq() / 1000;
	hammer_puts("guest: hammer image, ");
	hammer_putdec(HAMMER_RUN_S);
	hammer_puts(" s of checked test device accesses through the channel\n");
	if (!hammer_wait_daemon(win)) {
		hammer_puts("guest: hammer: no daemon answered\n");
		return 2;
	}
	hammer_longest_ms = 0;
	t0 = hammer_now();
	for (i = 0; (ms = hammer_ms_since(t0)) < HAMMER_RUN_S * 1000ull; i++) {
		if (ms >= sec * 1000) {
			hammer_puts("guest: hammer: ");
			hammer_putdec(sec++);
			hammer_puts(" s: ");
			hammer_counts(n, wrong, aborted);
			guest_putc('\n');
		}
		/* A SCRATCH word: a value of its own, read back.  After an
		 * aborted write the word is unknown: no read-back. */
		off = HVB_TESTDEV_SCRATCH + (i % HAMMER_WORDS) * 8;
		v = hvb_testdev_pattern(i) ^ i;
		if (hammer_write(win + off, v)) {
			aborted++;
			continue;
		}
		n++;
		if (hammer_read(win + off, &got)) {
			aborted++;
			continue;
		}
		n++;
		if (got != v)
			wrong++;
		/* A PATTERN word. */
		off = HVB_TESTDEV_PATTERN + (i * 8) % HVB_TESTDEV_PATTERN_SIZE;
		if (hammer_read(win + off, &got)) {
			aborted++;
			continue;
		}
		n++;
		if (got != hvb_testdev_pattern(off))
			wrong++;
	}
	hammer_puts("guest: hammer: done: ");
	hammer_putdec(n);
	hammer_puts(" accesses in ");
	hammer_putdec(ms);
	hammer_puts(" ms (");
	hammer_putdec(n * 1000 / (ms ? ms : 1));
	hammer_puts(" round trips/s), ");
	hammer_putdec(wrong);
	hammer_puts(" wrong, ");
	hammer_putdec(aborted);
	hammer_puts(" aborted, longest abort ");
	hammer_putdec(hammer_longest_ms);
	hammer_puts(" ms\n");
	return wrong ? 1 : 0;
}
