/**
 * The fenced-lock checker: mutual exclusion as the guarded resource saw it, and the fencing tokens.
 *
 * A client that acquires the lock records its fencing token in the acquire's ok value (`{token}`);
 * each `write` it then makes to the resource carries that token, and the resource answers with the
 * position at which it applied the write (`{token, seq}`, a total order of its own) or, when it
 * enforces fencing, rejects a token lower than the highest it has seen (`fail`, `{token,
 * rejected: true}`). Three classes of violation:
 *
 * - `interleaved`: in the resource's own order, the writes of one grant are split by another grant's
 *   (token a, then b, then a again): two holders acted on the resource at once. Its own order, not the
 *   history's clock, so it is a fact about the resource, not a guess.
 * - `stale-write`: in the resource's order, a write whose token is below one the resource had already
 *   applied: the older grant still acted after a newer grant had acted on the resource (its holder
 *   was paused past its lease and came back). Tokens grow with the grants (else `token-decreased`),
 *   so under mutual exclusion the applied tokens never go down; enforced fencing rejects exactly these
 *   writes. An older grant whose writes all come after the newer one's (b…b a…a) is caught here and
 *   not by `interleaved`.
 * - `token-reused`: two grants carry the same token (a fencing token must name one grant).
 * - `token-decreased`: a grant that began after another ended carries a lower token (tokens must
 *   grow with the grants in real time, or fencing protects nothing).
 *
 * Writes whose outcome is unknown (`info`) may or may not have been applied; they are counted but
 * have no place in the resource's order. Writes fencing rejected are reported, not violations.
 */
import type { Op } from '../harness/ground/history/op.js';
import type { CheckResult, Checker } from './contract.js';
import { AnomalyLog, type Anomaly } from './common.js';

/** One grant: an acquire that completed ok with a token. */
export interface Grant {
  process: number;
  token: number;
  /** History index and time of the acquire's invocation and of its ok. */
  invoked: number;
  acquired: number;
  invokedAt: number;
  acquiredAt: number;
}

/** One write fencing rejected: its token was below the highest the resource had seen. */
export interface RejectedWrite { process: number; token: number; highest?: number; index: number }

/** One write the resource applied, in its order. */
export interface AppliedWrite { process: number; token: number; seq: number; index: number }

export interface FencedLockResult extends CheckResult {
  checker: 'fenced-lock';
  grants: number;
  /** Writes the resource applied (ok). */
  writes: number;
  /** Writes fencing rejected (a token lower than the highest seen). */
  rejected: number;
  /** Each of them — the stale holders fencing stopped — for the report (history index, token, the highest seen). */
  rejectedWrites: RejectedWrite[];
  /** Writes with an unknown outcome. */
  unknown: number;
  interleaved: Anomaly<{ token: number; between: number; seqs: [number, number, number] }>;
  staleWrites: Anomaly<{ token: number; after: number; seq: number; index: number }>;
  tokenReused: Anomaly<{ token: number; indices: [number, number] }>;
  tokenDecreased: Anomaly<{ earlier: { token: number; index: number }; later: { token: number; index: number } }>;
  reason?: string;
}

const num = (v: unknown, k: string): number | undefined => {
  const x = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
};

/** The grants and the resource's applied writes of a history, and the counts of the other writes. */
export function fencedFacts(history: readonly Op[]): { grants: Grant[]; applied: AppliedWrite[]; rejected: number; rejectedWrites: RejectedWrite[]; unknown: number } {
  const invoked = new Map<number, Op>();
  const grants: Grant[] = [];
  const applied: AppliedWrite[] = [];
  const rejectedWrites: RejectedWrite[] = [];
  let unknown = 0;
  for (const op of history) {
    if (typeof op.process !== 'number') continue;
    if (op.type === 'invoke') { invoked.set(op.process, op); continue; }
    const inv = invoked.get(op.process);
    invoked.delete(op.process);
    if (!inv || inv.f !== op.f) continue;
    if (op.f === 'acquire' && op.type === 'ok') {
      const token = num(op.value, 'token');
      if (token !== undefined) grants.push({ process: op.process, token, invoked: inv.index, acquired: op.index, invokedAt: inv.time, acquiredAt: op.time });
    } else if (op.f === 'write') {
      const token = num(op.value, 'token') ?? num(inv.value, 'token');
      const seq = num(op.value, 'seq');
      if (op.type === 'ok' && token !== undefined && seq !== undefined) applied.push({ process: op.process, token, seq, index: op.index });
      else if (op.type === 'fail' && (op.value as { rejected?: unknown } | null)?.rejected === true && token !== undefined) {
        const highest = num(op.value, 'highest');
        rejectedWrites.push({ process: op.process, token, ...(highest !== undefined ? { highest } : {}), index: op.index });
      }
      else if (op.type === 'info') unknown++;
    }
  }
  applied.sort((a, b) => a.seq - b.seq);
  return { grants, applied, rejected: rejectedWrites.length, rejectedWrites, unknown };
}

