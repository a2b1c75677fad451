# The unix platform: a Linux process on the host libc.
# PLATFORM_unix_CORE_SRCS is what every host test of the library OS links (stacks, console,
# clocks); the tests bring their own main.
PLATFORM_unix_CORE_SRCS := platform/unix/platform_unix.c platform/unix/console_unix.c \
	platform/unix/time_unix.c
PLATFORM_unix_SRCS := $(PLATFORM_unix_CORE_SRCS) platform/unix/main.c \
	platform/unix/block_unix.c platform/unix/net_unix.c platform/unix/random_unix.c \
	platform/unix/kv_direct.c

# The socket stack: the stack interface over the host's sockets, linked before libfata.a by
# unikernels configured with --net=socket.
build/unix/libfata_socket.a: build/unix/platform/unix/stack_socket.o
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^
ALL += build/unix/libfata_socket.a
