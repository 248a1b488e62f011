/**
 * The Raft safety checkers (checkers/raft-safety.ts) in real runs of the real CLI: the raft target
 * polls every node's raft_status during the run; with `--bug forget-vote` and kills, vote-safety
 * sees a restarted node that lost the vote it had cast, and the correct Raft passes all three
 * properties under kills and partitions, and under leader churn without its no-op.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processesWith, startCli, tempStore } from '../run/cli-helpers.js';

const store = tempStore('raft-safety');
afterAll(() => fs.rmSync(store, { recursive: true, force: true }));

interface Results {
  valid: unknown;
  checkers: Record<string, { valid: unknown; observations?: number; reason?: string }>;
}

async function run(name: string, extra: string[]): Promise<Results> {
  const args = ['run', '--target', 'raft', '--workload', 'lin-kv', '--nodes', '5', '--time-limit', '15s', '--quiet', '2s',
    '--nemesis', 'kill,partition', '--nemesis-interval', '1s', '--seed', '3', '--store', store, '--name', name, '--reporter', 'json', ...extra];
  const { code, stderr } = await startCli(args, store).done;
  // 0 valid, 1 invalid; anything else is a broken run.
  expect([0, 1], stderr).toContain(code);
  return JSON.parse(fs.readFileSync(nodePath.join(store, name, 'latest', 'results.json'), 'utf8')) as Results;
}

describe('raft safety checkers in a real run', () => {
  it('catch forget-vote (a restarted node lost its vote) and pass the correct Raft', async () => {
    const bug = await run('forget-vote', ['--bug', 'forget-vote']);
    expect(bug.checkers['vote-safety'].valid, JSON.stringify(bug.checkers)).toBe(false);
    expect(bug.checkers['vote-safety'].reason).toMatch(/changed its vote|lost its term/);
    expect(bug.valid).toBe(false);

    const ok = await run('correct', []);
    for (const name of ['election-safety', 'commit-safety', 'vote-safety']) {
      expect(ok.checkers[name].valid, `${name}: ${JSON.stringify(ok.checkers[name])}`).toBe(true);
      // Judged on real observations, not on silence.
      expect(ok.checkers[name].observations).toBeGreaterThan(50);
    }
    expect(ok.valid).toBe(true);
    // Nothing left running from either run.
    expect(processesWith(store)).toEqual([]);
  }, 120_000);

  it('leader-churn cuts real leaders off as they take office, and the correct Raft without a no-op stays safe', async () => {
    const r = await run('churn', ['--nemesis', 'leader-churn', '--nemesis-interval', '3s', '--noop', 'off', '--max-batch', '1',
      '--election-ms', '50-100', '--heartbeat-ms', '20']);
    expect(r.valid, JSON.stringify(r.checkers)).toBe(true);
    const dir = nodePath.join(store, 'churn', 'latest');
    const ops = fs.readFileSync(nodePath.join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { process: unknown; type: string; f: string; value: unknown });
    const churns = ops.filter((o) => o.process === 'nemesis' && o.type === 'info' && o.f === 'start-churn').map((o) => o.value as { isolations: number; steps: { isolate?: string }[] });
    expect(churns.length).toBeGreaterThanOrEqual(2);
    const isolations = churns.reduce((n, c) => n + c.isolations, 0);
    expect(isolations).toBeGreaterThanOrEqual(5);
    // Each node it cut off had taken office: its log says it became leader.
    const led = new Set<string>();
    for (const f of fs.readdirSync(nodePath.join(dir, 'nodes')).filter((x) => x.endsWith('.log'))) {
      if (/leader of term/.test(fs.readFileSync(nodePath.join(dir, 'nodes', f), 'utf8'))) led.add(f.replace('.log', ''));
    }
    for (const c of churns) for (const s of c.steps) if (s.isolate) expect(led).toContain(s.isolate);
    // And it led at the moment it was cut off: in its log, the last "leader of term" before the cut in
    // harness.log is not followed by "stepped down" (except within 100 ms: a higher term may reach it
    // between the look and the cut).
    const at = (line: string): number => Date.parse(line.slice(0, line.indexOf(' ')));
    const events = new Map<string, { t: number; leads: boolean }[]>();
    for (const f of fs.readdirSync(nodePath.join(dir, 'nodes')).filter((x) => x.endsWith('.log'))) {
      const lines = fs.readFileSync(nodePath.join(dir, 'nodes', f), 'utf8').split('\n').filter((l) => /: (leader of term|stepped down)/.test(l));
      events.set(f.replace('.log', ''), lines.map((l) => ({ t: at(l), leads: l.includes('leader of term') })));
    }
    let before = new Set<string>();
    let cuts = 0;
    for (const line of fs.readFileSync(nodePath.join(dir, 'harness.log'), 'utf8').split('\n')) {
      const m = / partition (\{.*\})$/.exec(line);
      if (!m) continue;
      const grudge = JSON.parse(m[1]) as Record<string, string[]>;
      const off = new Set(Object.entries(grudge).filter(([, drops]) => drops.length === 4).map(([n]) => n));
      for (const n of off) {
        if (before.has(n)) continue;
        cuts++;
        const last = (events.get(n) ?? []).filter((e) => e.t <= at(line)).at(-1);
        expect(last, `${n} cut off at ${line.slice(0, 24)} never led before`).toBeDefined();
        if (!last!.leads) expect(at(line) - last!.t, `${n} had stepped down before it was cut off`).toBeLessThanOrEqual(100);
      }
      before = off;
    }
    expect(cuts).toBe(isolations);
    // The run ended healed: the last nemesis op is the final stop-churn.
    expect(ops.filter((o) => o.process === 'nemesis').at(-1)?.f).toBe('stop-churn');
    expect(processesWith(store)).toEqual([]);
  }, 120_000);
});
