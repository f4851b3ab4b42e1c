# tests/stress: release-build stress of the channel (tests/stress/run.sh).
#   make -C tests stress-quick   part of `make test`, about a minute
#   make -C tests stress         the full matrix, about 2 minutes
# run.sh builds tool/ and hyp/ itself, once per compiler and optimisation
# level, into build/stress/<config>, and runs hvbridge-sim from each.

STRESS_RUN := $(TOP)/tests/stress/run.sh

TEST_TARGETS += stress-quick
.PHONY: stress-quick stress
stress-quick:
	$(Q)$(STRESS_RUN) quick

stress:
	$(Q)$(STRESS_RUN) full

# The teeth: hvbridge-sim with the broken completion wait of
# broken_wait.c in place of hyp/core/channel_wait.c.  run.sh builds it
# with OPT=-O2 after hyp/ and tool/ were built into the same $(O).
STRESS_BROKEN_OBJS := $(filter-out %/core/channel_wait.o,$(HYP_SIM_OBJS)) \
	$(TOOL_CORE_OBJS) $(O)/tests/stress/broken_wait.o

$(O)/tests/stress/broken_wait.o: $(TOP)/tests/stress/broken_wait.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(O)/tests/stress/hvbridge-sim-broken: $(STRESS_BROKEN_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -o $@ $^ $(TOOL_CORE_LIBS)
