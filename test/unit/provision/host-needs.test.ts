/**
 * Host needs on remote hosts with a stand-in host that runs the probe through a real `sh` (so
 * `command -v` answers for this machine): a need a Debian package has names the package and
 * `--install`; a need no package has (Consul since bookworm) is refused with its own sentence, with
 * or without `--install`, and apt-get is never run for it.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/ground/history/errors.js';
import { ensureHostNeeds, type HostNeed } from '../../../harness/middle/hosts/host-needs.js';
import type { Remote } from '../../../harness/middle/hosts/remote.js';

function host(): { remote: Remote; installs: string[][] } {
  const installs: string[][] = [];
  const remote = {
    node: 'n1',
    address: '10.0.0.11',
    execOk: async (argv: readonly string[]) => execFileSync(argv[0], argv.slice(1), { encoding: 'utf8' }),
    exec: async (argv: readonly string[]) => { installs.push([...argv]); return { code: 0, stdout: '', stderr: '' }; },
  } as unknown as Remote;
  return { remote, installs };
}

const consul: HostNeed = { path: '/nonexistent/consul', what: 'Consul', hint: 'Debian bookworm has no consul package, so --install cannot add it' };

describe('host needs', () => {
  it('pass when everything is there', async () => {
    const h = host();
    await ensureHostNeeds([h.remote], [{ path: 'sh', pkg: 'dash' }], { install: false, log: () => undefined });
    expect(h.installs).toEqual([]);
  });

  it('name the package and --install for a need a package has', async () => {
    const h = host();
    await expect(ensureHostNeeds([h.remote], [{ path: '/nonexistent/etcd', pkg: 'etcd-server' }], { install: false, log: () => undefined }))
      .rejects.toThrow(/host n1 \(10\.0\.0\.11\) lacks \/nonexistent\/etcd \(Debian package etcd-server\); .* or pass --install/);
  });

  it.each([false, true])('refuse a need no package has in one sentence of its own (--install: %s), installing nothing', async (install) => {
    const h = host();
    const err = await ensureHostNeeds([h.remote], [{ path: 'sh', pkg: 'dash' }, consul], { install, log: () => undefined }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe('host n1 (10.0.0.11) lacks /nonexistent/consul (Consul); Debian bookworm has no consul package, so --install cannot add it');
    expect(h.installs).toEqual([]);
  });
});
