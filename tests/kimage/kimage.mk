# tests/kimage: the arm64 Linux boot protocol's checks
# (hyp/arch/arm64/kimage.c) built for the host: the Image header (magic,
# endianness, text_offset and the 2 MiB base, image_size against the
# zone's RAM) and the DTB (alignment, magic, totalsize, overlap).
# Included by tests/Makefile.
KIMAGE_DIR := $(TOP)/tests/kimage
KIMAGE_OUT := $(O)/tests/kimage
KIMAGE_BIN := $(KIMAGE_OUT)/hvb-kimage-test
KIMAGE_CFLAGS := $(TEST_CFLAGS) -I$(TOP)/hyp/arch/arm64/include

$(KIMAGE_OUT)/kimage.o: $(TOP)/hyp/arch/arm64/kimage.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(KIMAGE_CFLAGS) -MMD -MP -c $< -o $@

$(KIMAGE_OUT)/kimage_test.o: $(KIMAGE_DIR)/kimage_test.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(KIMAGE_CFLAGS) -MMD -MP -c $< -o $@

$(KIMAGE_BIN): $(KIMAGE_OUT)/kimage.o $(KIMAGE_OUT)/kimage_test.o
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ -lcriterion

TEST_BINS += $(KIMAGE_BIN)
TEST_TARGETS += kimage-test

.PHONY: kimage-test
kimage-test: $(KIMAGE_BIN)
	$(Q)$(KIMAGE_BIN) --jobs 2
