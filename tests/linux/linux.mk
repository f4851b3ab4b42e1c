# tests/linux: zone1's Debian Linux (docs/linux-zone.md).  Not part of
# `make test` yet: two Linux boots under TCG (about 10 s each on a quiet
# machine) until the lead decides.
.PHONY: linux-guestfs linux-check
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
