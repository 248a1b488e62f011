/**
 * A cluster of the user's own servers: each node is the `--start` command, placeholders filled,
 * run under `sh -c 'exec …'` on its host (so signals reach the server itself, not a shell). Data dirs
 * (`{data}`) live in the node's directory and survive kills: a restart runs the same command on the
 * same directory. Kill, pause, real-network faults and teardown come from the shared server base.
 *
 * Where "its host" is, by environment:
 * - local: a network namespace on this machine, from faultline's working directory, with the
 *   `faultline-raft` shim on the PATH; `{data}` is `nodes/<node>/data` of the run.
 * - docker: inside the node's container (`--image`), from the image's working directory and PATH; the
 *   node's directory is bind-mounted at the same path, so `{data}` and the libfaketime offset file
 *   are the same paths inside and out. A health command runs inside the container too.
 * - ssh: on the node's host, from its directory there (`Remote.runDir`), which holds `{data}`, the
 *   log and the offset file; the program and any path of this machine the commands name are looked
 *   for on every host before a server starts.
 *
 * Health: `--health /path` (an HTTP GET on the client port; 2xx is up, and a JSON answer with
 * `"role": "leader"` or `"leader": true` names a primary), `--health 'CMD'` (run on the node; exit 0
 * is up), the http-kv probe (a GET of a key nobody writes must answer 200 or 404 in the convention)
 * for `--client http-kv`, or else a TCP connect to the client port. Setup ends at once, naming the
 * node and the end of its log, when a server exits or answers garbage; otherwise after
 * `--health-timeout`.
 */
import fs from 'node:fs';
import net from 'node:net';
import nodePath from 'node:path';
import { ServerCluster, type NodeHealth, type ServerClusterOptions, type StoreFiles } from '../server-base/server-cluster.js';
import type { ClientNode } from './client-api.js';
import { HEALTH_KEY, parseRead } from './http-kv.js';
import { httpRequest, keepAliveAgent } from './http-request.js';
import { fillCommand, peersText, type NodeValues } from './placeholders.js';
import { packageBins } from '../../harness/middle/hosts/package-bins.js';
import { FAKETIME_LIB, faketimeEnv, offsetText, writeOffset } from '../../harness/middle/hosts/faketime.js';
import type { HostNeed } from '../server-base/server-cluster.js';
import { appendSafe } from '../../harness/middle/hosts/safe-files.js';
import { commandNeeds } from './command-words.js';

export type HealthCheck = { kind: 'http'; path: string } | { kind: 'command'; command: string } | { kind: 'http-kv' } | { kind: 'tcp' };

export interface CustomClusterOptions extends ServerClusterOptions {
  start: string;
  peersFormat: string;
  health: HealthCheck;
  port: number;
  peerPort: number;
  healthTimeoutMs: number;
  /** libfaketime's path when `--faketime` asked for clock faults (the server must read time through libc). */
  faketimeLib?: string;
  /** `--disk-files`: the node's files under {data} for --nemesis disk, its log first (none: no disk offered). */
  diskFiles?: readonly string[];
}

/** Where a node's command runs: a namespace here, a container, or a host of its own. */
export type Place = 'local' | 'container' | 'remote';

/** How to get the bundled Raft onto ssh hosts (it is a path on this machine otherwise). */
export const RAFT_ON_HOSTS = 'faultline-raft is the bundled Raft: install faultline on every host (npm install -g faultline puts faultline-raft on the PATH), or start it there by its path (node …/dist/targets/raft/main.js)';

export const NO_FAKETIME_REASON = 'clock faults on a custom target need --faketime, which preloads libfaketime into each server (it skews processes that read the clock through libc: not Go binaries, not static ones)';

/** Setup cannot succeed: a server exited or answered garbage. */
class SetupBroken extends Error {}

export class CustomCluster extends ServerCluster {
  readonly name = 'custom';
  protected readonly logName = 'server.log';
  private readonly exits = new Map<string, string>();
  private readonly garbage = new Map<string, string>();
  private readonly agent = keepAliveAgent();
  private readonly offsets: Record<string, number> = {};

  constructor(readonly custom: CustomClusterOptions) {
    super(custom);
    this.setupTimeoutMs = custom.healthTimeoutMs;
    if (custom.faketimeLib !== undefined) {
      this.clock = {
        setClockOffset: async (node, ms) => {
          await this.writeClock(node, ms);
          this.offsets[node] = ms;
        },
        clockOffsets: () => ({ ...this.offsets }),
      };
    } else {
      this.clockUnsupportedReason = NO_FAKETIME_REASON;
    }
    this.onTeardown(async () => { this.agent.destroy(); });
  }

