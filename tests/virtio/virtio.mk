# tests/virtio: the virtio device model end to end.  A test guest driver
# (vdriver.c) builds real virtqueues in simulated zone memory and drives
# each device through the real producer and the real consumer, device
# table and virtio devices (vtest.c); negative tests feed it every kind
# of hostile input.  One Criterion binary.
VIRTIO_DIR := $(TOP)/tests/virtio
VIRTIO_OUT := $(O)/tests/virtio
VIRTIO_SRCS := $(sort $(wildcard $(VIRTIO_DIR)/*.c))
VIRTIO_OBJS := $(VIRTIO_SRCS:$(VIRTIO_DIR)/%.c=$(VIRTIO_OUT)/%.o)
VIRTIO_BIN := $(VIRTIO_OUT)/hvb-virtio

$(VIRTIO_OUT)/%.o: $(VIRTIO_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(VIRTIO_BIN): $(VIRTIO_OBJS) $(HYP_HOST_OBJS) $(TOOL_CORE_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -o $@ $^ $(TOOL_CORE_LIBS) \
		-lcriterion

TEST_BINS += $(VIRTIO_BIN)
TEST_TARGETS += virtio-test

.PHONY: virtio-test
virtio-test: $(VIRTIO_BIN)
	$(Q)$(VIRTIO_BIN) --jobs 2
