/*
 * Clocks and waiting on virtio: the TSC, calibrated against the PIT's channel 0 at boot, for
 * monotonic time; the CMOS real-time clock (UTC, as QEMU keeps it by default) read once at boot
 * for wall time; and plat_wait(), which polls the network queues and halts between the PIT's
 * 1 kHz ticks.
 */
#include "platform.h"
#include "platform_virtio.h"

#define PIT_HZ 1193182u
#define CALIBRATE_DIV 50u	/* calibrate over 1/50 s */
#define TICK_HZ 1000u

static uint64_t tsc_freq;	/* Hz */
static uint64_t tsc_boot;
static uint64_t wall_boot;	/* ns since the epoch at tsc_boot */

/* PIT channel 0's current count, latched. */
static uint16_t pit_count(void)
{
	uint8_t lo, hi;

	outb(0x43, 0x00);
	lo = inb(0x40);
	hi = inb(0x40);
	return (uint16_t)(hi << 8 | lo);
}

/*
 * TSC ticks per second, from PIT channel 0 counting down 1/50 s. Channel 0 rather than the
 * speaker's channel 2: its gate and output sit behind port 0x61, which microvm does not have.
 */
static uint64_t calibrate(void)
{
	uint16_t want = PIT_HZ / CALIBRATE_DIV, start, now;
	uint64_t t0, t1;
	unsigned long spins = 0;

	/* Mode 0 from 0xffff: counts down once through the 1/50 s we need (< 65536 ticks). */
	outb(0x43, 0x30);
	outb(0x40, 0xff);
	outb(0x40, 0xff);
	start = pit_count();
	t0 = virtio_rdtsc();
	do
		now = pit_count();
	while ((uint16_t)(start - now) < want && ++spins < 10000000ul);
	t1 = virtio_rdtsc();
	if (t1 <= t0 || spins >= 10000000ul || now == start)
		return 1000000000;	/* no PIT: take 1 GHz */
	return (t1 - t0) * PIT_HZ / (uint16_t)(start - now);
}

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned bcd(uint8_t v, int binary)
{
	return binary ? v : (v >> 4) * 10u + (v & 15u);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static uint64_t rtc_read(void)
{
	uint8_t r[7], again[7], b;
	int binary, tries = 0;
	unsigned hour, year;
	int64_t days;

	do {
		for (int spin = 0; spin < 1000000 && (cmos(0x0a) & 0x80); spin++)
			;
		r[0] = cmos(0x00); r[1] = cmos(0x02); r[2] = cmos(0x04); r[3] = cmos(0x07);
		r[4] = cmos(0x08); r[5] = cmos(0x09); r[6] = cmos(0x32);
		for (int spin = 0; spin < 1000000 && (cmos(0x0a) & 0x80); spin++)
			;
		again[0] = cmos(0x00); again[1] = cmos(0x02); again[2] = cmos(0x04);
		again[3] = cmos(0x07); again[4] = cmos(0x08); again[5] = cmos(0x09);
		again[6] = cmos(0x32);
	} while (__builtin_memcmp(r, again, sizeof(r)) != 0 && ++tries < 5);
	b = cmos(0x0b);
	binary = b & 0x04;
	hour = bcd(r[2] & 0x7f, binary);
	if (!(b & 0x02) && (r[2] & 0x80))
		hour = (hour % 12) + 12;	/* 12-hour clock, PM */
	year = bcd(r[5], binary) + 100 * (r[6] ? bcd(r[6], binary) : 20);
	if (year < 1970 || bcd(r[4], binary) < 1 || bcd(r[4], binary) > 12)
		return 0;
	days = days_from_civil(year, bcd(r[4], binary), bcd(r[3], binary));
	return ((uint64_t)days * 86400 + hour * 3600 + bcd(r[1], binary) * 60 +
		bcd(r[0], binary)) * PLAT_NS_PER_SEC;
}

/*
 * The local APIC in virtual-wire mode: LINT0 takes the PIC's interrupts (ExtINT). SeaBIOS leaves
 * it so on pc and q35; qboot, microvm's firmware, leaves LINT0 masked and the APIC disabled, so
 * the tick would never arrive. Spurious interrupts go to vector 47 (its low nibble must be 0xf),
 * which only acknowledges the PICs.
 */
static void lapic_virtual_wire(void)
{
	uint32_t lo, hi;
	volatile uint32_t *apic;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1bu));	/* IA32_APIC_BASE */
	if (!(lo & (1u << 11)) || (lo & (1u << 10)) || hi)
		return;	/* disabled (the PIC then reaches the CPU directly), x2APIC, or above 4 GiB */
	apic = (volatile uint32_t *)(uintptr_t)(lo & 0xfffff000u);
	apic[0xf0 / 4] = 0x100 | 47;	/* spurious vector register: software-enabled */
	apic[0x350 / 4] = 0x700;	/* LVT LINT0: ExtINT, unmasked */
}

uint64_t virtio_time_init(void)
{
	uint16_t div = PIT_HZ / TICK_HZ;

	tsc_freq = calibrate();
	tsc_boot = virtio_rdtsc();
	wall_boot = rtc_read();
	/* The legacy PIC: IRQs 0-15 at vectors 32-47, only IRQ 0 (the PIT) unmasked. */
	outb(0x20, 0x11); outb(0xa0, 0x11);
	outb(0x21, 32); outb(0xa1, 40);
	outb(0x21, 4); outb(0xa1, 2);
	outb(0x21, 1); outb(0xa1, 1);
	outb(0x21, 0xfe); outb(0xa1, 0xff);
	lapic_virtual_wire();
	/* PIT channel 0, rate generator: the tick that ends each hlt in plat_wait(). */
	outb(0x43, 0x34);
	outb(0x40, (uint8_t)div);
	outb(0x40, (uint8_t)(div >> 8));
	return tsc_boot;
}

uint64_t virtio_wall_boot(void)
{
	return wall_boot;
}

/* TSC ticks since boot to ns without 128-bit division, as on hvt. */
uint64_t plat_monotonic_ns(void)
{
	uint64_t t = virtio_rdtsc() - tsc_boot;

	return t / tsc_freq * PLAT_NS_PER_SEC + t % tsc_freq * PLAT_NS_PER_SEC / tsc_freq;
}

uint64_t plat_wall_ns(void)
{
	return wall_boot + plat_monotonic_ns();
}

int plat_utc_offset_min(uint64_t wall_ns)
{
	(void)wall_ns;
	return PLAT_UTC_UNKNOWN;
}

int plat_wait(uint64_t deadline, struct plat_io_wait *waits, size_t n, char *why, size_t whylen)
{
	(void)why;
	(void)whylen;
	for (;;) {
		int ready = 0;

		for (size_t i = 0; i < n; i++) {
			if ((waits[i].events & PLAT_IO_READ) && virtio_net_ready(waits[i].source)) {
				waits[i].revents = PLAT_IO_READ;
				ready = 1;
			}
		}
		if (ready || (deadline != PLAT_NEVER && plat_monotonic_ns() >= deadline))
			return 0;
		/* sti's one-instruction shadow makes sti; hlt atomic: no tick is lost. */
		__asm__ __volatile__("sti; hlt; cli" : : : "memory");
	}
}
