# The unix platform: a Linux process on the host libc.
# PLATFORM_unix_CORE_SRCS is what every host test of the library OS links (stacks, console,
# clocks); the tests bring their own main.
PLATFORM_unix_CORE_SRCS := platform/unix/platform_unix.c platform/unix/console_unix.c \
	platform/unix/time_unix.c
PLATFORM_unix_SRCS := $(PLATFORM_unix_CORE_SRCS) platform/unix/main.c \
	platform/unix/block_unix.c platform/unix/net_unix.c platform/unix/random_unix.c
