#!/usr/bin/env python3
"""A single-node txn-rw-register: each transaction applied whole under one lock (strict
serializable). TXN_BUG=stale plants a bug: a read returns the value a key had before its last write
(a stale read, which Elle reports for strict-serializable)."""
import os
import threading
from maelstrom import Node

node = Node()
stale = os.environ.get("TXN_BUG") == "stale"
lock = threading.Lock()
state = {}
before = {}


@node.on("txn")
def txn(msg):
    out = []
    with lock:
        for f, k, v in msg["body"]["txn"]:
            key = str(k)
            if f == "r":
                out.append([f, k, before.get(key) if stale and key in before else state.get(key)])
            else:
                if key in state:
                    before[key] = state[key]
                state[key] = v
                out.append([f, k, v])
    node.reply(msg, {"type": "txn_ok", "txn": out})


node.run()
