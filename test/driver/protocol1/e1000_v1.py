#!/usr/bin/env python3
"""FROZEN: a driver adapter written to version 1 of the driver protocol (docs/driver-protocol.md),
before `program` carried `uc`. Do not edit: test/driver/protocol-versions.test.ts proves that an
adapter written then still gets the verdicts it got then. Intel 8254x as e1000_set_rx_mode
programs it (drivers/net/ethernet/intel/e1000/e1000_main.c): RAR0 the own MAC, RAR1..14 the
first 14 groups, the rest hashed into the 4096-bit MTA at bits [47:36] (mc_filter_type 0,
e1000_hw.c e1000_hash_mc_addr); RCTL.MPE for ALLMULTI, UPE|MPE for PROMISC; broadcast accepted."""
import json
import sys

RAR_ENTRIES = 15
BROADCAST = "ff:ff:ff:ff:ff:ff"


def octets(mac):
    return [int(x, 16) for x in mac.split(":")]


def mta_vector(mac):
    b = octets(mac)
    return ((b[4] >> 4) | (b[5] << 4)) & 0xFFF


own, promisc, allmulti, rar, mta = BROADCAST, False, False, [], set()
for line in sys.stdin:
    req = json.loads(line)
    op = req["op"]
    if op == "hello":
        answer = {"name": "e1000 protocol-1 adapter", "model": "e1000:0"}
    elif op == "reset":
        own, promisc, allmulti, rar, mta = req["mac"], False, False, [req["mac"]], set()
        answer = {"ok": True}
    elif op == "program":
        promisc, allmulti = req["promisc"], req["allmulti"]
        groups = req["mc"]
        rar = [own] + groups[: RAR_ENTRIES - 1]
        mta = {mta_vector(g) for g in groups[RAR_ENTRIES - 1 :]}
        answer = {"ok": True}
    else:
        dst = req["dst"]
        multicast = octets(dst)[0] & 1 == 1
        accept = (
            promisc
            or dst == BROADCAST
            or dst in rar
            or (multicast and (allmulti or mta_vector(dst) in mta))
        )
        answer = {"accept": accept}
    print(json.dumps(answer), flush=True)
