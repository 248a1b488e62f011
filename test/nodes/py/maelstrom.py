"""A minimal Maelstrom node runtime in Python for Faultline's test programs (no dependencies).

Python's json keeps integers of any size exact, so what a handler sends is what the peer gets.
"""
import json
import sys
import threading


class Node:
    def __init__(self):
        self.id = None
        self.ids = []
        self.handlers = {}
        self.callbacks = {}
        self.next_id = 0
        self.lock = threading.Lock()

    def on(self, typ):
        def register(fn):
            self.handlers[typ] = fn
            return fn
        return register

    def send_raw(self, line):
        with self.lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def send(self, dest, body):
        self.send_raw(json.dumps({"src": self.id, "dest": dest, "body": body}))

    def reply(self, req, body):
        body = dict(body)
        body["in_reply_to"] = req["body"]["msg_id"]
        self.send(req["src"], body)

    def rpc(self, dest, body, callback):
        with self.lock:
            self.next_id += 1
            msg_id = self.next_id
            self.callbacks[msg_id] = callback
        body = dict(body)
        body["msg_id"] = msg_id
        self.send(dest, body)

    def sync_rpc(self, dest, body, timeout=1.0):
        done = threading.Event()
        out = {}

        def cb(msg):
            out["body"] = msg["body"]
            done.set()
        self.rpc(dest, body, cb)
        if not done.wait(timeout):
            return {"type": "error", "code": 0, "text": "timeout"}
        return out["body"]

    def run(self, on_line=None):
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            msg = json.loads(line)
            if on_line:
                on_line(msg, line)
            body = msg["body"]
            irt = body.get("in_reply_to")
            if irt is not None:
                with self.lock:
                    cb = self.callbacks.pop(irt, None)
                if cb:
                    threading.Thread(target=cb, args=(msg,), daemon=True).start()
                continue
            if body["type"] == "init":
                self.id = body["node_id"]
                self.ids = body["node_ids"]
                if "init" in self.handlers:
                    self.handlers["init"](msg)
                self.reply(msg, {"type": "init_ok"})
                continue
            h = self.handlers.get(body["type"])
            if h is None:
                self.reply(msg, {"type": "error", "code": 10, "text": "unsupported: " + body["type"]})
            else:
                threading.Thread(target=h, args=(msg,), daemon=True).start()
