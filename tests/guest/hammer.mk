# tests/guest/hammer.mk: zone1's hammer image (tests/guest/hammer.c), the
# workload of tests/e2e/fault.sh and sysbench.sh: a loop of checked test
# device accesses on one or two vCPUs, with an entry, vectors and stage 1
# of its own (hammer_start.S).
#   $(O)/arm64/guest/hvbridge-guest-hammer.{elf,bin}
# Included by tests/Makefile after guest.mk (its compile rules and
# GUEST_* names).
GUEST_HAMMER_OBJS := $(addprefix $(GUEST_OUT)/,hammer_start.o hammer.o)
GUEST_HAMMER_ELF := $(GUEST_OUT)/hvbridge-guest-hammer.elf
GUEST_HAMMER_BIN := $(GUEST_OUT)/hvbridge-guest-hammer.bin

TEST_BINS += $(GUEST_HAMMER_BIN)

$(GUEST_HAMMER_ELF): $(GUEST_HAMMER_OBJS) $(GUEST_DIR)/guest.lds \
		$(GUEST_CHECK)
	$(call quiet,LD,$@)
	$(Q)$(GUEST_LD) -nostdlib -static -T $(GUEST_DIR)/guest.lds \
		-o $@.tmp $(GUEST_HAMMER_OBJS)
	$(Q)$(GUEST_CHECK) $@.tmp
	$(Q)mv $@.tmp $@
# The .bin: guest.mk's pattern rule.
