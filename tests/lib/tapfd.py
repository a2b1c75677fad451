#!/usr/bin/env python3
"""tapfd.py IFNAME CMD [ARGS...]: opens the tap interface IFNAME, puts it on descriptor 3 and
runs CMD with it, as a program that hands a tender --net:NAME=@3 would."""
import fcntl
import os
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000

fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", sys.argv[1].encode(), IFF_TAP | IFF_NO_PI))
if fd != 3:
    os.dup2(fd, 3)
    os.close(fd)
os.set_inheritable(3, True)
os.execvp(sys.argv[2], sys.argv[2:])
