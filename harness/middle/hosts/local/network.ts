/**
 * Local provisioning: N "hosts" as network namespaces on one Linux bridge (docs/architecture.md, "Environments"), each
 * with its own address and, for the processes it runs, its own hostname. Everything is named after a
 * short run id (interface names are ≤ 15 characters) and recorded in a state file before it is
 * created, so `faultline cleanup` can remove what a killed run left.
 *
 * The host needs one FORWARD ACCEPT rule for the bridge: Docker sets FORWARD's policy to DROP and
 * turns on bridge-nf-call-iptables, which silently drops namespace-to-namespace traffic otherwise.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { InputError } from '../../../ground/history/errors.js';
import { removeRun, namePrefix, removeShmOf } from './cleanup.js';
import { haveCommand, run, runOk, type ExecOptions, type ExecResult } from '../exec.js';
import { startTime } from '../process-info.js';
import { spawnTracked } from '../tracked-child.js';
import { findHost, type Environment } from '../environment.js';
import type { Remote, RemoteProcess, SpawnOptions } from '../remote.js';
import { readStates, ownerAlive, StateFile, withSubnetLock } from './state.js';
import { capacity, formatSubnet, freeSubnet, gatewayIp, hostIp, overlaps, parseSubnet, routedSubnets, type Subnet } from './subnet.js';

export interface LocalOptions {
  /** Node names, e.g. `['n1', 'n2', 'n3']`: lower-case letters and digits. */
  nodes: readonly string[];
  /** IPv4 subnet for the bridge; default: the first free /24 in 10.91.0.0/16. */
  subnet?: string;
  log?: (message: string) => void;
}

const NODE_NAME = /^[a-z][a-z0-9]{0,7}$/;

