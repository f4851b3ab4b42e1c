# tests/e2e: QEMU end-to-end tests of the EL2 image.  Included by
# tests/Makefile.  `make -C tests e2e-boot` boots hvbridge-hyp.elf (test
# zones; with build/arm64/Image from scripts/fetch-arm64.sh also the root
# zone's Linux) and hvbridge-hyp-crashtest.elf under qemu-system-aarch64,
# each with a watchdog (E2E_TIMEOUT s, 6x for Linux), and checks the
# serial logs and the channel region; it also proves that the build's
# MMIO writeback check rejects a writeback accessor.
E2E_DIR := $(TOP)/tests/e2e
E2E_TIMEOUT ?= 20
# For a recipe: the first hvbridge.ko that exists where kmod/ builds
# it (none: empty, and the cases that need it say SKIP).
E2E_KMOD_FIND = $$(ls $(TOP)/build/host/arm64/kmod/hvbridge.ko \
	$(TOP)/build/kmod/hvbridge.ko $(TOP)/kmod/hvbridge.ko \
	2>/dev/null | head -n1)

TEST_TARGETS += e2e-boot e2e-guest e2e-virtio
BENCH_TARGETS += e2e-bench

.PHONY: e2e-boot e2e-guest e2e-virtio e2e-bench
e2e-boot:
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image
	@E2E_TIMEOUT=$(E2E_TIMEOUT) E2E_ARM64=$(TOP)/build/arm64 \
		E2E_HVBRIDGE=$(O)/tool/hvbridge \
		$(E2E_DIR)/boot.sh $(O)/arm64/hyp \
		$(O)/test/e2e

# The zone1 torture image (tests/guest) with the daemon on the channel,
# alone and next to the root zone's Linux (if fetched),
# and check-mmio.sh's exclusions by name.
e2e-guest: $(O)/arm64/guest/hvbridge-guest.bin
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image
	@E2E_TIMEOUT=$(E2E_TIMEOUT) E2E_HVBRIDGE=$(O)/tool/hvbridge \
		E2E_ARM64=$(TOP)/build/arm64 $(E2E_DIR)/guest.sh $(O)/arm64/hyp $(GUEST_ELF) $(GUEST_BIN) \
		$(O)/test/e2e-guest

# zone1's virtio workload (the virtio image: blk, console, rng through
# the daemon's host transport), then the torture cases in the same boot;
# alone and next to the root zone's Linux (if fetched).  Then the
# devices' interrupts (the virq image) through the root zone's daemon on
# the kmod transport (needs the module and the arm64 daemon, as
# e2e-system).
e2e-virtio: $(GUEST_VIRTIO_BIN) $(GUEST_VIRQ_BIN)
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image
	@$(MAKE) --no-print-directory -s -C $(TOP)/tool arm64
	@if [ -f $(TOP)/kmod/Makefile ]; then \
		MAKEFLAGS= $(MAKE) --no-print-directory -s -C $(TOP)/kmod; fi
	@E2E_TIMEOUT=$(E2E_TIMEOUT) E2E_HVBRIDGE=$(O)/tool/hvbridge \
		E2E_ARM64=$(TOP)/build/arm64 \
		E2E_HVBRIDGE_ARM64=$(TOP)/build/host/arm64/tool/hvbridge \
		E2E_VIRQ_BIN=$(GUEST_VIRQ_BIN) \
		E2E_KMOD=$(E2E_KMOD_FIND) \
		$(E2E_DIR)/virtio.sh \
		$(O)/arm64/hyp $(GUEST_VIRTIO_BIN) \
		$(TOP)/configs/zone1-virtio-host.json $(O)/test/e2e-virtio

# MMIO exits/s through the channel vs in the hypervisor, one QEMU run,
# with the host's cache-line ping-pong as the floor; also
# build/bench/exits.json.
e2e-bench: $(BENCH_BIN)
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image
	@$(E2E_DIR)/bench.sh $(O)/arm64/hyp $(O)/test/e2e $(O)/tool/hvbridge \
		$(TOP)/build/bench/exits.json $(BENCH_BIN)
