/**
 * The Consul target's preflight and requirements with an injected machine probe: bad flags are one
 * sentence naming the flag and its choices; a missing consul binary names faultline setup --target consul;
 * `requirements()` without a request lists the binary with a version that runs `consul version`.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/ground/history/errors.js';
import type { MachineProbe } from '../../../harness/middle/hosts/preflight.js';
import type { RunRequest } from '../../../harness/ground/contracts/run-contract.js';
import { getTarget } from '../../../harness/top/run/targets.js';
import { consulBinary, consulPreflight, consulRequirements, consulTarget } from '../../../targets/consul/index.js';

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

describe('consul preflight', () => {
  it('is registered and passes on a complete machine with every read mode and workload', () => {
    expect(getTarget('consul')).toBe(consulTarget);
    for (const mode of ['default', 'consistent', 'stale']) expect(() => consulPreflight(req({ 'reads': mode }), probe())).not.toThrow();
    for (const w of ['register', 'set', 'lock']) expect(() => consulPreflight(req({}, ['partition', 'latency'], w), probe())).not.toThrow();
    expect(() => consulPreflight(req({ 'lock-delay': '0', 'session-ttl': '1' }), probe())).not.toThrow();
  });

  it.each([
    [() => consulPreflight(req(), probe([], false)), /consul target needs root.*sudo/],
    [() => consulPreflight(req(), probe(['consul'])), /needs consul \(Consul 1\.8\.7 from Debian bullseye\), which is missing; install it with: sudo npx faultline setup --target consul/],
    [() => consulPreflight(req({ 'consul-bin': '/opt/consul' }), probe(['/opt/consul'])), /the consul binary \/opt\/consul.*--consul-bin/],
    [() => consulPreflight(req({}, ['latency']), probe(['gcc'])), /gcc/],
    [() => consulPreflight(req({ 'reads': 'linearizable' }), probe([], false)), /--reads must be one of consistent, default, stale, got "linearizable"/],
    [() => consulPreflight(req({ 'session-ttl': '-1' }), probe()), /--session-ttl "-1" is not a duration/],
    [() => consulPreflight(req({ 'lock-delay': 'soon' }), probe()), /--lock-delay "soon" is not a duration/],
    [() => consulPreflight(req({}, [], 'echo'), probe()), /unknown workload "echo".*register, set, lock/],
  ])('%#: one sentence', (fn, message) => {
    expect(sentence(fn)).toMatch(message);
  });

  it('runs in every environment: containers need no consul here (the image has it), ssh hosts are checked at setup', () => {
    expect(() => consulPreflight(req({ env: 'docker' }), probe(['consul']))).not.toThrow();
    expect(() => consulPreflight(req({ env: 'ssh', hosts: '10.0.0.1,10.0.0.2,10.0.0.3' }), probe(['consul', 'iptables'], false))).not.toThrow();
    expect(sentence(() => consulPreflight(req({ env: 'vm' }), probe()))).toMatch(/unknown environment "vm"; the environments are local, docker, ssh/);
    expect(consulTarget.summary).toMatch(/docker: containers; ssh: your machines/);
  });

  it('needs the delayer only for latency', () => {
    expect(() => consulPreflight(req(), probe(['gcc']))).not.toThrow();
  });

  it('requirements() without a request is the consul binary, whose version runs `consul version`', async () => {
    const reqs = consulRequirements();
    expect(reqs.map((r) => r.what)).toEqual(['consul (Consul 1.8.7 from Debian bullseye)']);
    expect(consulTarget.requirements?.()).toEqual(reqs.map(() => expect.objectContaining({ what: reqs[0].what })));
    // A stand-in binary shows the version is the first line of `<bin> version`; a missing one has none.
    const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-consul-bin-'));
    try {
      const bin = nodePath.join(dir, 'consul');
      fs.writeFileSync(bin, '#!/bin/sh\n[ "$1" = version ] && printf "Consul v9.9.9\\nProtocol 2\\n"\n', { mode: 0o755 });
      expect(await consulBinary(bin).version?.()).toBe('Consul v9.9.9');
      expect(await consulBinary(nodePath.join(dir, 'absent')).version?.()).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
