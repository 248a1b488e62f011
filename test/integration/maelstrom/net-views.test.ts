/**
 * Maelstrom's views on a real broadcast run (issue 32): results.json's messages per op equal what
 * this test reads itself out of messages.jsonl and history.jsonl, and the broadcast checker's stable
 * latency quantiles equal this test's own computation from history.jsonl, on a run with 100 ms of
 * message latency and partitions (so messages are dropped and gossip takes time).
 *
 * The test's readings are written apart from the code under test and in the plainest way: a line
 * scan of the journal, and for latency a scan of every read per message.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupRuns, describeRun, requireBuiltCli, runCli, type CliRun } from '../workloads/cli-run.js';

let run: CliRun;

beforeAll(async () => {
  requireBuiltCli();
  run = await runCli(['--workload', 'broadcast', '--nodes', '5', '--concurrency', '10', '--time-limit', '6s', '--quiet', '2s',
    '--latency', '100ms', '--nemesis', 'partition', '--nemesis-interval', '2s', '--seed', '3232'], { bin: 'broadcast.mjs' });
}, 180_000);
afterAll(() => cleanupRuns());

const latest = (f: string): string => nodePath.join(run.store, 'latest', f);

describe('a real broadcast run with --latency 100ms', () => {
  it('is valid and journaled its messages', () => {
    expect(run.code, describeRun(run)).toBe(0);
    expect(fs.existsSync(latest('messages.jsonl'))).toBe(true);
  });

  it("reports msgs-per-op, split into client and server traffic, as the test reads them from messages.jsonl", () => {
    const lines = fs.readFileSync(latest('messages.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
    const client = (id: string): boolean => id.startsWith('c') && /^\d+$/.test(id.slice(1));
    let all = 0, clients = 0, dropped = 0;
    for (const l of lines) {
      const m = JSON.parse(l) as { src: string; dest: string; dropped?: string; lateDrop?: string };
      if (m.lateDrop !== undefined) { dropped++; continue; }
      all++;
      if (m.dropped !== undefined) dropped++;
      if (client(m.src) || client(m.dest)) clients++;
    }
    const ops = run.history.filter((o) => o.type === 'invoke' && typeof o.process === 'number').length;
    const net = run.results!.net;
    expect(ops).toBeGreaterThan(100);
    expect(net.ops).toBe(ops);
    expect(net.all.sent).toBe(all);
    expect(net.all.dropped).toBe(dropped);
    expect(net.all.delivered).toBe(all - dropped);
    expect(net.clients.sent).toBe(clients);
    expect(net.servers.sent).toBe(all - clients);
    expect(net.all.msgsPerOp).toBeCloseTo(all / ops, 12);
    expect(net.clients.msgsPerOp).toBeCloseTo(clients / ops, 12);
    expect(net.servers.msgsPerOp).toBeCloseTo((all - clients) / ops, 12);
    // Partitions dropped gossip, and the live counter of the network agrees with the file.
    expect(dropped).toBeGreaterThan(0);
    expect(run.results!.messages.total).toBe(all);
    expect(Object.values(net.byType as Record<string, { sent: number }>).reduce((s, t) => s + t.sent, 0)).toBe(all);
    expect(run.stdout).toContain(`net: ${all} messages`);
  });

  it('reports stable latency quantiles equal to the test\'s own computation from history.jsonl', () => {
    type H = { index: number; time: number; process: number | string; type: string; f: string; value: any; node?: string };
    const history = fs.readFileSync(latest('history.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as H);
    const open = new Map<unknown, H>();
    const acks: [unknown, number][] = [];
    const reads: { at: number; node: string; value: unknown[] }[] = [];
    for (const op of history) {
      if (typeof op.process !== 'number') continue;
      if (op.type === 'invoke') { open.set(op.process, op); continue; }
      const inv = open.get(op.process)!;
      open.delete(op.process);
      if (op.type !== 'ok') continue;
      if (op.f === 'broadcast' && !acks.some(([v]) => v === inv.value)) acks.push([inv.value, op.time]);
      if (op.f === 'read') reads.push({ at: inv.time, node: op.node ?? inv.value?.node ?? '?', value: op.value });
    }
    const lastRead = new Map<string, { at: number; value: unknown[] }>();
    for (const r of reads) if (!lastRead.has(r.node) || lastRead.get(r.node)!.at <= r.at) lastRead.set(r.node, r);
    const latencies: number[] = [];
    let never = 0;
    for (const [v, ack] of acks) {
      if ([...lastRead.values()].some((r) => !r.value.includes(v))) { never++; continue; }
      const missing = reads.filter((r) => !r.value.includes(v)).map((r) => r.at);
      latencies.push(missing.length === 0 ? 0 : Math.max(0, Math.max(...missing) - ack) / 1e6);
    }
    latencies.sort((a, b) => a - b);
    const q = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
    const got = run.results!.checkers.broadcast.stableLatency;
    expect(latencies.length).toBeGreaterThan(50);
    expect(got.count).toBe(latencies.length);
    expect(got.neverStable).toBe(never);
    for (const p of [0, 0.5, 0.95, 0.99, 1]) expect(got.quantilesMs[String(p)], `quantile ${p}`).toBeCloseTo(q(p), 9);
    // Under 100 ms per hop and partitions some message took a gossip round or more to reach every node.
    expect(q(1)).toBeGreaterThanOrEqual(100);
    expect(run.stdout).toContain('broadcast stable latency: median');
  });
});
