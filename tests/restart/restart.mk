# tests/restart: virtio-blk survives its daemon (docs/daemon.md,
# "Restarts").  The real daemon runs as a separate process on the sim
# transport and is killed (SIGKILL) or stopped (SIGTERM) and restarted
# 200 times under a 32-deep checksummed workload; both runs go in
# parallel (about 50 s).  STOP: `hvbridge daemon --stop` stops each
# daemon 40 times, and must return only once it drained (nothing left in
# flight in its state file) and exited 0.  Then STATE: a corrupt state file is refused or
# leaves the device NEEDS_RESET, never trusted; RNG and CONSOLE:
# virtio-rng's and virtio-console's queues resume too (a few seconds
# each).
RESTART_DIR := $(TOP)/tests/restart
RESTART_OUT := $(O)/tests/restart
RESTART_BIN := $(RESTART_OUT)/hvb-restart
RESTART_CFLAGS := $(TEST_CFLAGS) -I$(TOP)/tests/virtio -I$(TOP)/tests/blk

$(RESTART_OUT)/%.o: $(RESTART_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(RESTART_CFLAGS) -MMD -MP -c $< -o $@

$(RESTART_BIN): $(RESTART_OUT)/restart.o $(BLK_ENV_OBJS) $(HYP_HOST_OBJS) \
		$(TOOL_CORE_OBJS)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -pthread -o $@ $^ $(TOOL_CORE_LIBS)

TEST_BINS += $(RESTART_BIN)
TEST_TARGETS += restart-test

.PHONY: restart-test
restart-test: $(RESTART_BIN)
	$(Q)$(RESTART_BIN) $(O)/tool/hvbridge KILL & k=$$!; \
	$(RESTART_BIN) $(O)/tool/hvbridge TERM; t=$$?; \
	wait $$k; k=$$?; \
	$(RESTART_BIN) $(O)/tool/hvbridge STOP; p=$$?; \
	$(RESTART_BIN) $(O)/tool/hvbridge STATE; s=$$?; \
	$(RESTART_BIN) $(O)/tool/hvbridge RNG; g=$$?; \
	$(RESTART_BIN) $(O)/tool/hvbridge CONSOLE; c=$$?; \
	$(RESTART_BIN) $(O)/tool/hvbridge ZONE; z=$$?; \
	f=$$(((k != 0) + (t != 0) + (p != 0) + (s != 0) + (g != 0) + \
	      (c != 0) + (z != 0))); \
	echo "restart: $$((7 - f)) passed, $$f failed"; \
	[ $$f = 0 ]
