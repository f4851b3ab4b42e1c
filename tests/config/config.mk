# tests/config: the JSON config (tool/config*.c).  One Criterion binary:
# both formats accepted (samples/ and configs/), every required field
# missing, wrong types and every other validation rule refused with the
# field's JSON path; and the hvbridge binary itself run on good and bad
# configs (exit codes and messages, and a simulation served with its
# devices from a config).
CONFIG_DIR := $(TOP)/tests/config
CONFIG_OUT := $(O)/tests/config
CONFIG_SRCS := $(sort $(wildcard $(CONFIG_DIR)/*.c))
CONFIG_TOBJS := $(CONFIG_SRCS:$(CONFIG_DIR)/%.c=$(CONFIG_OUT)/%.o)
CONFIG_BIN := $(CONFIG_OUT)/hvb-config
# Where the CLI tests find the binaries and the sample files.
CONFIG_DEFS := -DHVB_TEST_TOP='"$(TOP)"' \
	-DHVB_TEST_HVBRIDGE='"$(O)/tool/hvbridge"' \
	-DHVB_TEST_SIM='"$(O)/hyp/hvbridge-sim"'

$(CONFIG_OUT)/%.o: $(CONFIG_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $(CONFIG_DEFS) -MMD -MP -c $< -o $@

$(CONFIG_BIN): $(CONFIG_TOBJS) $(TOOL_CORE_OBJS) $(TOOL_CONFIG_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -o $@ $^ $(TOOL_CORE_LIBS) \
		-lcriterion

TEST_BINS += $(CONFIG_BIN)
TEST_TARGETS += config-test

.PHONY: config-test
config-test: $(CONFIG_BIN)
	$(Q)$(CONFIG_BIN) --jobs 2
