/**
 * `faultline run --target custom`: your own system as the target. How to start a node (`--start`
 * with placeholders), how to know it is up (`--health`), and how to talk to it (`--client FILE`, a
 * module built with defineClient, or `--client http-kv` for the HTTP convention of docs/http-kv.md).
 * Nodes run on the hosts of `--env` (local: network namespaces; docker: containers of the user's
 * `--image`; ssh: the user's machines) under every real-network fault. Everything a user can get wrong
 * is refused by the preflight, before anything starts — with `--env docker` that includes a start or
 * health command whose program (or a path of this machine it names) the image lacks; on ssh hosts the
 * same is checked on every host before a server starts.
 */
import { watchSettings } from '../../harness/middle/workloads/watch-settings.js';
import { checkRequirements, file, realProbe, type MachineProbe, type Requirement } from '../../harness/middle/hosts/preflight.js';
import { FAKETIME_LIB } from '../../harness/middle/hosts/faketime.js';
import { choiceOption, durationOption, flagValue, intOption, REQUEST_TIMEOUT, valueOf, type TypedFlag } from '../../harness/ground/contracts/flags.js';
import { environmentOf, environmentPreflight, nodeNames, STORE_FLAGS, storePlan } from '../server-base/store-plan.js';
import { reachDaemon } from '../../harness/middle/hosts/docker/client.js';
import { imageLacks } from '../../harness/middle/hosts/docker/image-probe.js';
import { imagePresent } from '../../harness/middle/hosts/docker/images.js';
import { flagOf } from '../../harness/middle/hosts/environment.js';
import { commandNeeds, shellWords } from './command-words.js';
import fs from 'node:fs';
import { InputError } from '../../harness/ground/history/errors.js';
import { refuseUntrusted } from '../../harness/middle/hosts/trust.js';
import type { PlanContext, RunDir, RunPlan, RunRequest, TargetEntry } from '../../harness/ground/contracts/run-contract.js';
import { withRaftObserver } from './raft-observer.js';
import { diskOption } from '../server-base/store-target.js';
import { getStoreWorkload } from '../../harness/middle/workloads/store-workloads.js';
import type { ClientDefinition } from './client-api.js';
import { CustomClients } from './clients.js';
import { CustomCluster, type HealthCheck } from './cluster.js';
import { CAS_STYLES, httpKvClient } from './http-kv.js';
import { loadClient, WORKLOAD_OPS } from './load-client.js';
import { checkPlaceholders, DEFAULT_PEERS_FORMAT, PEER_PLACEHOLDERS, START_PLACEHOLDERS } from './placeholders.js';

export const CUSTOM_WORKLOADS = ['register', 'set', 'lock', 'watch', 'list-append', 'rw-register'] as const;

const portRange = (name: string) => (t: string): string => `--${name} must be a port number from 1 to 65535, got ${t}`;
/** `--port` and `--peer-port`: one port for both would have the node's client and peer listeners fight over it. */
const PORT = intOption('port', 'client port of every node, {port}', 8080, 1, 65_535, portRange('port'));
const PEER_PORT = intOption('peer-port', 'peer port of every node, {peer-port}', 7000, 1, 65_535, portRange('peer-port'));
PORT.type.check = (port, values) => {
  if (port === values.get('peer-port')) throw new InputError(`--port and --peer-port are both ${String(port)}; a node needs two different ports, e.g. --port 8080 --peer-port 7000`);
};

/** The start command, its placeholders checked. */
function startOf(req: RunRequest): string {
  const start = flagValue(req, 'start');
  if (start === undefined || start.trim() === '') {
    throw new InputError("--target custom needs --start 'COMMAND' to start one node, e.g. --start 'faultline-raft --listen {host}:{port} --node {node} --peers {peers} --data-dir {data}'");
  }
  checkPlaceholders('start', start, Object.keys(START_PLACEHOLDERS));
  checkPlaceholders('peers-format', flagValue(req, 'peers-format') ?? DEFAULT_PEERS_FORMAT, PEER_PLACEHOLDERS);
  return start;
}

/** `--health`: an HTTP path (starts with /), or a command run on the node. */
function healthOf(req: RunRequest, clientName: string): HealthCheck {
  const h = flagValue(req, 'health');
  if (h === undefined) return clientName === 'http-kv' ? { kind: 'http-kv' } : { kind: 'tcp' };
  if (h.startsWith('/')) {
    if (/\s/.test(h)) throw new InputError(`--health ${h} starts with / so it is an HTTP path, which cannot hold spaces; to run a command, write it without a leading / (e.g. sh /path/check.sh)`);
    return { kind: 'http', path: h };
  }
  checkPlaceholders('health', h, Object.keys(START_PLACEHOLDERS));
  return { kind: 'command', command: h };
}

