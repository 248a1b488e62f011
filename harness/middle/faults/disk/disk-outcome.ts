/**
 * results.json's `disk`: per disk fault, what the store did with the damage — refused to start (with
 * its log line), started and the run stayed valid, or served wrong data (the run is invalid and a
 * node came back on damaged files; the ops the checkers could not accept show it). Read from the
 * history's `disk` and `disk-restart` records alone: each restart of a node is the answer to the last
 * fault applied to it.
 */
import type { Op } from '../../../ground/history/op.js';

/** One disk fault's line. */
export interface DiskFaultOutcome {
  /** The fault reached this many nodes in all (a `disk` op on 3 nodes counts 3; a node it only killed, none). */
  applied: number;
  /** Files it touched, in all. */
  filesTouched: number;
  /** Restarts after it that ran (the node answered or stayed up). */
  started: number;
  /** Restarts after it the node refused (exited at start), each with the node's own words. */
  refused: { node: string; error: string }[];
  /**
   * refused-to-start: every restart after it was refused; started-valid: a node came back on the
   * damaged files and the run is valid; served-wrong-data: one came back, the run is invalid and a
   * checker named client ops it could not accept; invalid: one came back and the run is invalid by a
   * checker of the nodes' own state (the Raft's vote-safety) with no client op named; `mixed` when
   * other disk faults were in the same run, so the finding is not this fault's alone. unknown: the
   * run's verdict is unknown, or no restart happened.
   */
  outcome: 'refused-to-start' | 'started-valid' | 'served-wrong-data' | 'invalid' | 'unknown';
  mixed?: string[];
  /** With served-wrong-data or invalid: the checkers that found the run invalid. */
  by?: string[];
  /** With served-wrong-data: the history indexes of the ops the checkers could not accept (the first few). */
  ops?: number[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The outcome of every disk fault applied in `ops`; `valid` is the run's verdict, `anomalyOps` the
 * indexes of the ops its checkers named and `invalidBy` the checkers that found it invalid. Undefined
 * when no disk fault was applied.
 */
export function diskOutcome(ops: readonly Op[], valid: true | false | 'unknown', anomalyOps: readonly number[], invalidBy: readonly string[] = []): Record<string, DiskFaultOutcome> | undefined {
  const out: Record<string, DiskFaultOutcome> = {};
  const lastFault = new Map<string, string>();
  for (const op of ops) {
    if (op.process !== 'nemesis' || op.type === 'invoke' || op.error !== undefined || !isRecord(op.value)) continue;
    const v = op.value;
    if (op.f === 'disk' && typeof v.fault === 'string' && Array.isArray(v.nodes)) {
      // Only the nodes the fault reached (a rollback with no copy yet, a truncate that found no file,
      // only killed the node): their restarts answer it; a node merely killed answers nothing.
      const reached = (Array.isArray(v.reached) ? v.reached : v.nodes).filter((n): n is string => typeof n === 'string');
      for (const n of v.nodes) if (typeof n === 'string') lastFault.delete(n);
      if (reached.length === 0) continue;
      const o = (out[v.fault] ??= { applied: 0, filesTouched: 0, started: 0, refused: [], outcome: 'unknown' });
      o.applied += reached.length;
      o.filesTouched += Array.isArray(v.files) ? v.files.length : 0;
      for (const n of reached) lastFault.set(n, v.fault);
    }
    if (op.f === 'disk-restart') {
      for (const n of Array.isArray(v.nodes) ? v.nodes : []) {
        const f = typeof n === 'string' ? lastFault.get(n) : undefined;
        if (f) out[f].started++;
        // Answered: later restarts of this node (after a kill of another fault family) are not this fault's.
        if (typeof n === 'string') lastFault.delete(n);
      }
      for (const r of Array.isArray(v.refused) ? v.refused : []) {
        if (!isRecord(r) || typeof r.node !== 'string') continue;
        const f = lastFault.get(r.node);
        if (f) out[f].refused.push({ node: r.node, error: String(r.error) });
      }
    }
  }
  const names = Object.keys(out);
  if (names.length === 0) return undefined;
  for (const [name, o] of Object.entries(out)) {
    const others = names.filter((n) => n !== name);
    if (o.started === 0) o.outcome = o.refused.length > 0 ? 'refused-to-start' : 'unknown';
    else if (valid === true) o.outcome = 'started-valid';
    else if (valid === false) {
      o.outcome = anomalyOps.length > 0 ? 'served-wrong-data' : 'invalid';
      if (anomalyOps.length > 0) o.ops = anomalyOps.slice(0, 10);
      o.by = [...invalidBy];
      if (others.length > 0) o.mixed = others;
    }
  }
  return out;
}

/** One line per fault for the CLI summary and the report. */
export function diskOutcomeLines(d: Record<string, DiskFaultOutcome>): string[] {
  return Object.entries(d).map(([name, o]) => {
    const what = {
      'refused-to-start': 'refused to start',
      'started-valid': 'started and valid',
      'served-wrong-data': `served wrong data (${o.by?.length ? `${o.by.join(', ')}; ` : ''}ops ${o.ops?.join(', ')})${o.mixed ? ` — with ${o.mixed.join(', ')} in the same run` : ''}`,
      invalid: `invalid (${o.by?.join(', ') || 'no checker named'}; no client op named)${o.mixed ? ` — with ${o.mixed.join(', ')} in the same run` : ''}`,
      unknown: 'unknown',
    }[o.outcome];
    const refused = o.refused.length > 0 ? `; ${o.refused.length} restart(s) refused, e.g. ${o.refused[0].node}: ${o.refused[0].error}` : '';
    return `disk ${name}: ${what} — applied to ${o.applied} node(s), ${o.filesTouched} file(s) touched, ${o.started} restart(s) ran${refused}`;
  });
}
