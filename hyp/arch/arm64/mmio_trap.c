// SPDX-License-Identifier: MIT
/*
 * Stage-2 data aborts of a zone: the trap side of MMIO emulation.
 *
 *   ISV=1  the syndrome describes the access (decode.c, hyp_decode_esr)
 *   ISV=0  fetch the instruction at ELR through the guest's own stage 1
 *          and stage 2 (AT S12E1R/S12E0R), decode it and
 *          check that it addresses FAR_EL2 (hyp_decode_trapped_insn)
 *
 * The neutral access then goes to hyp_mmio_dispatch(); loads are written
 * to their registers only once every part of the access succeeded, then
 * the base register is written back and the instruction skipped.  Any
 * failure (not a translation fault, undecodable, no window, device
 * error, daemon timeout) injects a synchronous external abort into the
 * guest: a guest can never stop the hypervisor from here.  An access
 * the channel gave back (HYP_MMIO_RETRY) is neither: the guest replays it.
 */
#include <arm64/chan.h>
#include <arm64/esr.h>
#include <arm64/hvc.h>
#include <arm64/hyp.h>
#include <arm64/inject.h>
#include <arm64/pgtable.h>
#include <arm64/sysreg.h>
#include <arm64/vcpu.h>
#include <hyp/mmio.h>
#include <hyp/printk.h>
#include <hyp/zone.h>

#include "decode.h"

#define ESR_DABT_FNV		(1u << 10)	/* FAR not valid */

/* The guest's SP as an Rn of 31: that of the EL it trapped from. */
static __u64 *guest_sp(struct hyp_trap_frame *tf)
{
	return (tf->spsr & SPSR_MODE_MASK) == SPSR_MODE_EL1H ?
	       &tf->sp_el1 : &tf->sp_el0;
}

/* A synchronous external abort on data, as the hardware would report
 * it to the guest's EL1. */
static void hyp_vcpu_inject_dabt(struct hyp_trap_frame *tf)
{
	__u64 ec = (tf->spsr & SPSR_MODE_MASK) == SPSR_MODE_EL0T ?
		   ESR_EC_DABT_LOW : ESR_EC_DABT_CUR;

	hyp_vcpu_inject_sync(tf, ec << 26 | (tf->esr & ESR_DABT_WNR) |
			     ESR_FSC_SYNC_EXT_ABORT, tf->far);
}

/* The instruction at the guest's ELR, read through its translation. */
static int hyp_vcpu_fetch_insn(const struct hyp_trap_frame *tf, __u32 *insn)
{
	__u64 saved = arm64_read_sysreg(par_el1), par, pa;

	/* PAR_EL1 is the guest's register: give it back unchanged. */
	if ((tf->spsr & SPSR_MODE_MASK) == SPSR_MODE_EL0T)
		__asm__ volatile("at s12e0r, %0" : : "r"(tf->elr));
	else
		__asm__ volatile("at s12e1r, %0" : : "r"(tf->elr));
	arm64_isb();
	par = arm64_read_sysreg(par_el1);
	arm64_write_sysreg(par_el1, saved);
	if (par & 1)
		return -1;
	pa = (par & PT_ADDR_MASK) | (tf->elr & 0xfff);
	/* Only RAM the EL2 map covers, never the hypervisor itself. */
	if (pa & 3 || pa < HYP_RAM_BASE ||
	    pa - HYP_RAM_BASE > HYP_RAM_SIZE - 4 ||
	    hyp_arch_is_hyp_memory(pa, 4))
		return -1;
	*insn = *(const volatile __u32 *)pa;
	return 0;
}

/* Perform @acc through @p; on failure the registers are untouched. */
static enum hyp_mmio_result hyp_vcpu_mmio_perform(const struct hyp_zone *z,
						  struct hyp_producer *p,
						  struct hyp_trap_frame *tf,
						  const struct hyp_mmio_access *acc,
						  __u64 *data)
{
	unsigned int i, n = acc->is_pair ? 2 : 1;
	__u32 rt[2] = { acc->rt, acc->rt2 };
	__u64 addr[2] = { acc->addr, acc->addr2 };
	enum hyp_mmio_result res;
	__u64 *sp;

	for (i = 0; i < n; i++) {
		if (acc->is_write)
			data[i] = hyp_mmio_store_value(rt[i],
					hyp_mmio_xreg_read(tf->x, rt[i]),
					acc->size);
		res = hyp_mmio_dispatch(z, p, addr[i], acc->size,
					acc->is_write, &data[i]);
		if (res != HYP_MMIO_OK)
			return res;
	}
	for (i = 0; i < n && !acc->is_write; i++) {
		data[i] = hyp_mmio_load_value(data[i], acc->size,
					      acc->sign_extend, acc->sf);
		hyp_mmio_xreg_write(tf->x, rt[i], data[i]);
	}
	if (acc->writeback) {
		if (acc->rn == HYP_MMIO_REG_ZR_SP) {
			sp = guest_sp(tf);
			*sp = hyp_mmio_writeback(acc, *sp);
		} else {
			tf->x[acc->rn] = hyp_mmio_writeback(acc,
							    tf->x[acc->rn]);
		}
	}
	return HYP_MMIO_OK;
}

/* Perform @acc as one access to the channel: the producer taken for
 * it is given back on every way out (hyp_arm64_chan_put()). */
static enum hyp_mmio_result hyp_vcpu_mmio_do(const struct hyp_zone *z,
					     struct hyp_trap_frame *tf,
					     const struct hyp_mmio_access *acc,
					     __u64 *data)
{
	enum hyp_mmio_result res;

	res = hyp_vcpu_mmio_perform(z, hyp_arm64_producer(), tf, acc, data);
	hyp_arm64_chan_put();
	return res;
}

