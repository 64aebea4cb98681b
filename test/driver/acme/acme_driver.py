#!/usr/bin/env python3
"""A JSON-lines driver for the acme chip (test/cli/plugins/acme.ts): 32 exact entries, a
512-bucket hash at ether_crc >> 23, all multicast above ALLMULTI_ABOVE groups (argv[1], default
2048: the chip; 2049 is the bug the contract must catch). Speaks protocol 2, so it is sent lists
past 1,001. Every program's list length is appended to $MTB_ACME_LOG when set."""
import json
import os
import sys
import zlib

EXACT = 32
ALLMULTI_ABOVE = int(sys.argv[1]) if len(sys.argv) > 1 else 2048
BROADCAST = "ff:ff:ff:ff:ff:ff"
LOG = os.environ.get("MTB_ACME_LOG")


def octets(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def bucket(mac):
    # ether_crc = bitrev32(crc32_le(~0, data)); zlib's crc32 is ~crc32_le(~0, data).
    crc = ~zlib.crc32(octets(mac)) & 0xFFFFFFFF
    return int(f"{crc:032b}"[::-1], 2) >> 23


own, promisc, allmulti, exact, hashed = BROADCAST, False, False, [], set()
log = open(LOG, "a") if LOG else None
for line in sys.stdin:
    req = json.loads(line)
    op = req["op"]
    if op == "hello":
        answer = {"name": "acme", "model": "acme", "protocol": 2}
    elif op == "reset":
        own, promisc, allmulti, exact, hashed = req["mac"], False, False, [], set()
        answer = {"ok": True}
    elif op == "program":
        mc = req["mc"]
        if log:
            log.write(f"{len(mc)}\n")
            log.flush()
        promisc = req["promisc"]
        allmulti = req["allmulti"] or len(mc) > ALLMULTI_ABOVE
        exact = mc[:EXACT]
        hashed = {bucket(m) for m in mc[EXACT:]}
        answer = {"ok": True}
    else:
        dst = req["dst"]
        multicast = octets(dst)[0] & 1 == 1
        accept = promisc or dst in (own, BROADCAST) or dst in exact or (multicast and (allmulti or bucket(dst) in hashed))
        answer = {"accept": accept}
    print(json.dumps(answer), flush=True)
