# tests/fuzz: libFuzzer targets over the hostile-input paths of the
# virtio device model: the virtqueue walker (fuzz_virtqueue.c) and the
# mmio register file (fuzz_mmio.c).  Two builds of each:
#   $(O)/tests/fuzz/<t>         clang -fsanitize=fuzzer,address,undefined
#                               (whatever CC is: libFuzzer is clang's)
#   $(O)/tests/fuzz/<t>-replay  $(CC), a plain main() over the corpus
# `fuzz-quick` (in `make test`) replays the corpus, then fuzzes each
# target for FUZZ_QUICK_S seconds; `make fuzz` fuzzes FUZZ_LONG_S each.
# The seed corpus is tests/fuzz/corpus/<t>/ (mkcorpus.py writes it);
# new inputs go to $(O)/tests/fuzz/work/, crashes to .../crashes/.
FUZZ_DIR := $(TOP)/tests/fuzz
FUZZ_OUT := $(O)/tests/fuzz
FUZZ_TARGETS := fuzz_virtqueue fuzz_mmio
FUZZ_QUICK_S ?= 12
FUZZ_LONG_S ?= 300
FUZZ_CC ?= clang

# What the targets exercise, from tool/ (and the test device).
# Devices read their options with config_opts.c (cJSON); some run I/O
# threads (-pthread).
FUZZ_TOOL_SRCS := guestmem.c virtio/core.c virtio/mmio.c \
	virtio/virtqueue.c virtio/vstate.c $(TOOL_VIRTIO_DEVS) device.c log.c \
	config_opts.c
FUZZ_INC := -I$(TOP)/tool -I$(TOP)/hyp/include -I$(FUZZ_DIR) \
	-I$(TOP)/tests/virtio
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=gnu11 $(WARN) -g -O1 -D_GNU_SOURCE \
	-I$(TOP)/common/include $(FUZZ_INC) $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link
FUZZ_LF_OBJS := $(FUZZ_TOOL_SRCS:%.c=$(FUZZ_OUT)/lf/tool/%.o) \
	$(FUZZ_OUT)/lf/vtest_dev.o

$(FUZZ_OUT)/lf/tool/%.o: $(TOP)/tool/%.c
	@mkdir -p $(dir $@)
	$(call quiet,FUZZCC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_OUT)/lf/vtest_dev.o: $(TOP)/tests/virtio/vtest_dev.c
	@mkdir -p $(dir $@)
	$(call quiet,FUZZCC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_OUT)/lf/%.o: $(FUZZ_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,FUZZCC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_TARGETS:%=$(FUZZ_OUT)/%): $(FUZZ_OUT)/%: $(FUZZ_OUT)/lf/%.o \
		$(FUZZ_LF_OBJS)
	$(call quiet,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -pthread -o $@ $^ -lcjson

# Replay builds: the configured compiler and the ordinary tool objects.
$(FUZZ_OUT)/replay/%.o: $(FUZZ_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $(FUZZ_INC) -MMD -MP -c $< -o $@

$(FUZZ_OUT)/replay/vtest_dev.o: $(TOP)/tests/virtio/vtest_dev.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $(FUZZ_INC) -MMD -MP -c $< -o $@

$(FUZZ_TARGETS:%=$(FUZZ_OUT)/%-replay): $(FUZZ_OUT)/%-replay: \
		$(FUZZ_OUT)/replay/%.o $(FUZZ_OUT)/replay/replay.o \
		$(FUZZ_OUT)/replay/vtest_dev.o $(TOOL_CORE_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -o $@ $^ $(TOOL_CORE_LIBS)

TEST_BINS += $(FUZZ_TARGETS:%=$(FUZZ_OUT)/%-replay)
TEST_TARGETS += fuzz-quick

.PHONY: fuzz-quick fuzz
fuzz-quick: $(FUZZ_TARGETS:%=$(FUZZ_OUT)/%) \
		$(FUZZ_TARGETS:%=$(FUZZ_OUT)/%-replay)
	$(Q)$(FUZZ_DIR)/run.sh $(FUZZ_QUICK_S) $(FUZZ_OUT) $(FUZZ_TARGETS)

fuzz: $(FUZZ_TARGETS:%=$(FUZZ_OUT)/%) $(FUZZ_TARGETS:%=$(FUZZ_OUT)/%-replay)
	$(Q)$(FUZZ_DIR)/run.sh $(FUZZ_LONG_S) $(FUZZ_OUT) $(FUZZ_TARGETS)
