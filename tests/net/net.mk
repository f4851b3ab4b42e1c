# tests/net: virtio-net end to end (docs/virtio-net.md).  Each test runs
# in a network namespace of its own (unshare(CLONE_NEWNET): it dies with
# the test's process, so nothing is left behind even on a crash) holding
# the device's tap, 10.99.0.1/24 on it; the guest driver of tests/virtio
# exchanges frames with the kernel there through the real channel.
NET_DIR := $(TOP)/tests/net
NET_OUT := $(O)/tests/net
NET_SRCS := $(sort $(wildcard $(NET_DIR)/*.c))
NET_OBJS := $(NET_SRCS:$(NET_DIR)/%.c=$(NET_OUT)/%.o)
# The guest driver and the zone environment (built by tests/virtio).
NET_VOBJS := $(O)/tests/virtio/vdriver.o $(O)/tests/virtio/vtest.o
NET_BIN := $(NET_OUT)/hvb-net

$(NET_OUT)/%.o: $(NET_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -I$(TOP)/tests/virtio -MMD -MP -c $< -o $@

$(NET_BIN): $(NET_OBJS) $(NET_VOBJS) $(HYP_HOST_OBJS) \
		$(TOOL_CORE_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -o $@ $^ $(TOOL_CORE_LIBS) \
		-lcriterion

TEST_BINS += $(NET_BIN)
TEST_TARGETS += net-test

.PHONY: net-test
net-test: $(NET_BIN)
	$(Q)$(NET_BIN) --jobs 2
