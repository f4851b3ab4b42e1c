# tests/e2e/sysbench.mk: the system benchmark (tests/e2e/sysbench.sh):
# zone1's MMIO round trips per second through the root zone's daemon,
# polling and sleeping, in one QEMU run; build/bench/system.json.
# Included by tests/Makefile with the other fragments.
BENCH_TARGETS += e2e-sysbench
E2E_SYSBENCH_TIMEOUT ?= 60

.PHONY: e2e-sysbench
e2e-sysbench: $(O)/arm64/guest/hvbridge-guest-hammer.bin
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image
	@$(MAKE) --no-print-directory -s -C $(TOP)/tool arm64
	@if [ -f $(TOP)/kmod/Makefile ]; then \
		MAKEFLAGS= $(MAKE) --no-print-directory -s -C $(TOP)/kmod; fi
	@E2E_TIMEOUT=$(E2E_SYSBENCH_TIMEOUT) E2E_ARM64=$(TOP)/build/arm64 \
		E2E_HVBRIDGE_ARM64=$(TOP)/build/host/arm64/tool/hvbridge \
		E2E_HAMMER_BIN=$(GUEST_HAMMER_BIN) \
		E2E_KMOD=$(E2E_KMOD_FIND) \
		$(E2E_DIR)/sysbench.sh $(O)/arm64/hyp $(O)/test/e2e-sysbench \
		$(TOP)/build/bench/system.json
