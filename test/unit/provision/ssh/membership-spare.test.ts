/**
 * Over SSH the spare host of `--nemesis membership` is the hosts list's entry after the first
 * `--nodes` (harness/ground/contracts/spare-host.ts): the list must name `--nodes`+1 hosts, or the run is
 * refused in one sentence (an InputError: exit 254) before anything connects; without --nodes the spare is not a node.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../harness/ground/history/errors.js';
import { parseRunRequest } from '../../../../harness/top/cli/run-command.js';
import { hostCount } from '../../../../harness/ground/contracts/spare-host.js';

const run = (...args: string[]): ReturnType<typeof parseRunRequest> => parseRunRequest(['--target', 'etcd', '--env', 'ssh', ...args]);

describe('the spare host over --env ssh', () => {
  it('is refused in one sentence when the hosts are exactly --nodes', () => {
    let err: unknown;
    try {
      run('--hosts', 'a,b,c', '--nodes', '3', '--nemesis', 'membership,partition');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe('--nemesis membership over --env ssh needs a spare host beyond --nodes 3: list 4 hosts (the last one joins later), not 3, or pass --nodes 2');
    expect((err as Error).message.split(/[.;] [A-Z]/).length).toBe(1);
  });

  it('is refused when the hosts are more than --nodes + 1', () => {
    expect(() => run('--hosts', 'a,b,c,d,e', '--nodes', '3', '--nemesis', 'membership')).toThrow(/needs a spare host beyond --nodes 3: list 4 hosts .*not 5, or pass --nodes 4/);
  });

  it('takes --nodes + 1 hosts, the last one the spare', () => {
    const { req } = run('--hosts', 'a,b,c,d', '--nodes', '3', '--nemesis', 'membership,kill');
    expect(req.nodeCount).toBe(3);
    expect(hostCount(req)).toBe(4);
  });

  it('counts the last listed host as the spare when --nodes is absent', () => {
    const { req } = run('--hosts', 'a,b,c,d', '--nemesis', 'membership');
    expect(req.nodeCount).toBe(3);
    expect(hostCount(req)).toBe(4);
  });

  it('wants one host a node without membership changes', () => {
    expect(() => run('--hosts', 'a,b,c,d', '--nodes', '3', '--nemesis', 'partition')).toThrow(/--nodes 3 does not match the 4 host\(s\) given/);
    const { req } = run('--hosts', 'a,b,c', '--nemesis', 'partition');
    expect(hostCount(req)).toBe(3);
  });
});

describe('the spare host and --subnet', () => {
  // capacity(/28) is 4 hosts (harness/middle/hosts/local/subnet.ts): room for 4 nodes, not 4 and a spare.
  const local = (...args: string[]): ReturnType<typeof parseRunRequest> => parseRunRequest(['--target', 'etcd', '--subnet', '10.91.7.0/28', ...args]);

  it('counts the spare among the hosts the subnet must hold', () => {
    expect(() => local('--nodes', '4', '--nemesis', 'membership')).toThrow(InputError);
    expect(() => local('--nodes', '4', '--nemesis', 'membership')).toThrow(/has room for 4 host\(s\), not 5/);
  });

  it('takes the same subnet for the nodes alone, or for fewer nodes and the spare', () => {
    expect(local('--nodes', '4', '--nemesis', 'partition').req.nodeCount).toBe(4);
    expect(hostCount(local('--nodes', '3', '--nemesis', 'membership').req)).toBe(4);
  });
});