/** `--health-timeout`: how long setup waits for every node to answer its health check. */
const HEALTH_TIMEOUT = durationOption('health-timeout', 'how long setup waits for every node to be healthy, a duration', '30s');
/** `--cas`: how http-kv asks for compare-and-set (docs/http-kv.md). */
const CAS = choiceOption('cas', CAS_STYLES, 'http-kv compare-and-set style: the body ({"value","expect"}) or an If-Match header');

const clientNameOf = (req: RunRequest): string => flagValue(req, 'client') ?? 'http-kv';

/** The client definition of a run: http-kv, or the user's module (loaded and checked). */
async function clientOf(req: RunRequest): Promise<ClientDefinition> {
  const name = clientNameOf(req);
  if (name === 'http-kv') {
    const cas = valueOf(req, CAS);
    const def = httpKvClient(cas) as unknown as ClientDefinition;
    const missing = (WORKLOAD_OPS[req.workload] ?? []).filter((op) => !def.ops.includes(op));
    if (missing.length > 0) throw new InputError(`--client http-kv performs read, write and cas (workload register), the watch ops (workload watch) and txn (list-append, rw-register: POST /txn), not ${missing.join(', ')} of workload ${req.workload}; use one of those workloads, or write a client module`);
    return def;
  }
  return loadClient(name, req.workload);
}

/** The image of `--env docker`'s nodes: `--image`, which the target needs (it has no image of its own). */
function imageOf(req: RunRequest): string {
  const image = flagOf(req.flags, 'image');
  if (image === undefined) {
    throw new InputError("--target custom with --env docker needs --image IMAGE, an image that holds your server (each node's --start command runs inside a container of it; docs/custom-target.md shows how to build one, and faultline images build --target raft makes faultline/raft for faultline-raft)");
  }
  return image;
}

/**
 * With `--env docker`: the image has /bin/sh (the start command runs under it), the program of
 * `--start` and of a `--health` command, and every path of this machine they name. One sentence for
 * the first thing missing.
 */
async function checkImage(req: RunRequest, image: string, health: HealthCheck): Promise<void> {
  const commands: [string, string][] = [['--start', startOf(req)], ...(health.kind === 'command' ? [['--health', health.command] as [string, string]] : [])];
  const needs = commands.map(([flag, command]) => ({ flag, ...commandNeeds(command) }));
  const { docker } = await reachDaemon(flagOf(req.flags, 'docker-host'));
  if (!(await imagePresent(docker, image))) {
    throw new InputError(`the image ${image} (--image) is not on the Docker daemon; build or load it there first (docker build -t ${image} DIR, or docker import; docs/custom-target.md), or for faultline-raft use faultline images build --target raft and --image faultline/raft`);
  }
  // --faketime mounts this machine's libfaketime, built for glibc: the image needs glibc's loader.
  const loader = req.flags.get('faketime') === true && process.arch === 'x64' ? GLIBC_LOADER : undefined;
  const lacks = await imageLacks(docker, image, {
    commands: needs.flatMap((n) => (n.program === undefined ? [] : [n.program])),
    files: [...needs.flatMap((n) => n.paths), ...(loader ? [loader] : [])],
  });
  if (!lacks.shell) throw new InputError(`the image ${image} (--image) has no /bin/sh, which runs each node's --start command (sh -c 'exec …') inside its container; use an image with a POSIX shell (e.g. one FROM debian:bookworm-slim)`);
  if (loader !== undefined && lacks.files.includes(loader)) {
    throw new InputError(`--faketime preloads this machine's libfaketime (built for glibc) into the servers, but the image ${image} (--image) has no glibc (${loader} is missing); use a glibc-based image (Debian, Ubuntu) or drop --faketime`);
  }
  for (const n of needs) {
    if (n.program !== undefined && lacks.commands.includes(n.program)) {
      if (n.program === 'faultline-raft') throw new InputError(`the image ${image} (--image) has no faultline-raft, which ${n.flag} runs inside each container; use the bundled Raft's image (faultline images build --target raft, then --image faultline/raft) or an image with faultline installed`);
      throw new InputError(`the image ${image} (--image) has no ${n.program}${n.program.startsWith('/') ? '' : ' on its PATH'}, which ${n.flag} runs inside each container; use an image that holds it (docs/custom-target.md)`);
    }
    const path = n.paths.find((p) => lacks.files.includes(p));
    if (path !== undefined) throw new InputError(`${n.flag} names ${path}, a path on this machine that the image ${image} (--image) does not hold, and the command runs inside each container; copy it into the image (COPY in a Dockerfile) or name the path it has there`);
  }
}

