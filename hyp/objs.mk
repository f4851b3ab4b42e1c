# Object lists of hyp/, shared with tests/Makefile.  Needs $(O).
HYP_CORE_SRCS := core/channel.c core/channel_wait.c
HYP_HOST_OBJS := $(HYP_CORE_SRCS:%.c=$(O)/hyp/%.o) $(O)/hyp/arch/host/arch.o
HYP_SIM_OBJS := $(HYP_HOST_OBJS) $(O)/hyp/arch/host/sim.o
