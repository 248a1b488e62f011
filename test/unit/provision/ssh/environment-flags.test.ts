/**
 * `--env ssh` as the targets see it: its flags are every store target's, a flag of one environment
 * used with another is refused, and the controller of an ssh run needs neither root nor the servers
 * (those are checked on the hosts).
 */
import { describe, expect, it } from 'vitest';
import type { MachineProbe } from '../../../../harness/middle/hosts/preflight.js';
import { getEnvironment } from '../../../../harness/middle/hosts/environments.js';
import { environmentOf, STORE_FLAGS } from '../../../../targets/server-base/store-plan.js';
import type { RunRequest } from '../../../../harness/ground/contracts/run-contract.js';
import { etcdPreflight, etcdRequirements } from '../../../../targets/etcd/index.js';
import { zookeeperPreflight } from '../../../../targets/zookeeper/index.js';

const bare: MachineProbe = { isRoot: () => false, hasCommand: () => false, hasFile: () => false };

function req(flags: Record<string, string | true>, faults: string[] = ['partition', 'latency', 'clock']): RunRequest {
  return {
    config: { name: 't', store: '/tmp/x', seed: 1, timeLimitS: 1, rate: 1, concurrency: 1, quietS: 0, faults, faultIntervalS: 1 },
    flags: new Map(Object.entries(flags)), workload: 'register', nodeCount: 3,
  };
}

describe('the ssh environment in store runs', () => {
  it('is registered, remote, and its flags are store flags', () => {
    const ssh = getEnvironment('ssh');
    expect(ssh.remote).toBe(true);
    const names = STORE_FLAGS.map((f) => f.name);
    for (const f of ['hosts', 'hosts-file', 'ssh-user', 'ssh-key', 'ssh-port', 'ssh-known-hosts', 'ssh-accept-new-host-keys', 'clock-mode', 'install']) expect(names).toContain(f);
    expect(new Set(names).size).toBe(names.length);
  });

  it('needs no root and no server binaries on the controller', () => {
    const r = req({ env: 'ssh', hosts: 'a,b,c' });
    expect(etcdRequirements(r)).toEqual([]);
    expect(() => etcdPreflight(r, bare)).not.toThrow();
    expect(() => zookeeperPreflight(r, bare)).not.toThrow();
    // The same machine cannot run the local environment.
    expect(() => etcdPreflight(req({}), bare)).toThrow(/needs root/);
  });

  it.each([
    [{ hosts: 'a,b' }, '--hosts is a flag of --env ssh, not of --env local; add --env ssh'],
    [{ 'clock-mode': 'system' }, '--clock-mode is a flag of --env ssh, not of --env local; add --env ssh'],
    [{ env: 'nowhere' }, 'unknown environment "nowhere"'],
  ])('refuses %j', (flags, why) => {
    expect(() => environmentOf(req(flags))).toThrow(why);
  });
});

describe('the node count of an ssh run', () => {
  it('is the number of hosts when --nodes is absent, and --nodes when given', async () => {
    const { parseRunRequest } = await import('../../../../harness/top/cli/run-command.js');
    expect(parseRunRequest(['--target', 'etcd', '--env', 'ssh', '--hosts', 'a,b,c']).req.nodeCount).toBe(3);
    expect(parseRunRequest(['--target', 'etcd', '--env', 'ssh', '--hosts', 'a,b,c']).req.config.nodes).toBe(3);
    expect(parseRunRequest(['--target', 'etcd', '--env', 'ssh', '--hosts', 'a,b', '--nodes', '2']).req.nodeCount).toBe(2);
    // A mismatch is refused where the flags are parsed, before a run directory exists (issue 22).
    expect(() => parseRunRequest(['--target', 'etcd', '--env', 'ssh', '--hosts', 'a,b,c', '--nodes', '2'])).toThrow(/--nodes 2 does not match the 3 host\(s\) given/);
    expect(parseRunRequest(['--target', 'etcd']).req.nodeCount).toBe(5);
    expect(() => parseRunRequest(['--target', 'etcd', '--env', 'ssh', '--hosts', 'a:99999'])).toThrow(/port 99999 of "a:99999" is not a TCP port/);
  });
});

describe('faultline cleanup --env ssh', () => {
  it.each([
    [['--hosts', 'a'], '--hosts is a flag of --env ssh; add --env ssh'],
    [['--env', 'ssh'], '--env ssh needs its hosts: pass --hosts h1,h2,h3 or --hosts-file FILE'],
    [['--env', 'ssh', '--hosts', 'a', '--run', 'xyz'], '--run needs a run id of 6 hex digits'],
  ])('refuses %j in one sentence', async (argv, why) => {
    const { cleanupCommand } = await import('../../../../harness/top/cli/cleanup-command.js');
    await expect(cleanupCommand(argv, () => undefined)).rejects.toThrow(why);
  });
});

describe('the environments\' typed flags, each declared once', () => {
  // flagValues is what the run's settings call: a bad value is refused there, before any host exists.
  const ctx = { target: 'etcd', workload: 'register' };
  it('parse to typed values with their defaults, and refuse a bad value in one sentence', async () => {
    const { flagValues } = await import('../../../../harness/ground/contracts/flags.js');
    const values = flagValues(STORE_FLAGS, new Map(), ctx);
    expect(values.get('ssh-port')).toBe(22);
    expect(values.get('clock-mode')).toBe('faketime');
    expect(values.get('docker-pause')).toBe('signal');
    const given = flagValues(STORE_FLAGS, new Map([['ssh-port', '2222'], ['clock-mode', 'system'], ['docker-pause', 'freezer']]), ctx);
    expect([given.get('ssh-port'), given.get('clock-mode'), given.get('docker-pause')]).toEqual([2222, 'system', 'freezer']);
    expect(() => flagValues(STORE_FLAGS, new Map([['ssh-port', 'ssh']]), ctx)).toThrow(/^--ssh-port must be a TCP port \(1–65535\), got "ssh"$/);
    expect(() => flagValues(STORE_FLAGS, new Map([['clock-mode', 'sys']]), ctx)).toThrow(/did you mean "system"/);
    expect(() => flagValues(STORE_FLAGS, new Map([['docker-pause', 'freez']]), ctx)).toThrow(/must be one of signal, freezer/);
  });
});
