#!/usr/bin/env python3
"""Prints two answers to reset: the second is output nobody asked for."""
import json, sys
for line in sys.stdin:
    req = json.loads(line)
    if req["op"] == "hello":
        print(json.dumps({"name": "chatty", "model": None}), flush=True)
    elif req["op"] == "reset":
        print(json.dumps({"ok": True}) + "\n" + json.dumps({"ok": True}), flush=True)
    elif req["op"] == "rx":
        print(json.dumps({"accept": True}), flush=True)
    else:
        print(json.dumps({"ok": True}), flush=True)
