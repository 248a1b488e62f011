/**
 * Maelstrom's kafka workload: a replicated log per key.
 *
 * `send {key, msg}` → `send_ok {offset}`; `poll {offsets: {key: from}}` → `poll_ok {msgs: {key:
 * [[offset, msg], ...]}}`; `commit_offsets {offsets}` → `commit_offsets_ok`; `list_committed_offsets
 * {keys}` → `list_committed_offsets_ok {offsets}`. Keys are "0".."k-1", messages unique integers (each
 * sent once, so a message names its send; two streams, 0, 1, 2, ... and -1, -2, ..., so that sends
 * are two in five ops). Each client polls every key from where its last poll
 * ended and commits what it has polled, as a Kafka consumer does; after healing, a final poll per
 * node reads every key whole. `null` for a list or map reads as empty (a Go nil slice or map), as
 * Maelstrom's schemas take it. Checked by checkers/kafka.ts.
 */
import { finalReadOf } from '../../../checkers/common.js';
import { kafkaChecker } from '../../../checkers/kafka.js';
import { protocolChecker } from '../../../checkers/protocol.js';
import { mix } from '../../ground/generator/index.js';
import { ShapeError, field, isInteger, maelstromClient, unknownOp } from './client.js';
import { finalReads, numbered, paced } from './common.js';
import type { MaelstromWorkload } from './types.js';

/** Keys when --keys does not say. */
export const DEFAULT_KAFKA_KEYS = 3;
/** A final poll repeats while new messages come back, at most this often. */
const FINAL_POLL_ROUNDS = 100;

const FS = ['send', 'poll', 'commit_offsets', 'list_committed_offsets'] as const;

/** `{key: offset}` of a reply field; null reads as empty. */
function offsetMap(v: unknown, what: string): Record<string, number> {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ShapeError(`has ${what} = ${JSON.stringify(v)}, which is not an object of offsets`);
  const out: Record<string, number> = {};
  for (const [k, o] of Object.entries(v as Record<string, unknown>)) {
    if (o === null) continue;
    if (!isInteger(o)) throw new ShapeError(`has ${what}.${k} = ${JSON.stringify(o)}, which is not an integer offset`);
    out[k] = o;
  }
  return out;
}

/** `{key: [[offset, msg], ...]}` of a poll_ok; null (for the map or a list) reads as empty. */
function pollMsgs(v: unknown): Record<string, [number, unknown][]> {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ShapeError(`has "msgs" = ${JSON.stringify(v)}, which is not an object of key → [[offset, msg], ...]`);
  const out: Record<string, [number, unknown][]> = {};
  for (const [k, list] of Object.entries(v as Record<string, unknown>)) {
    if (list === null) { out[k] = []; continue; }
    if (!Array.isArray(list)) throw new ShapeError(`has msgs.${k} = ${JSON.stringify(list)}, which is not a list of [offset, msg]`);
    out[k] = list.map((e) => {
      if (!Array.isArray(e) || e.length !== 2 || !isInteger(e[0])) throw new ShapeError(`has ${JSON.stringify(e)} in msgs.${k}, which is not [offset, msg]`);
      return [e[0], e[1]] as [number, unknown];
    });
  }
  return out;
}

const keysOf = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i));

