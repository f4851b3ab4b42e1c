# tests/linux: zone1's Debian Linux (docs/linux-zone.md).  Not part of
# `make test` yet: two Linux boots under TCG (about 10 s each on a quiet
# machine) until the lead decides.
.PHONY: linux-guestfs linux-check e2e-linux
# The guest's userland in plain QEMU virt, without the hypervisor; then
# the same with the data changed between the boots, which boot 2 must
# catch (the test's teeth).
linux-guestfs:
	@$(TOP)/scripts/mkguestfs.sh >/dev/null
	@$(TOP)/tests/linux/guestfs.sh $(O)/tests/linux-guestfs
	@GUESTFS_TEETH=1 $(TOP)/tests/linux/guestfs.sh \
		$(O)/tests/linux-guestfs-teeth
# The DTS and both JSONs agree (no QEMU; part of make test).
linux-check:
	@$(TOP)/tests/linux/check-configs.py
TEST_TARGETS += linux-check
# make run-linux's boot as a test part (not in make test yet: about a
# minute of QEMU with -smp 4): zone1's Linux started from
# zone1_linux.json twice, the second boot reading back the first's data.
e2e-linux:
	@mkdir -p $(O)/tests
	@if $(TOP)/scripts/run-linux.sh --log $(O)/tests/e2e-linux.log \
		> $(O)/tests/e2e-linux.out 2>&1; then \
		echo "PASS e2e-linux/run-linux"; \
		echo "e2e-linux: 1 passed, 0 failed"; \
	else \
		cat $(O)/tests/e2e-linux.out; \
		echo "FAIL e2e-linux/run-linux"; \
		echo "e2e-linux: 0 passed, 1 failed"; \
		exit 1; \
	fi
