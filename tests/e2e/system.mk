# tests/e2e/system.mk: `make run-baremetal`'s boot with assertions (tests/e2e/
# system.sh): the root zone's Linux, hvbridge.ko and the daemon on the
# kmod transport serving zone1's virtio workload and torture cases.
# Included by tests/Makefile with the other fragments.
TEST_TARGETS += e2e-system
E2E_SYSTEM_TIMEOUT ?= 40

.PHONY: e2e-system
e2e-system: $(GUEST_VIRTIO_BIN)
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image
	@$(MAKE) --no-print-directory -s -C $(TOP)/tool arm64
	@if [ -f $(TOP)/kmod/Makefile ]; then \
		MAKEFLAGS= $(MAKE) --no-print-directory -s -C $(TOP)/kmod; fi
	@E2E_TIMEOUT=$(E2E_SYSTEM_TIMEOUT) E2E_ARM64=$(TOP)/build/arm64 \
		E2E_KMOD=$(E2E_KMOD_FIND) \
		O=$(O) $(E2E_DIR)/system.sh $(O)/test/e2e-system
