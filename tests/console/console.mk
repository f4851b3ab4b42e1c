# tests/console: virtio-console end to end (docs/virtio-console.md).  The
# guest driver of tests/virtio drives the real device through the real
# channel; the test is the other end of the backend: a unix socket client
# or the pty's reader.  One Criterion binary.
CONSOLE_DIR := $(TOP)/tests/console
CONSOLE_OUT := $(O)/tests/console
CONSOLE_SRCS := $(sort $(wildcard $(CONSOLE_DIR)/*.c))
CONSOLE_OBJS := $(CONSOLE_SRCS:$(CONSOLE_DIR)/%.c=$(CONSOLE_OUT)/%.o)
# The guest driver and the zone environment (built by tests/virtio).
CONSOLE_VOBJS := $(O)/tests/virtio/vdriver.o $(O)/tests/virtio/vtest.o
CONSOLE_BIN := $(CONSOLE_OUT)/hvb-console

$(CONSOLE_OUT)/%.o: $(CONSOLE_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -I$(TOP)/tests/virtio -MMD -MP -c $< -o $@

$(CONSOLE_BIN): $(CONSOLE_OBJS) $(CONSOLE_VOBJS) $(HYP_HOST_OBJS) \
		$(TOOL_CORE_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -o $@ $^ $(TOOL_CORE_LIBS) \
		-lcriterion

TEST_BINS += $(CONSOLE_BIN)
TEST_TARGETS += console-test

.PHONY: console-test
console-test: $(CONSOLE_BIN)
	$(Q)$(CONSOLE_BIN) --jobs 2
