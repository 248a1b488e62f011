/**
 * #10: SIGKILL of a controller while nodes are paused leaves no node process behind: a paused node
 * never sees its stdin close, so the controller's watchdog kills every node group it left.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { historyOf, processesWith, startCli, tempStore, until } from './cli-helpers.js';

const stores: string[] = [];
const leftovers: number[] = [];
afterAll(() => {
  for (const pid of leftovers) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  for (const s of stores) fs.rmSync(s, { recursive: true, force: true });
});

describe('#10 orphans', () => {
  it('a raft run SIGKILLed while nodes are paused leaves no node process', async () => {
    const store = tempStore('orphans');
    stores.push(store);
    const run = startCli(['run', '--target', 'raft', '--nodes', '3', '--time-limit', '60s', '--nemesis', 'pause',
      '--node-targets', 'all', '--nemesis-interval', '3s', '--seed', '3', '--store', store], store);
    const latest = nodePath.join(store, 'latest');
    // Every raft node has the run's data dir, inside this store, on its command line.
    await until(() => processesWith(store).length >= 3, 20_000, 'three nodes running');
    await until(() => fs.existsSync(nodePath.join(latest, 'history.jsonl')) &&
      historyOf(latest).some((o) => o.process === 'nemesis' && o.f === 'pause' && o.type === 'info'), 30_000, 'a pause of all nodes');
    const nodes = processesWith(store);
    const stopped = nodes.filter((pid) => fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] === 'T');
    expect(stopped.length).toBeGreaterThan(0);
    run.child.kill('SIGKILL');
    await run.done;
    try {
      await until(() => processesWith(store).length === 0, 10_000, 'the paused nodes to be gone');
    } finally {
      leftovers.push(...processesWith(store));
    }
    expect(processesWith(store)).toEqual([]);
  }, 90_000);
});
