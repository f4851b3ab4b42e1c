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
# clang's LTO unit carries DWARF 4 here as for the cross builds below:
# tests/litmus/bind.py reads the arm64 daemon's lines too, and binutils
# lost every line of the daemon's main unit once tool/idle.h joined it.
HOST_LTO_CFLAGS := $(if $(and $(findstring clang,$(CC)),$(filter -flto,$(OPT))),-gdwarf-4)
HOST_CFLAGS := -std=gnu11 $(WARN) $(OPT) $(HOST_LTO_CFLAGS) -g -D_GNU_SOURCE \
	-I$(TOP)/common/include $(EXTRA_CFLAGS)
HOST_LDFLAGS := $(OPT) $(EXTRA_LDFLAGS)

# aarch64 freestanding (hypervisor, guest images): gcc cross or clang.
# With -flto the objects hold IR: gcc's are made fat (native code beside
# the IR) so the checks that read objects with nm and objdump see code;
# clang's are bitcode, which llvm-nm reads.  clang's LTO unit carries
# DWARF 4: binutils 2.40's objdump -l loses the lines of a DWARF 5 unit
# that ld.lld's LTO makes of many files (tests/litmus/bind.py reads them).
ifeq ($(findstring clang,$(CC)),clang)
CROSS_CC := $(CC) --target=aarch64-linux-gnu
CROSS_NM := llvm-nm
CROSS_LTO_CFLAGS := $(if $(filter -flto,$(OPT)),-gdwarf-4)
else
CROSS_CC := aarch64-linux-gnu-gcc
CROSS_NM := aarch64-linux-gnu-nm
CROSS_LTO_CFLAGS := $(if $(filter -flto,$(OPT)),-ffat-lto-objects)
endif
CROSS_OBJDUMP := aarch64-linux-gnu-objdump
CROSS_CFLAGS := -std=gnu11 $(WARN) $(OPT) $(CROSS_LTO_CFLAGS) -g \
	-ffreestanding -nostdlib \
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
