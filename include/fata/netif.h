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

struct fata_netif;

/* Counters every interface keeps (never reset). */
struct fata_netif_stats {
	uint64_t rx_frames, rx_bytes;
	uint64_t rx_errors;		/* reads that failed with something other than -EAGAIN */
	uint64_t tx_frames, tx_bytes;
	uint64_t tx_errors;		/* writes refused by the implementation, or too long */
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

/* Reads one frame without blocking: its length, -EAGAIN, or another negative errno. */
long fata_netif_read(struct fata_netif *n, void *buf, size_t len);

/* Sends one frame without blocking. -EMSGSIZE when `len` is over mtu + 14, -EINVAL when it is
 * under 14; otherwise 0 or the implementation's error. */
int fata_netif_write(struct fata_netif *n, const void *buf, size_t len);

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
