# tests/e2e/zonerestart.mk: zone1 stopped and started five times under
# one daemon (tests/e2e/zonerestart.sh), on `make run-baremetal`'s system.
# Included by tests/Makefile with the other fragments.
TEST_TARGETS += e2e-zonerestart
E2E_ZONERESTART_TIMEOUT ?= 240

.PHONY: e2e-zonerestart
e2e-zonerestart: $(GUEST_VIRTIO_BIN)
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image
	@$(MAKE) --no-print-directory -s -C $(TOP)/tool arm64
	@if [ -f $(TOP)/kmod/Makefile ]; then \
		MAKEFLAGS= $(MAKE) --no-print-directory -s -C $(TOP)/kmod; fi
	@E2E_TIMEOUT=$(E2E_ZONERESTART_TIMEOUT) E2E_ARM64=$(TOP)/build/arm64 \
		E2E_KMOD=$(E2E_KMOD_FIND) \
		O=$(O) $(E2E_DIR)/zonerestart.sh $(O)/test/e2e-zonerestart
