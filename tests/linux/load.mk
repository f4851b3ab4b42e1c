# tests/linux/load.mk: e2e-linux-load, part of make test
# (tests/linux/load.sh, docs/linux-zone.md "Under load"): zone1's
# Linux doing checksummed random I/O on its virtio-blk disk from both
# its CPUs for E2E_LOAD_SECS (30) s while the root zone runs its own
# load, with the release build as shipped (-O2) and at -O3
# (tests/build/o3.mk): two QEMU runs, each bounded by
# E2E_LOAD_TIMEOUT (600) s.  Time here: README.md ("make test").
E2E_LOAD_SECS ?= 30
E2E_LOAD_TIMEOUT ?= 600
TEST_TARGETS += e2e-linux-load

.PHONY: e2e-linux-load
e2e-linux-load: o3-images
	@HVB_LOAD_SECS=$(E2E_LOAD_SECS) LOAD_TIMEOUT=$(E2E_LOAD_TIMEOUT) \
		$(TOP)/tests/linux/load.sh $(O)/tests/e2e-linux-load \
		$(O3_HYP) $(O3_DAEMON) $(O3_KMOD)
