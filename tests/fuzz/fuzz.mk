# tests/fuzz: libFuzzer targets over everything a guest or a hostile
# region controls (docs/fuzzing.md has the list and what each checks).
# Three builds of each target <t>, from the same sources:
#   $(O)/tests/fuzz/<t>         clang -fsanitize=fuzzer,address,undefined
#                               (whatever CC is: libFuzzer is clang's)
#   $(O)/tests/fuzz/<t>-replay  $(CC), a plain main() over the corpus
#   $(O)/tests/fuzz/<t>-cov     clang source-based coverage
#                               (-fprofile-instr-generate), the same
#                               main(); `make fuzz` replays what the
#                               fuzzer kept through it and prints the line
#                               coverage of the code the target is for
# `fuzz-quick` (in `make test`) replays the corpus, then fuzzes each
# target for FUZZ_QUICK_S seconds; `make fuzz` fuzzes FUZZ_LONG_S each.
# The seed corpus is tests/fuzz/corpus/<t>/ (mkcorpus.py writes it);
# new inputs go to $(O)/tests/fuzz/work/, crashes to .../crashes/.
FUZZ_DIR := $(TOP)/tests/fuzz
FUZZ_OUT := $(O)/tests/fuzz
FUZZ_TARGETS := fuzz_virtqueue fuzz_mmio fuzz_eventidx fuzz_consumer \
	fuzz_decode fuzz_zonecheck fuzz_config fuzz_devices
FUZZ_QUICK_S ?= 8
FUZZ_LONG_S ?= 180
FUZZ_CC ?= clang

# Per target: its sources besides tests/fuzz/<t>.c (paths from the top),
# its libraries, and the files whose line coverage `make fuzz` prints.
# The virtio model; devices read their options with config_opts.c
# (cJSON); some run I/O threads (-pthread).
FUZZ_VIRTIO := tool/guestmem.c tool/virtio/core.c tool/virtio/mmio.c \
	tool/virtio/virtqueue.c tool/virtio/vstate.c \
	$(TOOL_VIRTIO_DEVS:%=tool/%) tool/device.c tool/log.c \
	tool/config_opts.c tests/virtio/vtest_dev.c
FUZZ_SRCS_fuzz_virtqueue := $(FUZZ_VIRTIO)
FUZZ_COVER_fuzz_virtqueue := tool/virtio/virtqueue.c
FUZZ_SRCS_fuzz_mmio := $(FUZZ_VIRTIO)
FUZZ_COVER_fuzz_mmio := tool/virtio/mmio.c
FUZZ_SRCS_fuzz_eventidx := $(FUZZ_VIRTIO)
FUZZ_COVER_fuzz_eventidx := tool/virtio/virtqueue.c
FUZZ_SRCS_fuzz_consumer := tool/consumer.c tool/idle.c hyp/core/kickslot.c
FUZZ_COVER_fuzz_consumer := tool/consumer.c hyp/core/kickslot.c
FUZZ_SRCS_fuzz_decode := hyp/arch/arm64/decode.c
FUZZ_COVER_fuzz_decode := hyp/arch/arm64/decode.c
FUZZ_SRCS_fuzz_zonecheck := hyp/core/zone_check.c
FUZZ_COVER_fuzz_zonecheck := hyp/core/zone_check.c
# The whole device model and its transports, as the daemon links it.
FUZZ_TOOL_ALL := $(TOOL_CORE_SRCS:%=tool/%) $(TOOL_BLK_SRCS:%=tool/%) \
	$(TOOL_IO_SRCS:%=tool/%) tests/virtio/vtest_dev.c
FUZZ_SRCS_fuzz_config := $(FUZZ_TOOL_ALL) tool/config.c \
	tool/config_hvisor.c tool/config_check.c tool/zone_json.c
FUZZ_LIBS_fuzz_config := -luring
FUZZ_COVER_fuzz_config := tool/config.c tool/config_hvisor.c \
	tool/zone_json.c
FUZZ_SRCS_fuzz_devices := $(FUZZ_TOOL_ALL)
FUZZ_LIBS_fuzz_devices := -luring
FUZZ_COVER_fuzz_devices := tool/virtio/blk_req.c tool/virtio/blk_io.c \
	tool/virtio/console.c tool/virtio/net.c

