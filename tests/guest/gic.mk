# tests/guest/gic.mk: zone1's GIC image (tests/guest/gic.c), the
# workload of tests/e2e/gic.sh: the virtual GIC's cases from inside a
# zone, on the hammer image's entry, vectors (its IRQ vector calls
# gic.c's hammer_irq()) and stage 1 (hammer_start.S).
#   $(O)/arm64/guest/hvbridge-guest-gic.{elf,bin}
# Included by tests/Makefile after guest.mk (its compile rules and
# GUEST_* names).
GUEST_GIC_OBJS := $(addprefix $(GUEST_OUT)/,hammer_start.o gic.o)
GUEST_GIC_ELF := $(GUEST_OUT)/hvbridge-guest-gic.elf
GUEST_GIC_BIN := $(GUEST_OUT)/hvbridge-guest-gic.bin

TEST_BINS += $(GUEST_GIC_BIN)

$(GUEST_GIC_ELF): $(GUEST_GIC_OBJS) $(GUEST_DIR)/guest.lds $(GUEST_CHECK)
	$(call quiet,LD,$@)
	$(Q)$(GUEST_LD) -nostdlib -static -T $(GUEST_DIR)/guest.lds \
		-o $@.tmp $(GUEST_GIC_OBJS)
	$(Q)$(GUEST_CHECK) $@.tmp
	$(Q)mv $@.tmp $@
# The .bin: guest.mk's pattern rule.
