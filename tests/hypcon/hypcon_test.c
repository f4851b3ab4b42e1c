// SPDX-License-Identifier: MIT
/*
 * Description: the console room's pure parts on the host.  The line
 * arbiter (hyp/core/conmux.c): a hypervisor line that comes while the
 * root zone is mid-line ends the root zone's line and is followed by a
 * redraw of it, so across random interleavings every hypervisor line and
 * every root line appears whole on some line of the output.  A guest
 * zone's console (hyp/core/console.c): the emulated PL011's ID, flag and
 * interrupt registers, kept registers at every width, bad widths
 * refused, DR writes becoming "[name] ..." lines, and the rate limit
 * (burst, refill, the dropped count reported at most once a second).
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hyp/arch.h>
#include <hyp/conmux.h>
#include <hyp/console.h>
#include <hyp/printk.h>

/* The terminal: everything emitted, as it is. */
static char out[1 << 20];
static size_t out_len;

static void emit(char c)
{
	cr_assert_lt(out_len, sizeof(out) - 1);
	out[out_len++] = c;
	out[out_len] = '\0';
}

/* Stubs of what console.c calls. */
static __u64 fake_ns = 5000000000ull;

__u64 hyp_arch_now_ns(void)
{
	return fake_ns;
}

void hyp_printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n, i;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (i = 0; i < n && i < (int)sizeof(buf) - 1; i++)
		emit(buf[i]);
}

/* The TX interrupt's raises, and the last INTID raised. */
static unsigned int raised;
static __u32 raised_irq;

void hyp_arch_console_irq(__u32 intid)
{
	raised++;
	raised_irq = intid;
}

static void setup(void)
{
	out_len = 0;
	out[0] = '\0';
}

static struct hyp_conmux mux;

static void hyp_line(const char *s)
{
	while (*s)
		hyp_conmux_hyp_putc(&mux, *s++, emit);
	hyp_conmux_hyp_putc(&mux, '\n', emit);
	hyp_conmux_hyp_done(&mux, emit);
}

static void root_str(const char *s)
{
	while (*s)
		hyp_conmux_root_putc(&mux, *s++, emit);
}

/* Is @line, whole, a line of the output (CRs dropped)? */
static int has_line(const char *line)
{
	char *copy = strdup(out), *p, *save = 0;
	int found = 0;
	size_t i, j;

	for (i = j = 0; copy[i]; i++)
		if (copy[i] != '\r')
			copy[j++] = copy[i];
	copy[j] = '\0';
	for (p = strtok_r(copy, "\n", &save); p; p = strtok_r(0, "\n", &save))
		if (!strcmp(p, line))
			found = 1;
	free(copy);
	return found;
}

TestSuite(conmux, .init = setup);

Test(conmux, hyp_line_mid_root_line_is_whole_and_root_redrawn)
{
	struct hyp_conmux m = HYP_CONMUX_INIT;

	mux = m;
	root_str("kmod-check: PASS zo");
	hyp_line("hvbridge-hyp: zone1: stopped");
	root_str("ne-stop\r\n");
	cr_expect_str_eq(out, "kmod-check: PASS zo\r\n"
			 "hvbridge-hyp: zone1: stopped\r\n"
			 "kmod-check: PASS zone-stop\r\n");
}

Test(conmux, root_at_column_0_gets_no_extra_line)
{
	struct hyp_conmux m = HYP_CONMUX_INIT;

	mux = m;
	root_str("a\r\n");
	hyp_line("h");
	root_str("b\r\n");
	cr_expect_str_eq(out, "a\r\nh\r\nb\r\n");
}

Test(conmux, redraw_once_per_section)
{
	struct hyp_conmux m = HYP_CONMUX_INIT;
	const char *s = "one\ntwo\n";

	mux = m;
	root_str("# ");
	while (*s)
		hyp_conmux_hyp_putc(&mux, *s++, emit);
	hyp_conmux_hyp_done(&mux, emit);
	cr_expect_str_eq(out, "# \r\none\r\ntwo\r\n# ");
	cr_expect_eq(mux.owner, HYP_CONMUX_ROOT);
}

