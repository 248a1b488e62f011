/**
 * Checks of `faultline run` settings that need no machine: numeric ranges, the store path, the test
 * subnet, and the hosts of `--env ssh`. They run where the flags are parsed (parseRunRequest), so
 * every refusal comes before the run directory exists — and `--dry-run` makes the same ones.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { InputError } from '../history/errors.js';
import { capacity, formatSubnet, parseSubnet, type Subnet } from '../provision/local/subnet.js';
import { sshSettings } from '../provision/ssh/hosts.js';
import type { RunConfig, RunRequest } from '../run-contract.js';

/** The largest cluster a run starts: every target's nodes share this machine's 2 cores or a handful of hosts. */
export const MAX_NODES = 64;
/** The most client threads: each is a connection and a promise chain; 1e9 ran out of memory after 57 s. */
export const MAX_CONCURRENCY = 1024;
/** The highest client rate, ops per second over all clients. */
export const MAX_RATE = 1_000_000;
/** The longest run: a week, past which a duration is a typo. */
export const MAX_TIME_LIMIT_S = 7 * 24 * 3600;

/** Refuses a setting outside its range, in one sentence with the range. */
export function checkRanges(c: RunConfig): void {
  const nodes = Number(c.nodes);
  if (nodes > MAX_NODES) throw new InputError(`--nodes ${nodes} is more than ${MAX_NODES}, the most nodes a run starts; pass --nodes 1 to ${MAX_NODES}`);
  if (c.concurrency > MAX_CONCURRENCY) throw new InputError(`--concurrency ${c.concurrency} is more than ${MAX_CONCURRENCY} client threads; pass --concurrency 1 to ${MAX_CONCURRENCY}`);
  if (c.rate > MAX_RATE) throw new InputError(`--rate ${c.rate} is more than ${MAX_RATE} ops/s; pass a rate up to ${MAX_RATE}`);
  for (const [flag, s] of [['time-limit', c.timeLimitS], ['quiet', c.quietS], ['nemesis-interval', c.faultIntervalS]] as const) {
    if (s > MAX_TIME_LIMIT_S) throw new InputError(`--${flag} ${s} s is longer than a week; pass a shorter duration such as 60s`);
  }
}

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

/** The checks of a parsed request that need no machine: ranges, store, subnet, ssh hosts. */
export function checkRunRequest(req: RunRequest): void {
  checkRanges(req.config);
  checkStore(req.config.store);
  const subnet = req.flags.get('subnet');
  if (typeof subnet === 'string') checkSubnet(subnet, req.nodeCount);
  if (req.flags.get('env') === 'ssh' && (req.flags.has('hosts') || req.flags.has('hosts-file'))) {
    const hosts = sshSettings(req.flags).hosts.length;
    if (hosts !== req.nodeCount) {
      throw new InputError(`--nodes ${req.nodeCount} does not match the ${hosts} host(s) given; pass --nodes ${hosts} (or leave --nodes out), or list one host per node`);
    }
  }
}
