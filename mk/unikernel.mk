# Rules for building one unikernel; included by the Makefile that `fata configure` writes, which
# sets FATA, FATA_HOME, NAME, TARGET, SOURCES, CFLAGS_EXTRA, EXTRA_FILES and, after
# fata configure --debug, DEBUG := 1.
.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:
.PHONY: all depends depend build clean

include $(FATA_HOME)/mk/flags.mk
include $(FATA_HOME)/mk/kv.mk

# Nothing is ever stripped; a debug build only trades optimisation for what gdb can show.
UNIKERNEL_OPT := $(if $(filter 1,$(DEBUG)),-Og,-O2)
# A misspelt call (FATA_MSEC for FATA_MSECS) is a compile error with the compiler's "did you mean".
UNIKERNEL_CFLAGS := -std=gnu11 -Wall -Wextra -Werror=implicit-function-declaration $(UNIKERNEL_OPT) \
	-g -MMD -MP -I. $(CFLAGS_EXTRA)
RUNTIME := $(FATA_HOME)/build/$(TARGET)/libfata.a
GENERATED := fata/main.c $(if $(filter hvt spt virtio,$(TARGET)),fata/manifest.c)
OBJS := $(patsubst %.c,_build/%.o,$(SOURCES) $(GENERATED))

ifeq ($(TARGET),unix)
BINARY := dist/$(NAME)
TARGET_CFLAGS := -I$(FATA_HOME)/include
TARGET_LDFLAGS :=
TARGET_LIBS := $(FATA_BEARSSL_LIB)
else ifeq ($(TARGET),virtio)
BINARY := dist/$(NAME).virtio
TARGET_CFLAGS := $(FATA_GUEST_CFLAGS)
TARGET_LDFLAGS := $(FATA_VIRTIO_LDFLAGS)
TARGET_LIBS := $(FATA_BEARSSL_VM_LIB) $(RUNTIME) -lgcc
else
BINARY := dist/$(NAME).$(TARGET)
TARGET_CFLAGS := $(FATA_GUEST_CFLAGS)
TARGET_LDFLAGS := $(FATA_GUEST_LDFLAGS)
# BearSSL needs the libc in libfata.a: the archive comes again after it.
TARGET_LIBS := $(if $(filter hvt,$(TARGET)),$(FATA_BEARSSL_VM_LIB),$(FATA_BEARSSL_LIB)) $(RUNTIME) -lgcc
endif

all: depends build

depends:
	$(Q)$(FATA_HOME)/mk/depends.sh $(TARGET) $(FATA_HOME)

# The tutorial's spelling.
depend: depends

# A config.ini edited after fata configure: configure again with the saved command line (target,
# -f and keys, fata/configure.args), which rewrites this Makefile, and GNU make restarts with it.
# Not for clean, which must work with a broken config.ini.
CONFIG := $(or $(shell sed -n '/^-f$$/{n;p;q}' fata/configure.args 2>/dev/null),config.ini)
ifeq ($(filter clean,$(MAKECMDGOALS)),)
Makefile: $(wildcard $(CONFIG))
	@echo "fata: $(CONFIG) changed since fata configure; configuring again with:" \
		"fata configure $$(tr '\n' ' ' <fata/configure.args | sed 's/ $$//')" >&2
	$(Q)xargs -d '\n' -a fata/configure.args $(FATA) configure
endif

build: $(BINARY) $(EXTRA_FILES)
ifeq ($(TARGET),virtio)
include $(FATA_HOME)/mk/virtio.mk
endif

$(BINARY): $(OBJS) $(RUNTIME)
	$(call msg,LD,$@)
	$(Q)$(FATA_HOME)/mk/check-start.sh "$(START)" "$(CONFIG)" $(patsubst %.c,_build/%.o,$(SOURCES))
	$(Q)mkdir -p dist && $(CC) $(TARGET_LDFLAGS) -o $@ $(OBJS) $(RUNTIME) $(TARGET_LIBS)

_build/%.o: %.c Makefile
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(UNIKERNEL_CFLAGS) $(TARGET_CFLAGS) -c $< -o $@

$(RUNTIME):
	@echo "fata: $(RUNTIME) is missing; run 'make' in $(FATA_HOME) first" >&2; exit 1

clean:
	$(Q)$(FATA) clean

-include $(OBJS:.o=.d)