/** glibc's dynamic loader on x86-64: present in an image whose programs can take a glibc preload. */
const GLIBC_LOADER = '/lib64/ld-linux-x86-64.so.2';

/** What cannot work on ssh hosts, known from the flags alone. */
function checkSsh(req: RunRequest, start: string): void {
  const first = shellWords(start)[0];
  if (first?.known && first.word.includes('/') && !first.word.startsWith('/')) {
    throw new InputError(`--start runs ${first.word}, a path relative to where it starts, which on ssh hosts is the node's own directory of the run (it holds only faultline's files); give the program's absolute path on the hosts`);
  }
  if (req.flags.get('faketime') === true && flagOf(req.flags, 'clock-mode') === 'system') {
    throw new InputError('--faketime and --clock-mode system both skew the servers\' clocks (libfaketime in each server, or each host\'s own clock); choose one');
  }
}

/**
 * On this machine, the program of --start and of a --health command (when a path) and the files they
 * name (a script: `node /srv/server.mjs`) run as whoever runs faultline: each must be no one else's.
 */
function refuseUntrustedCommand(start: string, health: HealthCheck): void {
  for (const [flag, command] of [['--start', start], ...(health.kind === 'command' ? [['--health', health.command]] : [])]) {
    const needs = commandNeeds(command);
    const files = [...(needs.program?.startsWith('/') === true && fs.existsSync(needs.program) ? [needs.program] : []), ...needs.paths];
    for (const f of files.filter((p) => fs.statSync(p).isFile())) refuseUntrusted(f, `${flag}'s`, 'run');
  }
}

/**
 * `--disk-files LOG[,FILE…]`: the node's files under `{data}` that `--nemesis disk` may damage (the
 * first is its log, whose tail truncate cuts; bit-flip picks any), `{node}` standing for its name.
 * Absent: the target offers no disk. Paths stay below `{data}`. Declared and parsed here once.
 */
export const DISK_FILES: TypedFlag<string[] | undefined> = {
  name: 'disk-files', kind: 'value',
  help: "offer --nemesis disk: a node's files under {data}, comma-separated, its log first (truncate cuts its tail; bit-flip picks any); {node} is the node's name, e.g. '{node}/log.jsonl,{node}/meta.json' for faultline-raft (docs/faults.md)",
  type: {
    parse(text: string): string[] {
      const files = text.split(',').map((f) => f.trim());
      for (const f of files) {
        if (f === '' || f.startsWith('/') || f.split('/').some((c) => c === '..' || c === '.' || c === '')) {
          throw new InputError(`--disk-files ${JSON.stringify(text)} has ${JSON.stringify(f)}, which is not a relative path below {data}; list the files as e.g. --disk-files '{node}/log.jsonl,{node}/meta.json'`);
        }
      }
      return files;
    },
  },
};

/** The files `--disk-files` names, or undefined without the flag. */
export function diskFilesOf(req: RunRequest): string[] | undefined {
  return valueOf(req, DISK_FILES);
}

/** Checks flags, client and machine before anything starts; `probe` is injected by tests. */
export async function customPreflight(req: RunRequest, probe: MachineProbe = realProbe): Promise<void> {
  const env = environmentOf(req);
  const image = env.name === 'docker' ? imageOf(req) : undefined;
  getStoreWorkload(req.workload, CUSTOM_WORKLOADS);
  nodeNames(req.nodeCount);
  const start = startOf(req);
  diskFilesOf(req);
  if (env.name === 'ssh') checkSsh(req, start);
  const health = healthOf(req, clientNameOf(req));
  if (env.name === 'local') refuseUntrustedCommand(start, health);
  PORT.type.check!(valueOf(req, PORT), new Map([['peer-port', valueOf(req, PEER_PORT)]]), 'port');
  const status = flagValue(req, 'raft-status');
  if (status !== undefined && !status.startsWith('/')) throw new InputError(`--raft-status ${status} must be an HTTP path on the client port, such as /status`);
  await clientOf(req);
  const reqs: Requirement[] = [...env.requirements()];
  // Containers mount this machine's libfaketime; remote hosts need their own (checked at setup).
  if (req.flags.get('faketime') === true && !env.remote) reqs.push(file(FAKETIME_LIB, 'libfaketime'));
  checkRequirements('custom', reqs, probe, !env.remote);
  if (image !== undefined) await checkImage(req, image, health);
  await environmentPreflight(req, 'custom');
}

