/**
 * #24: set-up has its own clock on the progress line, and "elapsed" and the time limit count from the
 * clients' start. Before, a cluster that took 8 s to come up had the line announce "time limit reached"
 * 8 s early, while the clients and faults ran on (ZooKeeper and Docker runs: at 30 s of a 30 s run whose
 * clients ran until ~47 s). Here each node waits 8 s before it starts serving.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { describeRun, RAFT_START, runCustom } from './helpers.js';

const skip = missing(['iptables', 'iptables-restore', 'unshare']);
afterAll(removeTempDirs);

describe.skipIf(skip !== undefined)(`the progress line of a slow set-up${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('counts set-up apart, and says "time limit reached" only once the clients have run the time limit', async () => {
    const r = await runCustom('slow-setup', ['--workload', 'register', '--nodes', '3', '--quiet', '0s', '--client', 'http-kv',
      '--start', `sh -c "sleep 8; exec ${RAFT_START()}"`, '--health', '/health', '--nemesis', 'partition', '--nemesis-interval', '3s', '--time-limit', '8s']);
    expect(r.code, describeRun(r)).toBe(0);
    const lines = r.stderr.split('\n');
    const done = lines.findIndex((l) => /^set-up done in \d+s; clients start, time limit 8s$/.test(l));
    expect(done, r.stderr).toBeGreaterThanOrEqual(0);
    expect(Number(/in (\d+)s/.exec(lines[done])![1])).toBeGreaterThanOrEqual(8);
    // Every line after it counts from the clients' start: never past the limit before 8 s of clients.
    const after = lines.slice(done + 1).filter((l) => / elapsed, /.test(l));
    expect(after.length, r.stderr).toBeGreaterThan(0);
    for (const l of after) {
      const elapsed = Number(/^(\d+)s elapsed/.exec(l)![1]);
      if (/time limit reached/.test(l)) expect(elapsed, l).toBeGreaterThanOrEqual(8);
      else expect(l).toMatch(new RegExp(`^${elapsed}s elapsed, ${8 - elapsed}s left`));
    }
    // Nothing "elapsed" during set-up: those lines are the set-up's own.
    expect(lines.slice(0, done).filter((l) => / elapsed, /.test(l))).toEqual([]);
  }, 120_000);
});
