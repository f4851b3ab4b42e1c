# tests/e2e/root.mk: the root zone as users run it (tests/e2e/root.sh):
# Debian's kernel with scripts/mkinitramfs.sh's initramfs, hvbridge.ko and
# the static arm64 daemon serving zone1's torture image through the kmod
# transport; and the kmod transport's refusals on the build machine.
# Included by tests/Makefile with the other fragments.
TEST_TARGETS += e2e-root

# hvbridge.ko is built when kmod/ has a Makefile; without it the case checks
# the boot without it and says SKIP for the rest.

.PHONY: e2e-root
e2e-root: $(O)/arm64/guest/hvbridge-guest.bin
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image
	@$(MAKE) --no-print-directory -s -C $(TOP)/tool arm64
	@# The module as kmod/ builds it, for Debian's kernel: none of this
	@# make's command line (O= would be kbuild's output directory, CC the
	@# kernel's compiler).
	@if [ -f $(TOP)/kmod/Makefile ]; then \
		MAKEFLAGS= $(MAKE) --no-print-directory -s -C $(TOP)/kmod; fi
	@E2E_TIMEOUT=$(E2E_TIMEOUT) E2E_ARM64=$(TOP)/build/arm64 \
		E2E_HVBRIDGE=$(O)/tool/hvbridge \
		E2E_HVBRIDGE_ARM64=$(TOP)/build/host/arm64/tool/hvbridge \
		E2E_GUEST_BIN=$(GUEST_BIN) \
		E2E_KMOD=$(E2E_KMOD_FIND) \
		$(E2E_DIR)/root.sh $(O)/arm64/hyp $(O)/test/e2e-root
