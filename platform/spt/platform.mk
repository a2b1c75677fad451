# The spt platform: Solo5 spt guest in fata-spt's seccomp sandbox.
PLATFORM_spt_SRCS := platform/spt/platform_spt.c platform/solo5/boot.c platform/solo5/cmdline.c platform/solo5/manifest.c
GUEST_CFLAGS_spt := -Iplatform/solo5 -Iplatform/spt
PLATFORM_spt_SRCS += platform/spt/net_spt.c
