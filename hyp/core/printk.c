// SPDX-License-Identifier: MIT
/*
 * hyp_printk(): the format subset of hyp/printk.h.  Arch-neutral; the
 * console byte sink is hyp_arch_console_putc().
 */
#include <hvbridge/types.h>
#include <hyp/printk.h>

static void printk_puts(const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		hyp_arch_console_putc(*s++);
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
		hyp_arch_console_putc(pad);
		width--;
	}
	while (n)
		hyp_arch_console_putc(buf[--n]);
}

void hyp_vprintk(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		unsigned int width = 0, longs = 0;
		char pad = ' ';
		__s64 sv;
		__u64 uv;

		if (*fmt != '%') {
			hyp_arch_console_putc(*fmt);
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
				hyp_arch_console_putc('-');
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
			hyp_arch_console_putc((char)va_arg(ap, int));
			break;
		case '%':
			hyp_arch_console_putc('%');
			break;
		case '\0':
			return;
		default:
			/* Unknown conversion: show it rather than guess. */
			hyp_arch_console_putc('%');
			hyp_arch_console_putc(*fmt);
			break;
		}
	}
}

void hyp_printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hyp_vprintk(fmt, ap);
	va_end(ap);
}
