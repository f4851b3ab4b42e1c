# hvbridge: top-level Makefile.  Delegates to the sub-directories; quiet
# unless V=1; warnings are errors everywhere.  See README.md.
TOP := $(CURDIR)
# gcc unless told otherwise; exported so every sub-make builds alike.
ifeq ($(origin CC),default)
CC := gcc
endif
export V CC OPT
# Quiet unless V=1: the sub-makes print one short line per step.
ifneq ($(V),1)
MAKEFLAGS += -s
endif

.PHONY: all deps hyp tool tests test stress bench run run-host run-shell \
	run-sim run-zone run-zone1 run-virtio clean fuzz check-fresh \
	check-fresh-run install uninstall install-dkms docs mutate guestfs \
	run-linux run-linux-shell run-baremetal run-baremetal-shell

all: hyp tool tests

deps:
	@$(TOP)/scripts/deps.sh

hyp: tool
	@$(MAKE) --no-print-directory -C hyp

tool:
	@$(MAKE) --no-print-directory -C tool

tests: hyp tool
	@$(MAKE) --no-print-directory -C tests

# -k: every part runs and prints its summary; any failure fails the run.
test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -k -C tests test

# `make test` on a brand-new Debian 12 root made with debootstrap, from a
# clone of the committed tree (scripts/check-fresh.sh); .ci/run uses it.
check-fresh:
	@$(TOP)/scripts/check-fresh.sh

# The same for `make run` (zone1's Linux).
check-fresh-run:
	@$(TOP)/scripts/check-fresh.sh --target run

stress: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -C tests stress

bench: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -C tests bench

# The mutation gate: each ordering primitive use of
# tests/mutate/mutations.txt weakened in a scratch copy must be caught.
mutate: deps
	@$(MAKE) --no-print-directory -C tests mutate

# libFuzzer over everything a guest or a hostile region controls,
# FUZZ_LONG_S (180) s per target, then coverage (docs/fuzzing.md).
fuzz: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -C tests fuzz

# The whole system: the hypervisor, the root zone's Linux with
# hvbridge.ko and the daemon, zone1's Debian Linux from hvisor-tool's
# JSON served by it (scripts/run-linux.sh --run): one boot, measured,
# a summary, zone1 and the root zone powered off; exit 0 if every
# check passed (docs/run.md).
run: deps
	@$(MAKE) --no-print-directory all
	@$(TOP)/scripts/run-linux.sh --run

# The same system, left at the root zone's shell on this terminal once
# zone1's Linux is up (hvbridge console 1 reaches it).
run-shell: deps
	@$(MAKE) --no-print-directory all
	@$(TOP)/scripts/run-linux.sh --shell

# The root zone's Linux serving a bare-metal zone1: its virtio workload
# and torture cases; exit 0 if zone1 passed everything, the daemon had
# no unexpected error and the root zone powered off (docs/run.md).
run-baremetal: deps
	@$(MAKE) --no-print-directory all
	@$(TOP)/scripts/run-baremetal.sh

# The same system, left at the root zone's shell on this terminal.
run-baremetal-shell: deps
	@$(MAKE) --no-print-directory all
	@$(TOP)/scripts/run-baremetal.sh --shell

# No root zone: the daemon on this machine serves zone1's torture image.
run-host: deps
	@$(MAKE) --no-print-directory all
	@$(TOP)/scripts/run-host.sh

# The host simulation (simulated vCPU threads, the daemon in a process).
run-sim: deps
	@$(MAKE) --no-print-directory all
	@$(TOP)/scripts/run-sim.sh

# ZONE1=path/to/image.bin: your own zone1 image (docs/run.md); without
# it, the torture image with every line shown.
# A zone from a zone config (hvisor-tool's JSON) beside the root zone,
# its daemon given VIRTIO; without CONFIG the bare-metal example
# (configs/examples/hello-off.json).  Exit 0 if the zone powered itself
# off (docs/run.md).
run-zone: deps
	@$(MAKE) --no-print-directory all
	@$(TOP)/scripts/run-zone.sh "$(CONFIG)" "$(VIRTIO)"

run-zone1: deps
	@$(MAKE) --no-print-directory all
	@$(TOP)/scripts/run-zone1.sh \
		$(or $(ZONE1),$(TOP)/build/host/arm64/guest/hvbridge-guest.bin)

# zone1's virtio workload (blk, console, rng, then the torture suite)
# served by the daemon on this machine (docs/run.md).
run-virtio: deps
	@$(MAKE) --no-print-directory all
	@RUN_CONFIG=$(TOP)/configs/zone1-virtio-host.json \
		$(TOP)/scripts/run-zone1.sh \
		$(TOP)/build/host/arm64/guest/hvbridge-guest-virtio.bin

# zone1's Linux: root filesystem, initramfs, kernel file and DTB in
# build/linux/ (scripts/mkguestfs.sh, docs/linux-zone.md).
guestfs: deps
	@$(TOP)/scripts/mkguestfs.sh

# zone1 runs Debian's Linux from zone1_linux.json, served by the root
# zone's daemon from virtio_cfg_linux.json (scripts/run-linux.sh):
# booted twice, its root filesystem must keep what the first boot wrote.
run-linux: deps
	@$(MAKE) --no-print-directory all
	@$(TOP)/scripts/run-linux.sh

# make run-shell's older name.
run-linux-shell: run-shell

# The README's picture of the whole system, drawn by Graphviz's dot
# (scripts/deps.sh) from its source; tests/docs checks it is current.
docs: docs/system.svg

docs/system.svg: docs/system.dot
	dot -Tsvg $< -o $@

# The host build of hvbridge in $(PREFIX)/sbin (default /usr/local), its
# systemd unit and docs; DESTDIR for packaging (docs/install.md).
install: tool
	@$(MAKE) --no-print-directory -C tool install

uninstall:
	@$(MAKE) --no-print-directory -C tool uninstall

# hvbridge.ko's source in /usr/src/hvbridge-VERSION for DKMS, which
# builds it against the installed kernel (docs/install.md).
install-dkms:
	@$(MAKE) --no-print-directory -C kmod install-dkms

clean:
	rm -rf $(TOP)/build/host $(TOP)/build/stress $(TOP)/build/bench \
		$(TOP)/build/arm64 $(TOP)/build/test
