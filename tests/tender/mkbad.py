#!/usr/bin/env python3
"""Makes broken unikernel binaries from a good one, for tests/e2e/tender_badinput.t.

usage: mkbad.py GOOD.elf OUTDIR

Writes OUTDIR/NAME for each case below; each is GOOD.elf with one thing wrong.
"""
import os
import struct
import sys

PT_LOAD, PT_NOTE = 1, 4
ABI1, MFT1 = 0x31494241, 0x3154464D


def phdrs(elf):
    """(index, offset of the phdr, (type, flags, offset, vaddr, paddr, filesz, memsz, align))"""
    phoff, = struct.unpack_from("<Q", elf, 32)
    phentsize, phnum = struct.unpack_from("<HH", elf, 54)
    for i in range(phnum):
        at = phoff + i * phentsize
        yield i, at, struct.unpack_from("<IIQQQQQQ", elf, at)


def note(elf, ntype):
    """Offset of the descriptor of the Solo5 note of type ntype."""
    for _, _, ph in phdrs(elf):
        if ph[0] == PT_NOTE:
            namesz, descsz, t = struct.unpack_from("<III", elf, ph[2])
            if t == ntype and elf[ph[2] + 12:ph[2] + 18] == b"Solo5\0":
                return ph[2] + 20
    raise SystemExit("no note of type %#x" % ntype)


def loads(elf):
    return [(i, at, ph) for i, at, ph in phdrs(elf) if ph[0] == PT_LOAD and ph[6] > 0]


def main():
    good, out = sys.argv[1], sys.argv[2]
    with open(good, "rb") as f:
        elf = bytearray(f.read())
    os.makedirs(out, exist_ok=True)
    cases = {}

    cases["notelf"] = b"this is not an ELF file\n"
    abi_note = note(elf, ABI1)
    text_off = loads(elf)[0][2][2]
    for name, at in (("trunc-ident", 10), ("trunc-header", 63), ("trunc-phdrs", 100),
                     ("trunc-notes", abi_note + 4), ("trunc-text", text_off + 16)):
        cases[name] = bytes(elf[:at])

    e = bytearray(elf)
    struct.pack_into("<I", e, abi_note + 4, 3)
    cases["abi-version"] = e

    e = bytearray(elf)
    mft = note(elf, MFT1) + 4          # skip the alignment padding
    struct.pack_into("<I", e, mft + 4, 65)
    cases["mft-entries"] = e

    e = bytearray(elf)
    struct.pack_into("<I", e, note(elf, MFT1) - 12 + 8, 0x58585858)
    cases["no-mft"] = e

    e = bytearray(elf)
    i, at, ph = loads(elf)[0]
    struct.pack_into("<QQ", e, at + 16, 0x1000, 0x1000)   # p_vaddr, p_paddr
    cases["low-segment"] = e

    e = bytearray(elf)
    i, at, ph = loads(elf)[-1]
    struct.pack_into("<Q", e, at + 40, ph[5] + 0x2000000)  # p_memsz: 32 MiB of BSS
    cases["big-segment"] = e

    e = bytearray(elf)
    i, at, ph = loads(elf)[0]
    struct.pack_into("<I", e, at + 4, 7)                   # p_flags: R|W|X
    cases["wx-segment"] = e

    for name, data in cases.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
