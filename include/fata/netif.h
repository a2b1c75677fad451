/*
 * Network interfaces: a device that sends and receives whole Ethernet frames (no FCS). On unix it
 * is a tap device; on hvt and spt it is the tender's --net:NAME=TAP. The TCP/IP stack (fata/net.h)
 * sits on top of one; unikernels rarely call these functions themselves.
 *
 * An interface never blocks in read or write: a read with nothing waiting returns -EAGAIN and a
 * fiber that wants a frame blocks in fata_netif_wait(), which lets every other fiber run (and the
 * whole unikernel sleep in the platform when nobody has work). A write that the host cannot take
 * drops the frame, as a busy wire would.
 *
 * Implementations other than the platform's (a fake with in-memory queues in the unit tests, a
 * fault-injecting wrapper, ...) plug in through struct fata_netif_ops and fata_netif_create().
 * Every function returns 0 or a count on success and a negative errno on failure.
 */
#ifndef FATA_NETIF_H
#define FATA_NETIF_H

#include <stddef.h>
#include <stdint.h>

#define FATA_MAC_LEN 6
#define FATA_ETHER_HEADER 14		/* destination, source, type; frames are at most mtu + this */
#define FATA_MAC_STRLEN 18		/* "xx:xx:xx:xx:xx:xx" and its NUL */

/*
 * Offloads. An interface MAY carry a virtio-net header (virtio 1.x 5.1.6, the legacy 10-byte
 * form, host byte order) in front of every frame: on unix a tap opened with IFF_VNET_HDR, on
 * hvt/spt a tender that offers the NET_OFFLOAD extension. Then a frame may be up to
 * FATA_VNET_FRAME_MAX bytes: the stack sends TCP segments of up to 64 KiB for the host to cut
 * (gso_type TCPV4, gso_size bytes of payload each) with the TCP checksum left partial
 * (NEEDS_CSUM: the field holds the pseudo-header sum, the host adds the rest), and it receives
 * coalesced segments and frames whose checksum the host checked (DATA_VALID) or never computed
 * (NEEDS_CSUM: from the host itself, nothing to check).
 */
struct fata_vnet_hdr {
	uint8_t flags;		/* FATA_VNET_F_* */
	uint8_t gso_type;	/* FATA_VNET_GSO_* */
	uint16_t hdr_len;	/* GSO: bytes of Ethernet + IP + TCP header */
	uint16_t gso_size;	/* GSO: bytes of TCP payload per segment */
	uint16_t csum_start;	/* NEEDS_CSUM: first checksummed byte, from the frame's start */
	uint16_t csum_offset;	/* NEEDS_CSUM: where the sum goes, from csum_start */
} __attribute__((packed));
#define FATA_VNET_HDR_LEN 10
#define FATA_VNET_F_NEEDS_CSUM 1
#define FATA_VNET_F_DATA_VALID 2
#define FATA_VNET_GSO_NONE 0
#define FATA_VNET_GSO_TCPV4 1
#define FATA_VNET_FRAME_MAX (65535 + FATA_ETHER_HEADER)	/* a 64 KiB datagram, framed */

struct fata_netif;

/* Counters every interface keeps (never reset). */
struct fata_netif_stats {
	uint64_t rx_frames, rx_bytes;
	uint64_t rx_errors;		/* reads that failed with something other than -EAGAIN */
	uint64_t tx_frames, tx_bytes;
	uint64_t tx_errors;		/* writes refused by the implementation, or too long */
	uint64_t rx_big, tx_big;	/* frames longer than mtu + 14 (coalesced; for the host
					 * to cut), with offloads only */
};

/* One frame of fata_netif_read_many() and fata_netif_write_many(). */
struct fata_netif_frame {
	void *data;
	size_t len;	/* read: the buffer's size, then the frame's; write: the frame's */
};

/*
 * What an implementation provides. `priv` is the pointer given to fata_netif_create().
 */
struct fata_netif_ops {
	/* MUST read one frame without blocking into buf: its length (a frame longer than `len` is
	 * truncated to `len`), -EAGAIN when none is waiting, or another negative errno. */
	long (*read)(void *priv, void *buf, size_t len);
	/* MUST send one frame of `len` bytes (14..mtu+14, already checked) without blocking:
	 * 0, or a negative errno (the frame is then dropped). */
	int (*write)(void *priv, const void *buf, size_t len);
	/* MUST block the calling fiber until a frame may be waiting or until `deadline` (monotonic
	 * ns, FATA_NEVER for none). Returns 1 when a frame may be there, 0 on timeout. May return 1
	 * spuriously: the caller reads and gets -EAGAIN. */
	int (*wait)(void *priv, uint64_t deadline);
	/* MAY be NULL. Makes a fiber blocked in wait() return soon (fata_netif_interrupt()). */
	void (*interrupt)(void *priv);
	/* MAY be NULL. Releases whatever `priv` holds; called by fata_netif_disconnect(). */
	void (*close)(void *priv);
	/* MAY be 1: every frame through read and write starts with a struct fata_vnet_hdr and
	 * may be up to FATA_VNET_FRAME_MAX bytes after it (offloads, above). */
	int vnet;
	/* MAY be NULL, with write_many, batch 0: moves up to `batch` (>= 2) frames at a time where
	 * that is cheaper than one by one (hvt: one exit). read_many reads up to `n` frames in
	 * order without blocking, as read() each, setting each one's len: how many it read,
	 * -EAGAIN when none was waiting, or another negative errno. write_many sends f[0..n) in
	 * order (lengths already checked), as write() each: 0, or a negative errno when any failed
	 * (that frame is then dropped). */
	long (*read_many)(void *priv, struct fata_netif_frame *f, size_t n);
	int (*write_many)(void *priv, const struct fata_netif_frame *f, size_t n);
	unsigned batch;
};

