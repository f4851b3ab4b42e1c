# tests/e2e/gic.mk: the virtual GIC from inside a guest zone
# (tests/e2e/gic.sh with zone1's GIC image, tests/guest/gic.c): alone,
# on two CPUs, and hostile next to the root zone's Linux.  Included by
# tests/Makefile with the other fragments.
TEST_TARGETS += e2e-gic

.PHONY: e2e-gic
e2e-gic: $(O)/arm64/guest/hvbridge-guest-gic.bin
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image
	@E2E_TIMEOUT=$(E2E_TIMEOUT) E2E_ARM64=$(TOP)/build/arm64 \
		$(E2E_DIR)/gic.sh $(O)/arm64/hyp \
		$(O)/arm64/guest/hvbridge-guest-gic.bin \
		$(O)/test/e2e-gic
