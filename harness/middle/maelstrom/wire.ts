/**
 * Validation of what a node prints. Maelstrom's own errors for a bad line are its users' top
 * complaint ("cryptic"), so every rejection here names the node, quotes the line (truncated) and
 * says what a valid line looks like and how to fix it.
 */
import type { MaelstromMessage } from '../../ground/protocol/protocol.js';

/** A line a node printed that is not a valid Maelstrom message. */
export interface NodeProtocolError {
  kind: 'node-protocol-error';
  node: string;
  /** Ns since the network's origin. */
  time: number;
  /** The offending line, truncated to MAX_LINE_SHOWN characters. */
  line: string;
  /** What is wrong with it. */
  problem: string;
  /** What a valid line looks like. */
  expected: string;
  /** One sentence with all of the above, for logs. */
  message: string;
}

export const MAX_LINE_SHOWN = 200;

const SHAPE = 'one JSON object per line: {"src": "<this node\'s id>", "dest": "<node, client or service id>", "body": {"type": "<message type>", ...}}';

/** The line, cut to MAX_LINE_SHOWN characters with a marker. */
export function truncateLine(line: string): string {
  return line.length > MAX_LINE_SHOWN ? `${line.slice(0, MAX_LINE_SHOWN)}… (${line.length} chars)` : line;
}

/**
 * A line Faultline delivers although it is stricter than Maelstrom here on purpose: it goes into the
 * run as a warning (the `node-protocol` result's `warnings`), never into the verdict.
 */
export interface ProtocolWarning {
  /** Which rule, for grouping: e.g. "src-not-self". */
  rule: string;
  /** One sentence: what the node did, what Maelstrom does with it, what Faultline does. */
  text: string;
}

export type ParsedLine = { ok: true; msg: MaelstromMessage; warnings?: ProtocolWarning[] } | { ok: false; problem: string; expected: string };

const fail = (problem: string, expected = SHAPE): ParsedLine => ({ ok: false, problem, expected });

const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v);

/**
 * Parses one stdout line of `node`. `known(dest)` says whether a destination exists; `names` lists
 * them for the error message.
 */
export function parseNodeLine(node: string, line: string, known: (dest: string) => boolean, names: () => string[]): ParsedLine {
  // Each rule follows Maelstrom's own network (src/maelstrom/net.clj, process.clj); see
  // docs/maelstrom-network.md for the table. Rejections are the lines Maelstrom rejects too;
  // warnings are where Faultline is stricter on purpose and only says so.
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    return fail(`it is not JSON (${(err as Error).message})`, `${SHAPE}; print logs and debug output to stderr, never to stdout`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(`it is JSON but not an object`);
  const m = v as Record<string, unknown>;
  const missing = ['src', 'dest', 'body'].filter((f) => !(f in m) || m[f] === null);
  if (missing.length > 0) return fail(`it lacks ${missing.map((f) => `"${f}"`).join(' and ')}`);
  if (typeof m.src !== 'string') return fail(`"src" is ${JSON.stringify(m.src)}, not a string`);
  const warnings: ProtocolWarning[] = [];
  if (m.src !== node) {
    // Maelstrom accepts any src naming a node or client on its network: a Raft that proxies a
    // client's request to its leader keeps the client's src, so the leader answers the client.
    if (!known(m.src)) {
      return fail(`"src" is "${m.src}", which is not on the network (this node is ${node})`, `"src" set to the node_id the init message gave (${node}), or another node or client id on the network`);
    }
    warnings.push({ rule: 'src-not-self', text: `${node} sent a message with "src" ${m.src}, not its own id: Maelstrom's network accepts any src on the network (as when a request is proxied to a leader), so Faultline delivers it as from ${m.src}, and partitions treat it as ${m.src}'s` });
  }
  if (typeof m.dest !== 'string') return fail(`"dest" is ${JSON.stringify(m.dest)}, not a string`);
  const body = m.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail(`"body" is ${JSON.stringify(body)}, not an object`);
  const b = body as Record<string, unknown>;
  if (!known(m.dest)) return fail(`"dest" is "${m.dest}", which is not on the network`, `a destination among ${names().join(', ')}`);
  if (typeof b.type !== 'string' || b.type === '') {
    warnings.push({ rule: 'body-type', text: `${node} sent a body with ${'type' in b ? `"type" = ${JSON.stringify(b.type)}` : 'no "type"'}: Maelstrom's network does not check bodies, so Faultline delivers it, but no client or service can understand it (expected a string "type", e.g. {"type": "echo_ok", "in_reply_to": 1})` });
  }
  if ('msg_id' in b && b.msg_id !== undefined && b.msg_id !== null && !isInt(b.msg_id)) {
    warnings.push({ rule: 'msg-id', text: `${node} sent "msg_id" ${JSON.stringify(b.msg_id)}, not an integer: Maelstrom's network delivers it, but a reply can only be matched to an integer msg_id` });
  }
  if ('in_reply_to' in b && b.in_reply_to !== undefined && b.in_reply_to !== null && !isInt(b.in_reply_to)) {
    warnings.push({ rule: 'in-reply-to', text: `${node} sent "in_reply_to" ${JSON.stringify(b.in_reply_to)}, not an integer: Maelstrom's network delivers it, but no request waits for it (copy the request's integer "msg_id")` });
  }
  const msg = { src: m.src, dest: m.dest, body: b as MaelstromMessage['body'] };
  return warnings.length ? { ok: true, msg, warnings } : { ok: true, msg };
}

/** The error record for a rejected line. */
export function protocolError(node: string, time: number, line: string, problem: string, expected: string): NodeProtocolError {
  const shown = truncateLine(line);
  return {
    kind: 'node-protocol-error',
    node,
    time,
    line: shown,
    problem,
    expected,
    message: `${node} printed an invalid message on stdout: ${problem}. Expected ${expected}. The line: ${shown}`,
  };
}
