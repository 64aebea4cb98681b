#!/usr/bin/env python3
"""The same Intel 8254x adapter written to version 2: its hello answer names "protocol": 2, so
`program` carries `uc` (dev->uc), which e1000_set_rx_mode puts in RAR1.. ahead of the groups
(more than 14: UPE, unicast promiscuous). Every request line it reads is appended to the file
named by $MTB_V2_LOG, so the test can see what it was sent."""
import json
import os
import sys

RAR_ENTRIES = 15
BROADCAST = "ff:ff:ff:ff:ff:ff"
LOG = os.environ.get("MTB_V2_LOG")


def octets(mac):
    return [int(x, 16) for x in mac.split(":")]


def mta_vector(mac):
    b = octets(mac)
    return ((b[4] >> 4) | (b[5] << 4)) & 0xFFF


own, promisc, allmulti, upe, rar, mta = BROADCAST, False, False, False, [], set()
log = open(LOG, "a") if LOG else None
for line in sys.stdin:
    if log:
        log.write(line)
        log.flush()
    req = json.loads(line)
    op = req["op"]
    if op == "hello":
        answer = {"name": "e1000 protocol-2 adapter", "model": "e1000:0", "protocol": 2}
    elif op == "reset":
        own, promisc, allmulti, upe, rar, mta = req["mac"], False, False, False, [req["mac"]], set()
        answer = {"ok": True}
    elif op == "program":
        promisc, allmulti = req["promisc"], req["allmulti"]
        uc = req.get("uc", [])
        upe = len(uc) > RAR_ENTRIES - 1
        rar = [own] + ([] if upe or promisc else uc)
        groups = req["mc"]
        room = RAR_ENTRIES - len(rar)
        rar += groups[:room]
        mta = {mta_vector(g) for g in groups[room:]}
        answer = {"ok": True}
    else:
        dst = req["dst"]
        multicast = octets(dst)[0] & 1 == 1
        accept = (
            promisc
            or dst == BROADCAST
            or dst in rar
            or (multicast and (allmulti or mta_vector(dst) in mta))
            or (not multicast and upe)
        )
        answer = {"accept": accept}
    print(json.dumps(answer), flush=True)
