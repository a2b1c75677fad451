#!/usr/bin/env python3
"""hvt_pagetables.py CORE IMAGE MEM_MB NX: walks the page tables an hvt guest built for itself
(platform/x86_64/paging.c), as a core file from fata-hvt --dumpcore holds them, and checks each
4 KiB page from 0 to 4 MiB past the end of guest memory against the rules: nothing below
0x10000, low memory read-only, text read-only and executable, rodata read-only, data and the
rest writable, the guard page 256 KiB + 4 KiB below the top unmapped, nothing past the end;
nothing but text executable when NX is 1; every mapping the identity. Prints one line per
mismatch (at most 10), then "pages N 4k K 2m L 2m-image I mismatches M": N pages checked, K
of them mapped by 4 KiB entries, L by 2 MiB ones, I of those in text or rodata."""
import struct
import subprocess
import sys

core, image, mem_mb, has_nx = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
raw = open(core, "rb").read()
ehdr = struct.unpack_from("<16sHHIQQQIHHHHHH", raw, 0)
phoff, phnum = ehdr[5], ehdr[9]
mem = None
for i in range(phnum):
    p_type, _, p_offset, p_vaddr = struct.unpack_from("<IIQQ", raw, phoff + 56 * i)
    if p_type == 1 and p_vaddr == 0:  # PT_LOAD of guest memory at guest address 0
        mem = memoryview(raw)[p_offset:]
assert mem is not None, "no PT_LOAD at address 0 in the core"
sym = {}
for line in subprocess.check_output(["nm", image], text=True).splitlines():
    f = line.split()
    if len(f) == 3:
        sym[f[2]] = int(f[0], 16)

P, W, PS, NX, ADDR = 1, 2, 0x80, 1 << 63, 0x000FFFFFFFFFF000


def entry(table, index):
    return struct.unpack_from("<Q", mem, (table & ADDR) + 8 * index)[0]


def walk(va):
    """(writable, executable, page size) of the page at va, or None when it is not mapped."""
    e, w, x = sym["pml4"] | P | W, True, True
    for shift in (39, 30, 21, 12):
        e = entry(e, (va >> shift) & 511)
        if not e & P:
            return None
        w, x = w and bool(e & W), x and not e & NX
        if shift == 21 and e & PS:
            assert e & 0x000FFFFFFFE00000 == va & ~0x1FFFFF, "2 MiB page at %#x is no identity" % va
            return (w, x, "2m")
    assert e & ADDR == va, "page at %#x is no identity" % va
    return (w, x, "4k")


size = mem_mb << 20
guard = size - 256 * 1024 - 4096
bad, count, image2m = 0, {"4k": 0, "2m": 0}, 0
for va in range(0, size + (4 << 20), 4096):
    if va < 0x10000 or va == guard or va >= size:
        want = None
    elif va < sym["__fata_text_start"]:
        want = (False, not has_nx)
    elif va < sym["__fata_rodata_start"]:
        want = (False, True)
    elif va < sym["__fata_data_start"]:
        want = (False, not has_nx)
    else:
        want = (True, not has_nx)
    got = walk(va)
    if got:
        count[got[2]] += 1
        image2m += got[2] == "2m" and va < sym["__fata_data_start"]
    if (got and got[:2]) != want:
        bad += 1
        if bad <= 10:
            print("page %#x: %s, expected %s" % (va, got, want))
print("pages %d 4k %d 2m %d 2m-image %d mismatches %d"
      % ((size >> 12) + 1024, count["4k"], count["2m"], image2m, bad))
