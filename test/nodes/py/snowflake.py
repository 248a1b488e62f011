#!/usr/bin/env python3
"""unique-ids with 64-bit snowflake-style ids: 2^60 + (counter * nodes + node index), all distinct
and all above 2^53 (a double would merge neighbours). Each generate also sends a peer a 64-bit probe,
written by hand so its bytes are known: the peer logs the body text it received on stderr
("probe-received <text>") and the sender logs what it sent ("probe-sent <text>"); #31's test
compares them byte for byte."""
import sys
import threading
from maelstrom import Node

node = Node()
counter = [0]
lock = threading.Lock()


@node.on("generate")
def generate(msg):
    with lock:
        n = counter[0]
        counter[0] += 1
    idx = node.ids.index(node.id)
    ident = 2 ** 60 + n * len(node.ids) + idx
    node.reply(msg, {"type": "generate_ok", "id": ident})
    peers = [p for p in node.ids if p != node.id]
    if peers:
        probe = (12345678901234567891 + n * len(node.ids) + idx) % (2 ** 64)
        body = '{"type":"probe","v":%d,"neg":-%d,"f":1.50,"e":1e400,"s":"\\u00e9\\ud83d\\ude00","deep":[[[{"x":[%d]}]]]}' % (probe, probe, 2 ** 63 + n)
        sys.stderr.write("probe-sent %s\n" % body)
        sys.stderr.flush()
        node.send_raw('{"src":"%s","dest":"%s","body":%s}' % (node.id, peers[n % len(peers)], body))


@node.on("probe")
def probe(msg):
    pass


def on_line(msg, line):
    if msg["body"].get("type") == "probe":
        # The body's text exactly as it arrived: everything after "body": up to the closing brace.
        text = line[line.index('"body":') + len('"body":'):-1]
        sys.stderr.write("probe-received %s\n" % text)
        sys.stderr.flush()


node.run(on_line)
