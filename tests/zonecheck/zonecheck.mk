# tests/zonecheck: the zone descriptor rules (hyp/core/zone_check.c) built
# for the host: a good descriptor passes, and one bad descriptor per rule
# is refused with its reason code.  Included by tests/Makefile.
ZC_DIR := $(TOP)/tests/zonecheck
ZC_OUT := $(O)/tests/zonecheck
ZC_BIN := $(ZC_OUT)/hvb-zonecheck-test

$(ZC_OUT)/zone_check.o: $(TOP)/hyp/core/zone_check.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(ZC_OUT)/zonecheck_test.o: $(ZC_DIR)/zonecheck_test.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(ZC_BIN): $(ZC_OUT)/zone_check.o $(ZC_OUT)/zonecheck_test.o
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ -lcriterion

TEST_BINS += $(ZC_BIN)
TEST_TARGETS += zonecheck-test

.PHONY: zonecheck-test
zonecheck-test: $(ZC_BIN)
	$(Q)$(ZC_BIN) --jobs 2

# The hypervisor's window lookup, access sizes and zone map rules
# (hyp/core/zone.c, hyp/core/mmio.c, with the kick slots of
# hyp/core/kickslot.c they assign and post through) on the host, with
# stub arch hooks
# (window_test.c).  Its hyp_printk formats are the hypervisor's, where
# %lx is 64 bits: the host's format check does not apply to them.
WIN_BIN := $(ZC_OUT)/hvb-window-test

$(ZC_OUT)/hyp-zone.o $(ZC_OUT)/hyp-mmio.o $(ZC_OUT)/hyp-kickslot.o: \
		$(ZC_OUT)/hyp-%.o: \
		$(TOP)/hyp/core/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -Wno-format -MMD -MP -c $< -o $@

$(ZC_OUT)/window_test.o: $(ZC_DIR)/window_test.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(WIN_BIN): $(ZC_OUT)/hyp-zone.o $(ZC_OUT)/hyp-mmio.o $(ZC_OUT)/hyp-kickslot.o \
		$(ZC_OUT)/window_test.o
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ -lcriterion

TEST_BINS += $(WIN_BIN)
TEST_TARGETS += window-test

.PHONY: window-test
window-test: $(WIN_BIN)
	$(Q)$(WIN_BIN) --jobs 2
