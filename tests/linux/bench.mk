# tests/linux/bench.mk: e2e-linux-bench, part of make bench, not of make
# test (tests/linux/bench.sh, docs/linux-zone.md "Benchmark"): Debian's
# arm64 fio (scripts/fetch-arm64-fio.sh) runs the same job in the root
# zone on an image file and in zone1 on the virtio-blk disk the daemon
# serves from it, in one QEMU run; build/bench/linux-zone.json has both
# sides' figures and the ratios.  E2E_BENCH_SECS (10) s a job after
# E2E_BENCH_RAMP (2), on an E2E_BENCH_MIB (64) MiB disk, zone1's two
# disks in E2E_BENCH_ZONE1_ROUNDS (3, 1 to 9) rounds that take turns;
# E2E_BENCH_TIMEOUT (1800) s bound the run and its builds
# (fio is fetched first, outside it: about 40 MB the first time).
E2E_BENCH_SECS ?= 10
E2E_BENCH_RAMP ?= 2
E2E_BENCH_MIB ?= 64
E2E_BENCH_ZONE1_ROUNDS ?= 3
E2E_BENCH_TIMEOUT ?= 1800
BENCH_TARGETS += e2e-linux-bench

.PHONY: e2e-linux-bench
e2e-linux-bench:
	@$(TOP)/scripts/fetch-arm64-fio.sh
	@HVB_BENCH_SECS=$(E2E_BENCH_SECS) HVB_BENCH_RAMP=$(E2E_BENCH_RAMP) \
		HVB_BENCH_MIB=$(E2E_BENCH_MIB) \
		HVB_BENCH_ROUNDS=$(E2E_BENCH_ZONE1_ROUNDS) \
		BENCH_TIMEOUT=$(E2E_BENCH_TIMEOUT) \
		$(TOP)/tests/linux/bench.sh $(O)/tests/e2e-linux-bench \
		$(TOP)/build/bench/linux-zone.json