/** Checks a fenced-lock history; see the module comment. */
export function checkFencedLock(history: readonly Op[]): FencedLockResult {
  const { grants, applied, rejected, rejectedWrites, unknown } = fencedFacts(history);
  const interleaved = new AnomalyLog<{ token: number; between: number; seqs: [number, number, number] }>();
  // One pass over the resource's order: a token that comes back after another token's write, once
  // per return. `last` is the seq of each token's latest write; `closedBy` the write that ended its run.
  const last = new Map<number, number>();
  const closedBy = new Map<number, AppliedWrite>();
  let prev: AppliedWrite | undefined;
  for (const w of applied) {
    if (prev && prev.token !== w.token) closedBy.set(prev.token, w);
    const closer = closedBy.get(w.token);
    if (closer && last.has(w.token)) {
      interleaved.add({ token: w.token, between: closer.token, seqs: [last.get(w.token)!, closer.seq, w.seq] });
      closedBy.delete(w.token);
    }
    last.set(w.token, w.seq);
    prev = w;
  }
  // A write below the highest token applied before it, in the resource's order.
  const staleWrites = new AnomalyLog<{ token: number; after: number; seq: number; index: number }>();
  let highest = -Infinity;
  for (const w of applied) {
    if (w.token < highest) staleWrites.add({ token: w.token, after: highest, seq: w.seq, index: w.index });
    highest = Math.max(highest, w.token);
  }
  const tokenReused = new AnomalyLog<{ token: number; indices: [number, number] }>();
  const firstOf = new Map<number, Grant>();
  for (const g of grants) {
    const f = firstOf.get(g.token);
    if (f) tokenReused.add({ token: g.token, indices: [f.acquired, g.acquired] });
    else firstOf.set(g.token, g);
  }
  // A grant that completed before another was invoked must carry a lower token: a sweep in time order
  // keeps the highest token of the grants completed so far.
  const tokenDecreased = new AnomalyLog<{ earlier: { token: number; index: number }; later: { token: number; index: number } }>();
  const byDone = [...grants].sort((a, b) => a.acquiredAt - b.acquiredAt);
  const byStart = [...grants].sort((a, b) => a.invokedAt - b.invokedAt);
  let best: Grant | undefined;
  let i = 0;
  for (const g of byStart) {
    while (i < byDone.length && byDone[i].acquiredAt < g.invokedAt) {
      if (!best || byDone[i].token > best.token) best = byDone[i];
      i++;
    }
    if (best && best.token > g.token) tokenDecreased.add({ earlier: { token: best.token, index: best.acquired }, later: { token: g.token, index: g.acquired } });
  }
  const problems = [
    interleaved.count > 0 ? `${interleaved.count} time(s) one grant's writes to the resource came back after another grant's (two holders at once)` : '',
    staleWrites.count > 0 ? `${staleWrites.count} write(s) reached the resource with a token below one it had already applied (an older grant acting after a newer one)` : '',
    tokenReused.count > 0 ? `${tokenReused.count} grant(s) reused a fencing token` : '',
    tokenDecreased.count > 0 ? `${tokenDecreased.count} grant(s) got a lower token than a grant that ended before they began` : '',
  ].filter((p) => p !== '');
  // No grant that wrote to the resource is no evidence: mutual exclusion was never put to the test.
  const nothing = problems.length === 0 && (grants.length === 0 || applied.length === 0);
  return {
    valid: problems.length > 0 ? false : nothing ? 'unknown' : true,
    checker: 'fenced-lock',
    grants: grants.length,
    writes: applied.length,
    rejected,
    rejectedWrites,
    unknown,
    interleaved: interleaved.toJSON(),
    staleWrites: staleWrites.toJSON(),
    tokenReused: tokenReused.toJSON(),
    tokenDecreased: tokenDecreased.toJSON(),
    ...(problems.length > 0 ? { reason: problems.join('; ') } : nothing ? { reason: grants.length === 0 ? 'no client was granted the lock: nothing to judge' : 'no grant wrote to the resource: nothing to judge' } : {}),
  };
}

export function fencedLockChecker(): Checker {
  return { name: 'fenced-lock', check: (history) => checkFencedLock(history) };
}
