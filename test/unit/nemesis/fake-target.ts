/**
 * A test double of a Target for the nemesis' pure logic: every capability records its calls and keeps
 * the state a real cluster would be in (who is down, paused, skewed, partitioned), and any call can be
 * made to fail, before or after taking effect. Real processes are tested by the targets' own tests.
 */
import { Interpreter, type GenLike } from '../../../harness/ground/generator/index.js';
import type { Op } from '../../../harness/ground/history/op.js';
import type { Grudge, LatencyDist, Nemesis, Target } from '../../../harness/ground/contracts/roles.js';
import type { FaultContext } from '../../../harness/middle/faults/nemesis/index.js';
import { createRng } from '../../../harness/ground/generator/index.js';

export const MS = 1_000_000;
export const S = 1_000_000_000;

export type Cap = 'killable' | 'pausable' | 'clock' | 'net' | 'primaries';
export const ALL_CAPS: readonly Cap[] = ['killable', 'pausable', 'clock', 'net', 'primaries'];

export interface FakeOptions {
  nodes?: string[];
  caps?: readonly Cap[];
  primaries?: string[];
  extra?: Record<string, unknown>;
}

interface Failure {
  times: number;
  /** Take effect, then throw (a timeout after the fact). */
  after: boolean;
}

export interface FakeTarget extends Target {
  calls: string[];
  down: Set<string>;
  paused: Set<string>;
  offsets: Record<string, number>;
  grudge: Grudge;
  loss: number;
  latency: LatencyDist | null;
  bandwidth: number | null;
  currentPrimaries: string[];
  /** Makes the call `call` (e.g. `kill n1`, `partition`) fail its next `times` invocations. */
  fail(call: string, opts?: { times?: number; after?: boolean }): void;
  /** True when nothing is faulted. */
  healthy(): boolean;
}

export function fakeTarget(opts: FakeOptions = {}): FakeTarget {
  const nodes = opts.nodes ?? ['n1', 'n2', 'n3', 'n4', 'n5'];
  const caps = new Set(opts.caps ?? ALL_CAPS);
  const failures = new Map<string, Failure>();
  const t: FakeTarget = {
    name: 'fake',
    nodes,
    calls: [],
    down: new Set(),
    paused: new Set(),
    offsets: {},
    grudge: {},
    loss: 0,
    latency: null,
    bandwidth: null,
    currentPrimaries: opts.primaries ?? ['n1'],
    setup: async () => undefined,
    teardown: async () => undefined,
    fail(call, { times = 1, after = false } = {}) {
      failures.set(call, { times, after });
    },
    healthy() {
      return (
        t.down.size === 0 && t.paused.size === 0 && Object.keys(t.grudge).length === 0 && t.loss === 0 &&
        t.latency === null && t.bandwidth === null && Object.values(t.offsets).every((o) => o === 0)
      );
    },
    ...opts.extra,
  };
  /** Records `call`, applies `effect` unless an injected failure says otherwise. */
  const act = async (call: string, effect: () => void): Promise<void> => {
    t.calls.push(call);
    const key = call.split(' ').slice(0, 2).join(' ');
    const f = [call, key, call.split(' ')[0]].map((k) => failures.get(k)).find((x) => x !== undefined && x.times > 0);
    if (f !== undefined) {
      f.times--;
      if (f.after) effect();
      throw new Error(`injected failure of ${call}`);
    }
    effect();
  };
  if (caps.has('killable')) {
    t.killable = {
      kill: (n) => act(`kill ${n}`, () => t.down.add(n)),
      start: (n) => act(`start ${n}`, () => t.down.delete(n)),
    };
  }
  if (caps.has('pausable')) {
    t.pausable = {
      pause: (n) => act(`pause ${n}`, () => t.paused.add(n)),
      resume: (n) => act(`resume ${n}`, () => t.paused.delete(n)),
    };
  }
  if (caps.has('clock')) {
    t.clock = {
      setClockOffset: (n, ms) => act(`clock ${n} ${ms}`, () => (t.offsets[n] = ms)),
      clockOffsets: () => ({ ...t.offsets }),
    };
  }
  if (caps.has('net')) {
    t.net = {
      partition: (g) => act(`partition ${JSON.stringify(g)}`, () => (t.grudge = g)),
      setLoss: (p) => act(`loss ${p}`, () => (t.loss = p)),
      setExtraLatency: (d) => act(`latency ${JSON.stringify(d)}`, () => (t.latency = d)),
      setBandwidth: (r) => act(`bandwidth ${r}`, () => (t.bandwidth = r)),
    };
  }
  if (caps.has('primaries')) {
    t.primaries = { primaries: async () => t.currentPrimaries.slice() };
  }
  return t;
}

/** A FaultContext for building one family directly, with a fake sleep and a captured log. */
export function contextFor(target: Target, over: Partial<FaultContext> = {}): FaultContext & { logs: string[]; sleeps: number[] } {
  const logs: string[] = [];
  const sleeps: number[] = [];
  return {
    target,
    net: target.net,
    interval: 10 * S,
    rng: createRng(7),
    sleep: async (ms) => void sleeps.push(ms),
    log: (m) => void logs.push(m),
    logs,
    sleeps,
    ...over,
  };
}

/**
 * Runs `gen` on a simulated clock against a real nemesis (which the synchronous `simulate` cannot
 * await): each nemesis op completes `info` 1 ms later with what the nemesis returned, or its error,
 * as the run's driver records it.
 */
export async function driveNemesis(gen: GenLike, nemesis: Nemesis, opts: { seed?: number; untilNs?: number } = {}): Promise<Op[]> {
  const interp = new Interpreter(gen, { concurrency: 0, seed: opts.seed ?? 0 });
  const until = opts.untilNs ?? Infinity;
  const history: Op[] = [];
  let now = 0;
  for (;;) {
    const step = interp.next(now);
    if (step.kind === 'done') return history;
    if (step.kind === 'stalled') throw new Error('stalled');
    if (step.kind === 'log') continue;
    if (step.kind === 'wait') {
      if (step.until === null) throw new Error('waiting for a completion that cannot come');
      if (step.until >= until) return history;
      now = step.until;
      continue;
    }
    history.push(step.op);
    let completion: { process: 'nemesis'; type: 'info'; value?: unknown; error?: unknown };
    try {
      completion = { process: 'nemesis', type: 'info', value: await nemesis.invoke({ f: step.op.f, value: step.op.value }) };
    } catch (err) {
      completion = { process: 'nemesis', type: 'info', error: (err as Error).message };
    }
    now += MS;
    history.push(interp.complete(completion, now));
  }
}

/** Invocations as `f@seconds` for compact schedule assertions. */
export function schedule(history: readonly Op[]): string[] {
  return history.filter((o) => o.type === 'invoke').map((o) => `${o.f}@${o.time / S}`);
}
