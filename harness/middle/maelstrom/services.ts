/**
 * Maelstrom's built-in services, reachable as node ids on the routed network: `lin-kv`, `seq-kv`,
 * `lww-kv` and `lin-tso`, with exactly Maelstrom's message shapes (read → read_ok {value},
 * write → write_ok, cas → cas_ok; errors 20 key-does-not-exist and 22 precondition-failed; ts →
 * ts_ok {ts}).
 *
 * Services run in the harness process and answer synchronously on delivery; requests and replies
 * both cross the network, so base latency applies to them. A partition touches a service only when
 * the grudge names it (e.g. `{"lin-kv": ["n1"]}` makes lin-kv deaf to n1), and loss and extra latency
 * touch them only with `faultScope: 'all'`: Maelstrom's services are reliable infrastructure that a
 * test cuts off deliberately, never by accident of "partition the nodes".
 */
import { applyKv, errorBody, keyOf, parseKvRequest } from '../../ground/protocol/kv-request.js';
import { LwwKv, type LwwKvOptions } from './lww-kv.js';
import type { MaelstromBody } from '../../ground/protocol/protocol.js';
import { SeqKv, type SeqKvOptions } from './seq-kv.js';

/** A service: answers one request from `src` with a reply body (the host adds in_reply_to). */
export interface Service {
  readonly id: string;
  handle(src: string, body: MaelstromBody): MaelstromBody;
}

export const SERVICE_NAMES = ['lin-kv', 'seq-kv', 'lww-kv', 'lin-tso'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** A linearizable KV store: one map, every request applied atomically in arrival order. */
export class LinKv implements Service {
  private readonly m = new Map<string, { value: unknown }>();

  constructor(readonly id = 'lin-kv') {}

  /** Applies the request to the one map. */
  handle(_src: string, body: MaelstromBody): MaelstromBody {
    const req = parseKvRequest(this.id, body);
    if ('type' in req) return req;
    return applyKv(req, (k) => this.m.get(k), (k, value) => { this.m.set(k, { value }); });
  }

  /** The current value of `key`, for tests and final-state dumps. */
  peek(key: unknown): unknown {
    return this.m.get(keyOf(key))?.value;
  }
}

/** A timestamp oracle: `ts` → `ts_ok {ts}`, 0, 1, 2, … in arrival order. */
export class LinTso implements Service {
  private next = 0;

  constructor(readonly id = 'lin-tso') {}

  /** Hands out the next timestamp. */
  handle(_src: string, body: MaelstromBody): MaelstromBody {
    if (body.type !== 'ts') return errorBody(10, `${this.id} does not support "${body.type}"; it answers ts`);
    return { type: 'ts_ok', ts: this.next++ };
  }
}

export interface ServiceOptions {
  /** Seeds seq-kv's staleness and lww-kv's replica choice. */
  seed: number | string;
  seqKv?: Omit<SeqKvOptions, 'seed'>;
  lwwKv?: Omit<LwwKvOptions, 'seed'>;
}

/** Makes the named service. */
export function createService(name: ServiceName, opts: ServiceOptions): Service {
  switch (name) {
    case 'lin-kv':
      return new LinKv();
    case 'seq-kv':
      return new SeqKv({ ...opts.seqKv, seed: opts.seed });
    case 'lww-kv':
      return new LwwKv({ ...opts.lwwKv, seed: opts.seed });
    case 'lin-tso':
      return new LinTso();
    default:
      throw new Error(`unknown Maelstrom service ${JSON.stringify(name)}; the services are ${SERVICE_NAMES.join(', ')}`);
  }
}

/** The reply to `body` as the service sends it: `in_reply_to` set from the request's msg_id. */
export function replyOf(service: Service, src: string, body: MaelstromBody): MaelstromBody {
  let reply: MaelstromBody;
  try {
    reply = service.handle(src, body);
  } catch (err) {
    // A service bug must not take the network down; the node sees Maelstrom's "crash" error.
    reply = errorBody(13, `${service.id} failed on ${body.type}: ${(err as Error).message}`);
  }
  return body.msg_id === undefined ? reply : { ...reply, in_reply_to: body.msg_id };
}
