# tests/hypcon: the hypervisor's console room built for the host: the
# line arbiter between the hypervisor and the root zone
# (hyp/core/conmux.c) and a guest zone's console (hyp/core/console.c:
# the emulated PL011's registers, line assembly, the rate limit), with
# hyp_printk() and the clock stubbed.  Included by tests/Makefile.
HYPCON_DIR := $(TOP)/tests/hypcon
HYPCON_OUT := $(O)/tests/hypcon
HYPCON_BIN := $(HYPCON_OUT)/hvb-hypcon-test
HYPCON_OBJS := $(addprefix $(HYPCON_OUT)/,conmux.o console.o hypcon_test.o)

$(HYPCON_OUT)/%.o: $(TOP)/hyp/core/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(HYPCON_OUT)/hypcon_test.o: $(HYPCON_DIR)/hypcon_test.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(HYPCON_BIN): $(HYPCON_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ -lcriterion

TEST_BINS += $(HYPCON_BIN)
TEST_TARGETS += hypcon-test

.PHONY: hypcon-test
hypcon-test: $(HYPCON_BIN)
	$(Q)$(HYPCON_BIN) --jobs 2
