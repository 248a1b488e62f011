/**
 * Validation of what a node prints. Maelstrom's own errors for a bad line are its users' top
 * complaint ("cryptic"), so every rejection here names the node, quotes the line (truncated) and
 * says what a valid line looks like and how to fix it.
 */
import type { MaelstromMessage } from './protocol.js';

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

export type ParsedLine = { ok: true; msg: MaelstromMessage } | { ok: false; problem: string; expected: string };

const fail = (problem: string, expected = SHAPE): ParsedLine => ({ ok: false, problem, expected });

const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v);

/**
 * Parses one stdout line of `node`. `known(dest)` says whether a destination exists; `names` lists
 * them for the error message.
 */
export function parseNodeLine(node: string, line: string, known: (dest: string) => boolean, names: () => string[]): ParsedLine {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    return fail(`it is not JSON (${(err as Error).message})`, `${SHAPE}; print logs and debug output to stderr, never to stdout`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(`it is JSON but not an object`);
  const m = v as Record<string, unknown>;
  const missing = ['src', 'dest', 'body'].filter((f) => !(f in m));
  if (missing.length > 0) return fail(`it lacks ${missing.map((f) => `"${f}"`).join(' and ')}`);
  if (typeof m.src !== 'string') return fail(`"src" is ${JSON.stringify(m.src)}, not a string`);
  if (m.src !== node) return fail(`"src" is "${m.src}", but this node is ${node}`, `"src" set to the node_id the init message gave (${node})`);
  if (typeof m.dest !== 'string') return fail(`"dest" is ${JSON.stringify(m.dest)}, not a string`);
  const body = m.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail(`"body" is ${JSON.stringify(body)}, not an object`);
  const b = body as Record<string, unknown>;
  if (typeof b.type !== 'string' || b.type === '') {
    return fail(`its body has ${'type' in b ? `"type" = ${JSON.stringify(b.type)}` : 'no "type"'}`, `a body with a string "type", e.g. {"type": "echo_ok", "in_reply_to": 1}`);
  }
  if ('msg_id' in b && b.msg_id !== undefined && !isInt(b.msg_id)) return fail(`"msg_id" is ${JSON.stringify(b.msg_id)}, not an integer`, `an integer "msg_id", unique per node`);
  if ('in_reply_to' in b && b.in_reply_to !== undefined && !isInt(b.in_reply_to)) {
    return fail(`"in_reply_to" is ${JSON.stringify(b.in_reply_to)}, not an integer`, `"in_reply_to" copied from the request's integer "msg_id"`);
  }
  if (!known(m.dest)) return fail(`"dest" is "${m.dest}", which is not on the network`, `a destination among ${names().join(', ')}`);
  return { ok: true, msg: { src: m.src, dest: m.dest, body: b as MaelstromMessage['body'] } };
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
