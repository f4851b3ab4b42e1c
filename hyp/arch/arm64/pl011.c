// SPDX-License-Identifier: MIT
/*
 * The console: QEMU virt's PL011 UART, transmit only, polled.  QEMU's
 * model needs no baud-rate setup; the control register is written anyway
 * so the same code works on a UART that firmware left disabled.
 */
#include <arm64/mmio.h>
#include <hyp/printk.h>

#define PL011_BASE	0x09000000ul
#define PL011_DR	0x00
#define PL011_FR	0x18
#define PL011_CR	0x30
#define PL011_FR_TXFF	(1u << 5)	/* transmit FIFO full */
#define PL011_CR_UARTEN	(1u << 0)
#define PL011_CR_TXE	(1u << 8)

static volatile void *pl011_reg(unsigned long off)
{
	return (volatile void *)(PL011_BASE + off);
}

void hyp_arm64_console_init(void)
{
	__u32 cr = mmio_read32(pl011_reg(PL011_CR));

	mmio_write32(pl011_reg(PL011_CR), cr | PL011_CR_UARTEN | PL011_CR_TXE);
}

static void pl011_tx(char c)
{
	while (mmio_read32(pl011_reg(PL011_FR)) & PL011_FR_TXFF)
		;
	mmio_write32(pl011_reg(PL011_DR), (__u8)c);
}

void hyp_arch_console_putc(char c)
{
	if (c == '\n')
		pl011_tx('\r');
	pl011_tx(c);
}
