/**
 * #13: `faultline doctor` lists only requirements of things that exist: no dockerd or sshd for the
 * docker and ssh environments, which are not built yet.
 */
import { describe, expect, it } from 'vitest';
import { doctorChecks } from '../../../harness/cli/doctor-command.js';
import type { MachineProbe } from '../../../harness/provision/preflight.js';

const nothing: MachineProbe = { isRoot: () => false, hasCommand: () => false, hasFile: () => false };

describe('#13 faultline doctor', () => {
  it('asks for nothing an environment that does not exist would need', async () => {
    const names = (await doctorChecks(nothing)).map((c) => c.name);
    expect(names).not.toContain('dockerd');
    expect(names).not.toContain('sshd');
    expect(names.join(' ')).not.toMatch(/docker|ssh/);
  });

  it('still lists what the etcd and ZooKeeper targets and the faults need, with the install command', async () => {
    const checks = await doctorChecks(nothing);
    expect(checks.map((c) => c.name)).toEqual(expect.arrayContaining(['root', 'iptables', 'etcd', 'java', 'zookeeper', 'libfaketime']));
    expect(checks.filter((c) => !c.ok && c.name !== 'root').every((c) => typeof c.install === 'string')).toBe(true);
  });
});