  /** Where `node`'s commands run (see the module comment). */
  place(node: string): Place {
    if (this.remoteFiles(node)) return 'remote';
    // A host whose server runs somewhere other than its `exec` (a container) has its own programs and
    // environment; asked of the host, not of the environment's name.
    const host = this.environment?.host(node);
    return host?.serverExec !== undefined ? 'container' : 'local';
  }

  /** True when servers get libfaketime: `--faketime`, unless the hosts' own clocks are skewed. */
  private get preload(): boolean {
    return this.custom.faketimeLib !== undefined && this.environment?.clock === undefined;
  }

  /** What the placeholders of `node` stand for. */
  values(node: string): NodeValues {
    return {
      node, id: this.nodes.indexOf(node) + 1, host: this.address(node), port: this.custom.port, peerPort: this.custom.peerPort,
      data: nodePath.posix.join(this.nodeDir(node), 'data'),
    };
  }

  /** A node as clients see it. */
  clientNode(node: string): ClientNode {
    const host = this.address(node);
    return { name: node, host, port: this.custom.port, url: `http://${host}:${this.custom.port}` };
  }

  /** The filled start command of `node`. */
  command(node: string): string {
    return fillCommand(this.custom.start, this.values(node), peersText(this.custom.peersFormat, this.nodes.map((n) => this.values(n))));
  }

  private clockFile(node: string): string {
    return nodePath.posix.join(this.nodeDir(node), 'clock-offset');
  }

  /** Writes the node's offset file whole (libfaketime re-reads it on every clock read). */
  private async writeClock(node: string, ms: number): Promise<void> {
    if (this.place(node) !== 'remote') return writeOffset(this.clockFile(node), ms);
    await this.host(node).execOk(['sh', '-c', 'cat > "$1.tmp" && mv -f "$1.tmp" "$1"', 'sh', this.clockFile(node)], { input: `${offsetText(ms)}\n` });
  }

  /**
   * On ssh hosts: the programs and this machine's paths that `--start` and a `--health` command name
   * (no Debian package has them, so `--install` cannot help), and libfaketime for `--faketime`.
   */
  protected override hostNeeds(): HostNeed[] {
    const needs: HostNeed[] = [];
    const h = this.custom.health;
    const commands: [string, string][] = [['--start', this.custom.start], ...(h.kind === 'command' ? [['--health', h.command] as [string, string]] : [])];
    for (const [flag, command] of commands) {
      const { program, paths } = commandNeeds(command);
      if (program !== undefined) {
        needs.push({
          path: program, what: `the program of ${flag}`,
          hint: program === 'faultline-raft' ? RAFT_ON_HOSTS : `install it on every host, or give ${flag} its path there`,
        });
      }
      for (const path of paths) {
        needs.push({ path, file: true, what: `named by ${flag}: a path on this machine`, hint: `copy it to every host at the same path, or give ${flag} the path it has there` });
      }
    }
    if (this.preload) needs.push({ path: FAKETIME_LIB, file: true, pkg: 'libfaketime' });
    return needs;
  }

  /** The files `--disk-files` names, under the node's `{data}` (where the FUSE layer goes). */
  protected override storeFiles(): StoreFiles | undefined {
    // Called from the base constructor, before `this.custom` is set: the same object as `this.opts`.
    const files = (this.opts as CustomClusterOptions).diskFiles;
    return files && files.length > 0 ? { dir: 'data', logFiles: files.slice(0, 1), dataFiles: files } : undefined;
  }

