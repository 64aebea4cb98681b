#!/usr/bin/env python3
"""Answers everything but rx, on which it blocks forever (and ignores SIGTERM)."""
import json, signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
for line in sys.stdin:
    req = json.loads(line)
    if req["op"] == "hello":
        print(json.dumps({"name": "hang-on-rx", "model": None}), flush=True)
    elif req["op"] == "rx":
        while True:
            time.sleep(1)
    else:
        print(json.dumps({"ok": True}), flush=True)
