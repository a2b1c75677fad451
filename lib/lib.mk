# The library OS, shared by every target: its core (scheduler and fiber switch, logging, keys,
# clocks, console, runtime main) and the block device. lib/net/net.mk and lib/kv/kv.mk add the
# network stack and the key-value stores; host tests link LIB_CORE_SRCS with what they test.
LIB_CORE_SRCS := lib/sched.c lib/arch/x86_64/switch.S lib/log.c lib/keys.c lib/time.c \
	lib/console.c lib/runtime.c
LIB_BLOCK_SRCS := lib/block.c
LIB_SRCS += $(LIB_CORE_SRCS) $(LIB_BLOCK_SRCS)
