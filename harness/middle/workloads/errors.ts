/**
 * Errors of Maelstrom workloads.
 *
 * A node that answers with the wrong message type, or leaves out a field the protocol requires, has
 * a bug the user must hear about by name. Clients do not throw it (the driver would flatten a throw
 * into an anonymous `client error` string): they complete the op `info` with the error's record as
 * `error` (its effect is unknown, so every checker stays sound), keep the error in their
 * `protocolErrors`, and pass it to `onProtocolError` so the run can log it at once. The `protocol`
 * checker finds the records in the history again, so `results.json` lists them, also on re-checks.
 */
import type { ProtocolErrorRecord } from '../../../checkers/protocol.js';
import type { MaelstromBody } from '../../ground/protocol/protocol.js';

export type { ProtocolErrorRecord } from '../../../checkers/protocol.js';

const MAX_SHOWN = 200;

function show(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s;
}

/** A reply that breaks the Maelstrom protocol; the message names the node, the request and the fix. */
export class ProtocolError extends Error {
  readonly kind = 'protocol-error' as const;

  constructor(
    readonly node: string,
    readonly request: MaelstromBody,
    readonly reply: unknown,
    /** What is wrong, e.g. `it lacks "value"`. */
    readonly problem: string,
    /** What a valid reply looks like, e.g. `{type: "read_ok", value: <integer>}`. */
    readonly expected: string,
  ) {
    const id = ProtocolError.inReplyTo(reply);
    super(
      `${node} broke the Maelstrom protocol: its reply to ${request.type}${id === undefined ? '' : ` (msg_id ${id})`} ` +
        `${problem}; expected ${expected} or an error, got ${show(reply)} (fix the node's ${request.type} handler)`,
    );
    this.name = 'ProtocolError';
  }

  private static inReplyTo(reply: unknown): number | undefined {
    const id = typeof reply === 'object' && reply !== null ? (reply as { in_reply_to?: unknown }).in_reply_to : undefined;
    return typeof id === 'number' ? id : undefined;
  }

  /** The plain record kept in the history. */
  toJSON(): ProtocolErrorRecord {
    const rec: ProtocolErrorRecord = {
      kind: 'protocol-error',
      node: this.node,
      request: this.request.type,
      expected: this.expected,
      got: this.reply,
      message: this.message,
    };
    const id = ProtocolError.inReplyTo(this.reply);
    if (id !== undefined) rec.inReplyTo = id;
    return rec;
  }
}

/** A workload's setup (e.g. broadcast's topology) failed on some nodes; the run cannot go on. */
export class WorkloadSetupError extends Error {
  constructor(
    readonly workload: string,
    /** Node → what went wrong there. */
    readonly failures: Readonly<Record<string, string>>,
  ) {
    const list = Object.entries(failures).map(([node, why]) => `${node}: ${why}`).join('; ');
    super(`${workload} setup failed on ${Object.keys(failures).length} node(s): ${list}`);
    this.name = 'WorkloadSetupError';
  }
}
