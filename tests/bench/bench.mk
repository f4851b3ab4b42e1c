# tests/bench: the channel benchmark (GitHub issue "Foundation", section 6).
# The real producer (hyp core, host arch hooks) and the real consumer
# (tool/consumer.o) in one process, against raw ping-pongs and an
# hvisor-style protocol; writes build/bench/channel.json.
#   make bench                          full run (under a minute)
#   make -C tests bench-channel BENCH_ARGS=--quick
# Reports figures and never fails on a slow machine; it fails only when a
# request goes wrong or a measurement hangs.

BENCH_ALL_SRCS := $(sort $(wildcard $(TOP)/tests/bench/*.c))
BENCH_DIAG_SRCS := $(sort $(wildcard $(TOP)/tests/bench/bench_diag*.c))
BENCH_SRCS := $(filter-out $(BENCH_DIAG_SRCS),$(BENCH_ALL_SRCS))
BENCH_OBJS := $(BENCH_SRCS:$(TOP)/tests/bench/%.c=$(O)/tests/bench/%.o)
BENCH_DIAG_OBJS := \
	$(BENCH_DIAG_SRCS:$(TOP)/tests/bench/%.c=$(O)/tests/bench/%.o)
# The consumer and its idling policy, as the daemon links them; but
# idle.c is the benchmark's own object, never built with -flto: a wrap
# (BENCH_WRAP) sees only calls between objects, and an -flto build
# would join consumer.o and idle.o into one before the wrap applies.
BENCH_IDLE_OBJ := $(O)/tests/bench/tool-idle.o
BENCH_TOOL_OBJS := $(O)/tool/consumer.o $(BENCH_IDLE_OBJ)
BENCH_BIN := $(O)/tests/bench/bench-channel
# bench_idle.c records what the real serving loop's idling does.
BENCH_WRAP := -Wl,--wrap=hvb_idle_should_sleep -Wl,--wrap=hvb_idle_woke \
	-Wl,--wrap=hvb_idle_work
BENCH_DIAG_BIN := $(O)/tests/bench/bench-channel-diag
BENCH_JSON := $(TOP)/build/bench/channel.json
BENCH_ARGS ?=

$(O)/tests/bench/%.o: $(TOP)/tests/bench/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(BENCH_IDLE_OBJ): $(TOP)/tool/idle.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(filter-out -flto,$(TEST_CFLAGS)) -fno-lto -MMD -MP \
		-c $< -o $@

$(BENCH_BIN): $(BENCH_OBJS) $(HYP_HOST_OBJS) $(BENCH_TOOL_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread $(BENCH_WRAP) -o $@ $^ -lcjson -lm

# Where the round trip goes (not run by `make bench`): the same code plus
# a model of the channel's path and a swappable producer clock.
#   build/host/tests/bench/bench-channel-diag [--quick]
$(BENCH_DIAG_BIN): $(filter-out %/bench_channel.o,$(BENCH_OBJS)) \
		   $(BENCH_DIAG_OBJS) $(HYP_HOST_OBJS) $(BENCH_TOOL_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -Wl,--wrap=hyp_arch_cycles \
		$(BENCH_WRAP) -o $@ $^ -lcjson -lm

TEST_BINS += $(BENCH_BIN) $(BENCH_DIAG_BIN)
BENCH_TARGETS += bench-channel

# make does not rebuild an object when only OPT changed, so a shared
# build/host may hold the core or the consumer from an OPT=-O0 build; say
# so rather than publish its figures silently (gcc records its flags in
# DW_AT_producer; clang does not, and is not checked).
BENCH_CHECK_OPT = for o in $(HYP_HOST_OBJS) $(BENCH_TOOL_OBJS); do \
	p=$$(objdump --dwarf=info "$$o" 2>/dev/null | \
	     grep -m1 DW_AT_producer); \
	case "$$p" in *"GNU C"*) ;; *) continue ;; esac; \
	case "$$p" in *" -O0"*|*" -Og"*) ;; *" -O"*) continue ;; esac; \
	echo "bench: WARNING: $${o\#$(TOP)/} was built without" \
	     "optimisation; rebuild it (make clean) for figures that" \
	     "mean something" >&2; \
	done

.PHONY: bench-channel
bench-channel: $(BENCH_BIN)
	@$(BENCH_CHECK_OPT)
	@mkdir -p $(dir $(BENCH_JSON))
	$(Q)$(BENCH_BIN) $(BENCH_ARGS) --json $(BENCH_JSON)

# Each kind of CPU pair the machine has (sysfs): SMT siblings, two cores
# on one last-level cache, two cores that share no cache; one run each,
# into build/bench/channel-<kind>.json.  A kind the machine lacks is
# skipped with a line saying so (bench-channel exits 77).  Not part of
# `make bench`, which runs on CPUs 0 and 1 (or BENCH_ARGS=--cpus A,B).
#   make -C tests bench-channel-pairs [BENCH_ARGS=--quick]
.PHONY: bench-channel-pairs
bench-channel-pairs: $(BENCH_BIN)
	@$(BENCH_CHECK_OPT)
	@mkdir -p $(dir $(BENCH_JSON))
	$(Q)for k in smt llc apart; do \
		$(BENCH_BIN) $(BENCH_ARGS) --pair $$k \
			--json $(dir $(BENCH_JSON))channel-$$k.json; rc=$$?; \
		if [ $$rc -eq 77 ]; then \
			echo "bench-channel-pairs: no \"$$k\" pair of CPUs" \
			     "here: skipped"; \
		elif [ $$rc -ne 0 ]; then exit $$rc; fi; \
	done
