/**
 * The kafka checker (Maelstrom's kafka workload, after Jepsen's jepsen.tests.kafka): a replicated
 * log per key. Clients `send` messages (each message is unique), `poll` from offsets, and commit and
 * list consumer offsets. What it finds, by name:
 *
 * - `duplicate-offset`: one offset of a key holding two different messages (two sends given one
 *   offset, or polls disagreeing about what is at it)
 * - `duplicate-message`: one message at two offsets of a key (a send stored twice)
 * - `nonmonotonic-send`: a send acknowledged after another to the same key completed, with an offset
 *   no greater than that one's (offsets must grow with real time)
 * - `nonmonotonic-poll`: a poll whose offsets for a key do not strictly increase, or start below the
 *   offset it asked for
 * - `poll-skip`: a poll that jumped over an offset known to hold a message (from any send or poll),
 *   between where it asked to start and what it returned, or between two offsets it returned
 * - `lost-write`: an acknowledged send no poll ever returned, although some poll read the key past
 *   its offset, or a final poll read the key whole
 * - `committed-offset-regression`: list_committed_offsets reporting, for a key, less than an offset an
 *   earlier commit_offsets acknowledged, or an earlier listing reported, before it began
 *
 * History shapes (harness/middle/workloads/kafka.ts; each client keeps its own poll positions, so what it
 * asked for is in the completion): send `{key, msg}` → ok `{key, msg, offset}`; poll → ok
 * `{from: {key: offset asked}, msgs: {key: [[offset, msg], ...]}}` (a final poll, marked as a final
 * read, reads every key whole); commit_offsets → ok `{key: offset}`; list_committed_offsets → ok
 * `{key: offset}`. Offsets need not be consecutive (Maelstrom's kafka allows gaps), so skips are
 * judged against offsets known to hold messages. A committed offset may go down only by a commit of
 * that lower offset that could have been applied after (a node storing the last commit is correct).
 */
import type { Op } from '../harness/ground/history/op.js';
import { pairOps, type Operation } from '../harness/ground/history/pair.js';
import type { CheckResult, Checker } from './contract.js';
import { AnomalyLog, DEFAULT_MAX_EXAMPLES, canonical, finalReadOf, type Anomaly } from './common.js';

export const KAFKA_ANOMALIES = [
  'duplicate-offset', 'duplicate-message', 'nonmonotonic-send', 'nonmonotonic-poll', 'poll-skip', 'lost-write', 'committed-offset-regression',
] as const;
export type KafkaAnomaly = (typeof KAFKA_ANOMALIES)[number];

export interface KafkaExample {
  key: string;
  /** History index of the operation that shows it. */
  index: number;
  description: string;
}

export interface KafkaResult extends CheckResult {
  checker: 'kafka';
  sends: { ok: number; info: number; fail: number };
  polls: number;
  anomalies: Partial<Record<KafkaAnomaly, Anomaly<KafkaExample>>>;
  reason?: string;
}

/** Set when an offset beyond 2^53 was seen: offsets are compared as doubles, which would round it. */
let unsafeSeen = false;
const num = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  // History records hold an integer beyond 2^53 as its decimal string (exact-int.ts).
  if (typeof v === 'string' && /^-?\d+$/.test(v)) {
    unsafeSeen = true;
    return Number(v);
  }
  return undefined;
};

interface Polled {
  op: Operation;
  /** key → [offset, msg] in the order returned. */
  msgs: Map<string, [number, unknown][]>;
  /** key → the offset asked for; absent for a final poll (from the start). */
  from: Map<string, number>;
  final: boolean;
}

/** Offsets of a `{key: offset}` object. */
function offsetsOf(v: unknown): Map<string, number> {
  const m = new Map<string, number>();
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return m;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const o = num(x);
    if (o !== undefined) m.set(k, o);
  }
  return m;
}

