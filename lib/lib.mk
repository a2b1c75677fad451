# The library OS, shared by every target.
LIB_SRCS += lib/sched.c lib/arch/x86_64/switch.S lib/log.c lib/keys.c lib/time.c lib/console.c \
	lib/runtime.c lib/block.c lib/random.c
