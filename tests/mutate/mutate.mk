# tests/mutate: the mutation gate (tests/mutate/mutate.sh), not part of
# `make test`: every ordering primitive use of mutations.txt weakened in a
# scratch copy must be caught.  A few minutes here.
.PHONY: mutate
mutate:
	$(Q)$(TOP)/tests/mutate/mutate.sh

# Part of `make test`: every row of the table still finds its text in the
# code (tests/mutate/table-check.py), so a change that moves a checked
# line fails at once, not when the hour-long gate next runs.
TEST_TARGETS += mutate-table

.PHONY: mutate-table
mutate-table:
	$(Q)$(TOP)/tests/mutate/table-check.py
