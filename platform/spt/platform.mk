# The spt platform: Solo5 spt guest in fata-spt's seccomp sandbox.
PLATFORM_spt_SRCS := platform/spt/platform_spt.c platform/spt/console_spt.c \
	platform/spt/time_spt.c platform/spt/block_spt.c \
	platform/solo5/boot.c platform/solo5/cmdline.c platform/solo5/manifest.c \
	platform/solo5/block_solo5.c platform/solo5/net_solo5.c platform/solo5/random_solo5.c
# Only the platform's own files see its private headers and the libc's (libc/internal/).
build/spt/platform/%.o: GUEST_CFLAGS_spt := -Iplatform/solo5 -Iplatform/spt -Ilibc/internal
PLATFORM_spt_SRCS += platform/spt/net_spt.c
