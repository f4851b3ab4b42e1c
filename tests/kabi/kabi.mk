# The ABI headers in the kernel environment: cross-build a check module
# against Debian's arm64 headers (scripts/kbuild-prep.sh).
TEST_TARGETS += kabi-build

.PHONY: kabi-build
kabi-build:
	@$(TOP)/tests/kabi/build.sh
