// SPDX-License-Identifier: MIT
/*
 * hyp_printk(): the format subset of hyp/printk.h.  Arch-neutral; the
 * console byte sink is hyp_arch_console_putc(), shared with the root
 * zone's trapped UART writes through the line arbiter (hyp/conmux.h),
 * both under printk_lock.
 */
#include <hvbridge/barrier.h>
#include <hvbridge/types.h>
#include <hyp/conmux.h>
#include <hyp/printk.h>
#include <hyp/spinlock.h>

#define PRINTK_NO_CPU	0xffffffffu

static struct hyp_spinlock printk_lock = HYP_SPINLOCK_INIT;
static __u32 printk_smp;	/* written once, before other CPUs run */
static __u32 printk_holder = PRINTK_NO_CPU;	/* written under the lock */
/* The physical line's state: written under printk_lock (or by the one
 * CPU before printk_smp). */
static struct hyp_conmux printk_mux = HYP_CONMUX_INIT;

static void printk_putc(char c)
{
	hyp_conmux_hyp_putc(&printk_mux, c, hyp_arch_console_putc);
}

void hyp_printk_smp_begin(void)
{
	printk_smp = 1;
}

static void printk_puts(const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		printk_putc(*s++);
}

/* Unsigned @v in @base, right-aligned in @width with @pad. */
static void printk_num(__u64 v, unsigned int base, unsigned int width,
		       char pad)
{
	static const char digits[] = "0123456789abcdef";
	char buf[24];
	unsigned int n = 0;

	do {
		buf[n++] = digits[v % base];
		v /= base;
	} while (v);
	while (width > n) {
		printk_putc(pad);
		width--;
	}
	while (n)
		printk_putc(buf[--n]);
}

void hyp_vprintk(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		unsigned int width = 0, longs = 0;
		char pad = ' ';
		__s64 sv;
		__u64 uv;

		if (*fmt != '%') {
			printk_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned int)(*fmt++ - '0');
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
			sv = longs ? va_arg(ap, long) : va_arg(ap, int);
			uv = (__u64)sv;
			if (sv < 0) {
				printk_putc('-');
				uv = -uv;
				width = width ? width - 1 : 0;
			}
			printk_num(uv, 10, width, pad);
			break;
		case 'u':
			uv = longs ? va_arg(ap, unsigned long) :
				     va_arg(ap, unsigned int);
			printk_num(uv, 10, width, pad);
			break;
		case 'x':
			uv = longs ? va_arg(ap, unsigned long) :
				     va_arg(ap, unsigned int);
			printk_num(uv, 16, width, pad);
			break;
		case 'p':
			printk_puts("0x");
			printk_num((__u64)(unsigned long)va_arg(ap, void *),
				   16, 0, ' ');
			break;
		case 's':
			printk_puts(va_arg(ap, const char *));
			break;
		case 'c':
			printk_putc((char)va_arg(ap, int));
			break;
		case '%':
			printk_putc('%');
			break;
		case '\0':
			return;
		default:
			/* Unknown conversion: show it rather than guess. */
			printk_putc('%');
			printk_putc(*fmt);
			break;
		}
	}
}

/*
 * Take the console unless this CPU holds it already: a hyp_printk()
 * inside hyp_printk_lock(), or a CPU that faulted inside hyp_printk()
 * and prints its crash report, must not wait for its own lock.  Only the
 * holder writes printk_holder, so another CPU can never read its own id
 * there by mistake.  Returns 1 when the caller must release.
 */
static int printk_take(void)
{
	unsigned int cpu;

	if (!printk_smp)
		return 0;
	cpu = hyp_arch_cpu_id();
	if (hvb_read_once_u32(&printk_holder) == cpu)
		return 0;
	hyp_spin_lock(&printk_lock);
	hvb_write_once_u32(&printk_holder, cpu);
	return 1;
}

static void printk_release(void)
{
	/* The section ends: the root zone's partial line comes back. */
	hyp_conmux_hyp_done(&printk_mux, hyp_arch_console_putc);
	hvb_write_once_u32(&printk_holder, PRINTK_NO_CPU);
	hyp_spin_unlock(&printk_lock);
}

static int printk_outer;	/* hyp_printk_lock() took the lock */

void hyp_printk_lock(void)
{
	int took = printk_take();

	/* Written by the holder only, under the lock. */
	printk_outer = took;
}

void hyp_printk_unlock(void)
{
	if (printk_outer) {
		printk_outer = 0;
		printk_release();
	}
}

void hyp_printk(const char *fmt, ...)
{
	int took = printk_take();
	va_list ap;

	va_start(ap, fmt);
	hyp_vprintk(fmt, ap);
	va_end(ap);
	if (took)
		printk_release();
}

void hyp_printk_root_putc(char c)
{
	int took = printk_take();

	hyp_conmux_root_putc(&printk_mux, c, hyp_arch_console_putc);
	if (took)
		printk_release();
}
