# tests/blk: virtio-blk end to end (docs/virtio-blk.md).  The guest
# driver of tests/virtio (vdriver.c) plus a blk layer (blkenv.c) drives
# the real device on a temporary image through the real producer,
# consumer and device table; Criterion tests on top.  blkenv.o and
# vdriver.o are also the benchmark's (tests/blkbench/).
BLK_DIR := $(TOP)/tests/blk
BLK_OUT := $(O)/tests/blk
BLK_SRCS := $(sort $(wildcard $(BLK_DIR)/*.c))
BLK_OBJS := $(BLK_SRCS:$(BLK_DIR)/%.c=$(BLK_OUT)/%.o)
# The guest side shared with the benchmark: no Criterion in these.
BLK_ENV_OBJS := $(BLK_OUT)/blkenv.o $(BLK_OUT)/vdriver.o
BLK_BIN := $(BLK_OUT)/hvb-blk
BLK_CFLAGS := $(TEST_CFLAGS) -I$(TOP)/tests/virtio

$(BLK_OUT)/%.o: $(BLK_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(BLK_CFLAGS) -MMD -MP -c $< -o $@

$(BLK_OUT)/vdriver.o: $(TOP)/tests/virtio/vdriver.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(BLK_CFLAGS) -MMD -MP -c $< -o $@

$(BLK_BIN): $(BLK_OBJS) $(BLK_OUT)/vdriver.o $(HYP_HOST_OBJS) \
		$(TOOL_CORE_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -o $@ $^ $(TOOL_CORE_LIBS) \
		-lcriterion

TEST_BINS += $(BLK_BIN)
TEST_TARGETS += blk-test

.PHONY: blk-test
blk-test: $(BLK_BIN)
	$(Q)$(BLK_BIN) --jobs 2
