# tests/config: the JSON config (tool/config*.c).  One Criterion binary:
# both formats accepted (samples/ and configs/), every required field
# missing, wrong types and every other validation rule refused with the
# field's JSON path; and the hvbridge binary itself run on good and bad
# configs (exit codes and messages, and a simulation served with its
# devices from a config); and daemon operations (test_ops.c: `daemon
# --stop`, the per-device counters in `stat`, `stat --watch`;
# test_console_cmd.c: `hvbridge console` and the daemon's console links).
CONFIG_DIR := $(TOP)/tests/config
CONFIG_OUT := $(O)/tests/config
CONFIG_SRCS := $(sort $(wildcard $(CONFIG_DIR)/*.c))
CONFIG_TOBJS := $(CONFIG_SRCS:$(CONFIG_DIR)/%.c=$(CONFIG_OUT)/%.o)
CONFIG_BIN := $(CONFIG_OUT)/hvb-config
# flip_shim.so: an LD_PRELOAD rogue creator for the stat test, not part
# of the Criterion binary.
CONFIG_SHIM := $(CONFIG_OUT)/flip_shim.so
CONFIG_SRCS := $(filter-out $(CONFIG_DIR)/flip_shim.c,$(CONFIG_SRCS))
CONFIG_TOBJS := $(CONFIG_SRCS:$(CONFIG_DIR)/%.c=$(CONFIG_OUT)/%.o)
# Where the CLI tests find the binaries and the sample files.
CONFIG_DEFS := -DHVB_TEST_TOP='"$(TOP)"' \
	-DHVB_TEST_HVBRIDGE='"$(O)/tool/hvbridge"' \
	-DHVB_TEST_SIM='"$(O)/hyp/hvbridge-sim"' \
	-DHVB_TEST_FLIP_SHIM='"$(CONFIG_SHIM)"'

$(CONFIG_SHIM): $(CONFIG_DIR)/flip_shim.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -fPIC -shared -MMD -MP -o $@ $<

$(CONFIG_OUT)/%.o: $(CONFIG_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $(CONFIG_DEFS) -MMD -MP -c $< -o $@

# The hypervisor's kick slot table (host build) for test_kicks.c.
$(CONFIG_BIN): $(CONFIG_TOBJS) $(TOOL_CORE_OBJS) $(TOOL_CONFIG_OBJS) \
		$(HYP_HOST_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -o $@ $^ $(TOOL_CORE_LIBS) \
		-lcriterion

TEST_BINS += $(CONFIG_BIN) $(CONFIG_SHIM)
TEST_TARGETS += config-test

.PHONY: config-test
config-test: $(CONFIG_BIN) $(CONFIG_SHIM)
	$(Q)$(CONFIG_BIN) --jobs 2