  protected override async configure(node: string): Promise<void> {
    const place = this.place(node);
    const data = this.values(node).data;
    if (place === 'remote') await this.host(node).execOk(['mkdir', '-p', data]);
    else fs.mkdirSync(data, { recursive: true });
    if (this.preload) {
      await this.writeClock(node, 0);
      this.offsets[node] = 0;
    }
    if (place !== 'local') return;
    // The package's bins (`faultline-raft` among them) are on every start command's PATH, as they are
    // after npm install.
    const bin = nodePath.join(this.opts.dir, 'nodes', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    for (const [name, script] of Object.entries(packageBins())) {
      fs.writeFileSync(nodePath.join(bin, name), `#!/bin/sh\nexec '${process.execPath}' '${script}' "$@"\n`, { mode: 0o755 });
    }
  }

  protected async launch(node: string, restart: boolean): Promise<void> {
    const cmd = this.command(node);
    const place = this.place(node);
    const line = `--- faultline: ${restart ? 'restarting' : 'starting'} ${node}: ${cmd}`;
    const log = nodePath.posix.join(this.nodeDir(node), this.logName);
    if (place === 'remote') await this.host(node).execOk(['sh', '-c', 'printf "%s\\n" "$1" >> "$2"', 'sh', line, log]);
    else appendSafe(log, `${line}\n`); // The server can write its directory: no link is followed.
    // Only a namespace here shares this machine's PATH and environment; a container has its image's,
    // a host its own, and they get nothing but the preload's variables.
    const p = await this.spawnServer(node, ['sh', '-c', `exec ${cmd}`], {
      env: {
        ...(place === 'local' ? { PATH: `${nodePath.join(this.opts.dir, 'nodes', 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}` } : {}),
        // Every wall-clock read sees the offset at once (no cache): a skew must land when the nemesis says.
        ...(this.preload ? faketimeEnv(this.custom.faketimeLib!, this.clockFile(node), place === 'local' ? process.env : {}, true) : {}),
      },
    });
    this.exits.delete(node);
    void p.exited.then((e) => {
      if (this.pidOf(node) === undefined && this.state(node) === 'running') this.exits.set(node, e.signal ? `signal ${e.signal}` : `code ${e.code}`);
    });
  }

  protected async probe(node: string, timeoutMs: number): Promise<NodeHealth> {
    const h = this.custom.health;
    const c = this.clientNode(node);
    if (h.kind === 'tcp') {
      await new Promise<void>((resolve, reject) => {
        const s = net.connect({ host: c.host, port: c.port, timeout: timeoutMs });
        s.once('connect', () => { s.destroy(); resolve(); });
        s.once('timeout', () => { s.destroy(); reject(new Error(`no connection to port ${c.port} within ${timeoutMs} ms`)); });
        s.once('error', reject);
      });
      return { node, ok: true, detail: 'accepts connections' };
    }
    if (h.kind === 'command') {
      // On the node's host: inside its container with --env docker (the image's programs), not this machine.
      const host = this.host(node);
      const argv = ['sh', '-c', fillCommand(h.command, this.values(node), '')];
      const r = await (host.serverExec ? host.serverExec(argv, { timeoutMs }) : host.exec(argv, { timeoutMs }));
      return { node, ok: r.code === 0, detail: r.code === 0 ? 'healthy' : `health command exited ${r.code}: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}` };
    }
    const path = h.kind === 'http' ? h.path : `/kv/${HEALTH_KEY}`;
    const a = await httpRequest(this.agent, new URL(path, c.url), 'GET', undefined, {}, timeoutMs);
    if (h.kind === 'http-kv') {
      if (a.status === 503 || a.status === 504) return { node, ok: false, detail: `HTTP ${a.status} (not ready)` };
      try {
        // Every answer of the convention is JSON: a 404 page of some other server is not "absent".
        if (a.status === 404) JSON.parse(a.body);
        else if (a.status !== 200) throw new Error(`HTTP ${a.status}`);
        else parseRead(c, HEALTH_KEY, a);
        return { node, ok: true, detail: 'serves http-kv' };
      } catch (err) {
        this.garbage.set(node, `answered GET /kv/${HEALTH_KEY} outside the http-kv convention (docs/http-kv.md): HTTP ${a.status} ${JSON.stringify(a.body.slice(0, 80))}`);
        throw err;
      }
    }
    const ok = a.status >= 200 && a.status < 300;
    let leader = false;
    try {
      const j = JSON.parse(a.body) as { role?: unknown; leader?: unknown };
      leader = j.role === 'leader' || j.leader === true;
    } catch {
      // Not JSON: the status alone says up or down.
    }
    return { node, ok, leader, detail: ok ? (leader ? 'leader' : 'up') : `HTTP ${a.status} on ${path}` };
  }

  protected healthy(health: readonly NodeHealth[]): boolean {
    return health.every((h) => h.ok);
  }

  /** As the base, but ends at once when a server exited or answered garbage. */
  override async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const h = await this.health(1_000);
      const broken = [...this.exits].map(([n, how]) => `${n} exited (${how}) before the cluster became healthy`)
        .concat([...this.garbage].map(([n, what]) => `${n} ${what}`));
      if (broken.length > 0) throw new SetupBroken(`${broken.join('; ')}; the end of each node's log:\n${await this.anyLogTail(5)}`);
      if (this.healthy(h)) return;
      if (Date.now() > deadline) {
        throw new Error(`the custom cluster did not become healthy within ${timeoutMs} ms (--health-timeout): ${h.map((x) => `${x.node} ${x.detail}`).join(', ')}; the end of each node's log:\n${await this.anyLogTail(5)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
