# tests/guest: the bare-metal zone1 torture image (docs/run.md).
# Included by tests/Makefile.  Builds, with the cross compiler CC picks
# (gcc, or clang --target=aarch64-linux-gnu and ld.lld):
#   $(O)/arm64/guest/hvbridge-guest.elf  linked at IPA 0x40000000
#   $(O)/arm64/guest/hvbridge-guest.bin  the flat image QEMU loads
#   $(O)/arm64/guest/hvbridge-guest-virtio.{elf,bin}  the same with the
#                                         virtio workload first
#   $(O)/arm64/guest/hvbridge-guest-virq.{elf,bin}  the virtio devices
#                                         driven by their interrupts only
# and runs check-mmio.sh on it: no writeback MMIO access outside the
# deliberate cases listed in writeback.allow.
GUEST_DIR := $(TOP)/tests/guest
GUEST_OUT := $(O)/arm64/guest
GUEST_OBJS := $(addprefix $(GUEST_OUT)/,start.o cases.o main.o)
GUEST_ELF := $(GUEST_OUT)/hvbridge-guest.elf
GUEST_BIN := $(GUEST_OUT)/hvbridge-guest.bin
GUEST_CHECK := $(TOP)/hyp/arch/arm64/check-mmio.sh
GUEST_ALLOW := $(GUEST_DIR)/writeback.allow
GUEST_CFLAGS := -I$(GUEST_DIR) -I$(TOP)/hyp/include \
	-I$(TOP)/hyp/arch/arm64/include

ifeq ($(findstring clang,$(CC)),clang)
GUEST_LD := ld.lld
else
GUEST_LD := aarch64-linux-gnu-ld
endif

# The virtio image: the same harness and cases, with the polled virtio
# driver's workload (virtio.c, virtio_dev.c) run first.
GUEST_VIRTIO_OBJS := $(GUEST_OBJS) $(addprefix $(GUEST_OUT)/,virtio.o \
	virtio_dev.o)
GUEST_VIRTIO_ELF := $(GUEST_OUT)/hvbridge-guest-virtio.elf
GUEST_VIRTIO_BIN := $(GUEST_OUT)/hvbridge-guest-virtio.bin

TEST_BINS += $(GUEST_BIN) $(GUEST_VIRTIO_BIN)

# $(call guest_link,OBJS): link an image at zone1's IPA and check its
# MMIO accesses, but for the deliberate writeback cases of
# writeback.allow.
define guest_link
$(call quiet,LD,$@)
$(Q)$(GUEST_LD) -nostdlib -static -T $(GUEST_DIR)/guest.lds -o $@.tmp $(1)
$(Q)$(GUEST_CHECK) $$(sed -n 's/^\([^#].*\)/-a \1/p' $(GUEST_ALLOW)) $@.tmp
$(Q)mv $@.tmp $@
endef

$(GUEST_OUT)/%.o: $(GUEST_DIR)/%.S
	@mkdir -p $(dir $@)
	$(call quiet,CROSSAS,$@)
	$(Q)$(CROSS_CC) $(CROSS_CFLAGS) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST_OUT)/%.o: $(GUEST_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CROSSCC,$@)
	$(Q)$(CROSS_CC) $(CROSS_CFLAGS) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST_ELF): $(GUEST_OBJS) $(GUEST_DIR)/guest.lds $(GUEST_CHECK) \
		$(GUEST_ALLOW)
	$(call guest_link,$(GUEST_OBJS))

$(GUEST_VIRTIO_ELF): $(GUEST_VIRTIO_OBJS) $(GUEST_DIR)/guest.lds \
		$(GUEST_CHECK) $(GUEST_ALLOW)
	$(call guest_link,$(GUEST_VIRTIO_OBJS))

$(GUEST_OUT)/%.bin: $(GUEST_OUT)/%.elf
	$(call quiet,OBJCOPY,$@)
	$(Q)aarch64-linux-gnu-objcopy -O binary -R .hyp_mmio_sites $< $@

-include $(wildcard $(GUEST_OUT)/*.d)

# The blk benchmark image (tests/e2e/sysbench.sh): the same harness and
# driver, with blkbench.c's timed reads and writes as the workload; it
# exits after them.
GUEST_BLKBENCH_OBJS := $(GUEST_OBJS) $(addprefix $(GUEST_OUT)/,virtio.o \
	blkbench.o)
GUEST_BLKBENCH_ELF := $(GUEST_OUT)/hvbridge-guest-blkbench.elf
GUEST_BLKBENCH_BIN := $(GUEST_OUT)/hvbridge-guest-blkbench.bin

TEST_BINS += $(GUEST_BLKBENCH_BIN)

$(GUEST_BLKBENCH_ELF): $(GUEST_BLKBENCH_OBJS) $(GUEST_DIR)/guest.lds \
		$(GUEST_CHECK) $(GUEST_ALLOW)
	$(call guest_link,$(GUEST_BLKBENCH_OBJS))

# The virtio interrupt image (tests/e2e/virtio.sh, zone1-virtio-irq): the
# same harness and driver, with virq.c's interrupt-driven workload; it
# exits after it.
GUEST_VIRQ_OBJS := $(GUEST_OBJS) $(addprefix $(GUEST_OUT)/,virtio.o virq.o)
GUEST_VIRQ_ELF := $(GUEST_OUT)/hvbridge-guest-virq.elf
GUEST_VIRQ_BIN := $(GUEST_OUT)/hvbridge-guest-virq.bin

TEST_BINS += $(GUEST_VIRQ_BIN)

$(GUEST_VIRQ_ELF): $(GUEST_VIRQ_OBJS) $(GUEST_DIR)/guest.lds \
		$(GUEST_CHECK) $(GUEST_ALLOW)
	$(call guest_link,$(GUEST_VIRQ_OBJS))

# tests/e2e/sysbench.sh runs it after the hammer's round trips.
e2e-sysbench: $(GUEST_BLKBENCH_BIN)
