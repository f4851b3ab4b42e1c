# tests/decode: the data-abort decoder (hyp/arch/arm64/decode.c), built
# for the host and checked against encodings the aarch64 assembler makes
# from cases.txt at build time (gen_cases.py writes them into cases.h),
# and against binutils' disassembly of pseudo-random words (gen_random.py
# writes random.h).  Also the injection rules of arm64/inject.h (vector
# offset, and the syndrome of a trap from AArch32 EL0), and the check
# that a decoded instruction addresses the faulting VA (far_test.c).
DECODE_DIR := $(TOP)/tests/decode
DECODE_OUT := $(O)/tests/decode
DECODE_BIN := $(DECODE_OUT)/hvb-decode-test
DECODE_CFLAGS := $(TEST_CFLAGS) -I$(TOP)/hyp/arch/arm64 -I$(DECODE_OUT)
DECODE_AS := aarch64-linux-gnu-as
DECODE_OBJCOPY := aarch64-linux-gnu-objcopy
DECODE_OBJDUMP := aarch64-linux-gnu-objdump

$(DECODE_OUT)/cases.h: $(DECODE_DIR)/cases.txt $(DECODE_DIR)/gen_cases.py
	@mkdir -p $(dir $@)
	$(call quiet,GEN,$@)
	$(Q)python3 $(DECODE_DIR)/gen_cases.py $< $@ \
		--as $(DECODE_AS) --objcopy $(DECODE_OBJCOPY)

$(DECODE_OUT)/random.h: $(DECODE_DIR)/gen_random.py $(DECODE_DIR)/gen_cases.py
	@mkdir -p $(dir $@)
	$(call quiet,GEN,$@)
	$(Q)python3 $< $@ --objdump $(DECODE_OBJDUMP)

$(DECODE_OUT)/decode.o: $(TOP)/hyp/arch/arm64/decode.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(DECODE_CFLAGS) -MMD -MP -c $< -o $@

$(DECODE_OUT)/decode_test.o: $(DECODE_DIR)/decode_test.c \
		$(DECODE_OUT)/cases.h $(DECODE_OUT)/random.h
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(DECODE_CFLAGS) -MMD -MP -c $< -o $@

$(DECODE_OUT)/inject_test.o $(DECODE_OUT)/far_test.o: \
		$(DECODE_OUT)/%.o: $(DECODE_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(DECODE_CFLAGS) -I$(TOP)/hyp/arch/arm64/include -MMD -MP \
		-c $< -o $@

$(DECODE_BIN): $(DECODE_OUT)/decode.o $(DECODE_OUT)/decode_test.o \
		$(DECODE_OUT)/inject_test.o $(DECODE_OUT)/far_test.o
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ -lcriterion

TEST_BINS += $(DECODE_BIN)
TEST_TARGETS += decode-test

.PHONY: decode-test
decode-test: $(DECODE_BIN)
	$(Q)$(DECODE_BIN) --jobs 2

# The sweep: a million words of the whole opcode space, the decoder
# against objdump in one batch (sweep.py).
DECODE_DUMP := $(DECODE_OUT)/decode_dump

$(DECODE_OUT)/decode_dump.o: $(DECODE_DIR)/decode_dump.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(DECODE_CFLAGS) -MMD -MP -c $< -o $@

$(DECODE_DUMP): $(DECODE_OUT)/decode.o $(DECODE_OUT)/decode_dump.o
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^

TEST_BINS += $(DECODE_DUMP)
TEST_TARGETS += decode-sweep

.PHONY: decode-sweep
decode-sweep: $(DECODE_DUMP)
	$(Q)python3 $(DECODE_DIR)/sweep.py $(DECODE_DUMP) \
		--objdump $(DECODE_OBJDUMP)
