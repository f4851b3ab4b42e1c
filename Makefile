# hvbridge: top-level Makefile.  Delegates to the sub-directories; quiet
# unless V=1; warnings are errors everywhere.  See README.md.
TOP := $(CURDIR)
# gcc unless told otherwise; exported so every sub-make builds alike.
ifeq ($(origin CC),default)
CC := gcc
endif
export V CC OPT

.PHONY: all deps hyp tool tests test stress bench run clean fuzz

all: hyp tool tests

deps:
	@$(TOP)/scripts/deps.sh

hyp: tool
	@$(MAKE) --no-print-directory -C hyp

tool:
	@$(MAKE) --no-print-directory -C tool

tests: hyp tool
	@$(MAKE) --no-print-directory -C tests

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -C tests test

stress: deps
	@$(MAKE) --no-print-directory -C tests stress

bench: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -C tests bench

# libFuzzer over the virtio device model, FUZZ_LONG_S (300) s per target.
fuzz: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -C tests fuzz

run: deps
	@$(MAKE) --no-print-directory all
	@$(TOP)/scripts/run.sh

clean:
	rm -rf $(TOP)/build/host $(TOP)/build/stress $(TOP)/build/bench \
		$(TOP)/build/arm64 $(TOP)/build/test
