/*
 * virtio 1.0 over MMIO (the "virtio-mmio" transport, register layout version 2), as on QEMU's
 * microvm machine and Firecracker: finding the devices (from the command line's
 * virtio_mmio.device= entries, or microvm's fixed transports), feature negotiation and queue
 * set-up. The split virtqueues themselves are shared with PCI (virtio_pci.c). Polled, as on PCI.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "platform_virtio.h"
#include "virtio.h"

/* Registers (virtio 1.x, section 4.2.2). All are 32 bits wide and must be accessed so. */
#define R_MAGIC 0x000		/* "virt" */
#define R_VERSION 0x004		/* 2; 1 is the legacy layout, not supported */
#define R_DEVICE_ID 0x008	/* 0: an empty transport */
#define R_DEV_FEATURES 0x010
#define R_DEV_FEATURES_SEL 0x014
#define R_DRV_FEATURES 0x020
#define R_DRV_FEATURES_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_STATUS 0x070
#define R_QUEUE_DESC 0x080	/* low, high */
#define R_QUEUE_DRIVER 0x090
#define R_QUEUE_DEVICE 0x0a0
#define R_CONFIG 0x100
#define MMIO_MAGIC 0x74726976u

#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8

/* microvm's transports (QEMU's include/hw/i386/microvm.h): 24 of them, 512 bytes apart. */
#define MICROVM_BASE 0xfeb00000ull
#define MICROVM_STRIDE 0x200u
#define MICROVM_COUNT 24u

#define MAX_CMDLINE_DEVS 32
static uint64_t cmdline_bases[MAX_CMDLINE_DEVS];
static unsigned ncmdline;
static int legacy_seen;

static inline uint32_t rd(const struct virtio_dev *d, unsigned off)
{
	return *(volatile uint32_t *)(d->mmio + off);
}

static inline void wr(const struct virtio_dev *d, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(d->mmio + off) = v;
}

/* Parses an unsigned number (decimal, or hex after 0x) at `*s`; 0 when there is none. */
static int number(const char **s, uint64_t *v)
{
	const char *p = *s;
	unsigned base = 10;
	uint64_t n = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (const char *start = p;; p++) {
		unsigned dig;

		if (*p >= '0' && *p <= '9')
			dig = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			dig = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			dig = (unsigned)(*p - 'A' + 10);
		else {
			if (p == start)
				return 0;
			break;
		}
		if (n > (UINT64_MAX - dig) / base)
			return 0;
		n = n * base + dig;
	}
	*v = n;
	*s = p;
	return 1;
}

/* The base address of one `SIZE[KMG]@BASE[:IRQ[:ID]]` entry, or 0 when it does not parse. */
static uint64_t entry_base(const char *s)
{
	uint64_t size, base;

	if (!number(&s, &size))
		return 0;
	if (*s == 'K' || *s == 'k' || *s == 'M' || *s == 'G')
		s++;
	if (*s++ != '@' || !number(&s, &base))
		return 0;
	if (*s != ':' && *s != ' ' && *s != '\0')
		return 0;
	return base;
}

void virtio_mmio_cmdline(char *cmdline)
{
	static const char key[] = "virtio_mmio.device=";
	char *out = cmdline, *p = cmdline;

	while (*p) {
		/* Only whole words at a word start, outside quotes of the unikernel's own arguments. */
		char *word = p, *end;
		int quoted = 0;

		for (end = p; *end && (quoted || *end != ' '); end++) {
			if (*end == '\\' && end[1])
				end++;
			else if (*end == '"')
				quoted = !quoted;
		}
		if (strncmp(word, key, sizeof(key) - 1) == 0) {
			uint64_t base = entry_base(word + sizeof(key) - 1);

			if (base && base < (4ull << 30) && ncmdline < MAX_CMDLINE_DEVS)
				cmdline_bases[ncmdline++] = base;
			p = end;
			while (*p == ' ')
				p++;
			continue;
		}
		while (p < end)
			*out++ = *p++;
		while (*p == ' ')
			*out++ = *p++;
	}
	while (out > cmdline && out[-1] == ' ')
		out--;
	*out = '\0';
}

/* Adds the device at `base` to `devs` when a modern virtio device sits there. */
static void probe(struct virtio_dev *devs, unsigned *n, unsigned max, uint64_t base)
{
	struct virtio_dev *d = &devs[*n];

	if (*n == max)
		return;
	memset(d, 0, sizeof(*d));
	d->mmio = (volatile uint8_t *)(uintptr_t)base;
	if (rd(d, R_MAGIC) != MMIO_MAGIC || rd(d, R_DEVICE_ID) == 0)
		return;	/* nothing, or an empty transport */
	if (rd(d, R_VERSION) != 2) {
		legacy_seen |= rd(d, R_VERSION) == 1;
		return;
	}
	d->type = (uint16_t)rd(d, R_DEVICE_ID);
	d->device = d->mmio + R_CONFIG;
	(*n)++;
}