Test(conmux, root_ends_an_open_hypervisor_line)
{
	struct hyp_conmux m = HYP_CONMUX_INIT;

	mux = m;
	hyp_conmux_hyp_putc(&mux, 'h', emit);
	hyp_conmux_hyp_done(&mux, emit);
	root_str("r\r\n");
	cr_expect_str_eq(out, "h\r\nr\r\n");
}

Test(conmux, open_hypervisor_line_inside_a_root_line)
{
	struct hyp_conmux m = HYP_CONMUX_INIT;

	mux = m;
	root_str("abc");
	hyp_conmux_hyp_putc(&mux, 'h', emit);
	hyp_conmux_hyp_done(&mux, emit);
	root_str("d\r\n");
	cr_expect_str_eq(out, "abc\r\nh\r\nabcd\r\n");
}

Test(conmux, overlong_root_line_is_not_redrawn)
{
	struct hyp_conmux m = HYP_CONMUX_INIT;
	__u32 i;

	mux = m;
	for (i = 0; i < HYP_CONMUX_ROOT_LINE + 10; i++)
		hyp_conmux_root_putc(&mux, 'x', emit);
	hyp_line("h");
	cr_expect_eq(mux.root_lost, 1);
	/* Ended, not redrawn: the output ends with the hypervisor's line. */
	cr_expect_str_eq(out + out_len - 4, "\nh\r\n");
	root_str("y\r\n");
	cr_expect_eq(mux.root_lost, 0);
	root_str("short");
	hyp_line("h2");
	cr_expect_str_eq(out + out_len - 9, "h2\r\nshort");
}

/* Random interleavings: root lines written a byte at a time, hypervisor
 * lines written whole in a section, each a unique string. */
Test(conmux, random_interleavings_keep_every_line_whole)
{
	struct hyp_conmux m = HYP_CONMUX_INIT;
	char root[64][48], hyp[64][48];
	unsigned int seed, r = 0, h = 0, pos = 0, i;

	for (seed = 1; seed <= 200; seed++) {
		setup();
		mux = m;
		srand(seed);
		for (i = 0; i < 64; i++) {
			snprintf(root[i], sizeof(root[i]),
				 "root line %u of seed %u %*s.", i, seed,
				 rand() % 20, "");
			snprintf(hyp[i], sizeof(hyp[i]),
				 "hvbridge-hyp: line %u of seed %u", i, seed);
		}
		r = h = pos = 0;
		while (r < 64 || h < 64) {
			if (h < 64 && (r == 64 || rand() % 8 == 0)) {
				hyp_line(hyp[h++]);
				continue;
			}
			if (!root[r][pos]) {
				root_str("\r\n");
				r++;
				pos = 0;
				continue;
			}
			hyp_conmux_root_putc(&mux, root[r][pos++], emit);
		}
		for (i = 0; i < 64; i++) {
			cr_assert(has_line(root[i]), "seed %u: root line %u",
				  seed, i);
			cr_assert(has_line(hyp[i]), "seed %u: hyp line %u",
				  seed, i);
		}
	}
}

/* The guest zone's console. */
static struct hyp_console con;

static void con_setup(void)
{
	struct hyp_console c = HYP_CONSOLE_INIT("zoneT");

	setup();
	con = c;
	fake_ns = 5000000000ull;
}

static __u64 rd(__u64 off, __u32 size)
{
	__u64 v = ~0ull;

	cr_assert_eq(hyp_console_pl011_access(&con, off, size, 0, &v),
		     HYP_MMIO_OK, "read 0x%llx size %u",
		     (unsigned long long)off, size);
	return v;
}

static void wr(__u64 off, __u32 size, __u64 v)
{
	cr_assert_eq(hyp_console_pl011_access(&con, off, size, 1, &v),
		     HYP_MMIO_OK);
}

static void dr_str(const char *s)
{
	while (*s)
		wr(HYP_PL011_DR, 4, (__u8)*s++);
}

TestSuite(pl011, .init = con_setup);

