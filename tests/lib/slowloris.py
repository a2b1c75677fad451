#!/usr/bin/python3
# A slowloris client for the HTTP tests: sends a request head one byte per second and prints what
# happened: "cut off after S s: FIRST-LINE" when the server answers and closes before the head is
# complete, "not cut off" when the whole head went out. Usage: slowloris.py HOST PORT
import socket
import sys
import time

head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 30 + b"\r\n\r\n"
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
start = time.monotonic()
s.setblocking(False)
got = b""
closed = False
for b in head:
    try:
        s.send(bytes([b]))
    except OSError:
        closed = True
    time.sleep(1)
    try:
        while True:
            d = s.recv(4096)
            if not d:
                closed = True
                break
            got += d
    except BlockingIOError:
        pass
    except OSError:
        closed = True
    if closed:
        break
took = time.monotonic() - start
if closed:
    print("cut off after %d s: %s" % (round(took), got.split(b"\r\n")[0].decode(errors="replace")))
else:
    print("not cut off after %d s" % round(took))
