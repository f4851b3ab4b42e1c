# tests/e2e/fault.mk: the channel's fault policy with the root zone as
# users run it (tests/e2e/fault.sh): no daemon, the daemon killed and
# started again under zone1's hammer image, and the hammer against the
# hypervisor and the daemon as built and at -O3 (build/o3,
# tests/build/o3.mk).  Included by tests/Makefile with the other
# fragments.
TEST_TARGETS += e2e-fault
E2E_FAULT_TIMEOUT ?= 60

.PHONY: e2e-fault
e2e-fault: $(O)/arm64/guest/hvbridge-guest-hammer.bin o3-images
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image
	@$(MAKE) --no-print-directory -s -C $(TOP)/tool arm64
	@# The module with kbuild's defaults (-O2), as e2e-root builds it.
	@if [ -f $(TOP)/kmod/Makefile ]; then \
		MAKEFLAGS= $(MAKE) --no-print-directory -s -C $(TOP)/kmod; fi
	@E2E_TIMEOUT=$(E2E_FAULT_TIMEOUT) E2E_ARM64=$(TOP)/build/arm64 \
		E2E_HVBRIDGE_ARM64=$(TOP)/build/host/arm64/tool/hvbridge \
		E2E_HAMMER_BIN=$(GUEST_HAMMER_BIN) \
		E2E_KMOD=$(E2E_KMOD_FIND) \
		$(E2E_DIR)/fault.sh $(O)/arm64/hyp $(O)/test/e2e-fault \
		$(O3_DIR)/arm64/hyp $(O3_DAEMON)
