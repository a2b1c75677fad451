/*
 * virtio 1.0 over PCI: finding devices on bus 0 through the legacy configuration ports
 * (0xcf8/0xcfc, present on QEMU's pc and q35 machines), mapping their capability windows,
 * feature negotiation and split virtqueues; devices on virtio-mmio (virtio_mmio.c) are found
 * from here when PCI has none. No interrupts: the drivers poll the used rings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mft_abi.h"
#include "platform.h"
#include "platform_virtio.h"
#include "solo5.h"
#include "virtio.h"

#define PCI_VENDOR_VIRTIO 0x1af4
#define PCI_CAP_VENDOR 0x09
#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_DEVICE 4

/* struct virtio_pci_common_cfg offsets */
#define C_DFSELECT 0
#define C_DF 4
#define C_GFSELECT 8
#define C_GF 12
#define C_STATUS 20
#define C_Q_SELECT 22
#define C_Q_SIZE 24
#define C_Q_MSIX 26
#define C_Q_ENABLE 28
#define C_Q_NOFF 30
#define C_Q_DESC 32
#define C_Q_DRIVER 40
#define C_Q_DEVICE 48

#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8

#define MAX_DEVS 32
static struct virtio_dev devs[MAX_DEVS];
static unsigned ndevs;
static int scanned;

static uint32_t cfg_read32(unsigned bus, unsigned slot, unsigned off)
{
	outl(0xcf8, 0x80000000u | bus << 16 | slot << 11 | (off & 0xfc));
	return inl(0xcfc);
}

static void cfg_write32(unsigned bus, unsigned slot, unsigned off, uint32_t v)
{
	outl(0xcf8, 0x80000000u | bus << 16 | slot << 11 | (off & 0xfc));
	outl(0xcfc, v);
}

static uint8_t cfg_read8(unsigned bus, unsigned slot, unsigned off)
{
	return (uint8_t)(cfg_read32(bus, slot, off) >> (8 * (off & 3)));
}

/* The address BAR `bar` decodes (memory BARs, 32 or 64 bits), or 0. */
static uint64_t bar_address(unsigned bus, unsigned slot, unsigned bar)
{
	uint32_t lo, hi = 0;

	if (bar > 5)
		return 0;
	lo = cfg_read32(bus, slot, 0x10 + 4 * bar);
	if (lo & 1)
		return 0;	/* I/O space: modern virtio windows are memory */
	if ((lo & 0x6) == 0x4 && bar < 5)
		hi = cfg_read32(bus, slot, 0x14 + 4 * bar);
	return ((uint64_t)hi << 32 | (lo & ~0xfu));
}

static void probe(unsigned bus, unsigned slot)
{
	uint32_t id = cfg_read32(bus, slot, 0);
	uint16_t vendor = (uint16_t)id, device = (uint16_t)(id >> 16), type;
	struct virtio_dev *d;
	unsigned ptr, guard = 0;

	if (vendor != PCI_VENDOR_VIRTIO || ndevs == MAX_DEVS)
		return;
	if (device >= 0x1040 && device < 0x107f)
		type = (uint16_t)(device - 0x1040);
	else if (device >= 0x1000 && device < 0x1040)	/* transitional: the subsystem id */
		type = (uint16_t)(cfg_read32(bus, slot, 0x2c) >> 16);
	else
		return;
	if (!(cfg_read32(bus, slot, 0x04) >> 16 & 0x10))
		return;	/* no capability list: a legacy-only device */
	d = &devs[ndevs];
	memset(d, 0, sizeof(*d));
	d->bus = (uint8_t)bus;
	d->slot = (uint8_t)slot;
	d->type = type;
	for (ptr = cfg_read8(bus, slot, 0x34) & 0xfc; ptr && guard < 48; guard++) {
		uint8_t cap = cfg_read8(bus, slot, ptr), next = cfg_read8(bus, slot, ptr + 1);

		if (cap == PCI_CAP_VENDOR) {
			uint8_t kind = cfg_read8(bus, slot, ptr + 3), bar = cfg_read8(bus, slot, ptr + 4);
			uint64_t base = bar_address(bus, slot, bar);
			uint32_t off = cfg_read32(bus, slot, ptr + 8);
			volatile uint8_t *win = (volatile uint8_t *)(uintptr_t)(base + off);

			/* Windows above 4 GiB are not mapped: leave the device unusable. */
			if (base && base + off < (4ull << 30)) {
				if (kind == CAP_COMMON && !d->common)
					d->common = win;
				else if (kind == CAP_NOTIFY && !d->notify_base) {
					d->notify_base = win;
					d->notify_mult = cfg_read32(bus, slot, ptr + 16);
				} else if (kind == CAP_DEVICE && !d->device)
					d->device = win;
			}
		}
		ptr = next & 0xfc;
	}
	if (!d->common || !d->notify_base)
		return;
	/* Memory decoding and bus mastering (the firmware may have left the latter off). */
	cfg_write32(bus, slot, 0x04, (cfg_read32(bus, slot, 0x04) & 0xffff) | 0x6);
	ndevs++;
}

