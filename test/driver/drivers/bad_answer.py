#!/usr/bin/env python3
"""Valid JSON, wrong shape: rx answers {"accept": "yes"}."""
import json, sys
for line in sys.stdin:
    req = json.loads(line)
    if req["op"] == "hello":
        print(json.dumps({"name": "bad-answer", "model": None}), flush=True)
    elif req["op"] == "rx":
        print(json.dumps({"accept": "yes"}), flush=True)
    else:
        print(json.dumps({"ok": True}), flush=True)
