/*
 * Network devices in the tenders: --net: and --net-mac: syntax, attaching the tap behind
 * --net:NAME=IFACE|@FD (TUNGETIFF checks, its MTU, the MAC), the epoll set both tenders wait on,
 * and the seccomp rules for a tap. The hypercalls of fata-hvt that use them are in
 * tender/hvt/hvt_net.c; an spt guest makes the system calls itself, within these rules.
 */
#ifndef FATA_TENDER_NET_H
#define FATA_TENDER_NET_H

#include <stdint.h>

#include "mft_abi.h"
#include "opts.h"
#include "tender.h"

/*
 * A net device's MTU is its tap's (SIOCGIFMTU), as with Solo5; the guest accepts and sends frames
 * of up to MTU + 14 bytes. TENDER_NET_MTU is what the guest is told when the tap's MTU cannot be
 * read (a tap handed over as a descriptor from another network namespace). The largest MTU keeps
 * such a frame's length within 16 bits; the smallest is IPv4's (RFC 791), also Linux's for a tap.
 */
#define TENDER_NET_MTU 1500u
#define TENDER_NET_MTU_MIN 68u
#define TENDER_NET_MTU_MAX (65535u - 14)

struct tender_devices;
struct tender_devkind;

/* The net kind's entry points for devices.c (open, manifest, banner, seccomp rules). */
extern const struct tender_devkind tender_net_kind;

/*
 * Checks --net:NAME=VALUE: when VALUE is @FD, sets d->is_fd and d->number to the descriptor (at
 * most INT32_MAX); an interface name is checked when the tap is opened. 0, or -1 with a message
 * in `err`.
 */
int tender_net_check_iface(struct tender_devopt *d, struct tender_err *err);

/* Checks --net-mac:NAME=MAC into d->mac: a unicast "xx:xx:xx:xx:xx:xx". 0 or -1 (`err`). */
int tender_net_check_mac(struct tender_devopt *d, struct tender_err *err);

/* Parses "xx:xx:xx:xx:xx:xx" (hex digits, either case). 0 or -1. */
int tender_parse_mac(const char *s, uint8_t mac[6]);

/*
 * Adds every net device's tap to `epoll_fd` (EPOLLIN, its handle in data.u64, which is what both
 * ABIs give the guest back as its ready set). Dies on failure.
 */
void tender_net_watch(int epoll_fd, const struct mft *mft, const struct tender_devices *devs);

#endif
