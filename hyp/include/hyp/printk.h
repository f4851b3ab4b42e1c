/* SPDX-License-Identifier: MIT */
/*
 * hyp/printk.h - the hypervisor's console output.
 *
 * A deliberately small printf: %s %c %d %u %x %lx %ld %lu %llx %p %%, an
 * optional '0' flag and field width (%08lx, %16lx).  No floating point, no
 * allocation; safe in a crash handler as long as the console works.
 * Output goes through hyp_arch_console_putc(), one per environment.
 */
#ifndef HYP_PRINTK_H
#define HYP_PRINTK_H

#include <stdarg.h>

/* Write one byte to the console device as it is (printk.c sends
 * "\r\n" for the hypervisor's '\n'). */
void hyp_arch_console_putc(char c);
/* The physical CPU running the caller (0-based). */
unsigned int hyp_arch_cpu_id(void);

/*
 * Until this is called, only one CPU prints and the console is not
 * locked (the lock needs the MMU on).  Call it before starting another
 * CPU; from then on each hyp_printk() is atomic against other CPUs.
 */
void hyp_printk_smp_begin(void);

/* Keep the console for one line built by several hyp_printk() calls. */
void hyp_printk_lock(void);
void hyp_printk_unlock(void);

void hyp_vprintk(const char *fmt, va_list ap);

/*
 * One byte the root zone wrote to the physical UART's data register
 * (trapped): written under the console lock, and kept apart from the
 * hypervisor's lines (hyp/conmux.h).
 */
void hyp_printk_root_putc(char c);
void hyp_printk(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif /* HYP_PRINTK_H */
