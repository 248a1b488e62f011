#!/usr/bin/env python3
"""A single-node kafka (the log in memory). KAFKA_BUG plants one bug:
  lost       — acknowledges every 4th send without storing it
  dup-offset — gives every 4th send the offset of the send before it (both are kept)
  nonmono    — gives every 4th send an offset below the key's last one
Without it the node is correct."""
import os
import threading
from maelstrom import Node

node = Node()
bug = os.environ.get("KAFKA_BUG", "")
lock = threading.Lock()
logs = {}       # key -> [[offset, msg], ...] sorted by offset
last = {}       # key -> last offset given
committed = {}
sends = [0]


@node.on("send")
def send(msg):
    b = msg["body"]
    key = b["key"]
    with lock:
        sends[0] += 1
        nth = sends[0] % 4 == 0
        prev = last.get(key, -1)
        offset = prev + 1
        if bug == "dup-offset" and nth and prev >= 0:
            offset = prev
        elif bug == "nonmono" and nth and prev >= 2:
            offset = prev - 2
        last[key] = max(prev, offset)
        if not (bug == "lost" and nth):
            log = logs.setdefault(key, [])
            log.append([offset, b["msg"]])
            log.sort(key=lambda e: e[0])
    node.reply(msg, {"type": "send_ok", "offset": offset})


@node.on("poll")
def poll(msg):
    with lock:
        out = {}
        for key, start in msg["body"]["offsets"].items():
            out[key] = [e for e in logs.get(key, []) if e[0] >= start][:10]
    node.reply(msg, {"type": "poll_ok", "msgs": out})


@node.on("commit_offsets")
def commit(msg):
    with lock:
        for key, off in msg["body"]["offsets"].items():
            committed[key] = max(committed.get(key, -1), off)
    node.reply(msg, {"type": "commit_offsets_ok"})


@node.on("list_committed_offsets")
def list_committed(msg):
    with lock:
        out = {k: committed[k] for k in msg["body"]["keys"] if k in committed}
    node.reply(msg, {"type": "list_committed_offsets_ok", "offsets": out})


node.run()
