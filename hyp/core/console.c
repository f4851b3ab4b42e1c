// SPDX-License-Identifier: MIT
/*
 * A guest zone's console (hyp/console.h): its bytes, from the
 * write-only console window or the emulated PL011, become whole,
 * escaped, bounded, rate-limited lines on the hypervisor's console.
 */
#include <hyp/arch.h>
#include <hyp/console.h>
#include <hyp/printk.h>

#define CONSOLE_NS_PER_LINE	(1000000000ull / HYP_CONSOLE_RATE)
#define CONSOLE_NS_REPORT	1000000000ull	/* between drop reports */

/* One line's worth of the rate limit; @con's lock held. */
static int console_admit_locked(struct hyp_console *con)
{
	__u64 now = hyp_arch_now_ns(), lines;

	if (!con->started) {
		con->started = 1;
		con->tokens = HYP_CONSOLE_BURST;
		con->refill_ns = now;
	}
	if (now > con->refill_ns) {
		lines = (now - con->refill_ns) / CONSOLE_NS_PER_LINE;
		if (lines >= HYP_CONSOLE_BURST - con->tokens) {
			con->tokens = HYP_CONSOLE_BURST;
			con->refill_ns = now;
		} else {
			con->tokens += (__u32)lines;
			con->refill_ns += lines * CONSOLE_NS_PER_LINE;
		}
	}
	if (!con->tokens) {
		con->dropped++;
		return 0;
	}
	con->tokens--;
	/* At most one report a second, or the reports would double what
	 * a flooding guest gets printed. */
	if (con->dropped && (!con->report_ns ||
			     now - con->report_ns >= CONSOLE_NS_REPORT)) {
		hyp_printk("hvbridge-hyp: %s: console: %u lines dropped\n",
			   con->name, con->dropped);
		con->dropped = 0;
		con->report_ns = now ? now : 1;
	}
	return 1;
}

int hyp_console_admit(struct hyp_console *con)
{
	int ok;

	hyp_spin_lock(&con->lock);
	ok = console_admit_locked(con);
	hyp_spin_unlock(&con->lock);
	return ok;
}

/* Print the line so far; @cut: it goes on, mark it with a '\'. */
static void console_flush(struct hyp_console *con, int cut)
{
	con->line[con->len] = '\0';
	if (console_admit_locked(con))
		hyp_printk("[%s] %s%s\n", con->name, con->line,
			   cut ? "\\" : "");
	con->len = 0;
}

/* Append @n characters of @s, first printing a full line if they do not
 * fit: an escape is never split across two printed lines. */
static void console_put(struct hyp_console *con, const char *s, __u32 n)
{
	__u32 i;

	if (HYP_CONSOLE_LINE - con->len < n)
		console_flush(con, 1);
	for (i = 0; i < n; i++)
		con->line[con->len++] = s[i];
}

static void console_byte(struct hyp_console *con, __u8 c)
{
	static const char hex[] = "0123456789abcdef";
	char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 0xf] };

	if (c == '\n') {
		console_flush(con, 0);
	} else if (c == '\\') {
		console_put(con, "\\\\", 2);
	} else if (c >= 0x20 && c < 0x7f) {
		esc[0] = (char)c;
		console_put(con, esc, 1);
	} else if (c != '\r') {
		console_put(con, esc, 4);
	}
}

enum hyp_mmio_result hyp_console_access(void *priv, __u64 offset,
					__u32 size, int is_write,
					__u64 *value)
{
	struct hyp_console *con = priv;

	if (!is_write || offset != HYP_CONSOLE_TX || (size != 1 && size != 4))
		return HYP_MMIO_ERROR;
	hyp_spin_lock(&con->lock);
	console_byte(con, (__u8)*value);
	hyp_spin_unlock(&con->lock);
	return HYP_MMIO_OK;
}