/** The plan with its cluster and clients, for tests and benchmarks that reach inside. */
export async function customParts(req: RunRequest, run: RunDir, ctx?: PlanContext): Promise<{ plan: RunPlan; cluster: CustomCluster; clients: CustomClients }> {
  const nodes = nodeNames(req.nodeCount);
  const workload = getStoreWorkload(req.workload, CUSTOM_WORKLOADS);
  const def = await clientOf(req);
  const diskFiles = diskFilesOf(req);
  const cluster = new CustomCluster({
    nodes, dir: run.dir, env: flagValue(req, 'env'), flags: req.flags, subnet: flagValue(req, 'subnet'), log: (m) => run.log(m),
    start: startOf(req), peersFormat: flagValue(req, 'peers-format') ?? DEFAULT_PEERS_FORMAT, health: healthOf(req, clientNameOf(req)),
    port: valueOf(req, PORT), peerPort: valueOf(req, PEER_PORT),
    healthTimeoutMs: valueOf(req, HEALTH_TIMEOUT),
    faketimeLib: req.flags.get('faketime') === true ? FAKETIME_LIB : undefined,
    diskFiles,
    ...(diskFiles ? diskOption(req) : {}),
  });
  const clients = new CustomClients(def, nodes, (n) => cluster.clientNode(n), valueOf(req, REQUEST_TIMEOUT), clientNameOf(req) === 'http-kv', watchSettings(req.config));
  cluster.onTeardown(() => clients.close());
  let plan = storePlan(req, run, nodes, workload, cluster, { open: (t, p) => clients.client(t, p) }, {
    name: 'custom', start: flagValue(req, 'start'), client: clientNameOf(req), subnet: flagValue(req, 'subnet'),
  });
  const statusPath = flagValue(req, 'raft-status');
  if (statusPath !== undefined) plan = withRaftObserver(plan, cluster, statusPath, run, ctx?.t0 ?? process.hrtime.bigint());
  return { plan, cluster, clients };
}

export const customTarget: TargetEntry = {
  name: 'custom',
  summary: 'your own system: --start how to run a node, --client how to talk to it (a defineClient module, or http-kv); one node per host (--env local: network namespaces, root; docker: containers of your --image; ssh: your machines)',
  workloads: CUSTOM_WORKLOADS,
  flags: [
    { name: 'start', kind: 'value', help: `command that starts one node on its host (with --env docker inside its container: the program must be in --image; with --env ssh on the host); placeholders ${Object.keys(START_PLACEHOLDERS).map((p) => `{${p}}`).join(' ')} (docs/custom-target.md)` },
    { name: 'client', kind: 'value', help: 'http-kv (default; docs/http-kv.md) or the path of a client module (.ts or .mjs) whose default export is defineClient({ ops, open, invoke, close })' },
    { name: 'peers-format', kind: 'value', help: `how {peers} lists one node (default ${DEFAULT_PEERS_FORMAT}); placeholders ${PEER_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}` },
    { name: 'health', kind: 'value', help: 'when a node is up: an HTTP path on the client port (/health; 2xx), or a command run on the node\'s host (exit 0; inside the container with --env docker); default: the http-kv probe with --client http-kv, else a TCP connect to --port' },
    HEALTH_TIMEOUT,
    PORT,
    PEER_PORT,
    { name: 'raft-status', kind: 'value', help: "a Raft's status path (/status for faultline-raft): polled on every node to add the Raft safety checkers (docs/custom-target.md)" },
    { name: 'faketime', kind: 'bool', help: 'offer clock faults: preload libfaketime into each server (works for servers that read the clock through libc; not Go or static binaries; with --env docker this machine\'s library is mounted, so the image must be glibc-based; with --env ssh each host needs it)' },
    DISK_FILES,
    CAS,
    ...STORE_FLAGS,
  ],
  preflight: (req) => customPreflight(req),
  requirements: () => [],
  plan: async (req, run, ctx) => (await customParts(req, run, ctx)).plan,
};

