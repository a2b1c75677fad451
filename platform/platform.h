/*
 * The platform layer: the only thing the library OS knows about the machine it runs on. One
 * implementation per target (platform/unix, platform/hvt, platform/spt); the rest of lib/ calls
 * nothing else that is target-specific. The platform sits below the library OS: it includes
 * this header and no header of lib/ or include/fata/, and it reports failures as negative errno
 * values with a reason, leaving it to the library OS whether to stop the unikernel.
 */
#ifndef FATA_PLATFORM_H
#define FATA_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Units and flags of this interface. The library OS's public headers define the same values under
 * their own names (FATA_NS_PER_SEC, FATA_UTC_UNKNOWN, FATA_NEVER, FATA_IO_READ, FATA_IO_WRITE) and
 * check with _Static_assert that they are equal, so they pass through unchanged.
 */
#define PLAT_NS_PER_SEC 1000000000ULL	/* every time here is in nanoseconds */
#define PLAT_UTC_UNKNOWN (-100000)	/* plat_utc_offset_min(): the offset is not known */
#define PLAT_NEVER UINT64_MAX		/* plat_wait(): no deadline */
#define PLAT_IO_READ 0x1		/* struct plat_io_wait: readable */
#define PLAT_IO_WRITE 0x4		/* struct plat_io_wait: writable */

/*
 * Implemented by the library OS, called once by the platform's entry point when the machine is
 * ready (heap, stack guard, arguments): the unikernel's main. `argv[0]` is the program name, or
 * NULL where the platform has none (hvt, spt); argv[argc] is NULL. Returns the exit status, which
 * the platform passes to plat_exit().
 */
int fata_runtime_main(int argc, char **argv);

/* Writes `len` bytes to the console. Never fails visibly. */
void plat_console_write(const char *buf, size_t len);

/* Writes `len` bytes to the error stream (stderr on unix; the console elsewhere). */
void plat_console_err(const char *buf, size_t len);

/* Monotonic nanoseconds. */
uint64_t plat_monotonic_ns(void);

/* Wall clock: nanoseconds since the Unix epoch, UTC. */
uint64_t plat_wall_ns(void);

/* Local offset from UTC in minutes at `wall_ns`, or PLAT_UTC_UNKNOWN. */
int plat_utc_offset_min(uint64_t wall_ns);

/* One I/O source a blocked fiber waits on. */
struct plat_io_wait {
	int source;	/* fd on unix, Solo5 handle on hvt/spt */
	short events;	/* PLAT_IO_READ | PLAT_IO_WRITE */
	short revents;	/* set by plat_wait() */
};

/*
 * Sleeps until the monotonic clock reaches `deadline` (PLAT_NEVER: no timer) or until at least
 * one of `waits[0..n)` is ready, and sets each wait's `revents`. May return early (spuriously).
 * Returns 0, or a negative errno with a reason in `why` when it could not wait at all.
 */
int plat_wait(uint64_t deadline, struct plat_io_wait *waits, size_t n, char *why, size_t whylen);

/* A block device as the platform sees it. */
struct plat_block_info {
	uint64_t capacity;	/* bytes */
	uint32_t sector_size;	/* bytes; the unit of every transfer */
	int read_only;
};

/*
 * Opens block device `name` (hvt/spt: the manifest entry; unix: the file `path`). Returns a
 * handle >= 0 and fills `info`, or a negative errno. Writes a reason to `why` on failure.
 */
int plat_block_open(const char *name, const char *path, struct plat_block_info *info,
		    char *why, size_t whylen);

/* Moves `len` bytes (whole sectors, already checked against the device) at byte `offset`.
 * Return 0 or a negative errno. */
int plat_block_read(int handle, uint64_t offset, void *buf, size_t len);
int plat_block_write(int handle, uint64_t offset, const void *buf, size_t len);
int plat_block_flush(int handle);
void plat_block_close(int handle);

/* One frame of plat_net_info's readv and writev. */
struct plat_net_frame {
	void *data;
	size_t len;	/* readv: the buffer's size, then the frame's; writev: the frame's */
};

