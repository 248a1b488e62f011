/**
 * A client whose close() never settles (and whose open() holds a timer, as a socket keeps the event
 * loop alive) hung a run past its time limit and ignored its first SIGTERM (watched 11 minutes).
 * Now each close is bounded (5 s) and the CLI exits within 3 s of its verdict: a run ends with the
 * verdict of its history, and a SIGTERM'd one with unknown (exit 2), within a bound, leaving nothing.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli, tempStore } from '../run/cli-helpers.js';
import { CLIENTS, localLeftovers, settledLeftovers } from './helpers.js';

const RAFT_MAIN = nodePath.resolve(CLIENTS, '../../../../dist/targets/raft/main.js');
const START = `node ${RAFT_MAIN} --listen {host}:{port} --node {node} --peers {peers} --data-dir {data}`;
const args = (store: string, timeLimit: string): string[] => ['run', '--config', 'none', '--target', 'custom', '--nemesis', 'none', '--store', store, '--workload', 'register',
  '--nodes', '3', '--quiet', '1s', '--concurrency', '3', '--time-limit', timeLimit, '--client', nodePath.join(CLIENTS, 'hang-close.ts'),
  '--cas', 'if-match', '--health', '/health', '--start', START];

async function finish(store: string, run: ReturnType<typeof startCli>, killAfterMs: number) {
  const t0 = Date.now();
  const timer = setTimeout(() => run.child.kill('SIGKILL'), killAfterMs);
  const r = await run.done;
  clearTimeout(timer);
  const latest = nodePath.join(store, 'latest');
  const dir = fs.existsSync(latest) ? fs.realpathSync(latest) : undefined;
  const results = dir && fs.existsSync(nodePath.join(dir, 'results.json')) ? JSON.parse(fs.readFileSync(nodePath.join(dir, 'results.json'), 'utf8')) as Record<string, unknown> : undefined;
  return { ...r, seconds: (Date.now() - t0) / 1000, dir, results, left: await settledLeftovers(store, dir, localLeftovers) };
}

describe('a client close() that never resolves', () => {
  it('ends the run at its time limit with the verdict, close abandoned after 5 s', async () => {
    const store = tempStore('hang-close');
    const r = await finish(store, startCli(args(store, '3s'), store), 120_000);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.results?.valid).toBe(true);
    expect(fs.readFileSync(nodePath.join(r.dir!, 'harness.log'), 'utf8')).toMatch(/client close \(thread \d+\) did not finish within 5 s/);
    expect(r.left).toEqual([]);
    fs.rmSync(store, { recursive: true, force: true });
  }, 150_000);

  it('the first SIGTERM ends the run, teardown included, within 40 s: verdict unknown, exit 2', async () => {
    const store = tempStore('hang-close-term');
    const run = startCli(args(store, '120s'), store);
    // Signal once clients are running (their first ops are in the history).
    const history = (): string | undefined => {
      const latest = nodePath.join(store, 'latest', 'history.jsonl');
      return fs.existsSync(latest) ? fs.readFileSync(latest, 'utf8') : undefined;
    };
    for (let i = 0; i < 600 && !(history() ?? '').includes('"type":"ok"'); i++) await new Promise((res) => setTimeout(res, 100));
    const t0 = Date.now();
    run.child.kill('SIGTERM');
    const r = await finish(store, run, 120_000);
    const seconds = (Date.now() - t0) / 1000;
    expect(r.signal, r.stderr).toBeNull();
    expect(seconds).toBeLessThan(40);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.results).toMatchObject({ valid: 'unknown', interrupted: 'SIGTERM' });
    expect(r.left).toEqual([]);
    console.log(`SIGTERM to exit: ${seconds.toFixed(1)} s`);
    fs.rmSync(store, { recursive: true, force: true });
  }, 150_000);
});