Test(pl011, ids_flags_and_interrupt_status)
{
	static const __u8 id[8] = { 0x11, 0x10, 0x14, 0x00,
				    0x0d, 0xf0, 0x05, 0xb1 };
	__u32 i;

	for (i = 0; i < 8; i++)
		cr_expect_eq(rd(HYP_PL011_PERIPHID0 + 4 * i, 4), id[i]);
	cr_expect_eq(rd(HYP_PL011_FR, 4),
		     HYP_PL011_FR_TXFE | HYP_PL011_FR_RXFE);
	cr_expect_eq(rd(HYP_PL011_DR, 4), 0);
	cr_expect_eq(rd(HYP_PL011_RSR, 4), 0);
	cr_expect_eq(rd(HYP_PL011_RIS, 4), HYP_PL011_INT_TX);
	cr_expect_eq(rd(HYP_PL011_MIS, 4), 0);
	wr(HYP_PL011_IMSC, 4, HYP_PL011_INT_TX | 0x10);
	cr_expect_eq(rd(HYP_PL011_MIS, 4), HYP_PL011_INT_TX);
	cr_expect_eq(rd(HYP_PL011_CR, 4), 0x300);	/* reset value */
	cr_expect_eq(rd(0x800, 4), 0);			/* RAZ */
	wr(0x800, 4, 0xffffffff);			/* WI */
	cr_expect_eq(rd(0x800, 4), 0);
}

Test(pl011, kept_registers_at_every_width)
{
	wr(HYP_PL011_IBRD, 2, 0x1234);
	cr_expect_eq(rd(HYP_PL011_IBRD, 4), 0x1234);
	wr(HYP_PL011_IBRD + 1, 1, 0xab);
	cr_expect_eq(rd(HYP_PL011_IBRD, 4), 0xab34);
	cr_expect_eq(rd(HYP_PL011_IBRD + 1, 1), 0xab);
	wr(HYP_PL011_FBRD, 4, 0xffffffff);
	cr_expect_eq(rd(HYP_PL011_FBRD, 4), 0x3f);	/* 6 bits */
	wr(HYP_PL011_LCRH, 4, 0x70);
	cr_expect_eq(rd(HYP_PL011_LCRH, 2), 0x70);
	wr(HYP_PL011_DMACR, 4, 0xff);
	cr_expect_eq(rd(HYP_PL011_DMACR, 4), 0x7);
	wr(HYP_PL011_ICR, 4, 0x7ff);		/* TX stays raised */
	cr_expect_eq(rd(HYP_PL011_RIS, 4), HYP_PL011_INT_TX);
}

Test(pl011, bad_widths_fail)
{
	__u64 v = 0;

	cr_expect_eq(hyp_console_pl011_access(&con, 0, 8, 0, &v),
		     HYP_MMIO_ERROR);
	cr_expect_eq(hyp_console_pl011_access(&con, 2, 4, 0, &v),
		     HYP_MMIO_ERROR);
	cr_expect_eq(hyp_console_pl011_access(&con, 1, 2, 1, &v),
		     HYP_MMIO_ERROR);
	cr_expect_eq(hyp_console_pl011_access(&con, 0, 3, 1, &v),
		     HYP_MMIO_ERROR);
}

Test(pl011, dr_writes_become_prefixed_escaped_lines)
{
	dr_str("hvbridge-hyp: forged\n");
	dr_str("\033[2K\rx\\y\n");
	wr(HYP_PL011_DR, 1, 'z');
	cr_expect_str_eq(out, "[zoneT] hvbridge-hyp: forged\n"
			 "[zoneT] \\x1b[2Kx\\\\y\n");
	dr_str("\n");
	cr_expect_str_eq(out + strlen(out) - 10, "[zoneT] z\n");
}

Test(pl011, the_console_window_shares_the_line)
{
	__u64 v = 'a';

	cr_expect_eq(hyp_console_access(&con, HYP_CONSOLE_TX, 1, 1, &v),
		     HYP_MMIO_OK);
	dr_str("b\n");
	cr_expect_str_eq(out, "[zoneT] ab\n");
}

Test(pl011, reset_flushes_the_line_and_the_registers)
{
	wr(HYP_PL011_IMSC, 4, HYP_PL011_INT_TX);
	wr(HYP_PL011_CR, 4, 0x1);
	dr_str("half a li");
	hyp_console_reset(&con);
	cr_expect_str_eq(out, "[zoneT] half a li\\\n");
	cr_expect_eq(rd(HYP_PL011_IMSC, 4), 0);
	cr_expect_eq(rd(HYP_PL011_CR, 4), HYP_PL011_CR_RESET);
	cr_expect_eq(rd(HYP_PL011_IFLS, 4), HYP_PL011_IFLS_RESET);
}

