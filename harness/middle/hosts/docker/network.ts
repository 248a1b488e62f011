/**
 * Provisioning for `--env docker`: one user-defined bridge network per run with its own /24 (the
 * first free one in 10.92.0.0/16, its bridge named `fld-<id>`), one host per node at .11, .12, …
 * (the containers themselves start with their servers, see host.ts), and an ACCEPT rule for the
 * bridge in DOCKER-USER — the chain Docker leaves to users — so a daemon run with `--icc=false` or a
 * FORWARD policy of DROP still passes node-to-node traffic. Everything carries the label
 * `faultline.run=<id>` (and the controller's PID, so `faultline cleanup` can tell a live run from
 * a dead one); the rule carries the comment `faultline-docker:<id>`.
 */
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { InputError } from '../../../ground/history/errors.js';
import { run, runOk } from '../exec.js';
import { findHost, flagOf, typedFlagOf, type Environment, type ProvisionOptions } from '../environment.js';
import { startTime } from '../process-info.js';
import { formatSubnet, freeSubnet, gatewayIp, hostIp, parseSubnet, routedSubnets, type Subnet } from '../local/subnet.js';
import { isLocalDaemon, reachDaemon } from './client.js';
import { DOCKER_PAUSE, DockerHost, type PauseMode } from './host.js';
import { resolveImage } from './images.js';
import { removeDockerRun } from './cleanup.js';
import { DockerStateFile } from './state.js';
import { withSubnetLock } from '../local/state.js';

export const RUN_LABEL = 'faultline.run';
export const OWNER_LABEL = 'faultline.owner';
export const OWNER_START_LABEL = 'faultline.owner-start';

const NODE_NAME = /^[a-z][a-z0-9]{0,7}$/;

export const dockerNames = (runId: string): { network: string; bridge: string; comment: string } => ({
  network: `fl-${runId}`,
  bridge: `fld-${runId}`,
  comment: `faultline-docker:${runId}`,
});

/** The DOCKER-USER rule that lets the run's containers talk across its bridge. */
export const bridgeRule = (runId: string): { table: string; chain: string; spec: string[] } => {
  const n = dockerNames(runId);
  return { table: 'filter', chain: 'DOCKER-USER', spec: ['-i', n.bridge, '-o', n.bridge, '-j', 'ACCEPT', '-m', 'comment', '--comment', n.comment] };
};

export class DockerEnvironment implements Environment {
  readonly kind = 'docker';
  /** A container's (re)start gives it a new network namespace: faults are re-applied after each. */
  readonly freshNetworkOnStart = true;
  private torn = false;

  constructor(
    readonly runId: string,
    readonly range: Subnet,
    readonly hosts: readonly DockerHost[],
    private readonly docker: Docker,
    private readonly state: DockerStateFile,
    readonly image: string,
  ) {}

  get controllerAddress(): string {
    return gatewayIp(this.range);
  }

  get subnet(): string {
    return formatSubnet(this.range);
  }

  host(node: string): DockerHost {
    return findHost(this.hosts, node);
  }

  async teardown(log: (message: string) => void = () => undefined): Promise<void> {
    if (this.torn) return;
    this.torn = true;
    const report = await removeDockerRun(this.docker, this.runId, this.state.state, this.state.path)
      .catch((e: Error) => { log(`docker teardown: ${e.message}`); return undefined; });
    if (report?.problems.length) log(`docker teardown problems: ${report.problems.join('; ')}`);
  }
}

/** Subnets routed here or held by any Docker network: a new network must overlap none. */
async function takenSubnets(docker: Docker): Promise<Subnet[]> {
  const taken = routedSubnets((await run(['ip', '-4', 'route', 'show', 'table', 'all'])).stdout);
  for (const n of await docker.listNetworks()) {
    for (const c of n.IPAM?.Config ?? []) {
      try {
        if (c.Subnet) taken.push(parseSubnet(c.Subnet));
      } catch {
        // IPv6 pools: irrelevant to an IPv4 /24.
      }
    }
  }
  return taken;
}

