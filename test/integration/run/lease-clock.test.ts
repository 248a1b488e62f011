/**
 * Leases under clock faults through the real CLI (issue 28 part 4): the bundled Raft's clocks move
 * under libfaketime, so its run reports the skew its leases met and tolerated; etcd (a Go binary
 * libfaketime cannot skew) and ZooKeeper (session expiry on a monotonic clock) say their lock's lease
 * was NOT tested under clock faults, and such a run is never green.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, tempStore } from './cli-helpers.js';
import { missing } from '../provision/helpers.js';

const stores: string[] = [];
afterAll(() => { for (const s of stores) fs.rmSync(s, { recursive: true, force: true }); });

interface Ran { code: number; stdout: string; results?: Record<string, any> }

function faultline(label: string, args: string[]): Promise<Ran> {
  const store = tempStore(label);
  stores.push(store);
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'run', '--store', store, '--config', 'none', ...args], { timeout: 150_000 }, (err, stdout) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      const latest = nodePath.join(store, 'latest', 'results.json');
      resolve({ code, stdout, results: fs.existsSync(latest) ? JSON.parse(fs.readFileSync(latest, 'utf8')) : undefined });
    });
  });
}

const FAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

describe('leases under clock faults', () => {
  const noFaketime = missing([], [FAKETIME]);
  it.skipIf(noFaketime !== undefined)(`the bundled Raft: clock faults reach it, and the run reports the skew it tolerated${noFaketime ? ` (skipped: ${noFaketime})` : ''}`, async () => {
    const r = await faultline('raft-clock', ['--target', 'raft', '--workload', 'lin-kv', '--nemesis', 'clock', '--nemesis-interval', '1s', '--nodes', '3', '--time-limit', '6s', '--quiet', '1s', '--seed', '3']);
    const lc = r.results?.leaseClock;
    expect(lc, r.stdout).toBeDefined();
    expect(lc.tested).toBe(true);
    expect(lc.bumps + lc.strobes).toBeGreaterThan(0);
    const skew = Math.max(lc.maxBumpMs, lc.maxStrobeMs);
    expect(skew).toBeGreaterThan(0);
    // The correct Raft reads through read-index and times elections on monotonic timers: it tolerates the skew.
    expect(r.results?.valid, r.stdout).toBe(true);
    expect(lc.toleratedSkewMs).toBe(skew);
    expect(r.stdout).toContain(`leases under clock faults: tested — the leader's reads (read-index, no wall-clock lease)`);
    expect(r.stdout).toContain(`tolerated skew up to ${skew} ms`);
    expect(r.results?.checkers['lease-clock']).toBeUndefined();
  }, 150_000);

  const noEtcd = missing(['etcd', 'iptables', 'iptables-restore', 'unshare']);
  it.skipIf(noEtcd !== undefined)(`etcd lock with clock faults: the lease was NOT tested, unknown, never green${noEtcd ? ` (skipped: ${noEtcd})` : ''}`, async () => {
    // The pause takes effect, so this is not fault-coverage's "nothing injected": the clock part alone is untested.
    const r = await faultline('etcd-clock', ['--target', 'etcd', '--workload', 'lock', '--nemesis', 'clock,pause', '--nemesis-interval', '2s', '--nodes', '3', '--time-limit', '6s', '--quiet', '0s', '--seed', '1']);
    expect(r.results?.leaseClock, r.stdout).toMatchObject({ tested: false });
    expect(r.results?.leaseClock.note).toMatch(/NOT tested under clock faults: etcd is a Go binary/);
    expect(r.results?.checkers['lease-clock'].valid).toBe('unknown');
    expect(r.results?.valid).not.toBe(true);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/leases under clock faults: NOT tested — the lease was NOT tested under clock faults: etcd is a Go binary/);
  }, 150_000);

  const noZk = missing(['java', 'iptables', 'iptables-restore', 'unshare'], ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-simple.jar', FAKETIME]);
  it.skipIf(noZk !== undefined)(`ZooKeeper lock with clock faults: skewed JVMs, but sessions expire on a monotonic clock: NOT tested, unknown${noZk ? ` (skipped: ${noZk})` : ''}`, async () => {
    const r = await faultline('zk-clock', ['--target', 'zookeeper', '--workload', 'lock', '--nemesis', 'clock', '--nemesis-interval', '2s', '--nodes', '3', '--time-limit', '6s', '--quiet', '0s', '--seed', '1']);
    // The clock fault itself took effect on ZooKeeper (libfaketime reaches the JVM) ...
    expect(r.results?.faults?.clock?.tookEffect, r.stdout).toBeGreaterThan(0);
    // ... but not the clock its sessions expire by.
    expect(r.results?.leaseClock.tested).toBe(false);
    expect(r.results?.leaseClock.note).toMatch(/monotonic clock/);
    expect(r.results?.checkers['lease-clock'].valid).toBe('unknown');
    expect(r.results?.valid).not.toBe(true);
  }, 150_000);
});
