# tests/guest/psci.mk: zone1's PSCI image (tests/guest/psci.c), the
# workload of tests/e2e/psci.sh: every PSCI call a zone has, CPU_ON on
# the zone's second CPU, CPU_OFF, SYSTEM_RESET and SYSTEM_OFF, and the
# arm64 boot protocol's entry state (it carries an Image header, so the
# hypervisor boots it the Linux way).  MMU off throughout, hence
# -mstrict-align.
#   $(O)/arm64/guest/hvbridge-guest-psci.{elf,bin}
# Included by tests/Makefile after guest.mk (its compile rules and
# GUEST_* names).
GUEST_PSCI_OBJS := $(addprefix $(GUEST_OUT)/,psci_start.o psci.o)
GUEST_PSCI_ELF := $(GUEST_OUT)/hvbridge-guest-psci.elf
GUEST_PSCI_BIN := $(GUEST_OUT)/hvbridge-guest-psci.bin

TEST_BINS += $(GUEST_PSCI_BIN)

$(GUEST_OUT)/psci.o: GUEST_CFLAGS += -mstrict-align

# No check-mmio.sh: the image touches no device (its console is the
# hypervisor's HVC), so it has no MMIO accessor site to check.
$(GUEST_PSCI_ELF): $(GUEST_PSCI_OBJS) $(GUEST_DIR)/guest.lds
	$(call quiet,LD,$@)
	$(Q)$(GUEST_LD) -nostdlib -static -T $(GUEST_DIR)/guest.lds \
		-o $@ $(GUEST_PSCI_OBJS)
# The .bin: guest.mk's pattern rule.
