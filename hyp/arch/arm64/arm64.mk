# hyp/arch/arm64: the EL2 image for QEMU virt.  Included by hyp/Makefile
# (paths relative to hyp/).  Builds
#   $(O)/arm64/hyp/hvbridge-hyp.elf            the hypervisor
#   $(O)/arm64/hyp/hvbridge-hyp-crashtest.elf  same, plus an EL2 data abort
#   $(O)/arm64/hyp/hvbridge-hyp-zonetest.elf   same, plus bad zone configs
#   $(O)/arm64/hyp/hvbridge-hyp-bench.elf      zone1 alone, timing MMIO
# and checks every MMIO accessor of each for a writeback addressing form.

ifeq ($(findstring clang,$(CC)),clang)
HYP_LD := ld.lld
else
HYP_LD := aarch64-linux-gnu-ld
endif

HYP_A64 := $(O)/arm64/hyp
HYP_A64_SRCS := \
	arch/arm64/head.S arch/arm64/entry.S arch/arm64/setup.c \
	arch/arm64/mmu.c arch/arm64/traps.c arch/arm64/esr.c \
	arch/arm64/stage2.c arch/arm64/vcpu.c arch/arm64/hvc.c \
	arch/arm64/hvc_bridge.c arch/arm64/zone_create.c \
	arch/arm64/mmio_trap.c \
	arch/arm64/psci.c arch/arm64/kimage.c arch/arm64/guest.S \
	arch/arm64/pl011.c arch/arm64/arch.c arch/arm64/chan.c \
	arch/arm64/gic.c arch/arm64/vgic.c arch/arm64/vgic_filter.c \
	core/printk.c core/conmux.c core/zone.c core/zone_check.c \
	core/mmio.c core/testdev.c core/console.c
HYP_A64_OBJS := \
	$(addprefix $(HYP_A64)/,$(addsuffix .o,$(basename $(HYP_A64_SRCS))))
# Built in variants, one per image: zones (test/root, or bench) and
# self-tests (none, crash, zone configs).
HYP_A64_ZONES := $(HYP_A64)/arch/arm64/zones.o
HYP_A64_ALL_OBJS := $(HYP_A64_OBJS) $(HYP_A64)/arch/arm64/selftest.o \
	$(HYP_A64)/arch/arm64/selftest-crash.o \
	$(HYP_A64)/arch/arm64/selftest-zones.o $(HYP_A64_ZONES) \
	$(HYP_A64)/arch/arm64/zones-bench.o

# -mstrict-align: C runs before the MMU is on, when every data access is
# Device memory and an unaligned one faults.
$(HYP_A64_ALL_OBJS): HYP_CFLAGS += -I$(TOP)/hyp/arch/arm64/include \
	-mstrict-align

$(HYP_A64)/%.o: %.S
	@mkdir -p $(dir $@)
	$(call quiet,CROSSAS,$@)
	$(Q)$(CROSS_CC) $(CROSS_CFLAGS) $(HYP_CFLAGS) -MMD -MP -c $< -o $@

$(HYP_A64)/arch/arm64/selftest-crash.o: arch/arm64/selftest.c
	@mkdir -p $(dir $@)
	$(call quiet,CROSSCC,$@)
	$(Q)$(CROSS_CC) $(CROSS_CFLAGS) $(HYP_CFLAGS) -DHYP_SELFTEST_CRASH \
		-MMD -MP -c $< -o $@

$(HYP_A64)/arch/arm64/zones-bench.o: arch/arm64/zones.c
	@mkdir -p $(dir $@)
	$(call quiet,CROSSCC,$@)
	$(Q)$(CROSS_CC) $(CROSS_CFLAGS) $(HYP_CFLAGS) -DHYP_BENCH \
		-MMD -MP -c $< -o $@

$(HYP_A64)/arch/arm64/selftest-zones.o: arch/arm64/selftest.c
	@mkdir -p $(dir $@)
	$(call quiet,CROSSCC,$@)
	$(Q)$(CROSS_CC) $(CROSS_CFLAGS) $(HYP_CFLAGS) -DHYP_SELFTEST_ZONES \
		-MMD -MP -c $< -o $@

HYP_A64_LDS := arch/arm64/hyp.lds
HYP_A64_CHECK := arch/arm64/check-mmio.sh

# With -flto (OPT="-O3 -flto") the objects hold the compiler's IR and
# the image is one LTO unit: gcc links through its driver, which runs the
# LTO step (ld alone would find no code in the IR); ld.lld compiles
# clang's bitcode itself.  The core's objects are linked as they are,
# core.o (a relocatable link, which would end the LTO unit at the core's
# edge) only proves them freestanding first.
ifneq ($(filter -flto,$(OPT)),)
ifeq ($(findstring clang,$(CC)),clang)
HYP_A64_LINK := $(HYP_LD)
else
HYP_A64_LINK := $(CROSS_CC) $(CROSS_CFLAGS) -Wl,--build-id=none
endif
HYP_A64_CORE := $(HYP_A64_CORE_OBJS) | $(HYP_A64)/core.o
else
HYP_A64_LINK := $(HYP_LD)
HYP_A64_CORE := $(HYP_A64)/core.o
endif

define hyp_a64_link
	$(call quiet,LD,$@)
	$(Q)$(HYP_A64_LINK) -nostdlib -static -T $(HYP_A64_LDS) -o $@.tmp \
		$(filter %.o,$^)
	$(Q)$(HYP_A64_CHECK) $@.tmp
	$(Q)mv $@.tmp $@
endef

# decode.o: built by decode.mk (its owner's rules and checks).
HYP_A64_DECODE := $(HYP_A64)/arch/arm64/decode.o

$(HYP_A64)/hvbridge-hyp.elf: $(HYP_A64_OBJS) $(HYP_A64_ZONES) \
		$(HYP_A64)/arch/arm64/selftest.o \
		$(HYP_A64_DECODE) $(HYP_A64_LDS) \
		$(HYP_A64_CHECK) $(HYP_A64_CORE)
	$(hyp_a64_link)

$(HYP_A64)/hvbridge-hyp-crashtest.elf: $(HYP_A64_OBJS) $(HYP_A64_ZONES) \
		$(HYP_A64)/arch/arm64/selftest-crash.o \
		$(HYP_A64_DECODE) $(HYP_A64_LDS) $(HYP_A64_CHECK) $(HYP_A64_CORE)
	$(hyp_a64_link)

$(HYP_A64)/hvbridge-hyp-zonetest.elf: $(HYP_A64_OBJS) $(HYP_A64_ZONES) \
		$(HYP_A64)/arch/arm64/selftest-zones.o \
		$(HYP_A64_DECODE) $(HYP_A64_LDS) $(HYP_A64_CHECK) $(HYP_A64_CORE)
	$(hyp_a64_link)

$(HYP_A64)/hvbridge-hyp-bench.elf: $(HYP_A64_OBJS) \
		$(HYP_A64)/arch/arm64/zones-bench.o \
		$(HYP_A64)/arch/arm64/selftest.o \
		$(HYP_A64_DECODE) $(HYP_A64_LDS) $(HYP_A64_CHECK) $(HYP_A64_CORE)
	$(hyp_a64_link)

.PHONY: image
image: $(HYP_A64)/hvbridge-hyp.elf $(HYP_A64)/hvbridge-hyp-crashtest.elf \
	$(HYP_A64)/hvbridge-hyp-zonetest.elf $(HYP_A64)/hvbridge-hyp-bench.elf
all: image