export const kafka: MaelstromWorkload = {
  name: 'kafka',
  description: 'kafka: send to, poll from and commit offsets of replicated logs; no lost, duplicated, reordered or skipped message',
  services: [],
  generator(opts) {
    const keys = opts.keyCount ?? DEFAULT_KAFKA_KEYS;
    if (!Number.isInteger(keys) || keys < 1) throw new RangeError(`kafka: keyCount must be a positive integer, got ${keys}`);
    return paced(opts, mix([
      numbered((i, ctx) => ({ f: 'send', value: { key: String(ctx.rng.int(keys)), msg: i } })),
      numbered((i, ctx) => ({ f: 'send', value: { key: String(ctx.rng.int(keys)), msg: -1 - i } })),
      () => ({ f: 'poll', value: null }),
      () => ({ f: 'commit_offsets', value: null }),
      () => ({ f: 'list_committed_offsets', value: null }),
    ]));
  },
  finalGenerator: (opts) => finalReads(opts, 'poll'),
  client(conn, node, opts) {
    const keys = keysOf(opts.keyCount ?? DEFAULT_KAFKA_KEYS);
    // This consumer's next offset per key, and the last offset it polled.
    const next = new Map<string, number>(keys.map((k) => [k, 0]));
    return maelstromClient(conn, node, opts, async (op, call) => {
      switch (op.f) {
        case 'send': {
          const { key, msg } = op.value as { key: string; msg: unknown };
          return call({
            body: { type: 'send', key, msg }, ok: 'send_ok', idempotent: false, shape: 'offset: <integer>',
            value: (r) => ({ key, msg, offset: field(r, 'offset', isInteger, 'an integer') }),
          });
        }
        case 'poll': {
          const final = finalReadOf(op.value);
          if (final === undefined) {
            const from = Object.fromEntries(next);
            const done = await call({ body: { type: 'poll', offsets: from }, ok: 'poll_ok', idempotent: true, shape: 'msgs: {<key>: [[<offset>, <msg>], ...]}', value: (r) => ({ from, msgs: pollMsgs(r.msgs) }) });
            if (done.type === 'ok') {
              for (const [k, list] of Object.entries((done.value as { msgs: Record<string, [number, unknown][]> }).msgs)) {
                const last = list[list.length - 1];
                if (last !== undefined && next.has(k)) next.set(k, Math.max(next.get(k)!, last[0] + 1));
              }
            }
            return done;
          }
          // A final poll reads every key whole: from 0, again from past the last offset while more come.
          const from = Object.fromEntries(keys.map((k) => [k, 0]));
          const msgs: Record<string, [number, unknown][]> = Object.fromEntries(keys.map((k) => [k, []]));
          const pos = new Map(keys.map((k) => [k, 0]));
          for (let round = 0; round < FINAL_POLL_ROUNDS; round++) {
            const got = await call({ body: { type: 'poll', offsets: Object.fromEntries(pos) }, ok: 'poll_ok', idempotent: true, shape: 'msgs: {<key>: [[<offset>, <msg>], ...]}', value: (r) => pollMsgs(r.msgs), dest: final.node });
            if (got.type !== 'ok') return got;
            let more = false;
            for (const [k, list] of Object.entries(got.value as Record<string, [number, unknown][]>)) {
              if (!pos.has(k)) continue;
              const fresh = list.filter(([o]) => o >= pos.get(k)!);
              if (fresh.length === 0) continue;
              more = true;
              msgs[k].push(...fresh);
              pos.set(k, fresh[fresh.length - 1][0] + 1);
            }
            if (!more) break;
          }
          return { type: 'ok', value: { from, msgs }, node: final.node ?? node };
        }
        case 'commit_offsets': {
          const offsets = Object.fromEntries([...next].filter(([, o]) => o > 0).map(([k, o]) => [k, o - 1]));
          const done = await call({ body: { type: 'commit_offsets', offsets }, ok: 'commit_offsets_ok', idempotent: false, value: () => offsets });
          // An indeterminate commit keeps what it tried to commit: the checker must know it may have happened.
          return done.type === 'info' && done.value === undefined ? { ...done, value: offsets } : done;
        }
        case 'list_committed_offsets':
          return call({
            body: { type: 'list_committed_offsets', keys }, ok: 'list_committed_offsets_ok', idempotent: true, shape: 'offsets: {<key>: <offset>}',
            value: (r) => offsetMap(r.offsets, '"offsets"'),
          });
        default:
          throw unknownOp('kafka', op, FS);
      }
    });
  },
  checkers: [kafkaChecker(), protocolChecker()],
};
