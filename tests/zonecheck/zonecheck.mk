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
