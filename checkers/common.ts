/**
 * Small pieces the checkers share: canonical keys for JSON values, capped example lists, the
 * verdict order, and how a history marks its final reads.
 */
import type { Verdict } from './contract.js';
import type { Op } from '../harness/ground/history/op.js';
import type { Operation } from '../harness/ground/history/pair.js';
import { bigintValue } from '../harness/ground/history/exact-int.js';

export type { Verdict } from './contract.js';

/** How many examples of each anomaly a result keeps unless told otherwise. */
export const DEFAULT_MAX_EXAMPLES = 10;

/** An anomaly of a result: how often it happened and the first few cases. */
export interface Anomaly<T> {
  count: number;
  examples: T[];
}

/** Collects an anomaly, keeping every case counted but only the first `max` as examples. */
export class AnomalyLog<T> {
  private n = 0;
  private readonly kept: T[] = [];

  constructor(private readonly max = DEFAULT_MAX_EXAMPLES) {}

  add(example: T): void {
    this.n++;
    if (this.kept.length < this.max) this.kept.push(example);
  }

  get count(): number {
    return this.n;
  }

  toJSON(): Anomaly<T> {
    return { count: this.n, examples: this.kept.slice() };
  }
}

/**
 * Canonical JSON of a value: object keys sorted, so `{a: 1, b: 2}` and `{b: 2, a: 1}` (the same JSON
 * value, as a node may re-serialise it) give the same key. `undefined` is keyed like `null`.
 */
export function canonical(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  // A bigint keys as its record form (exact-int.ts), so 5n and 5 are one value, as are 2n**60n and "1152921504606846976".
  if (typeof v === 'bigint') return JSON.stringify(bigintValue(v));
  if (typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const entries = Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}


/**
 * The invoke value that marks a final read (after healing and the quiet period), Jepsen's `:final?`.
 * `node` names the node read, so a checker can tell which node's final state it saw; the client
 * sends the read there, whatever node it is otherwise bound to.
 */
export interface FinalReadMarker {
  final: true;
  node?: string;
}

/** The invoke value of a final read of `node`. */
export function finalRead(node?: string): FinalReadMarker {
  return node === undefined ? { final: true } : { final: true, node };
}

/** The marker, if `input` (an invoke's value) marks a final read. */
export function finalReadOf(input: unknown): FinalReadMarker | undefined {
  if (typeof input !== 'object' || input === null || (input as { final?: unknown }).final !== true) return undefined;
  const node = (input as { node?: unknown }).node;
  return typeof node === 'string' ? { final: true, node } : { final: true };
}

/**
 * The reads whose values count as the final state: those marked final, or, in a history that marks
 * none (an imported one), the last read that succeeded, as Jepsen's set checker does.
 */
export function selectFinalReads(reads: readonly Operation[]): { reads: Operation[]; source: 'marked' | 'last-read' | 'none' } {
  const marked = reads.filter((r) => finalReadOf(r.input) !== undefined);
  if (marked.some((r) => r.outcome === 'ok')) return { reads: marked.filter((r) => r.outcome === 'ok'), source: 'marked' };
  if (marked.length > 0) return { reads: [], source: 'marked' };
  const ok = reads.filter((r) => r.outcome === 'ok');
  if (ok.length === 0) return { reads: [], source: 'none' };
  const last = ok.reduce((a, b) => (b.ret > a.ret ? b : a));
  return { reads: [last], source: 'last-read' };
}

/**
 * Nodes named by final-read invocations that have no successful final read: their final state is
 * unknown, so whatever they lost cannot be told.
 */
export function nodesWithoutFinalRead(reads: readonly Operation[]): string[] {
  const named = new Set<string>();
  const read = new Set<string>();
  for (const r of reads) {
    const node = finalReadOf(r.input)?.node;
    if (node === undefined) continue;
    named.add(node);
    if (r.outcome === 'ok') read.add(node);
  }
  return [...named].filter((n) => !read.has(n)).sort();
}

/** History index → node, for the ops that name one (`Op.node`; pairing drops it). */
export function nodesByIndex(history: readonly Op[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const op of history) if (typeof op.node === 'string') out.set(op.index, op.node);
  return out;
}

/** The node an operation ran against, if the history says: its final-read marker, else its ops' `node`. */
export function nodeOf(op: Operation, nodes: ReadonlyMap<number, string>): string | undefined {
  return finalReadOf(op.input)?.node
    ?? (op.completionIndex === undefined ? undefined : nodes.get(op.completionIndex))
    ?? nodes.get(op.index);
}

