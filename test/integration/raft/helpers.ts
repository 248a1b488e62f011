/**
 * Shared bits of the Raft integration tests: real node processes (dist/targets/raft/main.js, built by
 * `npx tsc -p tsconfig.json`) in the real MaelstromCluster, polling of raft_status, and a small lin-kv
 * driver that records a Faultline history (the lin-kv workload's own client maps every reply).
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import type { Op } from '../../../harness/ground/history/op.js';
import { linKv } from '../../../harness/middle/workloads/lin-kv.js';
import { MaelstromCluster, type ClientConn, type MaelstromClusterOptions } from '../../../harness/middle/maelstrom/index.js';
import { RAFT_MAIN, raftCommand, type BugName } from '../../../targets/raft/index.js';

export { RAFT_MAIN };

export interface RaftStatus {
  role: 'follower' | 'candidate' | 'leader';
  term: number;
  leader: string | null;
  commit_index: number;
  last_applied: number;
  log_length: number;
  snapshot_index: number;
}

const started: MaelstromCluster[] = [];
const dirs: string[] = [];

/** Starts a Raft cluster (5 nodes unless told) in a fresh dir; `teardownAll` removes it all. */
export async function startRaft(o: { bugs?: string[]; args?: string[]; nodeCount?: number } & Partial<MaelstromClusterOptions> = {}): Promise<MaelstromCluster> {
  if (!fs.existsSync(RAFT_MAIN)) throw new Error(`${RAFT_MAIN} is missing; build first with npx tsc -p tsconfig.json`);
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-raft-'));
  dirs.push(dir);
  const { bugs = [], args = [], ...rest } = o;
  const cmd = raftCommand({ dataDir: nodePath.join(dir, 'data'), bugs: bugs as BugName[] });
  const c = new MaelstromCluster({
    bin: cmd.bin,
    args: [...cmd.args, ...args],
    nodeCount: 5, dir, seed: 7, latency: { kind: 'uniform', minMs: 1, maxMs: 3 }, services: [], rpcTimeoutMs: 2_000, ...rest,
  });
  started.push(c);
  await c.setup();
  return c;
}

/** Tears down every cluster and removes every dir (set KEEP_RAFT_DIRS=1 to keep them). */
export async function teardownAll(): Promise<void> {
  await Promise.all(started.splice(0).map((c) => c.teardown()));
  if (!process.env.KEEP_RAFT_DIRS) for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** The node's raft_status, or undefined when it does not answer in time. */
export async function statusOf(conn: ClientConn, node: string, timeoutMs = 500): Promise<RaftStatus | undefined> {
  try {
    const r = await conn.rpc(node, { type: 'raft_status' }, timeoutMs);
    return r.type === 'raft_status_ok' ? (r as unknown as RaftStatus) : undefined;
  } catch {
    return undefined;
  }
}

/** A seeded integer source (mulberry32): rand(n) is in 0..n-1. */
export function seededRandom(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296 * n) | 0;
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until a majority of the cluster (among the running nodes) names the same leader in the same
 * term and that node says it leads; returns it with the ms waited.
 */
export async function waitForLeader(c: MaelstromCluster, conn: ClientConn, timeoutMs = 10_000): Promise<{ leader: string; term: number; ms: number }> {
  const t0 = performance.now();
  const majority = Math.floor(c.nodes.length / 2) + 1;
  while (performance.now() - t0 < timeoutMs) {
    const up = c.nodes.filter((n) => c.stateOf(n) === 'running');
    const st = await Promise.all(up.map(async (n) => [n, await statusOf(conn, n)] as const));
    for (const [n, s] of st) {
      if (s?.role !== 'leader') continue;
      const agree = st.filter(([, x]) => x?.leader === n && x.term === s.term).length;
      if (agree >= majority) return { leader: n, term: s.term, ms: performance.now() - t0 };
    }
    await sleep(10);
  }
  throw new Error(`no leader agreed on by a majority within ${timeoutMs} ms`);
}

/** A history being recorded, in Faultline's Op format (time in ns since the recorder started). */
export class Recorder {
  readonly ops: Op[] = [];
  private readonly t0 = process.hrtime.bigint();
  private nextProcess: number;

  constructor(readonly workers: number) {
    this.nextProcess = workers;
  }

  /** Performs one op on `node` as `process`; returns the process to use next (a new one after `info`). */
  async perform(c: MaelstromCluster, conn: ClientConn, process: number, node: string, op: { f: string; key: number; value: unknown }): Promise<{ process: number; type: Op['type']; value: unknown }> {
    const client = linKv.client(conn, node, { rpcTimeoutMs: 2_000 } as Parameters<typeof linKv.client>[2]);
    this.push({ process, type: 'invoke', f: op.f, key: op.key, value: op.value, node });
    const done = await client.invoke({ process, f: op.f, key: op.key, value: op.value });
    this.push({ process, type: done.type, f: op.f, key: op.key, value: done.type === 'ok' && op.f === 'read' ? done.value : op.value, node, error: done.error });
    return { process: done.type === 'info' ? this.nextProcess++ : process, type: done.type, value: done.value };
  }

  private push(o: Omit<Op, 'index' | 'time'>): void {
    this.ops.push({ index: this.ops.length, time: Number(process.hrtime.bigint() - this.t0), ...o } as Op);
  }
}

/**
 * Runs lin-kv (read/write/cas on `keys` keys, values 0..4) from `workers` sequential clients, each
 * sending to a random node, until `stop()` says so; returns the history.
 */
export async function runLinKv(c: MaelstromCluster, o: { workers: number; keys: number; stop: () => boolean; seed?: number }): Promise<Op[]> {
  const rec = new Recorder(o.workers);
  const rand = seededRandom(o.seed ?? 1);
  await Promise.all(Array.from({ length: o.workers }, async (_, w) => {
    const conn = c.client();
    let p = w;
    while (!o.stop()) {
      const node = c.nodes[rand(c.nodes.length)];
      const key = rand(o.keys);
      const k = rand(3);
      const op = k === 0 ? { f: 'read', key, value: null } : k === 1 ? { f: 'write', key, value: rand(5) } : { f: 'cas', key, value: [rand(5), rand(5)] };
      p = (await rec.perform(c, conn, p, node, op)).process;
    }
  }));
  return rec.ops;
}
