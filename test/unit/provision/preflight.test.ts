/**
 * Preflight with an injected machine probe: without root, or with a package missing, a run stops
 * before anything starts with one sentence naming what is missing and the command that installs it.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/ground/history/errors.js';
import type { MachineProbe } from '../../../harness/middle/hosts/preflight.js';
import type { RunRequest } from '../../../harness/ground/contracts/run-contract.js';
import { etcdPreflight } from '../../../targets/etcd/index.js';
import { zookeeperPreflight } from '../../../targets/zookeeper/index.js';

/** A machine with everything except what is listed in `without`. */
function probe(without: string[] = [], root = true): MachineProbe {
  return { isRoot: () => root, hasCommand: (b) => !without.includes(b), hasFile: (p) => !without.includes(p) };
}

function req(flags: Record<string, string> = {}, faults: string[] = ['partition'], workload = 'register'): RunRequest {
  return {
    config: { name: 't', store: '/tmp/x', seed: 1, timeLimitS: 1, rate: 1, concurrency: 1, quietS: 0, faults, faultIntervalS: 1 },
    flags: new Map(Object.entries(flags)), workload, nodeCount: 3,
  };
}

const sentence = (fn: () => void): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const m = (err as Error).message;
    expect(m.split('\n')).toHaveLength(1);
    return m;
  }
  throw new Error('expected an InputError');
};

describe('target preflight', () => {
  it('passes on a complete machine', () => {
    expect(() => etcdPreflight(req(), probe())).not.toThrow();
    expect(() => zookeeperPreflight(req({}, ['partition', 'clock', 'latency']), probe())).not.toThrow();
  });

  it.each([
    ['etcd', () => etcdPreflight(req(), probe([], false)), /needs root.*sudo/],
    ['etcd', () => etcdPreflight(req(), probe(['etcd'])), /etcd \(Debian package etcd-server\), which is missing; install it with: apt-get install -y etcd-server/],
    ['etcd', () => etcdPreflight(req(), probe(['iptables'])), /iptables.*install it with: apt-get install -y iptables/],
    ['etcd', () => etcdPreflight(req({ 'etcd-bin': '/opt/etcd' }), probe(['/opt/etcd'])), /the etcd binary \/opt\/etcd.*--etcd-bin/],
    ['etcd', () => etcdPreflight(req({}, ['latency']), probe(['/usr/include/libnetfilter_queue/libnetfilter_queue.h'])), /libnetfilter-queue-dev/],
    ['zookeeper', () => zookeeperPreflight(req(), probe(['java'])), /java.*default-jre-headless/],
    ['zookeeper', () => zookeeperPreflight(req(), probe(['/usr/share/java/zookeeper.jar'])), /zookeeper\.jar.*apt-get install -y zookeeper/],
    ['zookeeper', () => zookeeperPreflight(req({}, ['clock']), probe(['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1'])), /libfaketime/],
  ])('%s: %s', (_t, fn, message) => {
    expect(sentence(fn)).toMatch(message);
  });

  it('needs libfaketime only for clock faults, and the delayer only for latency', () => {
    expect(() => zookeeperPreflight(req(), probe(['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1']))).not.toThrow();
    expect(() => etcdPreflight(req(), probe(['gcc']))).not.toThrow();
  });

  it('rejects bad flags and workloads before looking at the machine', () => {
    expect(sentence(() => etcdPreflight(req({ 'reads': 'eventual' }), probe([], false)))).toMatch(/--reads must be one of linearizable, serializable/);
    expect(sentence(() => zookeeperPreflight(req({ reads: 'fast' }), probe()))).toMatch(/--reads must be one of sync, plain/);
    expect(sentence(() => etcdPreflight(req({}, [], 'echo'), probe()))).toMatch(/unknown workload "echo".*register, set, lock/);
  });
});
