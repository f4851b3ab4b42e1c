# tests/e2e/fault.mk: the channel's fault policy with the root zone as
# users run it (tests/e2e/fault.sh): no daemon, the daemon killed and
# started again under zone1's hammer image, and the hammer against the
# hypervisor and the daemon as built and at -O3 (build/o3).  Included by
# tests/Makefile with the other fragments.
TEST_TARGETS += e2e-fault
E2E_FAULT_TIMEOUT ?= 60

FAULT_O3 := $(TOP)/build/o3
FAULT_SYSROOT := $(TOP)/build/arm64-sysroot

.PHONY: e2e-fault
e2e-fault: $(O)/arm64/guest/hvbridge-guest-hammer.bin
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image
	@$(MAKE) --no-print-directory -s -C $(TOP)/tool arm64
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image \
		O=$(FAULT_O3) OPT=-O3
	@# tool/arm64.mk's static daemon, at -O3 in a directory of its own
	@# (its arm64 target always writes build/host/arm64/tool/hvbridge).
	@$(MAKE) --no-print-directory -s -C $(TOP)/tool all \
		O=$(FAULT_O3)/arm64-daemon OPT=-O3 CC=aarch64-linux-gnu-gcc \
		EXTRA_CFLAGS="-isystem $(FAULT_SYSROOT)/usr/include" \
		EXTRA_LDFLAGS="-static -L$(FAULT_SYSROOT)/usr/lib/aarch64-linux-gnu" \
		TOOL_MAIN_LIBS="-lcjson -lm"
	@# The module with kbuild's defaults (-O2), as e2e-root builds it.
	@if [ -f $(TOP)/kmod/Makefile ]; then \
		MAKEFLAGS= $(MAKE) --no-print-directory -s -C $(TOP)/kmod; fi
	@E2E_TIMEOUT=$(E2E_FAULT_TIMEOUT) E2E_ARM64=$(TOP)/build/arm64 \
		E2E_HVBRIDGE_ARM64=$(TOP)/build/host/arm64/tool/hvbridge \
		E2E_HAMMER_BIN=$(GUEST_HAMMER_BIN) \
		E2E_KMOD=$$(ls $(TOP)/build/host/arm64/kmod/hvbridge.ko \
			$(TOP)/build/kmod/hvbridge.ko $(TOP)/kmod/hvbridge.ko \
			2>/dev/null | head -n1) \
		$(E2E_DIR)/fault.sh $(O)/arm64/hyp $(O)/test/e2e-fault \
		$(FAULT_O3)/arm64/hyp $(FAULT_O3)/arm64-daemon/tool/hvbridge
