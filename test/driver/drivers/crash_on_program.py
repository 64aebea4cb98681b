#!/usr/bin/env python3
"""Answers hello and reset, then dies on the first program (as a segfaulting driver would)."""
import json, os, sys
for line in sys.stdin:
    req = json.loads(line)
    if req["op"] == "hello":
        print(json.dumps({"name": "crash-on-program", "model": None}), flush=True)
    elif req["op"] == "program":
        sys.stderr.write("crash-on-program: giving up\n")
        os._exit(139)
    elif req["op"] == "reset":
        print(json.dumps({"ok": True}), flush=True)
    else:
        print(json.dumps({"accept": True}), flush=True)
