/* The virtio 1.0 ("modern") transports, PCI (virtio_pci.c) and MMIO (virtio_mmio.c), and split
 * virtqueues, shared by block_virtio.c and net_virtio.c. Physical addresses are virtual ones: the
 * guest maps memory 1:1. */
#ifndef FATA_PLATFORM_VIRTIO_VIRTIO_H
#define FATA_PLATFORM_VIRTIO_VIRTIO_H

#include <stddef.h>
#include <stdint.h>

#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

/* One split virtqueue, its rings allocated by virtio_queue_setup(). */
struct virtq {
	uint16_t index;		/* queue number on its device */
	uint16_t size;		/* entries, a power of two */
	struct virtq_desc *desc;
	volatile uint16_t *avail;	/* flags, idx, ring[size] */
	volatile uint8_t *used;		/* flags, idx, ring[size] of virtq_used_elem */
	uint16_t avail_idx;	/* next free slot in the available ring (free-running) */
	uint16_t used_seen;	/* used entries consumed so far (free-running) */
	volatile uint16_t *notify;	/* PCI: where to write the queue number */
	volatile uint32_t *notify32;	/* MMIO: the same, a 32-bit register */
};

/* A virtio device found on the PCI bus (its capability windows mapped) or at an MMIO address. */
struct virtio_dev {
	uint8_t bus, slot;		/* PCI */
	volatile uint8_t *mmio;		/* MMIO: the register block; NULL on PCI */
	uint16_t type;			/* virtio device type: 1 net, 2 block */
	volatile uint8_t *common;	/* PCI: struct virtio_pci_common_cfg */
	volatile uint8_t *notify_base;
	uint32_t notify_mult;
	volatile uint8_t *device;	/* the device-specific configuration */
	int claimed;
};

#define VIRTIO_TYPE_NET 1
#define VIRTIO_TYPE_BLOCK 2

/*
 * The `nth` (0-based) virtio device of `type`, or NULL. The first call scans PCI bus 0 (devices in
 * slot order); when it holds no virtio device, the virtio-mmio transports (virtio_mmio_scan())
 * in address order.
 */
struct virtio_dev *virtio_find(uint16_t type, unsigned nth);

/* Where `d` sits, for messages: "PCI 00:08.0" or "virtio-mmio 0xfeb00000". */
const char *virtio_where(const struct virtio_dev *d, char *buf, size_t len);

/* Makes queue `q` look at new available entries (its notify register). */
void virtio_queue_notify(struct virtq *q);

/*
 * Allocates zeroed, page-aligned rings for `q` (queue `index`, `size` entries, a power of two).
 * 0, or -ENOMEM with a reason in `why`.
 */
int virtio_queue_alloc(struct virtq *q, uint16_t index, uint16_t size, char *why, size_t whylen);

/*
 * Takes the `virtio_mmio.device=SIZE@BASE:IRQ` entries (Linux's syntax, which QEMU's microvm and
 * Firecracker append) out of the NUL-terminated command line `cmdline`, in place, and remembers
 * their bases for virtio_mmio_scan(). Called at boot, before the command line is parsed.
 */
void virtio_mmio_cmdline(char *cmdline);

/*
 * Fills `devs` with the modern (version 2) virtio-mmio devices, in address order: those the
 * command line named, or else, when `have_pci` is 0 (no PCI host bridge answers), microvm's
 * fixed transports at 0xfeb00000 + n * 0x200. Returns how many it found (at most `max`).
 */
unsigned virtio_mmio_scan(struct virtio_dev *devs, unsigned max, int have_pci);

/* Whether virtio_mmio_scan() passed over devices in the legacy (version 1) layout. */
int virtio_mmio_legacy_seen(void);
#define VIRTIO_MMIO_LEGACY_HINT "the machine's virtio-mmio devices use the legacy layout; " \
	"start QEMU with -global virtio-mmio.force-legacy=false"

/* The MMIO transport's halves of virtio_negotiate(), virtio_queue_setup() and virtio_driver_ok(). */
int virtio_mmio_negotiate(struct virtio_dev *d, uint64_t wanted, uint64_t *got, char *why,
			  size_t whylen);
int virtio_mmio_queue_setup(struct virtio_dev *d, struct virtq *q, uint16_t index, uint16_t max,
			    char *why, size_t whylen);
void virtio_mmio_driver_ok(struct virtio_dev *d);

/*
 * Resets `d`, offers VIRTIO_F_VERSION_1 plus those of `wanted` the device has, and stores the
 * result in `*got`. Returns 0, or a negative errno with a reason in `why`.
 */
int virtio_negotiate(struct virtio_dev *d, uint64_t wanted, uint64_t *got, char *why,
		     size_t whylen);

/* Allocates and enables queue `index` with at most `max` entries. 0 or a negative errno. */
int virtio_queue_setup(struct virtio_dev *d, struct virtq *q, uint16_t index, uint16_t max,
		       char *why, size_t whylen);

/* Sets DRIVER_OK: the device may now use its queues. */
void virtio_driver_ok(struct virtio_dev *d);

/* Makes descriptor chain `head` available and tells the device. */
void virtio_queue_submit(struct virtq *q, uint16_t head);

/* Takes the next used element: 1 and fills `*e`, or 0 when the device has returned none. */
int virtio_queue_used(struct virtq *q, struct virtq_used_elem *e);

/*
 * Where config.ini's device `name` of manifest type `type` sits: its manifest index (the
 * handle), and in `*nth` how many entries of that type come before it. A negative errno with
 * a reason when the manifest has no such device.
 */
int virtio_manifest_find(const char *name, uint32_t type, unsigned *nth, char *why,
			 size_t whylen);

#endif
