/**
 * Generates a large, linearizable Faultline JSONL history for the checker benchmark.
 *
 * A discrete-event simulation of `processes` clients against one cas-register per key (or, with
 * `model: 'kv'`, one string per key under 40 % get / 30 % put / 30 % append). Each op
 * takes effect at a random instant inside its [invoke, completion] interval, so ops overlap across
 * processes and the history is linearizable by construction: reads return the register's value at
 * their effect instant, a cas succeeds (`ok`) or fails (`fail`: it did not happen) according to
 * that value. An op completes `info` with probability `infoRate`; such an op took effect or not at
 * random, and its process id is retired for a fresh one, as in Jepsen.
 *
 * Deterministic: a seeded PRNG (mulberry32) drives every choice, and events at one instant are
 * ordered by (kind, sequence number), so the same parameters always give the same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HistoryWriter } from '../harness/ground/history/index.js';
import type { Op } from '../harness/ground/history/index.js';

export interface BigParams {
  ops: number;
  keys: number;
  processes: number;
  /** Fraction of ops that complete `info` (0.01 = 1 %). */
  infoRate: number;
  seed: number;
  /** The object per key: a cas-register (read/write/cas of small integers, the default) or a kv string. */
  model?: 'cas-register' | 'kv';
}

export const DEFAULT_PARAMS: BigParams = { ops: 1_000_000, keys: 1_000, processes: 100, infoRate: 0.01, seed: 20240601 };

/** Bump when the generator's output changes, so a stale cached file is not reused. */
const GENERATOR_VERSION = 1;

/** The cache file for these parameters: every parameter is in the name. */
export function bigHistoryPath(dir: string, p: BigParams): string {
  const info = `${Math.round(p.infoRate * 10_000)}bp`;
  const kind = p.model === 'kv' ? '-kv' : '';
  return path.join(dir, `big-v${GENERATOR_VERSION}${kind}-ops${p.ops}-keys${p.keys}-procs${p.processes}-info${info}-seed${p.seed}.jsonl`);
}

/** mulberry32: small, fast, good enough for workload shapes; never Math.random. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INVOKE = 0, EFFECT = 1, COMPLETE = 2;
/** Longest op (invoke to completion) and longest pause between a process's ops, in µs. */
const MAX_DURATION_US = 2_000;
const MAX_THINK_US = 500;
/** Values are 0..VALUES-1: small, so reads and cas compares hit often. */
const VALUES = 5;
/** kv values are `${0..KV_VALUES-1} `. */
const KV_VALUES = 1_000;

const before = (t: number, k: number, s: number, t2: number, k2: number, s2: number): boolean =>
  t !== t2 ? t < t2 : k !== k2 ? k < k2 : s < s2;

/** Min-heap of events ordered by (time, kind, seq), in parallel arrays. */
class EventHeap {
  private time: number[] = [];
  private kind: number[] = [];
  private seq: number[] = [];
  private slot: number[] = [];
  private n = 0;
  private counter = 0;

  get size(): number { return this.n; }

  push(time: number, kind: number, slot: number): void {
    const s = this.counter++;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(time, kind, s, this.time[p], this.kind[p], this.seq[p])) break;
      this.copy(p, i);
      i = p;
    }
    this.set(i, time, kind, s, slot);
  }

  /** Pops the earliest event into `out` as [time, kind, slot]. */
  pop(out: number[]): void {
    out[0] = this.time[0]; out[1] = this.kind[0]; out[2] = this.slot[0];
    const n = --this.n;
    const t = this.time[n], k = this.kind[n], s = this.seq[n], sl = this.slot[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && before(this.time[c + 1], this.kind[c + 1], this.seq[c + 1], this.time[c], this.kind[c], this.seq[c])) c++;
      if (!before(this.time[c], this.kind[c], this.seq[c], t, k, s)) break;
      this.copy(c, i);
      i = c;
    }
    if (n > 0) this.set(i, t, k, s, sl);
  }

  private copy(from: number, to: number): void {
    this.set(to, this.time[from], this.kind[from], this.seq[from], this.slot[from]);
  }
  private set(i: number, t: number, k: number, s: number, sl: number): void {
    this.time[i] = t; this.kind[i] = k; this.seq[i] = s; this.slot[i] = sl;
  }
}

export interface GenerateStats {
  records: number;
  ops: number;
  info: number;
  failedCas: number;
  processIds: number;
}

