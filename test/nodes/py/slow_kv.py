#!/usr/bin/env python3
"""A single-node lin-kv that answers every request after SLOW_MS milliseconds (default 1500): correct,
only slow. Under Maelstrom's lin-kv timeout, max(10 x mean latency, 1 s), its ops time out without
--latency and complete with --latency 200ms (a 2 s timeout; client messages have no latency)."""
import os
import threading
import time
from maelstrom import Node

node = Node()
slow = int(os.environ.get("SLOW_MS", "1500")) / 1000.0
lock = threading.Lock()
state = {}


def handler(msg):
    time.sleep(slow)
    b = msg["body"]
    key = str(b.get("key"))
    with lock:
        if b["type"] == "read":
            if key in state:
                return node.reply(msg, {"type": "read_ok", "value": state[key]})
            return node.reply(msg, {"type": "error", "code": 20, "text": "no such key"})
        if b["type"] == "write":
            state[key] = b["value"]
            return node.reply(msg, {"type": "write_ok"})
        if key not in state:
            return node.reply(msg, {"type": "error", "code": 20, "text": "no such key"})
        if state[key] != b["from"]:
            return node.reply(msg, {"type": "error", "code": 22, "text": "precondition failed"})
        state[key] = b["to"]
        node.reply(msg, {"type": "cas_ok"})


for t in ("read", "write", "cas"):
    node.on(t)(handler)
node.run()
