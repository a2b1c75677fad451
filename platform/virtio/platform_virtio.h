/* What the files of the virtio platform share: port I/O, boot-time set-up of each part, exit. */
#ifndef FATA_PLATFORM_VIRTIO_H
#define FATA_PLATFORM_VIRTIO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t virtio_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Sets up COM1 (console_virtio.c); the first thing the guest does, so faults can be reported. */
void virtio_console_init(void);

/* Loads the guest's own GDT, TSS and IDT (traps_virtio.c over platform/x86_64/traps.c): exceptions 0-20 are reported, the
 * legacy PIC's interrupts (the PIT's tick) only acknowledged. */
void virtio_traps_init(void);

/* Calibrates the TSC against the PIT, reads the CMOS clock and starts the PIT's 1 kHz tick that
 * wakes plat_wait() from hlt (time_virtio.c). Returns the TSC read at boot. */
uint64_t virtio_time_init(void);

/* The wall clock at boot, ns since the epoch (time_virtio.c). */
uint64_t virtio_wall_boot(void);

/* Ends the guest with `status` (platform_virtio.c): QEMU's isa-debug-exit device, then ACPI
 * power-off, then a halt loop. */
_Noreturn void virtio_exit(int status);

/* Whether a frame waits on network handle `h` (net_virtio.c); 0 for any other handle. */
int virtio_net_ready(int h);

#endif
