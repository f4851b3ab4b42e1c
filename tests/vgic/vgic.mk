# tests/vgic: the virtual GIC's pure half (hyp/arch/arm64/vgic_filter.c)
# built for the host: which bits of which GICD/GICR registers a zone may
# see and touch, IROUTER forcing, the ICC_SGI1R_EL1 target filter and
# the list register codec.  Included by tests/Makefile.
VGIC_DIR := $(TOP)/tests/vgic
VGIC_OUT := $(O)/tests/vgic
VGIC_BIN := $(VGIC_OUT)/hvb-vgic-test
VGIC_CFLAGS := $(TEST_CFLAGS) -I$(TOP)/hyp/arch/arm64

$(VGIC_OUT)/vgic_filter.o: $(TOP)/hyp/arch/arm64/vgic_filter.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(VGIC_CFLAGS) -MMD -MP -c $< -o $@

$(VGIC_OUT)/vgic_test.o: $(VGIC_DIR)/vgic_test.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(VGIC_CFLAGS) -MMD -MP -c $< -o $@

$(VGIC_BIN): $(VGIC_OUT)/vgic_filter.o $(VGIC_OUT)/vgic_test.o
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ -lcriterion

TEST_BINS += $(VGIC_BIN)
TEST_TARGETS += vgic-test

.PHONY: vgic-test
vgic-test: $(VGIC_BIN)
	$(Q)$(VGIC_BIN) --jobs 2
