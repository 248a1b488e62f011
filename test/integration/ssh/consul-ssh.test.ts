/**
 * Consul over SSH, against the test bed (namespace hosts, each with a real sshd): the hosts' own consul
 * (the test bed's hosts share this machine's filesystem, so it is the one scripts/setup-consul.sh
 * installed) started over ssh2 with its data dir in the host's run directory; consistent reads stay
 * linearizable under partitions, kills and pauses, the logs come back by SFTP, and nothing is left on
 * the hosts. A host without consul is refused in one sentence even with `--install` (bookworm has no
 * consul package), before anything starts.
 */
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { consulParts } from '../../../targets/consul/index.js';
import { tempStore } from '../provision/helpers.js';
import { CLI, startCli } from '../run/cli-helpers.js';
import { bedRequest, describeOnTestBed, sshMissing, unmatchedInvokes } from './helpers.js';

const skip = sshMissing(['consul', 'iptables', 'iptables-restore', 'unshare']) ?? (fs.existsSync(CLI) ? undefined : 'needs dist/ (run npx tsc -p tsconfig.json)');

const argsOf = (flags: Map<string, string | true>): string[] => [...flags].flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, v]));

describeOnTestBed('consul over ssh', skip, (testBed) => {
  it('consistent reads stay linearizable under partitions, kills and pauses; data and logs on the hosts', async () => {
    const bed = testBed();
    // Fault interval 3 s, as on --env local: a restarted server and a new leader settle in 2–3 s.
    const req = bedRequest(bed, 'ssh-consul', { faults: ['partition', 'kill', 'pause'], timeLimitS: 15, seed: 3, faultIntervalS: 3 }, { 'reads': 'consistent', keys: '5' });
    let dataDir = '';
    const out = await runTest(req.config, (run) => {
      const { plan, cluster } = consulParts(req, run);
      const afterSetup = plan.afterSetup;
      plan.afterSetup = async () => {
        await afterSetup?.();
        // The server's command line, as the host runs it: its data dir is in the host's run directory.
        const pid = cluster.pidOf('n1');
        const argv = pid === undefined ? [] : fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        dataDir = argv[argv.indexOf('-data-dir') + 1] ?? '';
      };
      return plan;
    });
    expect(out.results.error).toBeUndefined();
    expect(out.results.checkers.linearizable.valid).toBe(true);
    const env = out.results.environment as { kind: string; hosts: { address: string }[] };
    expect(env.kind).toBe('ssh');
    expect(env.hosts.map((h) => h.address)).toEqual(bed.addresses);
    expect(dataDir).toMatch(new RegExp(`^${bed.remoteDir}/[0-9a-f]{6}/n1/data$`));
    const hist = fs.readFileSync(`${out.dir}/history.jsonl`, 'utf8');
    for (const f of ['start-partition', 'kill', 'pause', 'resume', 'start']) expect(hist).toContain(`"f":"${f}"`);
    expect(hist).toMatch(/"health":\{"before":\{"n1":"(leader|follower) \(3\/3 voters\)"/);
    expect(hist.split('\n').filter((l) => l.includes('"type":"ok"') && l.includes('"f":"read"')).length).toBeGreaterThan(30);
    expect(unmatchedInvokes(out.dir)).toBe(0);
    // The logs came back by SFTP, and a killed server restarted on its data dir as the same node.
    const logs = ['n1', 'n2', 'n3'].map((n) => fs.readFileSync(`${out.dir}/nodes/${n}/consul.log`, 'utf8'));
    for (const [i, l] of logs.entries()) expect(l).toContain(`Node name: 'n${i + 1}'`);
    const restarted = logs.filter((l) => (l.match(/Starting Consul agent/g) ?? []).length > 1);
    expect(restarted.length).toBeGreaterThan(0);
    for (const l of restarted) expect(new Set(l.match(/Node ID: '[0-9a-f-]+'/g)).size).toBe(1);
    expect(bed.leftovers()).toEqual([]);
  }, 180_000);

  it('a host without consul is refused in one sentence, also with --install (bookworm has no consul package)', async () => {
    const bed = testBed();
    const store = tempStore('ssh-consul-refusal');
    const args = ['run', '--target', 'consul', '--nemesis', 'none', '--nodes', '3', '--time-limit', '3s', '--store', store, ...argsOf(bed.flags({ 'consul-bin': '/nonexistent/consul', install: true }))];
    const r = await startCli(args, store).done;
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(/host n\d \(10\.\S+\) lacks \/nonexistent\/consul \(Consul\); Debian bookworm has no consul package, so --install cannot add it: install Consul there yourself .*--consul-bin/);
    expect(r.stderr).not.toMatch(/installing|apt-get install/);
    expect(bed.leftovers()).toEqual([]);
  }, 60_000);
});
