# The daemon for the root zone: the same sources (objs.mk), cross-built
# with aarch64-linux-gnu-gcc and linked statically, so it runs in the
# busybox initramfs, which has no C library.  Included by tool/Makefile.
#
#   make -C tool arm64   ->  build/host/arm64/tool/hvbridge
#
# liburing and cJSON come from build/arm64-sysroot (scripts/
# fetch-arm64-libs.sh, run here; a no-op once done), glibc from the cross
# toolchain.  Always the cross gcc, whatever CC the host build uses; OPT
# carries over, EXTRA_* do not (a sanitizer does not link statically).
ARM64_SYSROOT := $(TOP)/build/arm64-sysroot
# The objects, apart from the output, so the flags stamp of this build
# (scripts/build.mk) never sweeps the hypervisor's arm64 objects.
ARM64_TOOL_O := $(TOP)/build/host/arm64/daemon
ARM64_TOOL := $(TOP)/build/host/arm64/tool/hvbridge

.PHONY: arm64
arm64:
	@$(TOP)/scripts/fetch-arm64-libs.sh
	@$(MAKE) --no-print-directory -s -C $(TOP)/tool all \
		O=$(ARM64_TOOL_O) CC=aarch64-linux-gnu-gcc \
		EXTRA_CFLAGS="-isystem $(ARM64_SYSROOT)/usr/include" \
		EXTRA_LDFLAGS="-static -L$(ARM64_SYSROOT)/usr/lib/aarch64-linux-gnu" \
		TOOL_MAIN_LIBS="-lcjson -lm"
	@mkdir -p $(dir $(ARM64_TOOL))
	@cmp -s $(ARM64_TOOL_O)/tool/hvbridge $(ARM64_TOOL) || { \
		$(if $(Q),printf '  %-7s %s\n' CP build/host/arm64/tool/hvbridge;) \
		cp $(ARM64_TOOL_O)/tool/hvbridge $(ARM64_TOOL).tmp && \
		mv $(ARM64_TOOL).tmp $(ARM64_TOOL); }
