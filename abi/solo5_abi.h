/*
 * The Solo5 ABI as Fata implements it: this header includes the others and adds what both
 * targets share (result codes, handles). See docs/solo5-abi.md.
 *
 *   elf_abi.h  the ABI1 note: target and ABI version of a binary
 *   mft_abi.h  the MFT1 note: the manifest of devices
 *   hvt_abi.h  hvt: memory layout, boot info, hypercalls
 *   spt_abi.h  spt: memory layout, boot info
 */
#ifndef FATA_ABI_SOLO5_H
#define FATA_ABI_SOLO5_H

#include <stdint.h>

#include "elf_abi.h"
#include "mft_abi.h"
#include "hvt_abi.h"
#include "spt_abi.h"

/* Results of device operations (the `ret` of hypercalls). */
#define SOLO5_R_OK 0		/* done */
#define SOLO5_R_AGAIN 1		/* not now (e.g. no frame to read); try again later */
#define SOLO5_R_EINVAL 2	/* invalid argument */
#define SOLO5_R_EUNSPEC 3	/* anything else went wrong */

/* A device handle is its manifest index; a handle set has bit N for handle N. */
typedef uint64_t solo5_handle_t;
typedef uint64_t solo5_handle_set_t;

/* An Ethernet frame is at most MTU + this many bytes (the header, no FCS). */
#define SOLO5_ETHER_HEADER 14u

/*
 * The virtio-net header (virtio 1.x section 5.1.6, legacy 10-byte form, little-endian as on the
 * x86-64 host) that precedes every frame when the tender offers the NET_OFFLOAD feature (a Fata
 * extension, hvt_abi.h and spt_abi.h). It is what Linux's tap reads and writes with IFF_VNET_HDR.
 */
struct solo5_vnet_hdr {
	uint8_t flags;		/* SOLO5_VNET_F_* */
	uint8_t gso_type;	/* SOLO5_VNET_GSO_* */
	uint16_t hdr_len;	/* bytes of Ethernet + IP + TCP header of a GSO frame */
	uint16_t gso_size;	/* bytes of payload in each segment the host cuts */
	uint16_t csum_start;	/* NEEDS_CSUM: where the checksummed bytes start (from the frame) */
	uint16_t csum_offset;	/* NEEDS_CSUM: where the result goes, from csum_start */
} __attribute__((packed));
_Static_assert(sizeof(struct solo5_vnet_hdr) == 10, "solo5_vnet_hdr is 10 bytes");
#define SOLO5_VNET_HDR_LEN 10u
#define SOLO5_VNET_F_NEEDS_CSUM 1u	/* the checksum at csum_start + csum_offset is partial */
#define SOLO5_VNET_F_DATA_VALID 2u	/* the host checked the checksums already */
#define SOLO5_VNET_GSO_NONE 0u
#define SOLO5_VNET_GSO_TCPV4 1u
/* The longest frame after the header: a 64 KiB IP datagram and its Ethernet header. */
#define SOLO5_VNET_FRAME_MAX (65535u + SOLO5_ETHER_HEADER)

#endif
