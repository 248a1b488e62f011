/**
 * Ctrl-C in the middle of a real run: the run heals, stops every node, keeps the history recorded so
 * far, checks it, and no child process survives. SIGTERM takes the same path (harness/top/run/signals.ts);
 * it and the second and third signal are tested in simulated time (test/unit/run/sim-signals.test.ts),
 * and a real SIGTERM ends a hanging run in test/integration/custom/hanging-close.test.ts.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODES, historyOf, processesWith, startCli, tempStore, until } from './cli-helpers.js';

const stores: string[] = [];
afterAll(() => { for (const s of stores) fs.rmSync(s, { recursive: true, force: true }); });

describe.each(['SIGINT'] as const)('faultline run interrupted by %s', (signal) => {
  it('heals, tears down, keeps and checks the history, leaves no process', async () => {
    const store = tempStore(signal.toLowerCase());
    stores.push(store);
    // A token in every node's command line, so the test finds exactly this run's nodes in /proc.
    const token = `signal-test-${signal}-${process.pid}-${Date.now()}`;
    const run = startCli(['run', '--target', 'maelstrom', '--bin', nodePath.join(NODES, 'lin-kv-proxy.mjs'), '--arg', token, '--workload', 'lin-kv',
      '--nodes', '3', '--time-limit', '60s', '--nemesis', 'partition,pause,kill', '--nemesis-interval', '1s',
      '--seed', '5', '--store', store], store);
    const latest = nodePath.join(store, 'latest');
    await until(() => processesWith(token).length === 3, 20_000, 'three nodes running');
    // Wait until faults have run (a paused or killed node must be dealt with by the teardown).
    await until(() => fs.existsSync(nodePath.join(latest, 'history.jsonl')) &&
      historyOf(latest).filter((o) => o.process === 'nemesis' && o.type === 'info').length >= 3, 30_000, 'three faults');
    const before = historyOf(latest).length;
    run.child.kill(signal);
    const r = await run.done;
    expect(r.stderr).toContain(`${signal}: stopping, healing and tearing down`);
    expect(r.code).toBe(2); // unknown: the run broke off, though what was recorded checked out
    const results = JSON.parse(fs.readFileSync(nodePath.join(latest, 'results.json'), 'utf8')) as Record<string, any>;
    expect(results.interrupted).toBe(signal);
    expect(results.checkers.linearizable.valid).toBe(true);
    const history = historyOf(latest);
    expect(history.length).toBeGreaterThanOrEqual(before);
    // Every invocation was completed before the history closed; faults were healed at the end.
    const open = new Set<unknown>();
    for (const op of history) {
      if (op.type === 'invoke') open.add(op.process); else open.delete(op.process);
    }
    expect([...open]).toEqual([]);
    expect(fs.readFileSync(nodePath.join(latest, 'harness.log'), 'utf8')).toMatch(/tearing down/);
    expect(processesWith(token)).toEqual([]);
  }, 90_000);
});
