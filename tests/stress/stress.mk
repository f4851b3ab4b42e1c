# tests/stress: release-build stress of the channel (tests/stress/run.sh).
#   make -C tests stress-quick   part of `make test`, about a minute
#   make -C tests stress         the full matrix, about 2 minutes
#   make -C tests stress-teeth   the teeth on the real wait loop alone
#                                (run.sh teeth; both above run it too)
# run.sh builds tool/ and hyp/ itself, once per compiler and optimisation
# level, into build/stress/<config>, and runs hvbridge-sim from each.

STRESS_RUN := $(TOP)/tests/stress/run.sh

TEST_TARGETS += stress-quick
.PHONY: stress-quick stress stress-teeth
stress-quick:
	$(Q)$(STRESS_RUN) quick

stress:
	$(Q)$(STRESS_RUN) full

stress-teeth:
	$(Q)$(STRESS_RUN) teeth

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

# The teeth on the real loop (tests/stress/teeth.c): the real completion
# wait, compiled by teeth_wait.c from hyp/core/channel_wait.c itself with
# a stopped clock and a transparent loop body, three ways.  The names
# TEETH_PLAIN_LOAD and TEETH_KEEP_RELAX are set here and nowhere else;
# no product file reads them.  Built by `make all` too, so the build
# matrix keeps them warning-free; run.sh runs them (stress, stress-teeth).
TEETH_DIR := $(O)/tests/stress
TEST_BINS += $(TEETH_DIR)/hvbridge-teeth $(TEETH_DIR)/hvbridge-teeth-control \
	$(TEETH_DIR)/teeth_wait_relax.o

$(TEETH_DIR)/teeth_wait_mut.o: TEETH_FLAGS := -DTEETH_PLAIN_LOAD
$(TEETH_DIR)/teeth_wait_relax.o: TEETH_FLAGS := -DTEETH_PLAIN_LOAD -DTEETH_KEEP_RELAX
$(TEETH_DIR)/teeth_wait_ctl.o: TEETH_FLAGS :=

$(TEETH_DIR)/teeth_wait_%.o: $(TOP)/tests/stress/teeth_wait.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $(TEETH_FLAGS) -MMD -MP -c $< -o $@

$(TEETH_DIR)/teeth.o: $(TOP)/tests/stress/teeth.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(TEETH_DIR)/hvbridge-teeth: $(TEETH_DIR)/teeth.o $(TEETH_DIR)/teeth_wait_mut.o
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -o $@ $^

$(TEETH_DIR)/hvbridge-teeth-control: $(TEETH_DIR)/teeth.o $(TEETH_DIR)/teeth_wait_ctl.o
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -o $@ $^
