#!/usr/bin/env python3
"""Names a model that is no built-in profile."""
import json, sys
for line in sys.stdin:
    print(json.dumps({"name": "unknown-model", "model": "no-such-nic"}), flush=True)
