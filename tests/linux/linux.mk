# tests/linux: zone1's Debian Linux (docs/linux-zone.md).  linux-check
# and e2e-linux are part of `make test` (and e2e-linux-load, in
# load.mk); linux-guestfs, e2e-run and e2e-run-shell are not (each
# another Linux boot, about a minute here).
.PHONY: linux-guestfs linux-check e2e-linux e2e-run e2e-run-shell
# The guest's userland in plain QEMU virt, without the hypervisor; then
# the same with the data changed between the boots, which boot 2 must
# catch (the test's teeth).
linux-guestfs:
	@$(TOP)/scripts/mkguestfs.sh >/dev/null
	@$(TOP)/tests/linux/guestfs.sh $(O)/tests/linux-guestfs
	@GUESTFS_TEETH=1 $(TOP)/tests/linux/guestfs.sh \
		$(O)/tests/linux-guestfs-teeth
# `make run` with the prerequisites built: its summary and exit status.
e2e-run:
	@$(TOP)/scripts/run-linux.sh --run --no-build
# `make run-shell` driven through a FIFO: the prompt last, zone1's shell
# reached through `hvbridge console 1`, `poweroff -f` (run-shell.sh).
e2e-run-shell:
	@$(TOP)/tests/linux/run-shell.sh $(O)/tests/run-shell
# The DTS and both JSONs agree, and the DTB sits after the kernel file
# (no QEMU; part of make test).  The guest's files are made first (as
# e2e-linux would, later), so no check is ever skipped for want of them.
# Then the linux-zone benchmark's report (bench-report.py, which only
# make bench runs for real) on serial logs made up for it.
linux-check:
	@$(TOP)/scripts/mkguestfs.sh >/dev/null
	@$(TOP)/tests/linux/check-configs.py
	@$(TOP)/tests/linux/check-bench-report.py
TEST_TARGETS += linux-check
# make run-linux as a test part (part of make test): zone1's Linux
# booted E2E_LINUX_CYCLES times from zone1_linux.json under one daemon
# (each boot reads back the one before's data, answers on hvc0 through
# `hvbridge console 1`), ping and TCP both ways, then the daemon-death
# case.  Time here: README.md ("make test").  E2E_LINUX_TIMEOUT is the
# watchdog of the whole part (QEMU's own is RUN_TIMEOUT, inside it); on
# a failure the progress and the serial log's last lines are printed.
E2E_LINUX_CYCLES ?= 5
E2E_LINUX_TIMEOUT ?= 1800
TEST_TARGETS += e2e-linux
e2e-linux:
	@mkdir -p $(O)/tests
	@rm -f $(O)/tests/e2e-linux.log $(TOP)/build/run-linux/serial.log
	@if HVB_LINUX_CYCLES=$(E2E_LINUX_CYCLES) \
		RUN_TIMEOUT=$$(($(E2E_LINUX_TIMEOUT) - 120)) \
		timeout -k 10 $(E2E_LINUX_TIMEOUT) \
		$(TOP)/scripts/run-linux.sh --log $(O)/tests/e2e-linux.log \
		> $(O)/tests/e2e-linux.out 2>&1; then \
		grep '^== ' $(O)/tests/e2e-linux.out | grep -v '^== QEMU\|^== Debian'; \
		echo "PASS e2e-linux/run-linux"; \
		echo "e2e-linux: 1 passed, 0 failed"; \
	else \
		echo "== e2e-linux: the progress ($(O)/tests/e2e-linux.out):"; \
		cat $(O)/tests/e2e-linux.out; \
		echo "== e2e-linux: the serial log's last 150 lines" \
			"($(O)/tests/e2e-linux.log):"; \
		if [ -f $(O)/tests/e2e-linux.log ]; then \
			tail -n 150 $(O)/tests/e2e-linux.log; \
		elif [ -f $(TOP)/build/run-linux/serial.log ]; then \
			tr -d '\r' < $(TOP)/build/run-linux/serial.log | \
				tail -n 150; \
		else \
			echo "(none: QEMU did not start)"; \
		fi; \
		echo "FAIL e2e-linux/run-linux"; \
		echo "e2e-linux: 0 passed, 1 failed"; \
		exit 1; \
	fi
