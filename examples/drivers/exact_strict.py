#!/usr/bin/env python3
"""A correct driver with refusals: a strict 4-entry exact multicast table as a DPDK PMD keeps it
(drivers/net/mlx5/mlx5_mac.c: ENOSPC before the table is touched; promiscuous and
all-multicast are separate calls that always take effect). Equal to the built-in profile
exact-strict:4."""
import json
import sys

TABLE_SIZE = 4
BROADCAST = "ff:ff:ff:ff:ff:ff"


def is_multicast(mac):
    return int(mac[:2], 16) & 1 == 1


own, promisc, allmulti, table = BROADCAST, False, False, []
for line in sys.stdin:
    req = json.loads(line)
    op = req["op"]
    if op == "hello":
        answer = {"name": "exact-strict.py", "model": "exact-strict:4"}
    elif op == "reset":
        own, promisc, allmulti, table = req["mac"], False, False, []
        answer = {"ok": True}
    elif op == "program":
        promisc, allmulti = req["promisc"], req["allmulti"]
        if len(req["mc"]) > TABLE_SIZE:
            answer = {"ok": False, "error": "ENOSPC"}
        else:
            table = list(req["mc"])
            answer = {"ok": True}
    else:
        dst = req["dst"]
        accept = promisc or dst in (own, BROADCAST) or (allmulti and is_multicast(dst)) or dst in table
        answer = {"accept": accept}
    print(json.dumps(answer), flush=True)
