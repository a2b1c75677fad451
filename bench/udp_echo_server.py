#!/usr/bin/env python3
"""udp_echo_server.py PORT: the reference UDP echo server (Linux sockets) for bench/net.sh."""
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
while True:
    data, peer = s.recvfrom(65535)
    s.sendto(data, peer)
