# tests/e2e: QEMU end-to-end tests of the EL2 image.  Included by
# tests/Makefile.  `make -C tests e2e-boot` boots hvbridge-hyp.elf and
# hvbridge-hyp-crashtest.elf under qemu-system-aarch64 (20 s watchdog
# each) and checks the serial log; it also proves that the build's MMIO
# writeback check rejects a writeback accessor.
E2E_DIR := $(TOP)/tests/e2e
E2E_TIMEOUT ?= 20

TEST_TARGETS += e2e-boot

.PHONY: e2e-boot
e2e-boot:
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image
	@E2E_TIMEOUT=$(E2E_TIMEOUT) $(E2E_DIR)/boot.sh $(O)/arm64/hyp \
		$(O)/test/e2e
