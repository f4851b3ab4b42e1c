# tests/litmus: the litmus models of the channel's barrier pairs, checked
# with herd7 under the Arm model and RC11, and bound to the real aarch64
# builds (tests/litmus/run.sh; docs/memory-ordering.md, "How it is
# checked").
#   make -C tests litmus   part of `make test`
# run.sh builds its aarch64 variants itself, into build/litmus/.
TEST_TARGETS += litmus
.PHONY: litmus
litmus:
	$(Q)$(TOP)/tests/litmus/run.sh