/** The poll's returned messages, or undefined when its value is not of the poll shape. */
function polledOf(op: Operation): Polled | undefined {
  const out = op.output as { from?: unknown; msgs?: unknown } | null;
  if (typeof out !== 'object' || out === null || typeof out.msgs !== 'object' || out.msgs === null) return undefined;
  const msgs = new Map<string, [number, unknown][]>();
  for (const [k, list] of Object.entries(out.msgs as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    const pairs: [number, unknown][] = [];
    for (const e of list) {
      if (!Array.isArray(e) || e.length < 2) continue;
      const o = num(e[0]);
      if (o !== undefined) pairs.push([o, e[1]]);
    }
    msgs.set(k, pairs);
  }
  return { op, msgs, from: offsetsOf(out.from), final: finalReadOf(op.input) !== undefined };
}

/** Checks a kafka history (see the module comment). */
export function checkKafka(history: readonly Op[], opts: { maxExamples?: number } = {}): KafkaResult {
  const max = opts.maxExamples ?? DEFAULT_MAX_EXAMPLES;
  unsafeSeen = false;
  const logs = new Map<KafkaAnomaly, AnomalyLog<KafkaExample>>(KAFKA_ANOMALIES.map((a) => [a, new AnomalyLog<KafkaExample>(max)]));
  const add = (a: KafkaAnomaly, key: string, index: number, description: string): void => logs.get(a)!.add({ key, index, description });
  const ops = pairOps(history);
  const sends = { ok: 0, info: 0, fail: 0 };
  // key → offset → [canonical msg, msg, index of first op that showed it]
  const at = new Map<string, Map<number, { c: string; msg: unknown; index: number }>>();
  // key → canonical msg → offsets seen
  const where = new Map<string, Map<string, Set<number>>>();
  const acked: { key: string; msg: unknown; offset: number; op: Operation }[] = [];
  const polls: Polled[] = [];
  const commits: { key: string; offset: number; op: Operation }[] = [];
  const lists: { op: Operation; offsets: Map<string, number> }[] = [];
  // key, offset and message of everything a poll returned.
  const polledAt = new Set<string>();
  const clashes = new Set<string>();

  const observe = (key: string, offset: number, msg: unknown, index: number): void => {
    const c = canonical(msg);
    let byOffset = at.get(key);
    if (!byOffset) at.set(key, (byOffset = new Map()));
    const seen = byOffset.get(offset);
    if (seen === undefined) byOffset.set(offset, { c, msg, index });
    else if (seen.c !== c && !clashes.has(`${key}\u0000${offset}\u0000${c}`)) {
      // Each message found at an offset another holds counts once, however many polls show it.
      clashes.add(`${key}\u0000${offset}\u0000${c}`);
      add('duplicate-offset', key, index, `offset ${offset} of key ${key} holds both ${seen.c} (op ${seen.index}) and ${c} (op ${index})`);
    }
    let byMsg = where.get(key);
    if (!byMsg) where.set(key, (byMsg = new Map()));
    let offs = byMsg.get(c);
    if (!offs) byMsg.set(c, (offs = new Set()));
    if (!offs.has(offset)) {
      offs.add(offset);
      if (offs.size === 2) add('duplicate-message', key, index, `message ${c} is at offsets ${[...offs].join(' and ')} of key ${key}`);
    }
  };

  for (const op of ops) {
    if (op.f === 'send') {
      sends[op.outcome === 'ok' ? 'ok' : op.outcome === 'fail' ? 'fail' : 'info']++;
      if (op.outcome !== 'ok') continue;
      const v = op.output as { key?: unknown; msg?: unknown; offset?: unknown } | null;
      const offset = num(v?.offset);
      if (v === null || typeof v !== 'object' || offset === undefined) continue;
      const key = String(v.key);
      acked.push({ key, msg: v.msg, offset, op });
      observe(key, offset, v.msg, op.index);
    } else if (op.f === 'poll' && op.outcome === 'ok') {
      const p = polledOf(op);
      if (!p) continue;
      polls.push(p);
      for (const [key, pairs] of p.msgs) {
        for (const [o, m] of pairs) {
          observe(key, o, m, op.completionIndex ?? op.index);
          polledAt.add(`${key}\u0000${o}\u0000${canonical(m)}`);
        }
      }
    } else if (op.f === 'commit_offsets' && op.outcome !== 'fail') {
      // An indeterminate commit may have happened at any time after it began.
      for (const [key, o] of offsetsOf(op.outcome === 'ok' ? op.output : op.input)) commits.push({ key, offset: o, op });
    } else if (op.f === 'list_committed_offsets' && op.outcome === 'ok') {
      lists.push({ op, offsets: offsetsOf(op.output) });
    }
  }

  // Known offsets per key, sorted, for skip checks by binary search.
  const known = new Map<string, number[]>();
  for (const [key, byOffset] of at) known.set(key, [...byOffset.keys()].sort((a, b) => a - b));
  /** The smallest known offset of `key` in [lo, hi), if any. */
  const knownIn = (key: string, lo: number, hi: number): number | undefined => {
    const list = known.get(key) ?? [];
    let a = 0;
    let b = list.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (list[mid] < lo) a = mid + 1;
      else b = mid;
    }
    return a < list.length && list[a] < hi ? list[a] : undefined;
  };

  // Polls: strictly increasing, not below the start asked for, no known offset skipped. Each case
  // counts once (a skipped offset, a pair out of order), however many polls show it.
  const seenCase = new Set<string>();
  const once = (a: KafkaAnomaly, id: string, key: string, index: number, description: string): void => {
    if (seenCase.has(`${a}\u0000${id}`)) return;
    seenCase.add(`${a}\u0000${id}`);
    add(a, key, index, description);
  };
  const maxPolled = new Map<string, number>();
  const finalKeys = new Set<string>();
  for (const p of polls) {
    const index = p.op.completionIndex ?? p.op.index;
    if (p.final) for (const k of p.msgs.keys()) finalKeys.add(k);
    for (const [key, pairs] of p.msgs) {
      const from = p.final ? -Infinity : p.from.get(key);
      let prev: number | undefined;
      for (const [o] of pairs) {
        maxPolled.set(key, Math.max(maxPolled.get(key) ?? -Infinity, o));
        if (prev !== undefined && o <= prev) once('nonmonotonic-poll', `${key}\u0000${prev}\u0000${o}`, key, index, `a poll of key ${key} returned offset ${o} after offset ${prev}`);
        else if (prev === undefined && from !== undefined && o < from) once('nonmonotonic-poll', `${key}\u0000${from}\u0000${o}`, key, index, `a poll of key ${key} from offset ${from} returned offset ${o}`);
        const lo = prev !== undefined ? prev + 1 : from;
        if (lo !== undefined && o > lo) {
          const skipped = knownIn(key, lo, o);
          if (skipped !== undefined) once('poll-skip', `${key}\u0000${skipped}`, key, index, `a poll of key ${key} skipped offset ${skipped} (it returned ${prev === undefined ? `${o} first, asked from ${from === -Infinity ? 'the start' : from}` : `${o} after ${prev}`})`);
        }
        if (prev === undefined || o > prev) prev = o;
      }
      // A final poll reads the whole key: every known offset up to its last must be in it.
      if (p.final && pairs.length === 0 && (known.get(key)?.length ?? 0) > 0) {
        add('poll-skip', key, index, `a final poll of key ${key} returned nothing, though offset ${known.get(key)![0]} holds a message`);
      }
    }
  }

  // Lost writes: acknowledged, never polled, yet the key was read past it (or whole, by a final poll).
  for (const s of acked) {
    const c = canonical(s.msg);
    if (polledAt.has(`${s.key}\u0000${s.offset}\u0000${c}`)) continue;
    const past = (maxPolled.get(s.key) ?? -Infinity) > s.offset;
    if (past || finalKeys.has(s.key)) {
      add('lost-write', s.key, s.op.completionIndex ?? s.op.index, `the send of ${c} to key ${s.key} was acknowledged at offset ${s.offset}, but no poll returned it${past ? ` though polls read the key up to offset ${maxPolled.get(s.key)}` : ' though a final poll read the key whole'}`);
    }
  }

  // Sends: an acknowledged send that began after another to its key completed must get a greater offset.
  const byKey = new Map<string, typeof acked>();
  for (const s of acked) {
    let l = byKey.get(s.key);
    if (!l) byKey.set(s.key, (l = []));
    l.push(s);
  }
  for (const [key, list] of byKey) {
    const byRet = [...list].sort((a, b) => a.op.ret - b.op.ret);
    const byCall = [...list].sort((a, b) => a.op.call - b.op.call);
    let i = 0;
    let best: (typeof list)[number] | undefined;
    for (const s of byCall) {
      while (i < byRet.length && byRet[i].op.ret < s.op.call) {
        if (best === undefined || byRet[i].offset > best.offset) best = byRet[i];
        i++;
      }
      if (best !== undefined && s.offset <= best.offset) {
        add('nonmonotonic-send', key, s.op.completionIndex ?? s.op.index, `a send to key ${key} got offset ${s.offset}, though it began after a send to it was acknowledged at offset ${best.offset} (op ${best.op.index})`);
      }
    }
  }

  // Committed offsets: a listing must not report less than what was committed or listed before it began.
  const floors = new Map<string, { call: number; ret: number; offset: number; index: number }[]>();
  const floor = (key: string, o: Operation, offset: number): void => {
    let l = floors.get(key);
    if (!l) floors.set(key, (l = []));
    l.push({ call: o.call, ret: o.ret, offset, index: o.index });
  };
  // key → committed offset → the latest completion of a commit of it (Infinity: indeterminate).
  const committedRet = new Map<string, Map<number, number>>();
  for (const c of commits) {
    if (c.op.outcome === 'ok') floor(c.key, c.op, c.offset);
    let m = committedRet.get(c.key);
    if (!m) committedRet.set(c.key, (m = new Map()));
    m.set(c.offset, Math.max(m.get(c.offset) ?? -Infinity, c.op.ret));
  }
  for (const l of lists) for (const [key, o] of l.offsets) floor(key, l.op, o);
  for (const [key, fl] of floors) {
    fl.sort((a, b) => a.ret - b.ret);
    // The workload's listings ask for every key, so a key missing from one has no committed offset there.
    const ls = [...lists].sort((a, b) => a.op.call - b.op.call);
    let i = 0;
    let best: (typeof fl)[number] | undefined;
    for (const l of ls) {
      while (i < fl.length && fl[i].ret < l.op.call) {
        if (best === undefined || fl[i].offset > best.offset) best = fl[i];
        i++;
      }
      const got = l.offsets.get(key);
      // A lower offset is explained by a commit of exactly it that did not complete before the higher
      // one's operation began (it may have been applied after).
      const explained = got !== undefined && (committedRet.get(key)?.get(got) ?? -Infinity) > (best?.call ?? Infinity);
      if (best !== undefined && (got === undefined || got < best.offset) && !explained) {
        add('committed-offset-regression', key, l.op.completionIndex ?? l.op.index, `list_committed_offsets reported ${got === undefined ? 'no offset' : `offset ${got}`} for key ${key}, after offset ${best.offset} was committed or listed (op ${best.index})`);
      }
    }
  }

  const anomalies: Partial<Record<KafkaAnomaly, Anomaly<KafkaExample>>> = {};
  for (const [a, log] of logs) if (log.count > 0) anomalies[a] = log.toJSON();
  const found = Object.keys(anomalies) as KafkaAnomaly[];
  const res: KafkaResult = { valid: true, checker: 'kafka', sends, polls: polls.length, anomalies };
  if (unsafeSeen) {
    // Never a verdict from rounded offsets: two offsets 1 apart beyond 2^53 would read as one.
    res.valid = 'unknown';
    res.reason = 'offsets beyond 2^53 were returned; this checker compares offsets as doubles and does not judge them';
  } else if (found.length > 0) {
    res.valid = false;
    res.reason = found.map((a) => `${anomalies[a]!.count} ${a}`).join(', ') + `; e.g. ${anomalies[found[0]]!.examples[0].description}`;
  } else if (sends.ok === 0 || polls.length === 0) {
    res.valid = 'unknown';
    res.reason = sends.ok === 0 ? 'no send was acknowledged: nothing to check' : 'no poll succeeded: lost writes cannot be told';
  }
  return res;
}

/** The kafka checker as a Checker. */
export function kafkaChecker(opts: { maxExamples?: number } = {}): Checker {
  return { name: 'kafka', check: (history) => checkKafka(history, opts) };
}
