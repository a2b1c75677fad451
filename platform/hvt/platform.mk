# The hvt platform: Solo5 hvt guest of fata-hvt (KVM).
PLATFORM_hvt_SRCS := platform/hvt/platform_hvt.c platform/hvt/traps_hvt.c \
	platform/hvt/console_hvt.c platform/hvt/time_hvt.c platform/hvt/block_hvt.c \
	platform/x86_64/traps.c platform/x86_64/trap_stubs_x86_64.S platform/x86_64/paging.c \
	platform/solo5/boot.c platform/solo5/cmdline.c platform/solo5/manifest.c \
	platform/solo5/block_solo5.c platform/solo5/net_solo5.c platform/solo5/random_solo5.c
# Only the platform's own files see its private headers and the libc's (libc/internal/).
build/hvt/platform/%.o: GUEST_CFLAGS_hvt := -Iplatform/solo5 -Iplatform/hvt -Iplatform/x86_64 -Ilibc/internal
PLATFORM_hvt_SRCS += platform/hvt/net_hvt.c