struct virtio_dev *virtio_find(uint16_t type, unsigned nth)
{
	if (!scanned) {
		/* Vendor 0xffff at 00:00.0: no host bridge answers, the machine has no PCI. */
		int have_pci = (uint16_t)cfg_read32(0, 0, 0) != 0xffff;

		scanned = 1;
		for (unsigned slot = 0; have_pci && slot < 32; slot++)
			probe(0, slot);
		if (ndevs == 0)
			ndevs = virtio_mmio_scan(devs, MAX_DEVS, have_pci);
	}
	for (unsigned i = 0; i < ndevs; i++) {
		if (devs[i].type == type && nth-- == 0)
			return &devs[i];
	}
	return NULL;
}

const char *virtio_where(const struct virtio_dev *d, char *buf, size_t len)
{
	if (d->mmio)
		snprintf(buf, len, "virtio-mmio 0x%llx", (unsigned long long)(uintptr_t)d->mmio);
	else
		snprintf(buf, len, "PCI 00:%02x.0", d->slot);
	return buf;
}

static inline void w8(volatile uint8_t *b, unsigned off, uint8_t v) { *(volatile uint8_t *)(b + off) = v; }
static inline void w16(volatile uint8_t *b, unsigned off, uint16_t v) { *(volatile uint16_t *)(b + off) = v; }
static inline void w32(volatile uint8_t *b, unsigned off, uint32_t v) { *(volatile uint32_t *)(b + off) = v; }
static inline uint8_t r8(volatile uint8_t *b, unsigned off) { return *(volatile uint8_t *)(b + off); }
static inline uint16_t r16(volatile uint8_t *b, unsigned off) { return *(volatile uint16_t *)(b + off); }
static inline uint32_t r32(volatile uint8_t *b, unsigned off) { return *(volatile uint32_t *)(b + off); }

static void w64(volatile uint8_t *b, unsigned off, uint64_t v)
{
	w32(b, off, (uint32_t)v);
	w32(b, off + 4, (uint32_t)(v >> 32));
}

