/**
 * The one place Maelstrom replies become completions, so every workload maps them the same way:
 *
 * - the expected `*_ok` reply with the fields it must have → `ok`
 * - an `error` reply → `completionOf`: a definite code is `fail`, an indefinite or unknown one `info`,
 *   and for an idempotent request (a read) anything is `fail`, since it changed nothing
 * - no reply in time (RpcTimeout) → `info`, or `fail` when idempotent
 * - the connection itself failing → the same as a timeout: the request may have been delivered
 * - a reply of another type, or missing a required field → `info` with a ProtocolError record
 */
import { finalReadOf } from '../../../checkers/common.js';
import { RpcTimeout, completionOf, type MaelstromBody, type MaelstromConn } from '../../ground/protocol/protocol.js';
import type { ClientOp } from '../../ground/contracts/roles.js';
import { ProtocolError } from './errors.js';
import type { MaelstromClient, MaelstromCompletion, MaelstromWorkloadOptions } from './types.js';
import { errorMessage } from '../../ground/history/errors.js';

/** Thrown by a reply parser: the reply is of the right type but its fields are wrong. */
export class ShapeError extends Error {}

/** One request and what a good reply to it looks like. */
export interface Exchange {
  /** The request (the connection adds msg_id). */
  body: MaelstromBody;
  /** The success reply's type, e.g. `read_ok`. */
  ok: string;
  /** True when the request changes nothing, so that not knowing its outcome is a `fail`. */
  idempotent: boolean;
  /** The fields a success reply must carry, for messages: e.g. `value: <integer>`. */
  shape?: string;
  /** The completion value from a success reply; throws ShapeError when a field is wrong. */
  value?(reply: MaelstromBody): unknown;
  /** Where to send it; default the client's node. */
  dest?: string;
}

/** A required field of a reply, checked with `ok` (described as `what` when it fails). */
export function field<T>(reply: MaelstromBody, name: string, ok: (v: unknown) => v is T, what: string): T {
  if (!(name in reply)) throw new ShapeError(`lacks "${name}"`);
  const v = reply[name];
  if (!ok(v)) throw new ShapeError(`has "${name}" = ${JSON.stringify(v)}, which is not ${what}`);
  return v;
}

export const isAny = (_v: unknown): _v is unknown => true;
export const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
export const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

type Perform = (op: ClientOp, call: (ex: Exchange) => Promise<MaelstromCompletion>) => Promise<MaelstromCompletion>;

/**
 * A client for `node` whose `invoke` is `perform`, given `call` to exchange one request. An op whose
 * value marks a final read of a named node is sent there (see MaelstromWorkload.client).
 */
export function maelstromClient(conn: MaelstromConn, node: string, opts: MaelstromWorkloadOptions, perform: Perform): MaelstromClient {
  const protocolErrors: ProtocolError[] = [];
  const timeoutMs = opts.rpcTimeoutMs;

  const call = async (ex: Exchange): Promise<MaelstromCompletion> => {
    const dest = ex.dest ?? node;
    let reply: MaelstromBody;
    try {
      reply = await conn.rpc(dest, ex.body, timeoutMs);
    } catch (err) {
      if (err instanceof RpcTimeout) return { ...completionOf(err, ex.idempotent, () => undefined), node: dest };
      const message = errorMessage(err);
      return { type: ex.idempotent ? 'fail' : 'info', error: { name: 'rpc-error', text: message }, node: dest };
    }
    const protocol = (problem: string): MaelstromCompletion => {
      const expected = `{type: "${ex.ok}"${ex.shape ? `, ${ex.shape}` : ''}}`;
      const pe = new ProtocolError(dest, ex.body, reply, problem, expected);
      protocolErrors.push(pe);
      opts.onProtocolError?.(pe);
      return { type: 'info', error: pe.toJSON(), node: dest };
    };
    if (typeof reply !== 'object' || reply === null || typeof reply.type !== 'string') return protocol('has no type');
    if (reply.type === 'error') {
      if (!isInteger(reply.code)) return protocol('is an error without an integer "code"');
      const c = completionOf(reply, ex.idempotent, () => undefined);
      return { type: c.type, error: c.error, node: dest };
    }
    if (reply.type !== ex.ok) return protocol(`has type "${reply.type}"`);
    let value: unknown;
    try {
      value = ex.value?.(reply);
    } catch (err) {
      if (err instanceof ShapeError) return protocol(err.message);
      throw err;
    }
    // No value keeps the invocation's (an acknowledged write or add says nothing new).
    return value === undefined ? { type: 'ok', node: dest } : { type: 'ok', value, node: dest };
  };

  let closed = false;
  return {
    node,
    protocolErrors,
    async invoke(op) {
      if (closed) throw new Error(`the client for ${node} is closed; open a new one for process ${op.process}`);
      return perform(op, call);
    },
    async close() {
      // The connection belongs to the runner; nothing of ours stays open.
      closed = true;
    },
  };
}

/** Where an op goes: the node its final-read marker names, else the client's node (undefined). */
export function destOf(op: ClientOp): string | undefined {
  return finalReadOf(op.value)?.node;
}

/** The error for an op the workload does not know: a bug of the generator, not of the node. */
export function unknownOp(workload: string, op: ClientOp, known: readonly string[]): Error {
  return new Error(`the ${workload} workload cannot perform "${op.f}"; its ops are ${known.join(', ')}`);
}
