# Data-abort decoder: build it as the EL2 image will, and prove it needs
# nothing from outside (no libc, and no memset/memcpy a compiler could
# emit for a struct clear).  Included by hyp/Makefile.
HYP_DECODE_OBJ := $(O)/arm64/hyp/arch/arm64/decode.o

cross: $(HYP_DECODE_OBJ)

$(HYP_DECODE_OBJ): arch/arm64/decode.c
	@mkdir -p $(dir $@)
	$(call quiet,CROSSCC,$@)
	$(Q)$(CROSS_CC) $(CROSS_CFLAGS) $(HYP_CFLAGS) -MMD -MP -c $< -o $@
	$(Q)bad=$$($(CROSS_NM) -u $@); \
	if [ -n "$$bad" ]; then \
		echo "decode.o is not freestanding: $$bad" >&2; \
		rm -f $@; exit 1; \
	fi