/** Provisions the run's network and hosts; `opts.flags` may hold `docker-host`, `image`, `docker-pause`. */
export async function provisionDocker(opts: ProvisionOptions): Promise<DockerEnvironment> {
  const log = opts.log ?? ((): void => undefined);
  const o = { 'docker-host': flagOf(opts.flags, 'docker-host'), image: flagOf(opts.flags, 'image') };
  const bad = opts.nodes.filter((n) => !NODE_NAME.test(n));
  if (bad.length > 0) throw new InputError(`node name(s) ${bad.join(', ')} are not valid; use 1–8 lower-case letters and digits, starting with a letter`);
  if (process.getuid?.() !== 0) throw new InputError('--env docker needs root: faults enter the containers\' network namespaces with nsenter; run faultline as root (e.g. with sudo)');
  const pauseMode: PauseMode = typedFlagOf(opts.flags, DOCKER_PAUSE);
  const daemon = await reachDaemon(o['docker-host']);
  if (!isLocalDaemon(daemon.host)) {
    throw new InputError(`--env docker runs need the daemon on this machine (faults enter each container's network namespace from here with nsenter), but ${daemon.host} is remote; use a local daemon for runs (\`faultline images\` works with a remote one)`);
  }
  const docker = daemon.docker;
  const image = await resolveImage(docker, opts.target ?? '', o.image);

  const runId = randomBytes(3).toString('hex');
  const names = dockerNames(runId);
  const labels = { [RUN_LABEL]: runId, [OWNER_LABEL]: String(process.pid), [OWNER_START_LABEL]: String(startTime(process.pid) ?? '') };
  const rule = bridgeRule(runId);
  const state = new DockerStateFile({ runId, owner: process.pid, ownerStart: startTime(process.pid), createdAt: new Date().toISOString(), hostRules: [rule], processes: [] });
  // Before creating anything (a crash from here on is cleanable), and under the start-up lock, so a
  // `faultline cleanup` deciding now sees this run's rule and labels only with its live state file.
  await withSubnetLock(async () => state.save());

  const t0 = performance.now();
  let range: Subnet | undefined;
  try {
    // Two runs may pick the same free /24 at once: the daemon refuses the second, which tries the next.
    const refused: Subnet[] = [];
    for (let attempt = 0; attempt < 5 && range === undefined; attempt++) {
      let candidate: Subnet;
      if (opts.subnet !== undefined) {
        try {
          candidate = parseSubnet(opts.subnet);
        } catch (err) {
          throw new InputError(`--subnet: ${(err as Error).message}`);
        }
      } else {
        const free = freeSubnet([...(await takenSubnets(docker)), ...refused], '10.92.0.0/16');
        if (!free) throw new InputError('no free /24 is left in 10.92.0.0/16; pass a free subnet with --subnet');
        candidate = free;
      }
      try {
        await docker.createNetwork({
          Name: names.network, Driver: 'bridge', CheckDuplicate: true, Labels: labels,
          IPAM: { Driver: 'default', Config: [{ Subnet: formatSubnet(candidate), Gateway: gatewayIp(candidate) }] },
          Options: { 'com.docker.network.bridge.name': names.bridge, 'com.docker.network.bridge.enable_icc': 'true' },
        });
        range = candidate;
      } catch (err) {
        const msg = (err as Error).message;
        if (opts.subnet !== undefined) throw new InputError(`--subnet ${opts.subnet}: the Docker daemon refused it (${msg.trim()}); pick another`);
        if (!/overlap/i.test(msg)) throw err;
        refused.push(candidate);
      }
    }
    if (range === undefined) throw new Error('the Docker daemon refused 5 subnets in a row as overlapping');
    const subnet = range;
    if (opts.nodes.length > 240) throw new InputError(`--env docker puts at most 240 nodes on one /24, not ${opts.nodes.length}`);
    await runOk(['iptables', '-w', '-I', rule.chain, '1', ...rule.spec]).catch((err: Error) => {
      // Without a DOCKER-USER chain (a daemon started with --iptables=false) nothing filters the bridge.
      log(`docker: could not add the DOCKER-USER rule (${err.message.split('\n')[0]}); relying on the daemon's own bridge rules`);
      state.update((s) => { s.hostRules = []; });
    });
    const hostCtx = { docker, runId, network: names.network, image, labels, state, pauseMode, nodeDir: opts.nodeDir, log };
    const hosts = opts.nodes.map((node, i) => new DockerHost(node, hostIp(subnet, i), hostCtx));
    log(`docker: network ${names.network} (${formatSubnet(subnet)}, bridge ${names.bridge}) for ${hosts.length} containers of ${image} in ${(performance.now() - t0).toFixed(0)} ms (daemon ${daemon.version})`);
    return new DockerEnvironment(runId, subnet, hosts, docker, state, image);
  } catch (err) {
    await removeDockerRun(docker, runId, state.state, state.path).catch(() => undefined);
    throw err;
  }
}