Test(pl011, tx_interrupt_when_unmasked_and_per_write)
{
	struct hyp_console c = HYP_CONSOLE_INIT_IRQ("zoneT", 77);

	con = c;
	raised = 0;
	dr_str("ab");				/* masked: none */
	cr_expect_eq(raised, 0);
	wr(HYP_PL011_IMSC, 4, 0x10);		/* RX only: none */
	cr_expect_eq(raised, 0);
	wr(HYP_PL011_IMSC, 4, 0x10 | HYP_PL011_INT_TX);
	cr_expect_eq(raised, 1);
	cr_expect_eq(raised_irq, 77);
	wr(HYP_PL011_IMSC, 4, HYP_PL011_INT_TX);	/* still unmasked */
	cr_expect_eq(raised, 1);
	dr_str("cd");				/* one per byte taken */
	cr_expect_eq(raised, 3);
	cr_expect_eq(rd(HYP_PL011_MIS, 4), HYP_PL011_INT_TX);
	wr(HYP_PL011_IMSC, 4, 0);
	dr_str("e\n");
	cr_expect_eq(raised, 3);

	/* No SPI configured: never. */
	c.irq = 0;
	con = c;
	raised = 0;
	wr(HYP_PL011_IMSC, 4, HYP_PL011_INT_TX);
	dr_str("x");
	cr_expect_eq(raised, 0);
}

static unsigned int count_lines(const char *prefix)
{
	unsigned int n = 0;
	const char *p = out;
	size_t l = strlen(prefix);

	while (p && *p) {
		if (!strncmp(p, prefix, l))
			n++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

/* The counts the drop reports below name. */
_Static_assert(HYP_CONSOLE_RATE - HYP_CONSOLE_RATE / 2 == 128,
	       "flood_is_rate_limited_and_counted's second report");

Test(pl011, flood_is_rate_limited_and_counted)
{
	unsigned int i;

	for (i = 0; i < HYP_CONSOLE_BURST + 744; i++)
		dr_str("flood\n");
	cr_expect_eq(count_lines("[zoneT] flood"), HYP_CONSOLE_BURST);
	cr_expect_eq(con.dropped, 744);
	cr_expect_eq(count_lines("hvbridge-hyp:"), 0);

	/* Half a second: HYP_CONSOLE_RATE / 2 more lines, the count of
	 * the dropped ones first. */
	fake_ns += 500000000ull;
	setup();
	for (i = 0; i < HYP_CONSOLE_RATE; i++)
		dr_str("more\n");
	cr_expect_eq(count_lines("hvbridge-hyp: zoneT: console: 744 lines dropped"), 1);
	cr_expect_eq(count_lines("[zoneT] more"), HYP_CONSOLE_RATE / 2);
	cr_expect_eq(con.dropped, HYP_CONSOLE_RATE / 2);

	/* Within a second of that report: none, though a line passes. */
	fake_ns += 1000000000ull - 1;
	setup();
	dr_str("again\n");
	cr_expect_eq(count_lines("hvbridge-hyp:"), 0);
	cr_expect_eq(count_lines("[zoneT] again"), 1);
	/* A second after the last report: reported. */
	fake_ns += 1;
	setup();
	dr_str("later\n");
	cr_expect_eq(count_lines("hvbridge-hyp: zoneT: console: 128 lines dropped"), 1);
	cr_expect_eq(con.dropped, 0);

	/* Long quiet: back to the full burst, no more. */
	fake_ns += 3600000000000ull;
	setup();
	for (i = 0; i < HYP_CONSOLE_BURST + 1000; i++)
		dr_str("burst\n");
	cr_expect_eq(count_lines("[zoneT] burst"), HYP_CONSOLE_BURST);
}

Test(pl011, admit_bounds_other_paths_too)
{
	unsigned int i, ok = 0;

	for (i = 0; i < HYP_CONSOLE_BURST + 1000; i++)
		ok += (unsigned int)hyp_console_admit(&con);
	cr_expect_eq(ok, HYP_CONSOLE_BURST);
}
