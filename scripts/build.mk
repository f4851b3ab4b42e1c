# Shared build settings; included by every sub-Makefile.
#   O=dir      output directory (default build/host)
#   CC=gcc|clang, OPT="-O2" (or -O0, -O3, "-O3 -flto"), V=1 for commands
#   EXTRA_CFLAGS / EXTRA_LDFLAGS, e.g. -fsanitize=thread
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
O ?= $(TOP)/build/host
ifeq ($(origin CC),default)
CC := gcc
endif
OPT ?= -O2
V ?= 0
ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-7s %s\n' '$(1)' '$(patsubst $(TOP)/%,%,$(2))'
endif

WARN := -Wall -Wextra -Werror
HOST_CFLAGS := -std=gnu11 $(WARN) $(OPT) -g -D_GNU_SOURCE \
	-I$(TOP)/common/include $(EXTRA_CFLAGS)
HOST_LDFLAGS := $(OPT) $(EXTRA_LDFLAGS)

# aarch64 freestanding (hypervisor, guest images): gcc cross or clang.
ifeq ($(findstring clang,$(CC)),clang)
CROSS_CC := $(CC) --target=aarch64-linux-gnu
else
CROSS_CC := aarch64-linux-gnu-gcc
endif
CROSS_OBJDUMP := aarch64-linux-gnu-objdump
CROSS_CFLAGS := -std=gnu11 $(WARN) $(OPT) -g -ffreestanding -nostdlib \
	-fno-builtin -fno-stack-protector -mgeneral-regs-only \
	-fno-pic -fno-pie -DHVB_ENV_HYP -I$(TOP)/common/include
