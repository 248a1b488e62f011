// A minimal Maelstrom node runtime for the test nodes: no dependencies, stdin/stdout JSON lines.
// Not a mock of the runner: the runner under test spawns these as real processes.
import { createInterface } from 'node:readline';

/** Starts a node; `handlers[type](msg, node)` handles each message type; `init` is handled here. */
export function runNode(handlers, { onInit } = {}) {
  const node = {
    id: undefined,
    ids: [],
    nextMsgId: 1,
    callbacks: new Map(),
    send(dest, body) {
      process.stdout.write(JSON.stringify({ src: node.id, dest, body }) + '\n');
    },
    reply(req, body) {
      node.send(req.src, { ...body, in_reply_to: req.body.msg_id });
    },
    rpc(dest, body, timeoutMs = 1000) {
      const msg_id = node.nextMsgId++;
      return new Promise((resolve) => {
        const t = setTimeout(() => { node.callbacks.delete(msg_id); resolve({ type: 'error', code: 0, text: 'timeout' }); }, timeoutMs);
        node.callbacks.set(msg_id, (b) => { clearTimeout(t); resolve(b); });
        node.send(dest, { ...body, msg_id });
      });
    },
  };
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const msg = JSON.parse(line);
    const b = msg.body;
    if (b.in_reply_to !== undefined && node.callbacks.has(b.in_reply_to)) {
      const cb = node.callbacks.get(b.in_reply_to);
      node.callbacks.delete(b.in_reply_to);
      return cb(b);
    }
    // A late reply (its request already timed out) is dropped: answering it with an error would
    // make two nodes trade errors forever.
    if (b.in_reply_to !== undefined) return;
    if (b.type === 'init') {
      node.id = b.node_id;
      node.ids = b.node_ids;
      process.stderr.write(`init as ${node.id} of ${node.ids.join(',')}\n`);
      node.reply(msg, { type: 'init_ok' });
      onInit?.(node);
      return;
    }
    const h = handlers[b.type];
    if (h) h(msg, node);
    else node.reply(msg, { type: 'error', code: 10, text: `unsupported: ${b.type}` });
  });
  rl.on('close', () => process.exit(0));
  return node;
}