void hyp_console_reset(struct hyp_console *con)
{
	hyp_spin_lock(&con->lock);
	if (con->len)
		console_flush(con, 1);
	con->ibrd = con->fbrd = con->lcrh = con->imsc = con->dmacr = 0;
	con->cr = HYP_PL011_CR_RESET;
	con->ifls = HYP_PL011_IFLS_RESET;
	hyp_spin_unlock(&con->lock);
}

/* PeriphID0-3, CellID0-3: what amba probing reads (QEMU's PL011). */
static const __u8 pl011_id[8] = {
	0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1
};

/* The register at @reg (4-aligned) that keeps what is written, with
 * the bits it keeps; NULL: none. */
static __u32 *pl011_kept(struct hyp_console *con, __u64 reg, __u32 *mask)
{
	switch (reg) {
	case HYP_PL011_IBRD:
		*mask = 0xffff;
		return &con->ibrd;
	case HYP_PL011_FBRD:
		*mask = 0x3f;
		return &con->fbrd;
	case HYP_PL011_LCRH:
		*mask = 0xff;
		return &con->lcrh;
	case HYP_PL011_CR:
		*mask = 0xffff;
		return &con->cr;
	case HYP_PL011_IFLS:
		*mask = 0x3f;
		return &con->ifls;
	case HYP_PL011_IMSC:
		*mask = 0x7ff;
		return &con->imsc;
	case HYP_PL011_DMACR:
		*mask = 0x7;
		return &con->dmacr;
	default:
		return 0;
	}
}

/* The 32-bit register at @reg (4-aligned); @con's lock held. */
static __u32 pl011_read(struct hyp_console *con, __u64 reg)
{
	__u32 mask, *kept = pl011_kept(con, reg, &mask);

	if (kept)
		return *kept;
	if (reg >= HYP_PL011_PERIPHID0)
		return pl011_id[(reg - HYP_PL011_PERIPHID0) / 4];
	switch (reg) {
	case HYP_PL011_FR:
		/* Never full, never busy: every byte is taken at once. */
		return HYP_PL011_FR_TXFE | HYP_PL011_FR_RXFE;
	case HYP_PL011_RIS:
		return HYP_PL011_INT_TX;
	case HYP_PL011_MIS:
		return HYP_PL011_INT_TX & con->imsc;
	default:
		return 0;	/* DR (no input), RSR, ILPR, ICR, the rest */
	}
}

enum hyp_mmio_result hyp_console_pl011_access(void *priv, __u64 offset,
					      __u32 size, int is_write,
					      __u64 *value)
{
	struct hyp_console *con = priv;
	__u64 reg = offset & ~3ull;
	__u32 shift = (__u32)(offset & 3) * 8, bits, mask, *kept, raise = 0;

	if ((size != 1 && size != 2 && size != 4) || offset & (size - 1))
		return HYP_MMIO_ERROR;
	bits = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
	hyp_spin_lock(&con->lock);
	if (!is_write) {
		*value = (pl011_read(con, reg) >> shift) & bits;
	} else if (offset == HYP_PL011_DR) {
		console_byte(con, (__u8)*value);
		/* The FIFO took it and is empty again: TX asserts. */
		raise = con->imsc & HYP_PL011_INT_TX;
	} else {
		kept = pl011_kept(con, reg, &mask);
		raise = con->imsc & HYP_PL011_INT_TX;
		if (kept)
			*kept = (*kept & ~(bits << shift)) |
				(((__u32)*value & bits) << shift & mask);
		/* TX unmasked now: it asserts (the FIFO is empty). */
		raise = !raise && con->imsc & HYP_PL011_INT_TX;
	}
	/* The unlock publishes IMSC before the SPI is pending; the guest's
	 * handler reads MIS under the same lock. */
	hyp_spin_unlock(&con->lock);
	if (raise && con->irq)
		hyp_arch_console_irq(con->irq);
	return HYP_MMIO_OK;
}