/** Writes the history to `file` (which must not exist) with HistoryWriter. */
export function generateBigHistory(file: string, p: BigParams): GenerateStats {
  const rng = mulberry32(p.seed);
  const int = (n: number): number => Math.floor(rng() * n);
  // Large fsync interval: this is a scratch file; the writer still fsyncs on close.
  const writer = HistoryWriter.open(file, { fsyncIntervalMs: 3_600_000 });
  const kv = p.model === 'kv';
  const register: (number | string | null)[] = new Array(p.keys).fill(null);

  // Per slot (a client worker): its current process id and the op in flight.
  const S = p.processes;
  const pid = Array.from({ length: S }, (_, i) => i);
  const key = new Int32Array(S);
  const fOf: string[] = new Array(S);
  const input: unknown[] = new Array(S);
  const output: unknown[] = new Array(S);
  const outcome: ('ok' | 'fail')[] = new Array(S);
  const info = new Uint8Array(S);
  let nextPid = S;

  const stats: GenerateStats = { records: 0, ops: 0, info: 0, failedCas: 0, processIds: S };
  const heap = new EventHeap();
  for (let s = 0; s < S; s++) heap.push(int(MAX_THINK_US + 1), INVOKE, s);
  const ev = [0, 0, 0];
  const emit = (t: number, s: number, type: Op['type'], value: unknown): void => {
    const op: Op = { index: stats.records++, time: t * 1000, process: pid[s], type, f: fOf[s], key: key[s], value };
    writer.append(op);
  };

  try {
    while (heap.size > 0) {
      heap.pop(ev);
      const [t, kind, s] = ev;
      if (kind === INVOKE) {
        if (stats.ops === p.ops) continue; // this client is done
        stats.ops++;
        key[s] = int(p.keys);
        const r = rng();
        if (kv) {
          // Short values from a large space, so a key's string stays short (puts reset it) and
          // appends are mostly distinguishable, as in porcupine's kv logs.
          if (r < 0.4) { fOf[s] = 'get'; input[s] = null; } else { fOf[s] = r < 0.7 ? 'put' : 'append'; input[s] = `${int(KV_VALUES)} `; }
        } else if (r < 0.4) { fOf[s] = 'read'; input[s] = null; } else if (r < 0.7) { fOf[s] = 'write'; input[s] = int(VALUES); } else {
          fOf[s] = 'cas'; input[s] = [int(VALUES), int(VALUES)];
        }
        const duration = 1 + int(MAX_DURATION_US);
        info[s] = rng() < p.infoRate ? 1 : 0;
        const happens = info[s] === 0 || rng() < 0.5;
        emit(t, s, 'invoke', input[s]);
        if (happens) heap.push(t + int(duration + 1), EFFECT, s);
        heap.push(t + duration, COMPLETE, s);
      } else if (kind === EFFECT) {
        const k = key[s];
        outcome[s] = 'ok';
        if (fOf[s] === 'read' || fOf[s] === 'get') output[s] = register[k];
        else if (fOf[s] === 'put') { register[k] = input[s] as string; output[s] = input[s]; } else if (fOf[s] === 'append') {
          register[k] = `${(register[k] as string | null) ?? ''}${input[s] as string}`;
          output[s] = input[s];
        } else if (fOf[s] === 'write') { register[k] = input[s] as number; output[s] = input[s]; } else {
          const [from, to] = input[s] as [number, number];
          if (register[k] === from) register[k] = to; else outcome[s] = 'fail';
          output[s] = input[s];
        }
      } else {
        if (info[s]) {
          // Jepsen's info completion repeats the invoke's value; the client learned nothing.
          emit(t, s, 'info', input[s]);
          stats.info++;
          pid[s] = nextPid++;
          stats.processIds++;
        } else {
          if (outcome[s] === 'fail') stats.failedCas++;
          emit(t, s, outcome[s], output[s]);
        }
        heap.push(t + int(MAX_THINK_US + 1), INVOKE, s);
      }
    }
  } finally {
    writer.close();
  }
  return stats;
}

/**
 * Returns the cached history for `p` under `dir`, generating it first if absent. The file is
 * written under a temporary name and renamed when complete, so a present file is a whole one.
 */
export function ensureBigHistory(dir: string, p: BigParams): { file: string; generatedMs?: number; stats?: GenerateStats } {
  const file = bigHistoryPath(dir, p);
  if (fs.existsSync(file)) return { file };
  fs.mkdirSync(dir, { recursive: true });
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true }); // HistoryWriter appends: never continue a torn earlier attempt
  const t0 = performance.now();
  const stats = generateBigHistory(partial, p);
  fs.renameSync(partial, file);
  return { file, generatedMs: performance.now() - t0, stats };
}
