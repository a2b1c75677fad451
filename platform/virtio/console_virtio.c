/* The console on virtio: the first serial port (COM1, I/O port 0x3f8), polled, for output and
 * errors alike. */
#include "platform.h"
#include "platform_virtio.h"

#define COM1 0x3f8

void virtio_console_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts */
	outb(COM1 + 3, 0x80);	/* divisor latch */
	outb(COM1 + 0, 0x01);	/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1 */
	outb(COM1 + 2, 0xc7);	/* FIFO on, cleared */
	outb(COM1 + 4, 0x03);	/* DTR, RTS */
}

void plat_console_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		/* Wait (boundedly: a missing port reads 0xff) for the transmitter to take a byte. */
		for (int spin = 0; spin < 100000 && !(inb(COM1 + 5) & 0x20); spin++)
			__asm__ __volatile__("pause");
		outb(COM1, (uint8_t)buf[i]);
	}
}

void plat_console_err(const char *buf, size_t len)
{
	plat_console_write(buf, len);
}
