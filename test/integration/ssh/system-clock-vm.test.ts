/**
 * `--env ssh --clock-mode system` for real: a host with a kernel of its own (a QEMU VM, vm-bed.ts,
 * reached over SSH like any machine) has its real clock stepped, strobed and put back, through the
 * product's own code path — the ssh environment, its SystemClock, the clock nemesis, `faultline run`
 * and `faultline cleanup` — with nothing mocked. What is checked, against the controller's clock:
 *
 * - the host's boot_id differs from the controller's, so system mode is not refused;
 * - NTP (systemd-timesyncd, a real unit on the guest) is stopped for the run and started at the end;
 * - a bump moves the guest's clock by the offset asked for (read back on the guest, ±50 ms), and a
 *   strobe flips it between two levels; a Go server (etcd) serves its HTTP `Date` skewed to match;
 * - at the end (teardown, or cleanup after a killed controller) the guest's clock is back where it
 *   was, and the controller's own clock never moved (against its monotonic clock).
 *
 * The guest's clock is read through a shell on the guest that answers each line with
 * `$EPOCHREALTIME`: a reading costs one round trip (~2 ms) on an open channel, so the offset is known
 * to ±rtt/2; the guest's offset before the run (its RTC starts it within a second of ours) is the
 * baseline every reading is compared to.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../harness/ground/generator/index.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { clockPackage } from '../../../harness/middle/faults/nemesis/index.js';
import type { Target } from '../../../harness/ground/contracts/roles.js';
import { localBootId, provisionSsh } from '../../../harness/middle/hosts/ssh/environment.js';
import { SystemClock } from '../../../harness/middle/hosts/ssh/system-clock.js';
import { startVmBed, vmBedMissing, type VmBed } from '../../../harness/middle/hosts/ssh/vm-bed.js';
import { CLI, historyOf, startCli, until } from '../run/cli-helpers.js';
import { removeTempDirs, tempStore } from '../provision/helpers.js';

const built = fs.existsSync(CLI);
const skip = vmBedMissing() ?? (built ? undefined : 'needs dist/ (run npx tsc -p tsconfig.json)');
if (skip && process.env.CI === 'true') throw new Error(`CI=true but the VM test host cannot start here: ${skip}`);

/** How close a stepped clock must land to the offset asked for, beyond the reading's ±rtt/2. */
const STEP_TOLERANCE_MS = 50;

let bed: VmBed;
let probe: Awaited<ReturnType<VmBed['clockProbe']>>;
/** The guest's clock minus ours before anything moved it. */
let baseline: number;
/** Our wall clock minus our monotonic clock at the start: it must not change (our clock never moves). */
let ourDrift: number;
const lines: string[] = [];
const log = (m: string): void => { lines.push(m); };

const guestOffset = async (): Promise<{ offsetMs: number; rttMs: number }> => probe.read(5);
/** The guest's offset relative to its baseline, ms. */
const skew = async (): Promise<number> => (await guestOffset()).offsetMs - baseline;
const ntp = async (): Promise<string> => (await bed.exec('systemctl is-active systemd-timesyncd')).stdout.trim();
const argsOf = (flags: Map<string, string | true>): string[] => [...flags].flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, v]));

