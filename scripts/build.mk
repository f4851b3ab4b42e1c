# Shared build settings; included by every sub-Makefile.
#   O=dir      output directory (default build/host)
#   CC=gcc|clang, OPT="-O2" (or -O0, -O3, "-O3 -flto"), V=1 for commands
#   EXTRA_CFLAGS / EXTRA_LDFLAGS, e.g. -fsanitize=thread
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
O ?= $(TOP)/build/host
ifeq ($(origin CC),default)
CC := gcc
endif
# Empty counts as unset: the top Makefile exports OPT even when not given.
ifeq ($(strip $(OPT)),)
OPT := -O2
endif
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

# Objects remember the flags they were built with: when CC, OPT or the
# EXTRA_* flags differ from the last build in $(O), its objects go, so
# nothing links a leftover built another way (e.g. a -O0 object into a
# benchmark).
BUILD_FLAGS := $(strip $(CC) | $(OPT) | $(EXTRA_CFLAGS) | $(EXTRA_LDFLAGS))
FLAGS_STAMP := $(O)/.build-flags
ifneq ($(BUILD_FLAGS),$(strip $(shell cat $(FLAGS_STAMP) 2>/dev/null)))
$(shell mkdir -p $(O) && find $(O) -name '*.o' -delete 2>/dev/null; \
	printf '%s\n' '$(BUILD_FLAGS)' >$(FLAGS_STAMP))
endif
