# Object lists of hyp/, shared with tests/Makefile.  Needs $(O).
HYP_CORE_SRCS := core/channel.c core/channel_wait.c core/kickslot.c \
	core/fdt.c
HYP_HOST_OBJS := $(HYP_CORE_SRCS:%.c=$(O)/hyp/%.o) $(O)/hyp/arch/host/arch.o
# hvbridge-sim (hyp/arch/host/sim.h says which file does what); it also
# links $(TOOL_CORE_OBJS) for --inproc.
HYP_SIM_SRCS := sim.c sim_vcpu.c sim_daemon.c sim_inproc.c sim_watchdog.c
HYP_SIM_OBJS := $(HYP_HOST_OBJS) $(HYP_SIM_SRCS:%.c=$(O)/hyp/arch/host/%.o)
