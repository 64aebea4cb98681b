#!/usr/bin/env python3
# A correct driver (model accept-all: every frame accepted, every program taken) that takes
# DELAY seconds (argv[1], default 0) per answer, RX_DELAY seconds (argv[2], default DELAY) per
# rx answer.
import json, sys, time

delay = float(sys.argv[1]) if len(sys.argv) > 1 else 0.0
rx_delay = float(sys.argv[2]) if len(sys.argv) > 2 else delay
for line in sys.stdin:
    req = json.loads(line)
    op = req["op"]
    time.sleep(rx_delay if op == "rx" else delay)
    if op == "hello":
        answer = {"name": "accept-all", "model": "accept-all"}
    elif op == "rx":
        answer = {"accept": True}
    else:
        answer = {"ok": True}
    print(json.dumps(answer), flush=True)
