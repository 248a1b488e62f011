/**
 * The real-network faults over SSH, one by one against the test bed, each observed from inside a host:
 * a partition turns a refused connection into silence, the NFQUEUE delayer (compiled on the host)
 * delays it, loss drops it, tbf caps the host's interface, and healing undoes each. Teardown leaves no
 * chain, delayer or file on the hosts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IptablesNet } from '../../../harness/middle/faults/net/iptables-net.js';
import { provisionSsh } from '../../../harness/middle/hosts/ssh/environment.js';
import { startTestBed, type TestBed } from '../../../harness/middle/hosts/ssh/test-bed.js';
import { DELAY_REQUIREMENTS, realProbe } from '../../../harness/middle/hosts/preflight.js';
import { sshMissing } from './helpers.js';

const skip = sshMissing(['iptables', 'iptables-restore', 'unshare', 'tc', 'bash', 'timeout'])
  ?? (DELAY_REQUIREMENTS.every((r) => r.present(realProbe)) ? undefined : 'needs gcc and libnetfilter-queue-dev (run sudo npx faultline setup --target etcd)');
let bed: TestBed;

/** From n1, a TCP connect to a closed port of n2: 'refused' (the RST came back) or 'silent', and how long it took. */
function knock(): { answer: 'refused' | 'silent'; ms: number } {
  const t0 = performance.now();
  const r = spawnSync('ip', ['netns', 'exec', bed.net.hosts[0].ns, 'timeout', '1.5', 'bash', '-c', `echo > /dev/tcp/${bed.addresses[1]}/9`], { encoding: 'utf8' });
  return { answer: r.status === 124 ? 'silent' : 'refused', ms: performance.now() - t0 };
}

describe.skipIf(skip !== undefined)(`network faults over ssh${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(async () => { bed = await startTestBed({ nodes: ['n1', 'n2'] }); });
  afterAll(async () => { await bed?.stop(); });

  it('partition, latency, loss and bandwidth take effect on the hosts and heal', async () => {
    const env = await provisionSsh({ nodes: ['n1', 'n2'], flags: bed.flags() });
    const net = new IptablesNet(env);
    try {
      const base = knock();
      expect(base.answer).toBe('refused');

      await net.partition({ n1: ['n2'], n2: ['n1'] });
      expect(knock().answer).toBe('silent');
      await net.partition({});
      expect(knock().answer).toBe('refused');

      await net.setExtraLatency({ kind: 'constant', ms: 300 });
      const slow = knock();
      expect(slow.answer).toBe('refused');
      expect(slow.ms - base.ms).toBeGreaterThan(250); // n2's RST waited in its delayer
      await net.setExtraLatency(null);
      expect(knock().ms).toBeLessThan(slow.ms - 200);

      await net.setLoss(1);
      expect(knock().answer).toBe('silent');
      await net.setLoss(0);
      expect(knock().answer).toBe('refused');

      const qdisc = (): string => execFileSync('ip', ['netns', 'exec', bed.net.hosts[1].ns, 'tc', 'qdisc', 'show', 'dev', 'eth0'], { encoding: 'utf8' });
      await net.setBandwidth(1_000);
      expect(qdisc()).toMatch(/^qdisc tbf \S+ root .*rate 1Mbit/m);
      await net.setBandwidth(null);
      expect(qdisc()).not.toMatch(/tbf/);
    } finally {
      await net.healAll();
      await env.teardown();
    }
    expect(bed.leftovers()).toEqual([]);
  }, 120_000);
});
