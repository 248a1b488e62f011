import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostsFileLines, parseHostSpec, sshSettings } from '../../../../harness/middle/hosts/ssh/hosts.js';

const D = { user: 'root', port: 22 };

describe('parseHostSpec', () => {
  it.each([
    ['db1', { user: 'root', host: 'db1', port: 22 }],
    ['admin@db1', { user: 'admin', host: 'db1', port: 22 }],
    ['admin@10.0.0.5:2222', { user: 'admin', host: '10.0.0.5', port: 2222 }],
    ['[fe80::1]:2200', { user: 'root', host: 'fe80::1', port: 2200 }],
    ['  node-3.example.org  ', { user: 'root', host: 'node-3.example.org', port: 22 }],
  ])('%s', (text, want) => {
    expect(parseHostSpec(text, D, '--hosts')).toMatchObject(want);
  });

  it.each([
    ['a@@b', /"a@@b" is not a host; write \[user@\]host\[:port\]/],
    ['db1:0', /port 0 of "db1:0" is not a TCP port/],
    ['db1:70000', /port 70000 of "db1:70000" is not a TCP port/],
    ['db 1', /is not a host/],
  ])('refuses %s', (text, why) => {
    expect(() => parseHostSpec(text, D, '--hosts')).toThrow(why);
  });
});

describe('hosts files', () => {
  it('skips blank lines and comments, keeping line numbers', () => {
    expect(hostsFileLines('# fleet\nh1\n\n  root@h2:2222  # the second\n')).toEqual([{ line: 2, text: 'h1' }, { line: 4, text: 'root@h2:2222' }]);
  });

  it('names the file and line of a bad host', () => {
    const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'fl-hosts-'));
    const file = nodePath.join(dir, 'hosts');
    fs.writeFileSync(file, 'h1\nh2:port\n');
    try {
      expect(() => sshSettings(new Map([['hosts-file', file]]))).toThrow(`${file} line 2: "h2:port" is not a host`);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});

describe('sshSettings', () => {
  it('applies --ssh-user and --ssh-port where a host names none, and the defaults', () => {
    const s = sshSettings(new Map([['hosts', 'h1,bob@h2:2200'], ['ssh-user', 'alice'], ['ssh-port', '2022']]), '/home/x');
    expect(s.hosts.map((h) => `${h.user}@${h.host}:${h.port}`)).toEqual(['alice@h1:2022', 'bob@h2:2200']);
    expect(s.knownHostsFile).toBe('/home/x/.ssh/known_hosts');
    expect(s.acceptNewHostKeys).toBe(false);
    expect(s.remoteDir).toBe('/var/tmp/faultline');
  });

  it.each([
    [[], /--env ssh needs its hosts: pass --hosts h1,h2,h3 or --hosts-file FILE/],
    [[['hosts', 'a'], ['hosts-file', 'f']], /--hosts and --hosts-file both name the hosts; pass only one/],
    [[['hosts', ' , ']], /--hosts names no host/],
    [[['hosts', 'a,a:22']], /host a:22 is listed twice/],
    [[['hosts', 'a'], ['ssh-port', 'ssh']], /--ssh-port must be a TCP port/],
    [[['hosts', 'a'], ['ssh-key', '/nonexistent/key']], /--ssh-key \/nonexistent\/key does not exist/],
    [[['hosts', 'a'], ['ssh-dir', 'relative/dir']], /--ssh-dir must be an absolute path/],
    [[['hosts-file', '/nonexistent/hosts']], /--hosts-file \/nonexistent\/hosts cannot be read \(ENOENT\)/],
  ] as [string[][], RegExp][])('refuses %j', (flags, why) => {
    expect(() => sshSettings(new Map(flags as [string, string][]))).toThrow(why);
  });
});
