/**
 * Checks of `faultline run` settings that need no machine: the store path, the test
 * subnet, and the hosts of `--env ssh`. They run where the flags are parsed (parseRunRequest), so
 * every refusal comes before the run directory exists — and `--dry-run` makes the same ones.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { InputError } from '../../ground/history/errors.js';
import { capacity, formatSubnet, parseSubnet, type Subnet } from '../../middle/hosts/local/subnet.js';
import { sshSettings } from '../../middle/hosts/ssh/hosts.js';
import type { RunRequest } from '../../ground/contracts/run-contract.js';
import { hostCount, wantsMembership } from '../../ground/contracts/spare-host.js';

/** Kernel filesystems, where a store's mkdir spun forever (/proc) or makes no sense. */
const KERNEL_DIRS = ['/proc', '/sys', '/dev'];

/**
 * Refuses a store that cannot hold runs: a path through a file (`--store /etc/passwd`), inside a
 * kernel filesystem (`--store /proc/self/x` spun forever in mkdir), or under a directory not writable.
 */
export function checkStore(store: string, flag = '--store'): void {
  const abs = nodePath.resolve(store);
  let existing = abs;
  while (!fs.existsSync(existing) && nodePath.dirname(existing) !== existing) existing = nodePath.dirname(existing);
  let real: string;
  try {
    real = fs.realpathSync(existing);
  } catch (err) {
    throw new InputError(`${flag} ${store} cannot be used (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pass a directory you can write`);
  }
  const tail = nodePath.relative(existing, abs);
  const full = nodePath.join(real, tail);
  if (KERNEL_DIRS.some((d) => full === d || full.startsWith(`${d}/`))) {
    throw new InputError(`${flag} ${store} is inside ${full.split('/').slice(0, 2).join('/')}, a kernel filesystem; pass a directory on a disk, such as ./store`);
  }
  if (!fs.statSync(real).isDirectory()) {
    throw new InputError(`${flag} ${store}: ${existing} is a file, not a directory; pass a directory for the runs, such as ./store`);
  }
  try {
    fs.accessSync(real, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw new InputError(`${flag} ${store}: ${existing} is not writable; pass a directory you can write`);
  }
}

/** Private IPv4 ranges a test network may use (RFC 1918 and the shared range of RFC 6598). */
const PRIVATE: readonly Subnet[] = [
  parseSubnet('10.0.0.0/8'), parseSubnet('172.16.0.0/12'), parseSubnet('192.168.0.0/16'), parseSubnet('100.64.0.0/10'),
];

const inside = (s: Subnet, range: Subnet): boolean =>
  s.prefix >= range.prefix && (range.prefix === 0 || (s.base >>> (32 - range.prefix)) === (range.base >>> (32 - range.prefix)));

/**
 * Refuses a `--subnet` that is not a private IPv4 network with room for `nodes` hosts: a public one
 * (8.8.8.0/24) would hijack real traffic, loopback (127.0.0.0/24) is this machine's own.
 */
export function checkSubnet(text: string, nodes: number): void {
  let s: Subnet;
  try {
    s = parseSubnet(text);
  } catch {
    throw new InputError(`--subnet "${text}" is not an IPv4 subnet; write a.b.c.d/len such as 10.91.0.0/24`);
  }
  if (!PRIVATE.some((r) => inside(s, r))) {
    throw new InputError(`--subnet ${text} is not a private network (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10); pass one such as 10.91.0.0/24`);
  }
  if (capacity(s) < nodes) {
    throw new InputError(`--subnet ${formatSubnet(s)} has room for ${capacity(s)} host(s), not ${nodes}; pass a larger one such as ${formatSubnet({ base: s.base, prefix: Math.min(s.prefix, 24) })}`);
  }
}

/**
 * The checks of a parsed request that need no machine and more than one setting: store, subnet, ssh
 * hosts. Each setting's own range is in its declaration (harness/top/config/run-options.ts).
 */
export function checkRunRequest(req: RunRequest): void {
  checkStore(req.config.store);
  const subnet = req.flags.get('subnet');
  // The spare host of membership changes takes an address too.
  if (typeof subnet === 'string') checkSubnet(subnet, hostCount(req));
  if (req.flags.get('env') === 'ssh' && (req.flags.has('hosts') || req.flags.has('hosts-file'))) {
    const hosts = sshSettings(req.flags).hosts.length;
    // With membership changes the spare is the host listed after the first --nodes (harness/ground/contracts/spare-host.ts).
    if (wantsMembership(req)) {
      if (hosts !== hostCount(req)) throw new InputError(`--nemesis membership over --env ssh needs a spare host beyond --nodes ${req.nodeCount}: list ${hostCount(req)} hosts (the last one joins later), not ${hosts}, or pass --nodes ${Math.max(1, hosts - 1)}`);
    } else if (hosts !== req.nodeCount) {
      throw new InputError(`--nodes ${req.nodeCount} does not match the ${hosts} host(s) given; pass --nodes ${hosts} (or leave --nodes out), or list one host per node`);
    }
  }
}
