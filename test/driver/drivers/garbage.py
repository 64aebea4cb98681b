#!/usr/bin/env python3
"""Answers hello, then prints a debug line on stdout instead of an answer."""
import json, sys
for line in sys.stdin:
    req = json.loads(line)
    if req["op"] == "hello":
        print(json.dumps({"name": "garbage", "model": None}), flush=True)
    else:
        print("DEBUG: got " + req["op"], flush=True)
