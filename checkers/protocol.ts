/**
 * The protocol checker: lists the replies that broke the Maelstrom protocol (a wrong message type,
 * a missing or ill-typed field), which clients recorded as the `error` of an `info` completion.
 *
 * Invalid when there is any: the node did not speak the protocol it claims to, which is a bug of the
 * system under test (Maelstrom aborts a test on it). The ops themselves are `info`, so the other
 * checkers treat them as indeterminate and stay sound.
 */
import type { Op } from '../harness/ground/history/op.js';
import type { CheckResult, Checker } from './contract.js';
import { AnomalyLog, DEFAULT_MAX_EXAMPLES, type Anomaly } from './common.js';

/** How a protocol error is kept in the history: the `error` of the op's `info` completion. */
export interface ProtocolErrorRecord {
  kind: 'protocol-error';
  /** The node (or service) that replied. */
  node: string;
  /** The request's type, e.g. `read`. */
  request: string;
  /** msg_id of the request, when the reply named it. */
  inReplyTo?: number;
  /** What a valid reply looks like. */
  expected: string;
  /** The reply as received. */
  got: unknown;
  message: string;
}

/** True for the `error` of an op a client completed because of a protocol error. */
export function isProtocolErrorRecord(e: unknown): e is ProtocolErrorRecord {
  return typeof e === 'object' && e !== null && (e as { kind?: unknown }).kind === 'protocol-error' &&
    typeof (e as { message?: unknown }).message === 'string';
}

/** The protocol checker's result, as written into `results.json`. */
export interface ProtocolResult extends CheckResult {
  checker: 'protocol';
  count: number;
  /** Protocol errors per replying node. */
  byNode: Record<string, number>;
  examples: { index: number; f: string; node: string; message: string }[];
  reason?: string;
}

/** Finds the protocol errors recorded in a history. */
export function checkProtocol(history: readonly Op[], opts: { maxExamples?: number } = {}): ProtocolResult {
  const log = new AnomalyLog<{ index: number; f: string; node: string; message: string }>(opts.maxExamples ?? DEFAULT_MAX_EXAMPLES);
  const byNode: Record<string, number> = {};
  for (const op of history) {
    if (op.type === 'invoke' || !isProtocolErrorRecord(op.error)) continue;
    const e = op.error;
    byNode[e.node] = (byNode[e.node] ?? 0) + 1;
    log.add({ index: op.index, f: op.f, node: e.node, message: e.message });
  }
  const { count, examples } = log.toJSON() as Anomaly<{ index: number; f: string; node: string; message: string }>;
  const res: ProtocolResult = { valid: count === 0, checker: 'protocol', count, byNode, examples };
  if (count > 0) res.reason = `${count} repl${count === 1 ? 'y' : 'ies'} broke the Maelstrom protocol (see examples)`;
  return res;
}

/** The protocol checker as a Checker. */
export function protocolChecker(): Checker {
  return { name: 'protocol', check: (history) => checkProtocol(history) };
}
