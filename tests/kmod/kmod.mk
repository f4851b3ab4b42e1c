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

# Zones at run time from hvisor-tool's zone JSON in the root zone under
# QEMU (tests/kmod/zones.sh): refusals by name, start/list/shutdown 20
# times.  SKIP without Debian's kernel.
TEST_TARGETS += zones-qemu

.PHONY: zones-qemu
zones-qemu:
	@E2E_TIMEOUT=$(E2E_TIMEOUT) $(TOP)/tests/kmod/zones.sh

# `hvbridge zone` and `hvbridge stat --transport kmod` on the build
# machine (tests/kmod/cli.sh): usage errors exit 2, a missing or foreign
# device exits 1 with its reason, --help everywhere.
TEST_TARGETS += kmod-cli

.PHONY: kmod-cli
kmod-cli:
	@$(MAKE) --no-print-directory -s -C $(TOP)/tool
	@$(TOP)/tests/kmod/cli.sh $(O)/tool/hvbridge
