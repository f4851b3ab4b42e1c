# Every part builds warning-free (-Werror) with gcc and clang at -O0 and
# -O2, and every ABI header compiles on its own in each environment.
# (-O3 and -O3 -flto are built and run by tests/stress.)
TEST_TARGETS += build-matrix

.PHONY: build-matrix
build-matrix:
	@$(TOP)/tests/build/matrix.sh