/** One namespace host. */
export class LocalHost implements Remote {
  constructor(
    readonly node: string,
    readonly address: string,
    /** The namespace's name, for `ip netns exec`. */
    readonly ns: string,
    private readonly state: StateFile,
  ) {}

  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    return run(['ip', 'netns', 'exec', this.ns, ...argv], opts);
  }

  execOk(argv: readonly string[], opts?: ExecOptions): Promise<string> {
    return runOk(['ip', 'netns', 'exec', this.ns, ...argv], opts);
  }

  /**
   * Starts argv inside the namespace with the node's hostname (a private UTS namespace). `ip netns
   * exec`, `unshare` and `sh -c 'exec …'` all exec, so the PID is the daemon's own. Detached: a
   * Ctrl-C on the terminal must reach the controller (which tears down in order), not the daemons.
   */
  async spawn(argv: readonly string[], opts: SpawnOptions): Promise<RemoteProcess> {
    // The extra environment is applied by `env` at the last exec, so only the daemon sees it: a
    // preloaded libfaketime in the wrappers (and in the forked `hostname`) would leak shm files.
    const extra = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`);
    const wrapped = ['unshare', '--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', this.node, ...(extra.length > 0 ? ['env', ...extra] : []), ...argv];
    const preloaded = (opts.env?.LD_PRELOAD ?? '').includes('faketime');
    return spawnTracked(['ip', 'netns', 'exec', this.ns, ...wrapped], {
      logFile: opts.logFile, cwd: opts.cwd,
      record: (pid) => this.state.update((s) => {
        s.processes.push({ pid, start: startTime(pid), node: this.node, what: opts.what });
        if (preloaded) s.shmPids.push(pid);
      }),
      forget: (pid) => {
        // Node reaps its own children, so the PID is gone now: its shm files can go too.
        if (preloaded) removeShmOf([pid]);
        this.state.update((s) => {
          s.processes = s.processes.filter((p) => p.pid !== pid);
          if (preloaded) s.shmPids = s.shmPids.filter((p) => p !== pid);
        });
      },
    });
  }

  async upload(localPath: string, remotePath: string): Promise<void> {
    // Namespaces share the controller's filesystem: a copy is an upload.
    await fs.promises.cp(localPath, remotePath, { recursive: true });
  }

  async download(remotePath: string, localPath: string): Promise<void> {
    await fs.promises.cp(remotePath, localPath, { recursive: true });
  }
}

/** The provisioned network: its hosts, and a teardown that removes everything. */
export class LocalNetwork implements Environment {
  readonly kind = 'local';
  private torn = false;

  constructor(
    readonly runId: string,
    readonly range: Subnet,
    readonly bridge: string,
    readonly hosts: readonly LocalHost[],
    readonly state: StateFile,
  ) {}

  get gateway(): string {
    return gatewayIp(this.range);
  }

  get controllerAddress(): string {
    return this.gateway;
  }

  get subnet(): string {
    return formatSubnet(this.range);
  }

  host(node: string): LocalHost {
    return findHost(this.hosts, node);
  }

  /** Kills what still runs in the namespaces, removes them, the bridge and the rule. Idempotent, never throws. */
  async teardown(log: (message: string) => void = () => undefined): Promise<void> {
    if (this.torn) return;
    this.torn = true;
    const report = await removeRun(this.state.state, this.state.path).catch((e: Error) => { log(`local teardown: ${e.message}`); return undefined; });
    if (report?.problems.length) log(`local teardown problems: ${report.problems.join('; ')}`);
  }
}

/** Subnets already in use: routed on this machine, or claimed by another live run's state file. */
async function takenSubnets(): Promise<Subnet[]> {
  const routes = await run(['ip', '-4', 'route', 'show', 'table', 'all']);
  const taken = routedSubnets(routes.stdout);
  for (const { state } of readStates()) {
    if (state?.subnet && ownerAlive(state)) taken.push(parseSubnet(state.subnet));
  }
  return taken;
}

/** Creates the namespaces, veths and bridge for `opts.nodes`; see the module comment. */
export async function provisionLocal(opts: LocalOptions): Promise<LocalNetwork> {
  const log = opts.log ?? ((): void => undefined);
  const bad = opts.nodes.filter((n) => !NODE_NAME.test(n));
  if (bad.length > 0) throw new InputError(`node name(s) ${bad.join(', ')} are not valid; use 1–8 lower-case letters and digits, starting with a letter`);
  if (new Set(opts.nodes).size !== opts.nodes.length) throw new InputError(`node names must be distinct, got ${opts.nodes.join(', ')}`);
  if (process.getuid?.() !== 0) throw new InputError('creating network namespaces needs root; run faultline as root (e.g. with sudo)');
  // Chosen and recorded under the lock: another run starting now must see this one's subnet as taken.
  const { subnet, runId, names, state, haveIptables, forward } = await withSubnetLock(async () => {
    const taken = await takenSubnets();
    let subnet: Subnet;
    if (opts.subnet !== undefined) {
      try {
        subnet = parseSubnet(opts.subnet);
      } catch (err) {
        throw new InputError(`--subnet: ${(err as Error).message}`);
      }
      const clash = taken.find((t) => overlaps(t, subnet));
      if (clash) throw new InputError(`subnet ${formatSubnet(subnet)} overlaps ${formatSubnet(clash)}, which is already routed on this machine; pick another with --subnet`);
    } else {
      const free = freeSubnet(taken);
      if (!free) throw new InputError('no free /24 is left in 10.91.0.0/16; pass a free subnet with --subnet');
      subnet = free;
    }
    if (capacity(subnet) < opts.nodes.length) throw new InputError(`subnet ${formatSubnet(subnet)} is too small for ${opts.nodes.length} hosts; use a larger one with --subnet`);

    const runId = randomBytes(3).toString('hex');
    const names = namePrefix(runId);
    const nsOf = (node: string): string => `${names.ns}${node}`;
    const haveIptables = await haveCommand('iptables');
    const forward = { table: 'filter', chain: 'FORWARD', spec: ['-i', names.bridge, '-o', names.bridge, '-j', 'ACCEPT', '-m', 'comment', '--comment', names.comment] };
    const state = new StateFile({
      runId, owner: process.pid, ownerStart: startTime(process.pid), createdAt: new Date().toISOString(),
      subnet: formatSubnet(subnet), bridge: names.bridge, namespaces: opts.nodes.map(nsOf),
      hostRules: haveIptables ? [forward] : [], processes: [], shmPids: [],
    });
    state.save(); // Before creating anything: a crash from here on is cleanable.
    return { subnet, runId, names, state, haveIptables, forward };
  });
  const nsOf = (node: string): string => `${names.ns}${node}`;
  const hosts = opts.nodes.map((node, i) => new LocalHost(node, hostIp(subnet, i), nsOf(node), state));
  const net = new LocalNetwork(runId, subnet, names.bridge, hosts, state);
  const t0 = performance.now();
  try {
    const gw = gatewayIp(subnet);
    await runOk(['ip', 'link', 'add', names.bridge, 'type', 'bridge']);
    await runOk(['ip', 'addr', 'add', `${gw}/${subnet.prefix}`, 'dev', names.bridge]);
    await runOk(['ip', 'link', 'set', names.bridge, 'up']);
    await Promise.all(hosts.map(async (h, i) => {
      const veth = `${names.veth}${i}`;
      await runOk(['ip', 'netns', 'add', h.ns]);
      await runOk(['ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.ns]);
      await runOk(['ip', 'link', 'set', veth, 'master', names.bridge, 'up']);
      await runOk(['ip', '-n', h.ns, 'addr', 'add', `${h.address}/${subnet.prefix}`, 'dev', 'eth0']);
      await runOk(['ip', '-n', h.ns, 'link', 'set', 'eth0', 'up']);
      await runOk(['ip', '-n', h.ns, 'link', 'set', 'lo', 'up']);
      await runOk(['ip', '-n', h.ns, 'route', 'add', 'default', 'via', gw]);
    }));
    if (haveIptables) await runOk(['iptables', '-w', '-I', 'FORWARD', '1', ...forward.spec]);
  } catch (err) {
    await net.teardown().catch(() => undefined);
    throw err;
  }
  log(`provisioned ${hosts.length} namespace hosts on ${names.bridge} (${formatSubnet(subnet)}) in ${(performance.now() - t0).toFixed(0)} ms`);
  return net;
}

