# The unix platform: a Linux process on the host libc.
PLATFORM_unix_SRCS := platform/unix/platform_unix.c platform/unix/main.c \
	platform/unix/console_unix.c platform/unix/time_unix.c platform/unix/block_unix.c
PLATFORM_unix_SRCS += platform/unix/net_unix.c