FUZZ_INC := -I$(TOP)/tool -I$(TOP)/hyp/include -I$(FUZZ_DIR) \
	-I$(TOP)/tests/virtio -I$(TOP)/hyp/arch/arm64 -I$(TOP)/tests/decode \
	-I$(O)/tests/decode
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
# tool/consumer.c's race hook (fuzz_consumer.c's torn reads), in every
# fuzz build and replay: weak, so other targets link it unset.
FUZZ_DEFS := -DHVB_FETCH_RACE_HOOK
FUZZ_BASE_CFLAGS := -std=gnu11 $(WARN) -g -D_GNU_SOURCE \
	-I$(TOP)/common/include $(FUZZ_INC) $(FUZZ_DEFS)
FUZZ_CFLAGS := $(FUZZ_BASE_CFLAGS) -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_COV_CFLAGS := $(FUZZ_BASE_CFLAGS) -O0 -fprofile-instr-generate \
	-fcoverage-mapping

# fuzz_decode checks decodes against binutils' reading of the words of
# tests/decode's random.h.
FUZZ_GEN_fuzz_decode := $(O)/tests/decode/random.h

# One object per (build, source), at the source's path under the build.
$(FUZZ_OUT)/lf/%.o: $(TOP)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,FUZZCC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_OUT)/cov/%.o: $(TOP)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,COVCC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_COV_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_OUT)/replay/%.o: $(TOP)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) $(FUZZ_INC) $(FUZZ_DEFS) -MMD -MP -c $< -o $@

# $(call fuzz_objs,build,target): the objects of @target in @build.
fuzz_objs = $(patsubst %.c,$(FUZZ_OUT)/$(1)/%.o,\
	tests/fuzz/$(2).c $(FUZZ_SRCS_$(2)))

define FUZZ_TARGET_RULES
$(call fuzz_objs,lf,$(1)) $(call fuzz_objs,cov,$(1)) \
	$(call fuzz_objs,replay,$(1)): | $(FUZZ_GEN_$(1))

$(FUZZ_OUT)/$(1): $(call fuzz_objs,lf,$(1))
	$$(call quiet,FUZZLD,$$@)
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -pthread -o $$@ $$^ \
		-lcjson $(FUZZ_LIBS_$(1))

$(FUZZ_OUT)/$(1)-cov: $(call fuzz_objs,cov,$(1)) \
		$(FUZZ_OUT)/cov/tests/fuzz/replay.o
	$$(call quiet,COVLD,$$@)
	$(Q)$(FUZZ_CC) -fprofile-instr-generate -pthread -o $$@ $$^ \
		-lcjson $(FUZZ_LIBS_$(1))

$(FUZZ_OUT)/$(1)-replay: $(call fuzz_objs,replay,$(1)) \
		$(FUZZ_OUT)/replay/tests/fuzz/replay.o
	$$(call quiet,LD,$$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -o $$@ $$^ -lcjson \
		$(FUZZ_LIBS_$(1))
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_TARGET_RULES,$(t))))

TEST_BINS += $(FUZZ_TARGETS:%=$(FUZZ_OUT)/%-replay)
TEST_TARGETS += fuzz-quick

# The files each target's coverage is reported on, for run.sh.
FUZZ_COVER_ENV = $(foreach t,$(FUZZ_TARGETS),\
	FUZZ_COVER_$(t)='$(FUZZ_COVER_$(t))')

.PHONY: fuzz-quick fuzz fuzz-sweep
fuzz-quick: $(FUZZ_TARGETS:%=$(FUZZ_OUT)/%) \
		$(FUZZ_TARGETS:%=$(FUZZ_OUT)/%-replay)
	$(Q)$(FUZZ_DIR)/run.sh $(FUZZ_QUICK_S) $(FUZZ_OUT) $(FUZZ_TARGETS)

fuzz: $(FUZZ_TARGETS:%=$(FUZZ_OUT)/%) $(FUZZ_TARGETS:%=$(FUZZ_OUT)/%-replay) \
		$(FUZZ_TARGETS:%=$(FUZZ_OUT)/%-cov)
	$(Q)env $(FUZZ_COVER_ENV) FUZZ_COVERAGE=1 \
		$(FUZZ_DIR)/run.sh $(FUZZ_LONG_S) $(FUZZ_OUT) $(FUZZ_TARGETS)