static void hyp_vcpu_mmio_trace(const struct hyp_zone *z,
				const struct hyp_trap_frame *tf,
				const struct hyp_mmio_access *acc,
				const __u64 *data, int has_insn, __u32 insn)
{
	__u64 esr = tf->esr;
	const struct hyp_mmio_window *w =
		hyp_zone_find_mmio(z, acc->addr, acc->size);

	hyp_printk_lock();
	hyp_printk("hvbridge-hyp: %s: MMIO %s IPA 0x%lx size %u x%u %s 0x%lx",
		   z->cfg->name, acc->is_write ? "write" : "read", acc->addr,
		   acc->size, acc->rt, acc->is_write ? "=" : "<-", data[0]);
	if (acc->is_pair)
		hyp_printk(", x%u %s 0x%lx", acc->rt2,
			   acc->is_write ? "=" : "<-", data[1]);
	if (has_insn)
		hyp_printk(" [ISV 0 insn 0x%08x%s]", insn,
			   acc->writeback ? " writeback" : "");
	else
		hyp_printk(" [ISV 1 SAS %u SSE %u SRT %u SF %u AR %u WnR %u]",
			   esr_dabt_sas(esr), esr_dabt_sse(esr),
			   esr_dabt_srt(esr), esr_dabt_sf(esr),
			   esr_dabt_ar(esr), esr_dabt_wnr(esr));
	hyp_printk(" ELR 0x%lx window %s\n", tf->elr, w ? w->name : "?");
	hyp_printk_unlock();
}

static enum hyp_trap_result hyp_vcpu_abort(const struct hyp_zone *z,
					   struct hyp_trap_frame *tf,
					   __u64 ipa, const char *why)
{
	__u32 skipped;

	if (hyp_vcpu_fault_log(z, &skipped))
		hyp_printk("hvbridge-hyp: %s: MMIO at IPA 0x%lx ELR 0x%lx ESR 0x%lx: %s: data abort injected\n",
			   z->cfg->name, ipa, tf->elr, tf->esr, why);
	if (skipped)
		hyp_printk("hvbridge-hyp: %s: %u such messages not shown before the last one\n",
			   z->cfg->name, skipped);
	hyp_vcpu_inject_dabt(tf);
	return HYP_TRAP_HANDLED;
}

enum hyp_trap_result hyp_vcpu_dabt(struct hyp_trap_frame *tf)
{
	struct hyp_zone *z = hyp_vcpu_current();
	struct hyp_mmio_access acc;
	enum hyp_decode_result res;
	enum hyp_mmio_result mres;
	__u64 esr = tf->esr, ipa, data[2] = { 0, 0 };
	unsigned int fsc = esr_dabt_dfsc(esr);
	__u32 insn = 0;
	int has_insn = 0;

	if (!z)
		return HYP_TRAP_UNHANDLED;	/* no guest: a hypervisor bug */
	/* HPFAR_EL2.FIPA [47:4] is IPA [51:12]; the page offset is FAR's. */
	ipa = ((tf->hpfar & 0x0000fffffffffff0ull) << 8) | (tf->far & 0xfff);
	/* Emulated windows are unmapped: only a translation fault on the
	 * access itself is MMIO.  Permission faults, faults on the guest's
	 * own table walk, external aborts: the guest's problem. */
	if ((fsc & 0x3c) != 0x04 || esr_dabt_s1ptw(esr))
		return hyp_vcpu_abort(z, tf, ipa, esr_fsc_name(fsc));

	res = hyp_decode_esr(esr, ipa, &acc);
	if (res == HYP_DECODE_NO_SYNDROME) {
		if (esr & ESR_DABT_FNV || hyp_vcpu_fetch_insn(tf, &insn))
			return hyp_vcpu_abort(z, tf, ipa,
					      "no syndrome, cannot fetch the instruction");
		has_insn = 1;
		/* The code may have changed since the fault: only emulate an
		 * instruction that addresses what faulted. */
		res = hyp_decode_trapped_insn(insn, ipa, tf->far, tf->x,
					      *guest_sp(tf), &acc);
	}
	if (res != HYP_DECODE_OK)
		return hyp_vcpu_abort(z, tf, ipa, hyp_decode_strerror(res));
	/* Both halves of a pair before either: a store pair whose second
	 * half is outside every window must not have done its first. */
	if (!hyp_zone_find_mmio(z, acc.addr, acc.size) ||
	    (acc.is_pair && !hyp_zone_find_mmio(z, acc.addr2, acc.size)))
		return hyp_vcpu_abort(z, tf, ipa, "outside every window");
	mres = hyp_vcpu_mmio_do(z, tf, &acc, data);
	if (mres == HYP_MMIO_RETRY) {
		/*
		 * The wait was abandoned (chan.c, "Policy"): no register
		 * written, the instruction not skipped.  A stopping zone's
		 * CPU parks here; any other runs the access again, on the
		 * channel's new region.  (A store pair whose first half was
		 * done does that half twice: a register write the daemon
		 * may see twice, as after a daemon's death.)
		 */
		hyp_hc_zone_exit_check(z);
		return HYP_TRAP_HANDLED;
	}
	if (mres != HYP_MMIO_OK)
		return hyp_vcpu_abort(z, tf, ipa, hyp_mmio_strerror(mres));
	if (z->cfg->flags & HYP_ZONE_TRACE_MMIO)
		hyp_vcpu_mmio_trace(z, tf, &acc, data, has_insn, insn);
	/* A64: every instruction is 4 bytes (IL = 1); traps from AArch32
	 * never get here (hyp_trap_dispatch(), hyp_vcpu_aarch32()). */
	tf->elr += 4;
	return HYP_TRAP_HANDLED;
}
