# tests/e2e/console.mk: the console room from inside a hostile guest
# zone (tests/e2e/console.sh with zone1's UART image, tests/guest/uart.c)
# next to the root zone's Linux.  Included by tests/Makefile with the
# other fragments.
TEST_TARGETS += e2e-console

.PHONY: e2e-console
e2e-console: $(O)/arm64/guest/hvbridge-guest-uart.bin
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image
	@E2E_TIMEOUT=$(E2E_TIMEOUT) E2E_ARM64=$(TOP)/build/arm64 \
		$(E2E_DIR)/console.sh $(O)/arm64/hyp \
		$(O)/arm64/guest/hvbridge-guest-uart.bin \
		$(O)/test/e2e-console
