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

#endif
