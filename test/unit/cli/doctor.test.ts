import { describe, expect, it } from 'vitest';
import { doctorChecks, doctorLines, runnable } from '../../../harness/top/cli/doctor-command.js';
import { ENVIRONMENTS } from '../../../harness/middle/hosts/environments.js';
import { TARGETS } from '../../../harness/top/run/targets.js';
import type { MachineProbe } from '../../../harness/ground/contracts/run-contract.js';

const probe = (missing: RegExp): MachineProbe => ({
  isRoot: () => true,
  hasCommand: (bin) => !missing.test(bin),
  hasFile: (path) => !missing.test(path),
});

describe('faultline doctor', () => {
  it('asks every registered environment and target, and nothing else by name', async () => {
    const checks = await doctorChecks(probe(/^$/));
    const groups = new Set(checks.map((c) => c.for));
    for (const e of Object.keys(ENVIRONMENTS)) expect(groups).toContain(`environment ${e}`);
    for (const t of Object.keys(TARGETS)) expect(groups).toContain(`target ${t}`);
    // Only registered environments appear: none for an environment that does not exist.
    expect([...groups].filter((g) => g.startsWith('environment ')).length).toBe(Object.keys(ENVIRONMENTS).length);
  });

  it('names what is missing with the command that installs it, and leaves the group out of what is ready', async () => {
    const checks = await doctorChecks(probe(/etcd|zookeeper\.jar/));
    const etcd = checks.filter((c) => c.for === 'target etcd');
    expect(etcd.some((c) => !c.ok && /apt-get install -y etcd-server/.test(c.install ?? ''))).toBe(true);
    expect(runnable(checks)).not.toContain('target etcd');
    expect(runnable(checks)).not.toContain('target zookeeper');
    expect(runnable(checks)).toContain('target raft');
  });
});

describe('#24 faultline doctor prints each section once', () => {
  it('the docker daemon and image checks sit in the one "environment docker" section', async () => {
    const checks = await doctorChecks(probe(/^$/));
    const lines = doctorLines(checks);
    expect(lines.filter((l) => l === 'environment docker')).toHaveLength(1);
    // Every group's checks are contiguous in the list itself too (--json keeps the same order).
    const order = checks.map((c) => c.for).filter((g, i, all) => i === 0 || all[i - 1] !== g);
    expect(order).toEqual([...new Set(order)]);
  });
});
