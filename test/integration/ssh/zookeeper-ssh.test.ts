/**
 * ZooKeeper over SSH, against the test bed: the ensemble's config, ids and libfaketime offset files are
 * written on the hosts, the servers start there with the preload, and sync reads stay linearizable
 * under partitions, kills, pauses and clock bumps — each bump landing in the host's offset file that
 * the server's libfaketime reads. Nothing is left on the hosts.
 */
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { runTest } from '../../../harness/top/run/run.js';
import { FAKETIME_LIB } from '../../../harness/middle/hosts/faketime.js';
import { SLF4J_SIMPLE_JAR, ZK_JAR, zookeeperParts } from '../../../targets/zookeeper/index.js';
import { bedRequest, describeOnTestBed, sshMissing } from './helpers.js';

const skip = sshMissing(['java', 'iptables', 'iptables-restore', 'unshare'])
  ?? [ZK_JAR, SLF4J_SIMPLE_JAR, FAKETIME_LIB].map((f) => (fs.existsSync(f) ? undefined : `needs ${f} (run sudo npx faultline setup --target zookeeper)`)).find(Boolean);

describeOnTestBed('zookeeper over ssh', skip, (testBed) => {
  it('sync reads stay linearizable under partition, kill, pause and clock; clocks skewed through files on the hosts', async () => {
    const bed = testBed();
    const req = bedRequest(bed, 'ssh-zk', { faults: ['partition', 'kill', 'pause', 'clock'], timeLimitS: 12, rate: 50, seed: 3 }, { reads: 'sync' });
    const seen: { offsetFile?: string; offsetText?: string; preload?: boolean } = {};
    const out = await runTest(req.config, (run) => {
      const { plan, cluster } = zookeeperParts(req, run);
      const faults = plan.faults;
      plan.faults = (target) => {
        const f = faults(target);
        const invoke = f.nemesis.invoke.bind(f.nemesis);
        f.nemesis = {
          ...f.nemesis,
          invoke: async (op) => {
            const done = await invoke(op);
            if (op.f === 'bump-clock' && seen.offsetText === undefined) {
              // The bumped node's server: its environment names the offset file in its host's run dir.
              const [node] = Object.keys(cluster.clock!.clockOffsets());
              const pid = cluster.pidOf(node);
              const environ = pid === undefined ? '' : fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
              seen.preload = environ.includes(`LD_PRELOAD=${FAKETIME_LIB}`);
              seen.offsetFile = /FAKETIME_TIMESTAMP_FILE=([^\0]+)/.exec(environ)?.[1];
              if (seen.offsetFile) seen.offsetText = fs.readFileSync(seen.offsetFile, 'utf8').trim();
            }
            return done;
          },
        };
        return f;
      };
      return plan;
    });
    expect(out.results.error).toBeUndefined();
    expect(out.results.unsupportedFaults).toEqual([]);
    expect(out.results.checkers.linearizable.valid).toBe(true);
    const hist = fs.readFileSync(`${out.dir}/history.jsonl`, 'utf8');
    for (const f of ['start-partition', 'kill', 'pause', 'bump-clock']) expect(hist).toContain(`"f":"${f}"`);
    expect(seen.preload).toBe(true);
    expect(seen.offsetFile).toMatch(new RegExp(`^${bed.remoteDir}/[0-9a-f]{6}/n\\d/faketime-offset$`));
    expect(seen.offsetText).toMatch(/^[+-]\d+\.\d{3}$/);
    expect(seen.offsetText).not.toBe('+0.000');
    for (const n of ['n1', 'n2', 'n3']) expect(fs.existsSync(`${out.dir}/nodes/${n}/zookeeper.log`)).toBe(true);
    expect(bed.leftovers()).toEqual([]);
  }, 240_000);
});
