/**
 * A cluster of the user's own servers: each node is the `--start` command, placeholders filled,
 * run under `sh -c 'exec …'` on its host (so signals reach the server itself, not a shell). Data dirs
 * (`{data}`) live under the run's `nodes/<node>/data` and survive kills: a restart runs the same
 * command on the same directory. Kill, pause, real-network faults and teardown come from the shared
 * server base.
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
import { ServerCluster, type NodeHealth, type ServerClusterOptions } from '../../harness/provision/server-cluster.js';
import type { ClientNode } from './client-api.js';
import { HEALTH_KEY, parseRead } from './http-kv.js';
import { httpRequest, keepAliveAgent } from './http-request.js';
import { fillCommand, peersText, type NodeValues } from './placeholders.js';
import { RAFT_MAIN } from '../raft/index.js';
import { faketimeEnv, writeOffset } from '../../harness/provision/faketime.js';
import type { ClockControl } from '../../harness/roles.js';

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
}

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
          writeOffset(this.clockFile(node), ms);
          this.offsets[node] = ms;
        },
        clockOffsets: () => ({ ...this.offsets }),
      };
    } else {
      this.clockUnsupportedReason = NO_FAKETIME_REASON;
    }
    this.onTeardown(async () => { this.agent.destroy(); });
  }

  /** What the placeholders of `node` stand for. */
  values(node: string): NodeValues {
    return {
      node, id: this.nodes.indexOf(node) + 1, host: this.address(node), port: this.custom.port, peerPort: this.custom.peerPort,
      data: nodePath.join(this.nodeDir(node), 'data'),
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
    return nodePath.join(this.nodeDir(node), 'clock-offset');
  }

  protected override configure(node: string): void {
    fs.mkdirSync(this.values(node).data, { recursive: true });
    if (this.custom.faketimeLib !== undefined) {
      writeOffset(this.clockFile(node), 0);
      this.offsets[node] = 0;
    }
    // `faultline-raft` is on every start command's PATH, as the package's bin is after npm install.
    const bin = nodePath.join(this.opts.dir, 'nodes', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(nodePath.join(bin, 'faultline-raft'), `#!/bin/sh\nexec '${process.execPath}' '${RAFT_MAIN}' "$@"\n`, { mode: 0o755 });
  }

  protected async launch(node: string, restart: boolean): Promise<void> {
    const cmd = this.command(node);
    fs.appendFileSync(nodePath.join(this.nodeDir(node), this.logName), `--- faultline: ${restart ? 'restarting' : 'starting'} ${node}: ${cmd}\n`);
    const lib = this.custom.faketimeLib;
    const p = await this.spawnServer(node, ['sh', '-c', `exec ${cmd}`], {
      env: {
        PATH: `${nodePath.join(this.opts.dir, 'nodes', 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        // Every wall-clock read sees the offset at once (no cache): a skew must land when the nemesis says.
        ...(lib === undefined ? {} : faketimeEnv(lib, this.clockFile(node), process.env, true)),
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
      const r = await this.host(node).exec(['sh', '-c', fillCommand(h.command, this.values(node), '')], { timeoutMs });
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
      if (broken.length > 0) throw new SetupBroken(`${broken.join('; ')}; the end of each node's log:\n${this.logTail(5)}`);
      if (this.healthy(h)) return;
      if (Date.now() > deadline) {
        throw new Error(`the custom cluster did not become healthy within ${timeoutMs} ms (--health-timeout): ${h.map((x) => `${x.node} ${x.detail}`).join(', ')}; the end of each node's log:\n${this.logTail(5)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
