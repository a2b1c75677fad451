#!/usr/bin/env python3
"""udp_echo_client.py ADDR PORT COUNT: sends COUNT datagrams one at a time, each waiting for its
echo, and prints "PACKETS_PER_SECOND LOST" (a datagram unanswered within 200 ms counts as lost)."""
import socket
import sys
import time

addr, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
payload = b"x" * 64
lost = 0
t0 = time.monotonic()
for i in range(count):
    s.sendto(payload, (addr, port))
    try:
        s.recv(2048)
    except socket.timeout:
        lost += 1
elapsed = time.monotonic() - t0
print(int(count / elapsed), lost)
