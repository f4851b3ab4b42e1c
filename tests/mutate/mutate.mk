# tests/mutate: the mutation gate (tests/mutate/mutate.sh), not part of
# `make test`: every ordering primitive use of mutations.txt weakened in a
# scratch copy must be caught.  A few minutes here.
.PHONY: mutate
mutate:
	$(Q)$(TOP)/tests/mutate/mutate.sh
