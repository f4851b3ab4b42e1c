# tests/unit: the Criterion unit tests of the channel.  One binary, run
# against the real producer (the host build of hyp/core) and the real
# consumer (tool/consumer.c); helper threads play the vCPUs and the daemon.
# The hyp and tool objects are built by their own Makefiles (the top-level
# `make` runs them first); this binary only depends on them.
UNIT_DIR := $(TOP)/tests/unit
UNIT_OUT := $(O)/tests/unit
UNIT_SRCS := $(sort $(wildcard $(UNIT_DIR)/*.c))
UNIT_OBJS := $(UNIT_SRCS:$(UNIT_DIR)/%.c=$(UNIT_OUT)/%.o)
UNIT_LINK_OBJS := $(HYP_HOST_OBJS) $(TOOL_CORE_OBJS)
UNIT_BIN := $(UNIT_OUT)/hvb-unit

$(UNIT_OUT)/%.o: $(UNIT_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(UNIT_BIN): $(UNIT_OBJS) $(UNIT_LINK_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -o $@ $^ $(TOOL_CORE_LIBS) \
		-lcriterion -lm

TEST_BINS += $(UNIT_BIN)
TEST_TARGETS += unit-test

# Two test processes at a time, one per core of the machine; Criterion
# ends with its "Synthesis" line, which `make test` reports.
.PHONY: unit-test
# A watchdog over the whole run: Criterion's per-test timeout once let a
# livelocked test (bitmaps, a kicker kicking for ever) run for minutes.
UNIT_WATCHDOG_S ?= 600
unit-test: $(UNIT_BIN)
	$(Q)timeout -k 10 $(UNIT_WATCHDOG_S) $(UNIT_BIN) --jobs 2; rc=$$?; \
	if [ $$rc -eq 124 ] || [ $$rc -eq 137 ]; then \
		echo "unit-test: watchdog: no end after $(UNIT_WATCHDOG_S) s"; \
	fi; exit $$rc