/*
 * For generated code and the stack: opens the platform's interface. `name` is the manifest
 * entry on hvt/spt (e.g. "service"); `ifname` is the tap device on unix (e.g. "tap0"), opened
 * through /dev/net/tun, which then gets a random locally administered MAC and the tap's MTU (on
 * hvt/spt the tender reads the tap's MTU and puts it in the manifest; frames are MTU + 14 bytes).
 * Logs "Plugging into IFNAME with mac MAC" under netif. Returns NULL after logging the reason.
 */
struct fata_netif *fata_netif_connect(const char *name, const char *ifname);

/*
 * Makes an interface out of `ops` and `priv`, with the given MAC and MTU (bytes of IP payload,
 * 68..65535). `name` is kept (not copied) for messages. Returns NULL when memory is short or an
 * argument is unusable.
 */
struct fata_netif *fata_netif_create(const char *name, const struct fata_netif_ops *ops,
				     void *priv, const uint8_t mac[FATA_MAC_LEN], uint16_t mtu);

/* Closes the interface (ops->close) and frees it; `n` is invalid afterwards. NULL is a no-op. */
void fata_netif_disconnect(struct fata_netif *n);

/* The interface's name as the unikernel knows it (config.ini's device). */
const char *fata_netif_name(const struct fata_netif *n);

/* The interface's MAC address, copied into `mac`. */
void fata_netif_mac(const struct fata_netif *n, uint8_t mac[FATA_MAC_LEN]);
/* Bytes of IP payload a frame carries at most. */
uint16_t fata_netif_mtu(const struct fata_netif *n);

/* Reads one frame without blocking: its length, -EAGAIN, or another negative errno. On an
 * interface with offloads the header is taken off (a copy), and a frame may be a coalesced TCP
 * segment longer than mtu + 14 (truncated to `len`) or carry a partial TCP checksum. */
long fata_netif_read(struct fata_netif *n, void *buf, size_t len);

/* Sends one frame without blocking. -EMSGSIZE when `len` is over mtu + 14, -EINVAL when it is
 * under 14, -ENOMEM when an interface with offloads has no room to put a header in front;
 * otherwise 0 or the implementation's error. */
int fata_netif_write(struct fata_netif *n, const void *buf, size_t len);

/* 1 when the interface carries virtio-net headers (offloads, above), else 0. */
int fata_netif_vnet(const struct fata_netif *n);

/*
 * With offloads only (else -EOPNOTSUPP): reads one header and frame into `buf` without
 * blocking, as fata_netif_read() does. Returns the bytes of both, -EAGAIN, or a negative
 * errno; -EBADMSG (counted as an error) when fewer than FATA_VNET_HDR_LEN + 14 bytes came.
 */
long fata_netif_read_vnet(struct fata_netif *n, void *buf, size_t len);

/*
 * With offloads only (else -EOPNOTSUPP): sends the header and frame in `buf` (`len` bytes of
 * both). -EINVAL when the frame is under 14 bytes; -EMSGSIZE when it is over
 * FATA_VNET_FRAME_MAX, or over mtu + 14 without gso_type TCPV4; otherwise as fata_netif_write().
 */
int fata_netif_write_vnet(struct fata_netif *n, const void *buf, size_t len);

/* The most frames fata_netif_read_many() and fata_netif_write_many() move at a time in one
 * call of the implementation (ops->batch), or 1 when it has no such calls. */
unsigned fata_netif_batch(const struct fata_netif *n);

/*
 * Reads up to `count` frames without blocking into f[0..count), in order, each as it comes from
 * the implementation (with its header on an interface with offloads), in one call of
 * ops->read_many when it has one, else one ops->read each. Returns how many (each one's len set;
 * a frame too short for its header is counted as an error and gets len 0), -EAGAIN when none
 * was waiting, or another negative errno.
 */
long fata_netif_read_many(struct fata_netif *n, struct fata_netif_frame *f, size_t count);

/*
 * Sends f[0..count) in order, as fata_netif_write() (or, with offloads, fata_netif_write_vnet())
 * would each, in as few calls of ops->write_many as it takes when it has one. A frame of a bad
 * length is counted as an error and left out. Returns 0, or the first negative errno.
 */
int fata_netif_write_many(struct fata_netif *n, const struct fata_netif_frame *f, size_t count);

/* Blocks the calling fiber until a frame may be waiting (1) or until `deadline` (0). */
int fata_netif_wait(struct fata_netif *n, uint64_t deadline);

/* Makes a fiber blocked in fata_netif_wait() return soon. Returns 1, or 0 when the
 * implementation cannot (the platform's): the wait then ends at its deadline or the next frame. */
int fata_netif_interrupt(struct fata_netif *n);

/* Copies the interface's counters (frames, bytes and errors each way) into `out`. */
void fata_netif_stats(const struct fata_netif *n, struct fata_netif_stats *out);

/* Formats a MAC as "xx:xx:xx:xx:xx:xx" into `buf`; returns `buf`. */
char *fata_mac_format(const uint8_t mac[FATA_MAC_LEN], char buf[FATA_MAC_STRLEN]);

#endif
