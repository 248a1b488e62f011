/**
 * The Maelstrom node protocol: JSON messages `{src, dest, body}` one per line on a node's stdin and
 * stdout; `body.type` names the message, `msg_id` / `in_reply_to` pair requests and replies.
 */
import type { Completion } from '../contracts/roles.js';

export interface MaelstromBody {
  type: string;
  msg_id?: number;
  in_reply_to?: number;
  [field: string]: unknown;
}

export interface MaelstromMessage {
  /** Journal id assigned by the network (not part of Maelstrom's wire format). */
  id?: number;
  src: string;
  dest: string;
  body: MaelstromBody;
}

/** A client's connection to the cluster through the routed network. */
export interface MaelstromConn {
  /** Client id on the network, e.g. `c3`. */
  readonly id: string;
  /**
   * Sends `body` (a msg_id is added) to `dest` — a node such as `n0` or a service such as `lin-kv` —
   * and resolves with the reply body. Rejects with RpcTimeout when no reply came within `timeoutMs`.
   */
  rpc(dest: string, body: MaelstromBody, timeoutMs?: number): Promise<MaelstromBody>;
}

/** No reply in time: the request may or may not have taken effect. */
export class RpcTimeout extends Error {
  constructor(readonly dest: string, readonly timeoutMs: number) {
    super(`no reply from ${dest} within ${timeoutMs} ms`);
    this.name = 'RpcTimeout';
  }
}

/** Maelstrom's error codes: `definite` means the request certainly did not take effect. */
export const ERROR_CODES: Readonly<Record<number, { name: string; definite: boolean }>> = {
  0: { name: 'timeout', definite: false },
  1: { name: 'node-not-found', definite: true },
  10: { name: 'not-supported', definite: true },
  11: { name: 'temporarily-unavailable', definite: true },
  12: { name: 'malformed-request', definite: true },
  13: { name: 'crash', definite: false },
  14: { name: 'abort', definite: true },
  20: { name: 'key-does-not-exist', definite: true },
  21: { name: 'key-already-exists', definite: true },
  22: { name: 'precondition-failed', definite: true },
  30: { name: 'txn-conflict', definite: true },
};

/**
 * Maps an RPC outcome to a completion, deliberately: an `error` reply with a definite code is `fail`;
 * an indefinite code, an unknown code or a timeout is `info` — except for idempotent ops (reads),
 * which change nothing and so may be `fail` whatever happened.
 */
export function completionOf(reply: MaelstromBody | RpcTimeout, idempotent: boolean, value: (b: MaelstromBody) => unknown): Completion {
  if (reply instanceof RpcTimeout) return { type: idempotent ? 'fail' : 'info', error: 'timeout' };
  if (reply.type === 'error') {
    const code = typeof reply.code === 'number' ? reply.code : -1;
    const known = ERROR_CODES[code];
    const error = { code, name: known?.name ?? 'unknown', text: reply.text };
    return { type: idempotent || known?.definite ? 'fail' : 'info', error };
  }
  return { type: 'ok', value: value(reply) };
}
