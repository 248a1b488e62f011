/**
 * Consul with `--env docker` against a real dockerd, in the image `faultline images build --target
 * consul` makes (this machine's consul binary on the Debian base): `stale` reads under partitions of
 * the leader are caught as stale (a stale read in the counterexample); `consistent` reads stay
 * linearizable under partitions, kills (docker kill + docker start on the same data dir) and pauses,
 * with the faults really applied inside the containers (health in Consul's terms around each, the
 * killed servers back as new container processes), and clock reported unsupported (Go). Each run must
 * leave nothing of itself behind. 3 servers and 12–15 s runs, as the local Consul tests.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { consulParts } from '../../../targets/consul/index.js';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { expectConsulFaultedReads, expectSomeStaleRead, primariesIsolated, storeRequests } from '../provision/store-runs.js';
import { dockerLeftovers, dockerMissing, dockerRunIdOf, ensureTargetImage, pidsOf } from './helpers.js';

// The image copies this machine's consul (scripts/setup-consul.sh); under CI=true its absence fails.
const skip = (await dockerMissing()) ?? missing(['consul']);
afterAll(removeTempDirs);

const request = storeRequests({}, { env: 'docker' });

function expectNothingLeft(dir: string): void {
  const id = dockerRunIdOf(dir);
  expect(id).toBeDefined();
  expect(dockerLeftovers(id!, pidsOf(dir))).toEqual([]);
}

describe.skipIf(skip !== undefined)(`Consul in containers${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let image = '';
  beforeAll(async () => { image = await ensureTargetImage('consul'); }, 600_000);

  it('stale reads under partitions of the leader are not linearizable, the stale read explained', async () => {
    const req = request('docker-consul-stale', { faults: ['partition'] }, { 'reads': 'stale', values: '1000', 'request-timeout': '1s' });
    const out = await runTest(req.config, (run) => primariesIsolated(consulParts(req, run)));
    expect(out.results.error).toBeUndefined();
    expectSomeStaleRead(out.results);
    // The servers ran in containers of the consul image, and a partition cut off a server that led.
    const log = fs.readFileSync(`${out.dir}/harness.log`, 'utf8');
    expect(log).toContain(`containers of ${image}`);
    const hist = fs.readFileSync(`${out.dir}/history.jsonl`, 'utf8');
    expect(hist).toMatch(/"f":"start-partition","value":\{"shape":"primaries".*"before":\{[^}]*leader \(3\/3 voters\)/);
    for (const n of ['n1', 'n2', 'n3']) expect(fs.readFileSync(`${out.dir}/nodes/${n}/consul.log`, 'utf8')).toContain(`Node name: '${n}'`);
    expectNothingLeft(out.dir);
  }, 180_000);

  it('consistent reads stay linearizable under partitions, kills (docker kill + start) and pauses; clock is unsupported', async () => {
    // Fault interval 3 s, as on --env local: a restarted server and a new leader settle in 2–3 s.
    const req = request('docker-consul-consistent', { faults: ['partition', 'kill', 'pause', 'clock'], timeLimitS: 15, seed: 3, faultIntervalS: 3 }, { 'reads': 'consistent', keys: '5' });
    const out = await runTest(req.config, (run) => consulParts(req, run).plan);
    expect(out.results.error).toBeUndefined();
    expect(out.results.checkers.linearizable.valid).toBe(true);
    expect(out.results.unsupportedFaults).toEqual([{ fault: 'clock', reason: expect.stringMatching(/Consul is a Go binary.*libfaketime cannot skew it/) }]);
    expectConsulFaultedReads(out.dir);
    // A killed server came back as a new container process on the same data dir: its log, streamed
    // from the container, holds every start, and the node ID (kept in the data dir) stayed the same.
    const log = fs.readFileSync(`${out.dir}/harness.log`, 'utf8');
    expect((log.match(/consul: started n\d as pid/g) ?? []).length).toBeGreaterThan(3);
    const restarted = ['n1', 'n2', 'n3'].map((n) => fs.readFileSync(`${out.dir}/nodes/${n}/consul.log`, 'utf8')).filter((l) => (l.match(/Starting Consul agent/g) ?? []).length > 1);
    expect(restarted.length).toBeGreaterThan(0);
    for (const l of restarted) expect(new Set(l.match(/Node ID: '[0-9a-f-]+'/g)).size).toBe(1);
    expectNothingLeft(out.dir);
  }, 180_000);
});
