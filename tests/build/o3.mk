# tests/build/o3.mk: the release build at -O3, beside the shipped one.
# The hypervisor and the daemon ship at -O2 (scripts/build.mk's OPT
# default) and hvbridge.ko at kbuild's -O2 (Debian's kernel config is
# CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE); the parts that run a release
# build under load (e2e-fault, e2e-linux-load) also run this one:
#   $(O3_HYP)     the EL2 image, make -C hyp image O=build/o3 OPT=-O3
#   $(O3_DAEMON)  tool/arm64.mk's static daemon, at -O3 in a directory
#                 of its own (its arm64 target always writes
#                 build/host/arm64/tool/hvbridge)
#   $(O3_KMOD)    hvbridge.ko with KCFLAGS=-O3 (kbuild appends KCFLAGS
#                 after its own -O2, so the last -O wins) in build/o3/kmod
# None of it touches build/host or build/kmod.
O3_DIR := $(TOP)/build/o3
O3_HYP := $(O3_DIR)/arm64/hyp/hvbridge-hyp.elf
O3_DAEMON := $(O3_DIR)/arm64-daemon/tool/hvbridge
O3_KMOD := $(O3_DIR)/kmod/hvbridge.ko
O3_SYSROOT := $(TOP)/build/arm64-sysroot

.PHONY: o3-images
o3-images:
	@$(MAKE) --no-print-directory -s -C $(TOP)/hyp image \
		O=$(O3_DIR) OPT=-O3
	@$(TOP)/scripts/fetch-arm64-libs.sh
	@$(MAKE) --no-print-directory -s -C $(TOP)/tool all \
		O=$(O3_DIR)/arm64-daemon OPT=-O3 CC=aarch64-linux-gnu-gcc \
		EXTRA_CFLAGS="-isystem $(O3_SYSROOT)/usr/include" \
		EXTRA_LDFLAGS="-static -L$(O3_SYSROOT)/usr/lib/aarch64-linux-gnu" \
		TOOL_MAIN_LIBS="-lcjson -lm"
	@if [ -f $(TOP)/kmod/Makefile ]; then \
		MAKEFLAGS= $(MAKE) --no-print-directory -s -C $(TOP)/kmod \
			OUT=$(O3_DIR)/kmod KCFLAGS=-O3; fi
