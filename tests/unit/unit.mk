# tests/unit: the Criterion unit tests of the channel.  One binary, run
# against the real producer (the host build of hyp/core) and the real
# consumer (tool/consumer.c); helper threads play the vCPUs and the daemon.
# The hyp and tool objects are built by their own Makefiles (the top-level
# `make` runs them first); this binary only depends on them.
UNIT_DIR := $(TOP)/tests/unit
UNIT_OUT := $(O)/tests/unit
UNIT_SRCS := $(sort $(wildcard $(UNIT_DIR)/*.c))
UNIT_OBJS := $(UNIT_SRCS:$(UNIT_DIR)/%.c=$(UNIT_OUT)/%.o)
UNIT_LINK_OBJS := $(HYP_HOST_OBJS) $(O)/tool/consumer.o
UNIT_BIN := $(UNIT_OUT)/hvb-unit

$(UNIT_OUT)/%.o: $(UNIT_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(UNIT_BIN): $(UNIT_OBJS) $(UNIT_LINK_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -o $@ $^ -lcriterion

TEST_BINS += $(UNIT_BIN)
TEST_TARGETS += unit-test

# Two jobs: the machine has two cores, and the tests that need two
# threads running at once still get them from the kernel.
.PHONY: unit-test
unit-test: $(UNIT_BIN)
	$(Q)$(UNIT_BIN) --jobs 2
