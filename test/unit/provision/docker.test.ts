/**
 * The pure parts of `--env docker`: daemon addresses as docker-modem takes them, image tags that
 * follow their recipe (stable while it is unchanged, so builds are reused), the DOCKER-USER rule and
 * names of a run, and the preflight of a docker run (the image holds the servers: this machine needs
 * only what the faults use here).
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/ground/history/errors.js';
import { dockerHostOf, isLocalDaemon, modemOptions } from '../../../harness/middle/hosts/docker/client.js';
import { baseRecipe, targetRecipe } from '../../../harness/middle/hosts/docker/images.js';
import { startScript } from '../../../harness/middle/hosts/docker/host.js';
import { bridgeRule, dockerNames } from '../../../harness/middle/hosts/docker/network.js';
import type { MachineProbe } from '../../../harness/middle/hosts/preflight.js';
import type { RunRequest } from '../../../harness/ground/contracts/run-contract.js';
import { etcdPreflight } from '../../../targets/etcd/entry.js';
import { zookeeperPreflight } from '../../../targets/zookeeper/entry.js';
import { consulPreflight } from '../../../targets/consul/entry.js';
import { raftTarget } from '../../../targets/raft/entry.js';

describe('docker daemon addresses', () => {
  it('reads unix, tcp, https and ssh addresses', () => {
    expect(modemOptions('unix:///var/run/docker.sock')).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(modemOptions('/run/d.sock')).toEqual({ socketPath: '/run/d.sock' });
    expect(modemOptions('tcp://10.0.0.5:2375')).toEqual({ protocol: 'http', host: '10.0.0.5', port: 2375 });
    expect(modemOptions('https://d.example:2376')).toEqual({ protocol: 'https', host: 'd.example', port: 2376 });
    expect(modemOptions('ssh://ci@builder')).toEqual({ protocol: 'ssh', host: 'builder', port: 22, username: 'ci' });
  });

  it('refuses other schemes and non-addresses with one sentence', () => {
    expect(() => modemOptions('ftp://x')).toThrow(InputError);
    expect(() => modemOptions('ftp://x')).toThrow(/use unix:\/\/, tcp:\/\/, https:\/\/ or ssh:\/\//);
    expect(() => modemOptions('not an address')).toThrow(/not an address like unix:/);
  });

  it('prefers the flag, then DOCKER_HOST, then the local socket; only unix sockets are local', () => {
    const saved = process.env.DOCKER_HOST;
    try {
      delete process.env.DOCKER_HOST;
      expect(dockerHostOf()).toBe('unix:///var/run/docker.sock');
      process.env.DOCKER_HOST = 'tcp://h:2375';
      expect(dockerHostOf()).toBe('tcp://h:2375');
      expect(dockerHostOf('unix:///x.sock')).toBe('unix:///x.sock');
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST; else process.env.DOCKER_HOST = saved;
    }
    expect(isLocalDaemon('unix:///var/run/docker.sock')).toBe(true);
    expect(isLocalDaemon('ssh://h')).toBe(false);
  });
});

describe('image recipes', () => {
  it('tag each image by its recipe: the same recipe twice is the same tag, targets differ', () => {
    expect(targetRecipe('etcd').tag).toBe(targetRecipe('etcd').tag);
    expect(targetRecipe('zookeeper').tag).toMatch(/^faultline\/zookeeper:[0-9a-f]{12}$/);
    expect(targetRecipe('etcd').tag).not.toBe(targetRecipe('zookeeper').tag);
    expect(baseRecipe().tag).toMatch(/^faultline\/debian:bookworm-[0-9a-f]{12}$/);
    expect(targetRecipe('etcd').from?.tag).toBe(baseRecipe().tag);
  });

  it('copy this machine\'s consul into the consul image, tagged by its bytes; without one, say how to get it', async () => {
    const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-consul-recipe-'));
    const saved = process.env.PATH;
    try {
      const bin = nodePath.join(dir, 'consul');
      fs.writeFileSync(bin, '#!/bin/sh\necho one\n', { mode: 0o755 });
      process.env.PATH = dir;
      const one = targetRecipe('consul');
      expect(one.tag).toMatch(/^faultline\/consul:[0-9a-f]{12}$/);
      expect(one.describe).toBe(`consul copied from this machine (${fs.realpathSync(bin)})`);
      expect(one.from?.tag).toBe(baseRecipe().tag);
      expect(targetRecipe('consul').tag).toBe(one.tag);
      fs.writeFileSync(bin, '#!/bin/sh\necho another build\n', { mode: 0o755 });
      expect(targetRecipe('consul').tag).not.toBe(one.tag);

      process.env.PATH = nodePath.join(dir, 'empty');
      const none = targetRecipe('consul');
      expect(none.describe).toMatch(/has none on PATH \(sudo npx faultline setup --target consul installs it\)/);
      // Nothing is layered (no debootstrap of the base) before the build says what is missing.
      expect(none.from).toBeUndefined();
      await expect(none.build(undefined as never, () => undefined)).rejects.toThrow(InputError);
      await expect(none.build(undefined as never, () => undefined)).rejects.toThrow(/there is none on PATH; install it with: sudo npx faultline setup --target consul/);
    } finally {
      process.env.PATH = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a docker run\'s names', () => {
  it('names its network, bridge (≤ 15 characters) and DOCKER-USER rule after the run id', () => {
    const n = dockerNames('ab12cd');
    expect(n).toEqual({ network: 'fl-ab12cd', bridge: 'fld-ab12cd', comment: 'faultline-docker:ab12cd' });
    expect(n.bridge.length).toBeLessThanOrEqual(15);
    expect(bridgeRule('ab12cd')).toEqual({ table: 'filter', chain: 'DOCKER-USER', spec: ['-i', 'fld-ab12cd', '-o', 'fld-ab12cd', '-j', 'ACCEPT', '-m', 'comment', '--comment', 'faultline-docker:ab12cd'] });
    // The local environment's cleanup sweeps `flb-<id>` bridges and `faultline:<id>` comments: ours are neither.
    expect(n.bridge.startsWith('flb-')).toBe(false);
    expect(/faultline:[0-9a-f]{6}/.test(n.comment)).toBe(false);
  });
});

describe('preflight of a docker run', () => {
  const probe = (without: string[]): MachineProbe => ({ isRoot: () => true, hasCommand: (b) => !without.includes(b), hasFile: (p) => !without.includes(p) });
  const req = (faults: string[]): RunRequest => ({
    config: { name: 't', store: '/tmp/x', seed: 1, timeLimitS: 1, rate: 1, concurrency: 1, quietS: 0, faults, faultIntervalS: 1 },
    flags: new Map([['env', 'docker']]), workload: 'register', nodeCount: 3,
  });

  it('needs no server binaries here (the image has them), but nsenter and, for clock faults, libfaketime', () => {
    expect(() => etcdPreflight(req(['partition']), probe(['etcd']))).not.toThrow();
    expect(() => zookeeperPreflight(req(['partition']), probe(['java', '/usr/share/java/zookeeper.jar']))).not.toThrow();
    expect(() => etcdPreflight(req(['partition']), probe(['nsenter']))).toThrow(/nsenter \(Debian package util-linux\)/);
    expect(() => zookeeperPreflight(req(['clock']), probe(['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1']))).toThrow(/libfaketime/);
    expect(() => consulPreflight(req(['partition', 'kill', 'pause']), probe(['consul']))).not.toThrow();
    expect(() => consulPreflight(req(['partition']), probe(['nsenter']))).toThrow(/nsenter \(Debian package util-linux\)/);
  });
});

describe('the bundled Raft in containers', () => {
  it('is refused in one sentence naming why (its messages cross the controller, not a container network)', () => {
    const req = (env: string): RunRequest => ({
      config: { name: 't', store: '/tmp/x', seed: 1, timeLimitS: 1, rate: 1, concurrency: 1, quietS: 0, faults: [], faultIntervalS: 1 },
      flags: new Map([['env', env]]), workload: 'lin-kv', nodeCount: 3,
    });
    expect(() => raftTarget.preflight!(req('docker'))).toThrow(InputError);
    expect(() => raftTarget.preflight!(req('docker'))).toThrow(/runs only with --env local, not docker: .*routed network/);
    expect(() => raftTarget.preflight!(req('local'))).not.toThrow();
  });
});

describe('the start script a container runs', () => {
  it('execs the server with its environment, every word quoted as one', async () => {
    const text = startScript(['etcd', '--name', "n'1", '$HOME'], { A: 'x y' });
    expect(text).toContain(`exec env 'A=x y' 'etcd' '--name' 'n'\\''1' '$HOME'`);
    expect(text).not.toContain('faketime');
    // A real shell reads it back into the same words.
    const { execFileSync } = await import('node:child_process');
    const words = execFileSync('sh', ['-c', text.replace('exec env ', 'printf "%s\\n" ')], { encoding: 'utf8' }).trim().split('\n');
    expect(words).toEqual(['A=x y', 'etcd', '--name', "n'1", '$HOME']);
  });

  it('removes the stale libfaketime files of its own PID before a preloaded server starts', () => {
    const text = startScript(['java'], { LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1' });
    expect(text).toMatch(/rm -f \/dev\/shm\/faketime_shm_\$\$ \/dev\/shm\/sem\.faketime_sem_\$\$\nexec env/);
  });
});