int virtio_negotiate(struct virtio_dev *d, uint64_t wanted, uint64_t *got, char *why,
		     size_t whylen)
{
	uint64_t has;

	if (d->mmio)
		return virtio_mmio_negotiate(d, wanted, got, why, whylen);
	w8(d->common, C_STATUS, 0);
	for (int i = 0; i < 1000000 && r8(d->common, C_STATUS) != 0; i++)
		;
	w8(d->common, C_STATUS, S_ACK);
	w8(d->common, C_STATUS, S_ACK | S_DRIVER);
	w32(d->common, C_DFSELECT, 0);
	has = r32(d->common, C_DF);
	w32(d->common, C_DFSELECT, 1);
	has |= (uint64_t)r32(d->common, C_DF) << 32;
	if (!(has & VIRTIO_F_VERSION_1)) {
		snprintf(why, whylen, "the virtio device at PCI 00:%02x.0 lacks VIRTIO_F_VERSION_1",
			 d->slot);
		return -ENODEV;
	}
	*got = has & (wanted | VIRTIO_F_VERSION_1);
	w32(d->common, C_GFSELECT, 0);
	w32(d->common, C_GF, (uint32_t)*got);
	w32(d->common, C_GFSELECT, 1);
	w32(d->common, C_GF, (uint32_t)(*got >> 32));
	w8(d->common, C_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	if (!(r8(d->common, C_STATUS) & S_FEATURES_OK)) {
		snprintf(why, whylen, "the virtio device at PCI 00:%02x.0 refused our features",
			 d->slot);
		return -ENODEV;
	}
	return 0;
}

int virtio_queue_setup(struct virtio_dev *d, struct virtq *q, uint16_t index, uint16_t max,
		       char *why, size_t whylen)
{
	uint16_t size;
	int r;

	if (d->mmio)
		return virtio_mmio_queue_setup(d, q, index, max, why, whylen);
	w16(d->common, C_Q_SELECT, index);
	size = r16(d->common, C_Q_SIZE);
	if (size == 0) {
		snprintf(why, whylen, "the virtio device at PCI 00:%02x.0 has no queue %u", d->slot,
			 index);
		return -ENODEV;
	}
	while (size > max)
		size /= 2;	/* sizes are powers of two */
	if ((r = virtio_queue_alloc(q, index, size, why, whylen)) < 0)
		return r;
	w16(d->common, C_Q_SIZE, size);
	w16(d->common, C_Q_MSIX, 0xffff);	/* no interrupt: we poll */
	w64(d->common, C_Q_DESC, (uint64_t)(uintptr_t)q->desc);
	w64(d->common, C_Q_DRIVER, (uint64_t)(uintptr_t)q->avail);
	w64(d->common, C_Q_DEVICE, (uint64_t)(uintptr_t)q->used);
	q->notify = (volatile uint16_t *)(d->notify_base +
					  (size_t)r16(d->common, C_Q_NOFF) * d->notify_mult);
	w16(d->common, C_Q_ENABLE, 1);
	return 0;
}

int virtio_queue_alloc(struct virtq *q, uint16_t index, uint16_t size, char *why, size_t whylen)
{
	size_t desc_len = 16u * size, avail_len = 6u + 2u * size, used_len = 6u + 8u * size;
	uint8_t *mem = aligned_alloc(4096, 3 * 4096 + desc_len + avail_len + used_len);

	if (!mem) {
		snprintf(why, whylen, "no memory for a virtqueue");
		return -ENOMEM;
	}
	memset(mem, 0, 3 * 4096 + desc_len + avail_len + used_len);
	memset(q, 0, sizeof(*q));
	q->index = index;
	q->size = size;
	q->desc = (struct virtq_desc *)mem;
	q->avail = (volatile uint16_t *)(mem + desc_len);
	q->used = mem + ((desc_len + avail_len + 4095) & ~(size_t)4095);
	return 0;
}

void virtio_driver_ok(struct virtio_dev *d)
{
	if (d->mmio) {
		virtio_mmio_driver_ok(d);
		return;
	}
	w8(d->common, C_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

void virtio_queue_submit(struct virtq *q, uint16_t head)
{
	q->avail[2 + (q->avail_idx & (q->size - 1))] = head;
	__asm__ __volatile__("" : : : "memory");	/* x86 keeps stores in order */
	q->avail[1] = ++q->avail_idx;
	__asm__ __volatile__("mfence" : : : "memory");
	virtio_queue_notify(q);
}

void virtio_queue_notify(struct virtq *q)
{
	if (q->notify32)
		*q->notify32 = q->index;
	else
		*q->notify = q->index;
}

int virtio_queue_used(struct virtq *q, struct virtq_used_elem *e)
{
	uint16_t idx = *(volatile uint16_t *)(q->used + 2);
	const volatile struct virtq_used_elem *ring;

	if (idx == q->used_seen)
		return 0;
	__asm__ __volatile__("" : : : "memory");
	ring = (const volatile struct virtq_used_elem *)(q->used + 4);
	e->id = ring[q->used_seen & (q->size - 1)].id;
	e->len = ring[q->used_seen & (q->size - 1)].len;
	q->used_seen++;
	return 1;
}

int virtio_manifest_find(const char *name, uint32_t type, unsigned *nth, char *why,
			 size_t whylen)
{
	const struct mft *m = solo5_manifest();
	unsigned before = 0;

	for (uint32_t i = 1; m && i < m->entries && i < MFT_MAX_ENTRIES; i++) {
		const struct mft_entry *e = &m->e[i];

		if (strncmp(e->name, name, MFT_NAME_SIZE) != 0) {
			before += e->type == type;
			continue;
		}
		if (e->type != type) {
			snprintf(why, whylen, "manifest entry %s is not of the expected type", name);
			return -EINVAL;
		}
		*nth = before;
		return (int)i;
	}
	snprintf(why, whylen, "no device %s in the manifest", name);
	return -ENOENT;
}
