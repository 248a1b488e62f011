import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandLine, EXITED_SCRIPT, exitOf, quote, script, SIGNAL_SCRIPT, SPAWN_SCRIPT } from '../../../../harness/middle/hosts/ssh/shell.js';
import { summarizeRemoval } from '../../../../harness/middle/hosts/ssh/host-state.js';
import { coveringSubnet } from '../../../../harness/middle/hosts/ssh/subnet-cover.js';
import { sharedKernel } from '../../../../harness/middle/hosts/ssh/system-clock.js';

/** Runs a command line as the remote login shell would (sh -c). */
const sh = (line: string): string => execFileSync('sh', ['-c', line], { encoding: 'utf8' });

describe('shell text for ssh hosts', () => {
  it.each([['plain'], ["it's"], ['a b'], ['$HOME'], ['`x`'], ['"q"'], ['\\'], ['*'], ['']])('quotes %j so the shell gives it back unchanged', (arg) => {
    expect(sh(`printf %s ${quote(arg)}`)).toBe(arg);
  });

  it('prefixes sudo -n only for a user that is not root', () => {
    expect(commandLine(['iptables', '-S'], false)).toBe('iptables -S');
    expect(commandLine(['iptables', '-S'], true)).toBe('sudo -n -- iptables -S');
  });

  it('starts a detached daemon once per id, records it, and reports its exit status', async () => {
    const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'fl-spawn-'));
    const procs = nodePath.join(dir, 'proc');
    const line = (argv: string[]): string => commandLine(argv, false);
    try {
      const spawn = line(script(SPAWN_SCRIPT, procs, 'sleeper-1', nodePath.join(dir, 'out.log'), 'sleeper', dir, 'sh', '-c', 'echo started; exec sleep 30'));
      const pid = Number(sh(spawn).trim());
      expect(pid).toBeGreaterThan(0);
      expect(Number(sh(spawn).trim())).toBe(pid); // a retry after a dropped connection starts nothing new
      expect(fs.readFileSync(nodePath.join(dir, 'procs'), 'utf8')).toMatch(new RegExp(`^${pid} \\d+ sleeper\\n$`));
      expect(sh(line(script(EXITED_SCRIPT, procs, 'sleeper-1')))).toBe('');
      // The daemon runs detached: under load its shell may not have opened out.log yet, and a SIGKILL
      // then would leave no log to read. Wait for its first line (up to 10 s) before killing it.
      const log = nodePath.join(dir, 'out.log');
      for (const until = Date.now() + 10_000; Date.now() < until && !(fs.existsSync(log) && fs.readFileSync(log, 'utf8') === 'started\n');) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const out = sh(line(script(SIGNAL_SCRIPT, 'KILL', String(pid), nodePath.join(procs, 'sleeper-1.rc'), '3000'))).trim();
      expect(exitOf(Number(out), (n) => (n === 9 ? 'SIGKILL' : undefined))).toEqual({ code: null, signal: 'SIGKILL' });
      expect(sh(line(script(EXITED_SCRIPT, procs, 'sleeper-1', 'other')))).toBe('sleeper-1 137\n');
      expect(fs.readFileSync(nodePath.join(dir, 'out.log'), 'utf8')).toBe('started\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads exit statuses as Node does', () => {
    expect(exitOf(0, () => undefined)).toEqual({ code: 0, signal: null });
    expect(exitOf(3, () => undefined)).toEqual({ code: 3, signal: null });
    expect(exitOf(143, (n) => (n === 15 ? 'SIGTERM' : undefined))).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('counts what a host removal printed', () => {
    expect(summarizeRemoval('process 12 etcd\nprocess 13 nfq-delay\nrule INPUT -j FL-PART\nchain FL-PART\nchain FL-LOSS\nqdisc tbf on eth0\ndir /x\n'))
      .toEqual({ processes: 2, chains: 2, rules: 1, qdiscs: 1, shm: 0, ntpUnits: [], dirs: 1 });
    expect(summarizeRemoval('process 12 etcd\nclock -2500\nntp systemd-timesyncd\ndir /x\n'))
      .toEqual({ processes: 1, chains: 0, rules: 0, qdiscs: 0, shm: 0, clockMs: -2500, ntpUnits: ['systemd-timesyncd'], dirs: 1 });
  });
});

describe('networks and kernels of ssh hosts', () => {
  it.each([
    [['10.91.2.11', '10.91.2.12', '10.91.2.13'], '10.91.2.0/24'],
    [['10.0.0.5', '10.0.1.9'], '10.0.0.0/23'],
    [['192.168.1.4'], '192.168.1.0/24'],
    [['10.0.0.1', '172.16.0.1'], '0.0.0.0/0'],
  ])('covers %j with %s', (addrs, want) => {
    expect(coveringSubnet(addrs)).toBe(want);
  });

  it('refuses system clocks on a shared kernel, in one sentence naming the machines', () => {
    expect(sharedKernel('c', [{ label: 'a', bootId: 'x' }, { label: 'b', bootId: 'y' }])).toBeUndefined();
    expect(sharedKernel('c', [{ label: 'a', bootId: 'x' }, { label: 'b', bootId: 'c' }])).toMatch(/^--clock-mode system refused: host b runs on the controller's own kernel \(same boot_id c\)[^.]*$/);
    expect(sharedKernel('c', [{ label: 'a', bootId: 'x' }, { label: 'b', bootId: 'x' }])).toMatch(/hosts a and b share one kernel \(boot_id x\)/);
  });
});