/* A network interface as the platform sees it. */
struct plat_net_info {
	uint8_t mac[6];
	uint16_t mtu;		/* bytes of IP payload; frames are at most mtu + 14 */
	/* Every frame read and written starts with a virtio-net header (struct fata_vnet_hdr in
	 * fata/netif.h) and may be up to FATA_VNET_FRAME_MAX bytes after it: the host finishes
	 * checksums, cuts TCP segments and coalesces them (the NET_OFFLOAD extension, or unix's
	 * tap opened with IFF_VNET_HDR). */
	bool vnet;
	/*
	 * Set by a platform that moves several frames per exit (hvt with the NET_BATCH extension),
	 * else 0 and NULL. readv reads up to `n` (<= batch) frames without blocking into f[0..n),
	 * in order, setting each one's len (a frame longer than its buffer is truncated): how many,
	 * -EAGAIN when none was waiting, or another negative errno. writev sends f[0..n) in order:
	 * 0, or a negative errno when any frame failed (it is then dropped).
	 */
	unsigned batch;
	long (*readv)(int handle, struct plat_net_frame *f, size_t n);
	int (*writev)(int handle, const struct plat_net_frame *f, size_t n);
};

/*
 * Opens network interface `name` (hvt/spt: the manifest entry; unix: the tap device `ifname`).
 * Returns a handle >= 0 and fills `info`, or a negative errno with a reason in `why`. The handle
 * is also the I/O source (struct plat_io_wait) that becomes readable when a frame waits.
 */
int plat_net_open(const char *name, const char *ifname, struct plat_net_info *info, char *why,
		  size_t whylen);

/* Reads one frame without blocking: its length, -EAGAIN when none is waiting, or another
 * negative errno. A frame longer than `len` is truncated to `len`. */
long plat_net_read(int handle, void *buf, size_t len);

/* Sends one frame without blocking; 0, or a negative errno (the frame may be dropped). */
int plat_net_write(int handle, const void *buf, size_t len);

/*
 * Entropy for the library OS's random generator (lib/random.c). The platform only says what it
 * has; the library OS decides whether the unikernel may run without it.
 */
#define PLAT_RANDOM_HOST_MAX 64		/* plat_random_host(): at most this many bytes per call */
#define PLAT_RANDOM_RDSEED 1		/* plat_random_cpu(): the value came from RDSEED */
#define PLAT_RANDOM_RDRAND 2		/* ... from RDRAND */

/*
 * Secret bytes from the host: fills `buf` with up to `len` bytes (at most PLAT_RANDOM_HOST_MAX)
 * and returns how many. unix: getrandom(2), every time. hvt/spt: the seed the tender handed over
 * in the boot info (HVT_FEATURE_ENTROPY, SPT_FEATURE_ENTROPY), once: the platform wipes its copy
 * and later calls return 0, as do all calls under a tender without the extension. Returns a
 * negative errno with a reason in `why` when the host failed.
 */
long plat_random_host(void *buf, size_t len, char *why, size_t whylen);

/*
 * One 64-bit value from the CPU's random number generator: RDSEED when CPUID offers it, else
 * RDRAND, each retried a few times as Intel advises. Returns PLAT_RANDOM_RDSEED or
 * PLAT_RANDOM_RDRAND, -ENODEV when CPUID offers neither (unix always says so: getrandom already
 * mixes the CPU's generator in), or -EIO when the instructions kept failing.
 */
int plat_random_cpu(uint64_t *out);

/* Ends the unikernel with `status` (0-254; 255 is an abort). */
_Noreturn void plat_exit(int status);

/*
 * Memory for a fiber stack: `len` bytes (a multiple of 4096) aligned to 16, with a guard page
 * below them where the target can make one. Stores the stack in `*stack` and returns 0; returns
 * -ENOMEM when memory runs out, or another negative errno with a reason in `why` when the guard
 * page could not be set up (nothing is then allocated).
 */
int plat_stack_alloc(size_t len, void **stack, char *why, size_t whylen);

/*
 * Gives back a stack from plat_stack_alloc() of the same `len` (NULL: nothing to do). Returns 0,
 * or a negative errno with a reason in `why` when its guard page could not be lifted.
 */
int plat_stack_free(void *p, size_t len, char *why, size_t whylen);

#endif
