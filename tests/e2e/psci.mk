# tests/e2e/psci.mk: the PSCI a zone gets and the arm64 boot protocol
# (tests/e2e/psci.sh with zone1's PSCI image, tests/guest/psci.c): on
# two CPUs alone, and next to the root zone's Linux.  Included by
# tests/Makefile with the other fragments.
TEST_TARGETS += e2e-psci

.PHONY: e2e-psci
e2e-psci: $(O)/arm64/guest/hvbridge-guest-psci.bin
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image
	@E2E_TIMEOUT=$(E2E_TIMEOUT) E2E_ARM64=$(TOP)/build/arm64 \
		$(E2E_DIR)/psci.sh $(O)/arm64/hyp \
		$(O)/arm64/guest/hvbridge-guest-psci.bin \
		$(O)/test/e2e-psci
