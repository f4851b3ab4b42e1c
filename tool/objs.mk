# Object lists of tool/, shared with hyp/Makefile (the simulation links
# the consumer in-process) and tests/Makefile.  Needs $(O).
#   core: the consumer, transports, device table and device models; links
#         with $(TOOL_CORE_LIBS) (none: anything may link it)
#   main: the hvbridge commands; they add $(TOOL_MAIN_LIBS)
# A new device model is one file here; it registers itself by type name.
TOOL_CORE_SRCS := consumer.c transport.c transport_sim.c device.c testdev.c log.c
# The virtio device model (docs/virtio.md): guest memory, the mmio
# register file, split virtqueues, and one file per virtio device.
TOOL_VIRTIO_SRCS := guestmem.c virtio/core.c virtio/mmio.c virtio/virtqueue.c
TOOL_VIRTIO_DEVS := virtio/rng.c
TOOL_CORE_SRCS += $(TOOL_VIRTIO_SRCS) $(TOOL_VIRTIO_DEVS)
TOOL_CORE_OBJS := $(TOOL_CORE_SRCS:%.c=$(O)/tool/%.o)
TOOL_CORE_LIBS :=
TOOL_MAIN_SRCS := main.c daemon.c stat.c
TOOL_MAIN_OBJS := $(TOOL_MAIN_SRCS:%.c=$(O)/tool/%.o)
TOOL_MAIN_LIBS := -lcjson
