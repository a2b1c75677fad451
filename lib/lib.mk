# The library OS, shared by every target: its core (scheduler and fiber switch, logging, keys,
# clocks, console, runtime main) and the block device. lib/net/net.mk and lib/kv/kv.mk add the
# network stack and the key-value stores; host tests link LIB_CORE_SRCS with what they test.
LIB_CORE_SRCS := lib/sched.c lib/arch/x86_64/switch.S lib/log.c lib/keys.c lib/time.c \
	lib/console.c lib/runtime.c
LIB_BLOCK_SRCS := lib/block.c
# The library's own cryptographic primitives (SHA-256: kv digests and the random generator's
# mixing; ChaCha20: the generator's output) and the random generator itself.
CRYPTO_SRCS := lib/crypto/sha256.c lib/crypto/chacha20.c
LIB_RANDOM_SRCS := lib/random.c $(CRYPTO_SRCS)
LIB_SRCS += $(LIB_CORE_SRCS) $(LIB_BLOCK_SRCS) $(LIB_RANDOM_SRCS)