unsigned virtio_mmio_scan(struct virtio_dev *devs, unsigned max, int have_pci)
{
	uint64_t sorted[MAX_CMDLINE_DEVS];
	unsigned n = 0;

	if (ncmdline) {
		/* Address order, whatever order the entries came in. */
		memcpy(sorted, cmdline_bases, sizeof(sorted[0]) * ncmdline);
		for (unsigned i = 1; i < ncmdline; i++)
			for (unsigned j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
				uint64_t t = sorted[j];

				sorted[j] = sorted[j - 1];
				sorted[j - 1] = t;
			}
		for (unsigned i = 0; i < ncmdline; i++)
			if (i == 0 || sorted[i] != sorted[i - 1])
				probe(devs, &n, max, sorted[i]);
	} else if (!have_pci) {
		for (unsigned i = 0; i < MICROVM_COUNT; i++)
			probe(devs, &n, max, MICROVM_BASE + (uint64_t)i * MICROVM_STRIDE);
	}
	return n;
}

int virtio_mmio_legacy_seen(void)
{
	return legacy_seen;
}

int virtio_mmio_negotiate(struct virtio_dev *d, uint64_t wanted, uint64_t *got, char *why,
			  size_t whylen)
{
	uint64_t has;
	char where[40];

	wr(d, R_STATUS, 0);
	for (int i = 0; i < 1000000 && rd(d, R_STATUS) != 0; i++)
		;
	wr(d, R_STATUS, S_ACK);
	wr(d, R_STATUS, S_ACK | S_DRIVER);
	wr(d, R_DEV_FEATURES_SEL, 0);
	has = rd(d, R_DEV_FEATURES);
	wr(d, R_DEV_FEATURES_SEL, 1);
	has |= (uint64_t)rd(d, R_DEV_FEATURES) << 32;
	if (!(has & VIRTIO_F_VERSION_1)) {
		snprintf(why, whylen, "the virtio device at %s lacks VIRTIO_F_VERSION_1",
			 virtio_where(d, where, sizeof(where)));
		return -ENODEV;
	}
	*got = has & (wanted | VIRTIO_F_VERSION_1);
	wr(d, R_DRV_FEATURES_SEL, 0);
	wr(d, R_DRV_FEATURES, (uint32_t)*got);
	wr(d, R_DRV_FEATURES_SEL, 1);
	wr(d, R_DRV_FEATURES, (uint32_t)(*got >> 32));
	wr(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	if (!(rd(d, R_STATUS) & S_FEATURES_OK)) {
		snprintf(why, whylen, "the virtio device at %s refused our features",
			 virtio_where(d, where, sizeof(where)));
		return -ENODEV;
	}
	return 0;
}

static void wr64(const struct virtio_dev *d, unsigned off, const volatile void *p)
{
	uint64_t v = (uint64_t)(uintptr_t)p;

	wr(d, off, (uint32_t)v);
	wr(d, off + 4, (uint32_t)(v >> 32));
}

int virtio_mmio_queue_setup(struct virtio_dev *d, struct virtq *q, uint16_t index, uint16_t max,
			    char *why, size_t whylen)
{
	uint32_t size;
	char where[40];
	int r;

	wr(d, R_QUEUE_SEL, index);
	if (rd(d, R_QUEUE_READY)) {
		snprintf(why, whylen, "queue %u of the virtio device at %s is already in use", index,
			 virtio_where(d, where, sizeof(where)));
		return -EBUSY;
	}
	size = rd(d, R_QUEUE_NUM_MAX);
	if (size == 0) {
		snprintf(why, whylen, "the virtio device at %s has no queue %u",
			 virtio_where(d, where, sizeof(where)), index);
		return -ENODEV;
	}
	if (size > 32768)
		size = 32768;
	while (size & (size - 1))
		size &= size - 1;	/* a power of two, as our rings index them */
	while (size > max)
		size /= 2;
	if ((r = virtio_queue_alloc(q, index, (uint16_t)size, why, whylen)) < 0)
		return r;
	wr(d, R_QUEUE_NUM, size);
	wr64(d, R_QUEUE_DESC, q->desc);
	wr64(d, R_QUEUE_DRIVER, q->avail);
	wr64(d, R_QUEUE_DEVICE, q->used);
	q->notify32 = (volatile uint32_t *)(d->mmio + R_QUEUE_NOTIFY);
	wr(d, R_QUEUE_READY, 1);
	return 0;
}

void virtio_mmio_driver_ok(struct virtio_dev *d)
{
	wr(d, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}
