# Object lists of tool/, shared with hyp/Makefile (the simulation links
# the consumer in-process) and tests/Makefile.  Needs $(O).
#   core: the consumer, transports, device table and device models; links
#         with $(TOOL_CORE_LIBS) (cJSON: device types read their backend
#         options through config_opts.c)
#   main: the hvbridge commands; they add $(TOOL_MAIN_LIBS)
# A new device model is one file here; it registers itself by type name.
TOOL_CORE_SRCS := consumer.c idle.c claim.c transport.c transport_sim.c transport_host.c \
	device.c devstats.c runfile.c testdev.c log.c
TOOL_CORE_SRCS += transport_kmod.c
TOOL_CORE_SRCS += config_opts.c
# The virtio device model (docs/virtio.md): guest memory, the mmio
# register file, split virtqueues, and one file per virtio device.
TOOL_VIRTIO_SRCS := guestmem.c virtio/core.c virtio/mmio.c virtio/virtqueue.c \
	virtio/vstate.c
TOOL_VIRTIO_DEVS := virtio/rng.c
TOOL_CORE_SRCS += $(TOOL_VIRTIO_SRCS) $(TOOL_VIRTIO_DEVS)
TOOL_CORE_OBJS := $(TOOL_CORE_SRCS:%.c=$(O)/tool/%.o)
TOOL_CORE_LIBS := -lcjson
# virtio-blk (docs/virtio-blk.md): io_uring, and its options through
# config_opts.c, so not in TOOL_VIRTIO_DEVS, which the fuzz targets link
# without either.
TOOL_BLK_SRCS := virtio/blk.c virtio/blk_req.c virtio/blk_io.c
TOOL_CORE_OBJS += $(TOOL_BLK_SRCS:%.c=$(O)/tool/%.o)
TOOL_CORE_LIBS += -luring
# virtio-console (docs/virtio-console.md) and virtio-net
# (docs/virtio-net.md): backends on an I/O thread, options through
# config_opts.c; outside TOOL_VIRTIO_DEVS for the same reason as blk.
TOOL_IO_SRCS := virtio/iothread.c virtio/console.c virtio/console_be.c \
	virtio/net.c virtio/net_tap.c
TOOL_CORE_OBJS += $(TOOL_IO_SRCS:%.c=$(O)/tool/%.o)
TOOL_MAIN_SRCS := main.c daemon.c daemon_stop.c stat.c stat_devs.c
# `hvbridge zone` (docs/kmod.md): the zones through hvbridge.ko.
TOOL_MAIN_SRCS += zone_cmd.c
# `hvbridge console` and the daemon's console links (docs/virtio-console.md).
TOOL_MAIN_SRCS += console_cmd.c console_link.c
# The JSON config (docs/config.md) and `hvbridge config-check`.
TOOL_CONFIG_SRCS := config.c config_hvisor.c config_check.c zone_json.c \
	zone_start.c
TOOL_CONFIG_OBJS := $(TOOL_CONFIG_SRCS:%.c=$(O)/tool/%.o)
TOOL_MAIN_SRCS += $(TOOL_CONFIG_SRCS) config_cmd.c
TOOL_MAIN_OBJS := $(TOOL_MAIN_SRCS:%.c=$(O)/tool/%.o)
TOOL_MAIN_LIBS := -lcjson
