# tests/install: `make install` and `make install-dkms` into a DESTDIR
# (tests/install/install.sh): the binary and its --version, the systemd
# unit, the DKMS tree built with its own dkms.conf command.
TEST_TARGETS += install-test

.PHONY: install-test
install-test:
	@$(MAKE) --no-print-directory -s -C $(TOP)/tool
	@$(TOP)/tests/install/install.sh $(TOP)
