# tests/blkbench: the virtio-blk benchmark (GitHub issue 3, section 6):
# 4 KiB random reads at queue depth 1 and 32 through the host simulation
# (tests/blk's guest driver, the real channel, the device on io_uring)
# against fio on the same image in the same run; writes
# build/bench/blk.json.  In `make bench`, not in `make test`.
#   make -C tests bench-blk BLKBENCH_ARGS=--quick
BLKBENCH_DIR := $(TOP)/tests/blkbench
BLKBENCH_OUT := $(O)/tests/blkbench
BLKBENCH_BIN := $(BLKBENCH_OUT)/bench-blk
BLKBENCH_JSON := $(TOP)/build/bench/blk.json
BLKBENCH_IMG := $(TOP)/build/bench/blk.img
BLKBENCH_ARGS ?=

$(BLKBENCH_OUT)/%.o: $(BLKBENCH_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(BLK_CFLAGS) -I$(BLK_DIR) -MMD -MP -c $< -o $@

$(BLKBENCH_BIN): $(BLKBENCH_OUT)/blkbench.o $(BLK_ENV_OBJS) \
		$(HYP_HOST_OBJS) $(TOOL_CORE_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -o $@ $^ $(TOOL_CORE_LIBS)

TEST_BINS += $(BLKBENCH_BIN)
BENCH_TARGETS += bench-blk

.PHONY: bench-blk
bench-blk: $(BLKBENCH_BIN)
	@mkdir -p $(dir $(BLKBENCH_JSON))
	$(Q)$(BLKBENCH_BIN) $(BLKBENCH_ARGS) --json $(BLKBENCH_JSON) \
		--img $(BLKBENCH_IMG)
