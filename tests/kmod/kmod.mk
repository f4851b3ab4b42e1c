# tests/kmod: kmod-build: hvbridge.ko cross-built warning-free (-Werror, W=1, which
# also runs kernel-doc) against Debian's arm64 headers, and
# checkpatch.pl --strict clean (tests/kmod/fetch-checkpatch.sh).
TEST_TARGETS += kmod-build

.PHONY: kmod-build
kmod-build:
	@$(TOP)/tests/kmod/build.sh

# hvbridge.ko in the root zone under QEMU (tests/kmod/qemu.sh): attach,
# /dev/hvbridge 0600, kmod_check.c's ABI checks, rmmod refused while
# open, detach on rmmod.  SKIP without Debian's kernel.
TEST_TARGETS += kmod-qemu

.PHONY: kmod-qemu
kmod-qemu:
	@E2E_TIMEOUT=$(E2E_TIMEOUT) $(TOP)/tests/kmod/qemu.sh

# kmod-qemu's first half alone: hc_test.c's hostile hypercalls and
# kmod_check.c's module checks, each by name, then power off.  Not in
# `make test` (kmod-qemu runs them); `make mutate`'s module and
# hypercall rows use it (tests/mutate/mutations.txt).
.PHONY: kmod-qemu-checks
kmod-qemu-checks:
	@KMOD_QEMU_CHECKS=1 E2E_TIMEOUT=$(E2E_TIMEOUT) $(TOP)/tests/kmod/qemu.sh

# Zones at run time from hvisor-tool's zone JSON in the root zone under
# QEMU (tests/kmod/zones.sh): refusals by name, start/list/shutdown 20
# times.  SKIP without Debian's kernel.
TEST_TARGETS += zones-qemu

.PHONY: zones-qemu
zones-qemu:
	@E2E_TIMEOUT=$(E2E_TIMEOUT) $(TOP)/tests/kmod/zones.sh

# hvisor-tool's example zone1_linux.json and virtio_cfg.json, unchanged,
# boot Debian's Linux in zone1 with its root on the daemon's virtio-blk
# (tests/kmod/hvisor-linux.sh).  SKIP without build/linux
# (scripts/mkguestfs.sh).
TEST_TARGETS += hvisor-linux

.PHONY: hvisor-linux
hvisor-linux:
	@E2E_TIMEOUT=$(E2E_TIMEOUT) $(TOP)/tests/kmod/hvisor-linux.sh

# `make run-zone` as a user runs it (scripts/run-zone.sh): the example
# zone (configs/examples/hello-off.json) started from its JSON beside the
# root zone prints on its emulated PL011 and powers itself off.
TEST_TARGETS += run-zone-test

.PHONY: run-zone-test
run-zone-test:
	@out=$(O)/test/run-zone.out; mkdir -p $(O)/test; \
	RUN_ZONE_TIMEOUT=$$(( $(or $(E2E_TIMEOUT),20) * 9 )) \
		$(TOP)/scripts/run-zone.sh > $$out 2>&1; rc=$$?; \
	if [ $$rc = 0 ] && grep -qF "[hello] hello-off: up on its emulated PL011, x0 points at its DTB; powering the zone off" $$out && \
	   grep -qx "run-zone: OK: hello powered itself off" $$out; then \
		echo "PASS run-zone"; echo "run-zone: 1 passed, 0 failed"; \
	else \
		echo "FAIL run-zone (exit $$rc)"; tail -30 $$out | sed 's/^/  | /'; \
		echo "run-zone: 0 passed, 1 failed"; exit 1; \
	fi

# `hvbridge zone` and `hvbridge stat --transport kmod` on the build
# machine (tests/kmod/cli.sh): usage errors exit 2, a missing or foreign
# device exits 1 with its reason, --help everywhere.
TEST_TARGETS += kmod-cli

.PHONY: kmod-cli
kmod-cli:
	@$(MAKE) --no-print-directory -s -C $(TOP)/tool
	@$(TOP)/tests/kmod/cli.sh $(O)/tool/hvbridge
