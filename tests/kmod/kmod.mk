# tests/kmod: hvbridge.ko cross-built warning-free (-Werror, W=1, which
# also runs kernel-doc) against Debian's arm64 headers, and
# checkpatch.pl --strict clean (tests/kmod/fetch-checkpatch.sh).
TEST_TARGETS += kmod-build

.PHONY: kmod-build
kmod-build:
	@$(TOP)/tests/kmod/build.sh