describe.skipIf(skip !== undefined)(`--clock-mode system on a VM with its own kernel${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => {
    const t0 = performance.now();
    bed = await startVmBed({ log });
    probe = await bed.clockProbe();
    baseline = (await probe.read(9)).offsetMs;
    ourDrift = Date.now() - performance.now();
    const t = bed.timings;
    // Printed so a CI log shows what the VM cost (docs/environments.md quotes these).
    console.log(`VM test host (${bed.accel}): image ${t.imageBuildMs > 0 ? `built in ${(t.imageBuildMs / 1000).toFixed(1)} s` : 'cached'}, sshd after ${(t.bootToSshMs / 1000).toFixed(1)} s, booted after ${(t.bootToReadyMs / 1000).toFixed(1)} s (${((performance.now() - t0) / 1000).toFixed(1)} s in all); guest clock ${baseline.toFixed(1)} ms from ours`);
  }, 600_000);

  afterAll(async () => {
    probe?.close();
    await bed?.stop();
    removeTempDirs();
  }, 60_000);

  it('is a machine of its own: another boot_id, with systemd-timesyncd running', async () => {
    const bootId = (await bed.exec('cat /proc/sys/kernel/random/boot_id')).stdout.trim();
    expect(bootId).toMatch(/^[0-9a-f-]{36}$/);
    expect(bootId).not.toBe(localBootId());
    expect(await ntp()).toBe('active');
    expect(Math.abs(baseline)).toBeLessThan(2_000);
  });

  it('steps, strobes and restores the guest\'s real clock through the ssh environment; NTP is off meanwhile', async () => {
    const env = await provisionSsh({ nodes: ['n1'], flags: bed.flags({ 'clock-mode': 'system' }), log });
    let bumpError = Number.NaN;
    try {
      expect(env.clock).toBeInstanceOf(SystemClock);
      const clock = env.clock as SystemClock;
      expect(clock.stoppedUnits.get('n1')).toEqual(['systemd-timesyncd']);
      expect(await ntp()).toBe('inactive');

      // A bump: the guest reads its clock 7 s ahead of where it was, to the millisecond or so.
      await clock.setClockOffset('n1', 7_000);
      let r = await guestOffset();
      bumpError = r.offsetMs - baseline - 7_000;
      expect(Math.abs(bumpError)).toBeLessThan(STEP_TOLERANCE_MS + r.rttMs / 2);
      // The same seen by `date` in a fresh SSH session (its round trip bounds the reading).
      const t0 = Date.now();
      const date = Number((await bed.exec('date +%s.%N')).stdout.trim()) * 1000;
      const t1 = Date.now();
      expect(Math.abs(date - (t0 + t1) / 2 - baseline - 7_000)).toBeLessThan(STEP_TOLERANCE_MS + (t1 - t0) / 2);
      // Sent again (as after a dropped connection): no second step.
      await clock.setClockOffset('n1', 7_000);
      expect(Math.abs((await skew()) - 7_000)).toBeLessThan(STEP_TOLERANCE_MS + 10);
      // Backwards past where it started.
      await clock.setClockOffset('n1', -2_500);
      r = await guestOffset();
      expect(Math.abs(r.offsetMs - baseline + 2_500)).toBeLessThan(STEP_TOLERANCE_MS + r.rttMs / 2);

      // A strobe by the product's clock nemesis: flips between -2.5 s and +0.5 s, then back to -2.5 s.
      const target = { nodes: ['n1'], clock } as unknown as Target;
      const nemesis = clockPackage({ target, interval: 10e9, rng: createRng(1), sleep: (ms) => new Promise((res) => setTimeout(res, ms)), log }).package!.nemesis;
      // Each reading is exact to ±rtt/2: it is at a level when within that (plus 50 ms) of it.
      const seen: { v: number; rtt: number }[] = [];
      let strobing = true;
      const sampling = (async () => {
        while (strobing) {
          const x = await probe.read(1);
          seen.push({ v: x.offsetMs - baseline, rtt: x.rttMs });
          await new Promise((res) => setTimeout(res, 20));
        }
      })();
      const strobe = await nemesis.invoke({ f: 'strobe-clock', value: { nodes: ['n1'], deltaMs: 3_000, periodMs: 300, durationMs: 4_000 } } as Op) as { flips: number; offsets: Record<string, number> };
      strobing = false;
      await sampling;
      expect(strobe.flips).toBeGreaterThanOrEqual(2);
      expect(strobe.offsets).toEqual({ n1: -2_500 });
      const at = (x: { v: number; rtt: number }, level: number): boolean => Math.abs(x.v - level) < STEP_TOLERANCE_MS + x.rtt / 2;
      expect(seen.some((x) => at(x, 500)) && seen.some((x) => at(x, -2_500))).toBe(true);
      // Every reading is at one of the two levels (no drift, no half steps).
      expect(seen.filter((x) => !at(x, 500) && !at(x, -2_500))).toEqual([]);
      expect(Math.abs((await skew()) + 2_500)).toBeLessThan(STEP_TOLERANCE_MS + 10);
      expect(clock.clockOffsets()).toEqual({ n1: -2_500 });
    } finally {
      await env.teardown(log);
    }
    // Teardown: the clock is back where it was, and NTP runs again.
    const restoreError = await skew();
    console.log(`+7 s bump landed ${bumpError.toFixed(1)} ms off; after a strobe and teardown the guest is ${restoreError.toFixed(1)} ms from where it started`);
    expect(Math.abs(restoreError)).toBeLessThan(STEP_TOLERANCE_MS);
    expect(await ntp()).toBe('active');
    expect(lines.join('\n')).toMatch(/clock of n1 restored, systemd-timesyncd started again/);
    expect(await bed.leftovers()).toEqual([]);
  }, 120_000);

  it('faultline run --target etcd --clock-mode system skews a Go server\'s clock (its HTTP Date) and leaves the host as it was', async () => {
    const store = tempStore('vm-clock');
    const args = ['run', '--target', 'etcd', '--nodes', '1', '--nemesis', 'clock', '--clock-offsets', '5s-30s', '--nemesis-interval', '3s',
      '--time-limit', '20s', '--quiet', '1s', '--rate', '20', '--concurrency', '2', '--seed', '1316276350', '--store', store, ...argsOf(bed.flags({ 'clock-mode': 'system' }))];
    const cli = startCli(args, store);
    // Meanwhile: the guest's clock, etcd's idea of the time (its Date header), and whether NTP runs.
    const samples: { at: number; guest: number; rtt: number; etcd?: number }[] = [];
    const ntpSeen = new Set<string>();
    let running = true;
    void cli.done.then(() => { running = false; });
    const watching = (async () => {
      let n = 0;
      while (running) {
        const r = await probe.read(1);
        let etcd: number | undefined;
        try {
          const res = await fetch(`http://${bed.address}:2379/version`, { signal: AbortSignal.timeout(1_000) });
          const at = Date.now();
          const after = await probe.read(1);
          // Only when the guest's clock did not change around the request (a strobe flips it often).
          if (Math.abs(after.offsetMs - r.offsetMs) < 100) etcd = Date.parse(res.headers.get('date') ?? '') - at;
        } catch {
          // Not serving yet (or any more).
        }
        samples.push({ at: r.at, guest: r.offsetMs - baseline, rtt: r.rttMs, etcd });
        if (n++ % 8 === 4) ntpSeen.add(await ntp().catch(() => 'unknown'));
        await new Promise((res) => setTimeout(res, 150));
      }
    })();
    const done = await cli.done;
    await watching;
    expect(done.stdout).toMatch(/verdict: valid/);
    expect(done.code).toBe(0);
    const runDir = fs.realpathSync(nodePath.join(store, 'latest'));
    const harnessLog = fs.readFileSync(nodePath.join(runDir, 'harness.log'), 'utf8');
    expect(harnessLog).toMatch(/--clock-mode system: stopped systemd-timesyncd on n1 for the run/);
    expect(harnessLog).toMatch(/--clock-mode system: clock of n1 restored, systemd-timesyncd started again/);
    expect(ntpSeen).toContain('inactive');

    // The offsets the nemesis set (bumps, and both levels of each strobe).
    const levels = new Set<number>([0]);
    for (const op of historyOf(runDir).filter((o) => o.process === 'nemesis' && o.type === 'info')) {
      const v = op.value as { offsets?: Record<string, number>; deltaMs?: number };
      if (v.offsets?.n1 !== undefined) levels.add(v.offsets.n1);
      if (op.f === 'strobe-clock' && v.deltaMs !== undefined && v.offsets?.n1 !== undefined) levels.add(v.offsets.n1 + v.deltaMs);
    }
    const skewed = [...levels].filter((l) => Math.abs(l) >= 5_000);
    expect(skewed.length).toBeGreaterThan(0);
    // Every reading of the guest's clock is at one of those levels (to ±rtt/2), and some are skewed ones.
    const off = samples.filter((s) => ![...levels].some((l) => Math.abs(s.guest - l) < STEP_TOLERANCE_MS + s.rtt / 2));
    expect(off).toEqual([]);
    expect(samples.filter((s) => Math.abs(s.guest) >= 4_000).length).toBeGreaterThan(0);
    // etcd's HTTP Date (whole seconds, from Go's time.Now) follows the guest's clock while skewed.
    const goSkewed = samples.filter((s) => s.etcd !== undefined && Math.abs(s.guest) >= 4_000);
    expect(goSkewed.length).toBeGreaterThan(0);
    for (const s of goSkewed) expect(Math.abs(s.etcd! - (s.guest + baseline))).toBeLessThan(1_500);

    // Afterwards: back where it was, NTP running, nothing of the run left on the guest.
    const after = await skew();
    const worst = Math.max(...samples.map((x) => Math.min(...[...levels].map((l) => Math.abs(x.guest - l))) - x.rtt / 2));
    console.log(`faultline run: ${samples.length} readings of the guest's clock, all within ${worst.toFixed(1)} ms (beyond ±rtt/2) of an offset the nemesis set (${[...levels].sort((a, b) => a - b).join(', ')} ms); etcd's Date matched in ${goSkewed.length} skewed readings; ${after.toFixed(1)} ms from the start afterwards`);
    expect(Math.abs(after)).toBeLessThan(STEP_TOLERANCE_MS);
    expect(await ntp()).toBe('active');
    expect(await bed.leftovers()).toEqual([]);
  }, 240_000);

  it('faultline cleanup --env ssh puts the clock back and restarts NTP after a controller killed mid-skew', async () => {
    const store = tempStore('vm-killed');
    const flags = bed.flags({ 'clock-mode': 'system' });
    // Bumps of 20-30 s held for 10 s: the controller is killed right after one, with the clock skewed.
    const cli = startCli(['run', '--target', 'etcd', '--nodes', '1', '--nemesis', 'clock', '--clock-offsets', '20s-30s', '--nemesis-interval', '10s',
      '--time-limit', '90s', '--rate', '10', '--concurrency', '1', '--seed', '3', '--store', store, ...argsOf(flags)], store);
    const history = (): string => {
      const p = nodePath.join(store, 'latest', 'history.jsonl');
      return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '';
    };
    await until(() => /"type":"info","f":"bump-clock"/.test(history()), 150_000, 'the run to bump the clock');
    cli.child.kill('SIGKILL');
    await cli.done;
    const stranded = await skew();
    expect(await ntp()).toBe('inactive');
    expect((await bed.leftovers()).some((l) => l.startsWith('process '))).toBe(true);
    flags.delete('env');
    flags.delete('clock-mode');
    const clean = await startCli(['cleanup', '--env', 'ssh', ...argsOf(flags)], store).done;
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/run [0-9a-f]{6}: removed on n1 \(root@\S+\): 1 process\(es\) .*the clock's -?\d+ ms skew \(systemd-timesyncd started again\)/);
    expect(Math.abs(stranded)).toBeGreaterThan(19_000);
    expect(Math.abs(await skew())).toBeLessThan(STEP_TOLERANCE_MS);
    expect(await ntp()).toBe('active');
    expect(await bed.leftovers()).toEqual([]);
  }, 240_000);

  it('never moved the controller\'s clock (wall minus monotonic is what it was)', () => {
    expect(Math.abs(Date.now() - performance.now() - ourDrift)).toBeLessThan(250);
  });
});
