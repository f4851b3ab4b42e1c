// SPDX-License-Identifier: MIT
/*
 * The physical console: QEMU virt's PL011 UART, the hypervisor's own.
 *
 * The hypervisor transmits polled.  QEMU's model needs no baud-rate
 * setup; the control register is written anyway so the same code works
 * on a UART that firmware left disabled.
 *
 * The root zone drives the same UART with its own driver (Linux's
 * amba-pl011, earlycon), through a trapped window at the same IPA
 * (docs/console.md): every access is forwarded to the device at its own
 * width, except that
 *   - a write of DR goes through the console lock and the line arbiter
 *     (hyp_printk_root_putc(), hyp/conmux.h), so the hypervisor's lines
 *     and the root zone's never mix mid-line;
 *   - a write of CR keeps UARTEN and TXE set and LBE clear: the root
 *     zone cannot switch off or loop back the hypervisor's output.
 * Reads (RX data, flags, interrupt status) and the RX interrupt (SPI 33,
 * on the physical GIC the root zone keeps) are the root zone's as before.
 */
#include <arm64/console.h>
#include <arm64/gic.h>
#include <arm64/mmio.h>
#include <arm64/vcpu.h>
#include <hyp/printk.h>
#include <hyp/zone.h>

#define PL011_BASE	0x09000000ul
#define PL011_FR_TXFF	(1u << 5)	/* transmit FIFO full */
#define PL011_CR_UARTEN	(1u << 0)
#define PL011_CR_LBE	(1u << 7)
#define PL011_CR_TXE	(1u << 8)

static volatile void *pl011_reg(unsigned long off)
{
	return (volatile void *)(PL011_BASE + off);
}

void hyp_arm64_console_init(void)
{
	__u32 cr = mmio_read32(pl011_reg(HYP_PL011_CR));

	mmio_write32(pl011_reg(HYP_PL011_CR),
		     cr | PL011_CR_UARTEN | PL011_CR_TXE);
}

/* Called under the console lock (hyp/core/printk.c). */
void hyp_arch_console_putc(char c)
{
	while (mmio_read32(pl011_reg(HYP_PL011_FR)) & PL011_FR_TXFF)
		;
	mmio_write32(pl011_reg(HYP_PL011_DR), (__u8)c);
}

static __u64 pl011_read(__u64 off, __u32 size)
{
	if (size == 1)
		return mmio_read8(pl011_reg(off));
	if (size == 2)
		return mmio_read16(pl011_reg(off));
	return mmio_read32(pl011_reg(off));
}

static void pl011_write(__u64 off, __u32 size, __u32 v)
{
	if (size == 1)
		mmio_write8(pl011_reg(off), (__u8)v);
	else if (size == 2)
		mmio_write16(pl011_reg(off), (__u16)v);
	else
		mmio_write32(pl011_reg(off), v);
}

enum hyp_mmio_result hyp_arm64_uart_root_access(void *priv, __u64 offset,
						__u32 size, int is_write,
						__u64 *value)
{
	(void)priv;
	/* The PL011 is a 32-bit APB device: no 8-byte access, and none
	 * that straddles a register. */
	if (size > 4 || offset & (size - 1))
		return HYP_MMIO_ERROR;
	if (!is_write) {
		*value = pl011_read(offset, size);
		return HYP_MMIO_OK;
	}
	if (offset == HYP_PL011_DR) {
		hyp_printk_root_putc((char)*value);
		return HYP_MMIO_OK;
	}
	if (offset == HYP_PL011_CR && size >= 2)
		*value = (*value | PL011_CR_UARTEN | PL011_CR_TXE) &
			 ~(__u64)PL011_CR_LBE;
	else if (offset == HYP_PL011_CR)
		*value = (*value | PL011_CR_UARTEN) & ~(__u64)PL011_CR_LBE;
	else if (offset == HYP_PL011_CR + 1)
		*value |= PL011_CR_TXE >> 8;
	pl011_write(offset, size, (__u32)*value);
	return HYP_MMIO_OK;
}

/*
 * A guest zone's emulated PL011 raises its TX interrupt (console.c):
 * as INJECT_IRQ does, the SPI is set pending in the physical
 * distributor, after the zone's enable and routing are put back; the
 * zone's CPU takes it at EL2 and gets it in a list register.
 */
void hyp_arch_console_irq(__u32 intid)
{
	const struct hyp_zone *z = hyp_vcpu_current();

	if (!z || !hyp_vgic_owns_spi(z, intid))
		return;
	hyp_vgic_spi_restore(z, intid);
	hyp_gic_spi_set_pending(intid);
}
