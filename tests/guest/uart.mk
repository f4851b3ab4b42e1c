# tests/guest/uart.mk: zone1's UART image (tests/guest/uart.c), the
# workload of tests/e2e/console.sh: a hostile guest at the emulated
# PL011, on the hammer image's entry, vectors and stage 1.
#   $(O)/arm64/guest/hvbridge-guest-uart.{elf,bin}
# Included by tests/Makefile after guest.mk (its compile rules and
# GUEST_* names).
GUEST_UART_OBJS := $(addprefix $(GUEST_OUT)/,hammer_start.o uart.o)
GUEST_UART_ELF := $(GUEST_OUT)/hvbridge-guest-uart.elf
GUEST_UART_BIN := $(GUEST_OUT)/hvbridge-guest-uart.bin

TEST_BINS += $(GUEST_UART_BIN)

$(GUEST_UART_ELF): $(GUEST_UART_OBJS) $(GUEST_DIR)/guest.lds $(GUEST_CHECK)
	$(call quiet,LD,$@)
	$(Q)$(GUEST_LD) -nostdlib -static -T $(GUEST_DIR)/guest.lds \
		-o $@.tmp $(GUEST_UART_OBJS)
	$(Q)$(GUEST_CHECK) $@.tmp
	$(Q)mv $@.tmp $@
# The .bin: guest.mk's pattern rule.
