# The library's own cryptographic primitives (library-internal): SHA-256 (kv digests, the random
# generator's mixing) and the ChaCha20 block function (the random generator's output).
CRYPTO_SRCS := lib/crypto/sha256.c lib/crypto/chacha20.c
LIB_SRCS += $(CRYPTO_SRCS)
