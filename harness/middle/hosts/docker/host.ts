/**
 * One node of `--env docker`: a container on the run's bridge network, with the node's name as its
 * hostname and a static address.
 *
 * The node's server is the container's own process (not a `docker exec` under an idle init): then
 * `docker kill` is a kill of the server, `docker start` restarts it on the same filesystem, the
 * daemon's exit code is the server's, its stdout/stderr are the container's (attached before each
 * start and demultiplexed into the node's log), and a container that outlives a SIGKILLed controller
 * is a server that `faultline cleanup` finds by label. The container is created at the server's first
 * start and started again (`docker start`) at each restart. Its command is fixed at creation, so it
 * runs a start script in the node's directory (`/bin/sh <dir>/.faultline-start.sh`, which `exec`s:
 * the server is still the container's first process) that each spawn rewrites: a restart may change
 * the server's arguments (etcd's `--initial-cluster-state existing`) without a new container.
 *
 * The node's directory on this machine is bind-mounted at the same path, so a target's paths (data
 * dir, config, the libfaketime offset file) mean the same inside and out; libraries named in
 * LD_PRELOAD are bind-mounted read-only from this machine (libfaketime for ZooKeeper's clock).
 *
 * `exec` runs *this machine's* tool inside the container's network namespace (`nsenter -t PID -n`),
 * and helper processes (the NFQUEUE delayer, built here) run the same way: images need no iptables,
 * tc or capability. A restarted container has a new namespace, so `networkUp` tells the fault layer
 * when there is none to change and it re-applies its rules after each start. `serverExec` is the other
 * kind: a command of the image run inside the container (`docker exec`), such as a custom target's
 * health command.
 */
import { choiceOption } from '../../../ground/contracts/flags.js';
import { spawn as spawnChild } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import { run, runOk, type ExecOptions, type ExecResult } from '../exec.js';
import { isAlive, startTime } from '../process-info.js';
import type { Remote, RemoteProcess, SpawnOptions } from '../remote.js';
import { openAppend, writeAtomicIn } from '../safe-files.js';
import { spawnTracked } from '../tracked-child.js';
import type { DockerStateFile } from './state.js';

/** How `pause` stops a server: SIGSTOP of its process (default) or the cgroup freezer (`docker pause`). */
/** How a container's server is paused: SIGSTOP/SIGCONT of the server (default), or the cgroup freezer (docker pause). */
export const PAUSE_MODES = ['signal', 'freezer'] as const;
export type PauseMode = (typeof PAUSE_MODES)[number];
/** `--docker-pause`, declared once (read with typedFlagOf). */
export const DOCKER_PAUSE = choiceOption('docker-pause', PAUSE_MODES, '--env docker: pause by signal (SIGSTOP/SIGCONT of the server) or freezer (docker pause)');

export interface DockerHostContext {
  docker: Docker;
  runId: string;
  network: string;
  image: string;
  labels: Record<string, string>;
  state: DockerStateFile;
  pauseMode: PauseMode;
  /** The node's directory on this machine (bind-mounted at the same path), if the caller has one. */
  nodeDir?: (node: string) => string;
  log: (m: string) => void;
}

type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** Docker reports a death by signal as 128 + the signal number. */
function exitOf(status: number): Exit {
  if (status > 128) {
    const name = Object.entries(os.constants.signals).find(([, n]) => n === status - 128)?.[0];
    if (name) return { code: null, signal: name as NodeJS.Signals };
  }
  return { code: status, signal: null };
}

/** `'…'` with embedded quotes escaped: one shell word, whatever `s` holds. */
const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The start script: the extra environment applies to the server alone (sh is not preloaded). */
export function startScript(argv: readonly string[], env: Record<string, string>): string {
  const vars = Object.entries(env).map(([k, v]) => shQuote(`${k}=${v}`));
  // The container's /dev/shm survives `docker start` and the server is PID 1 again: libfaketime's
  // files of the killed server would name the new one's PID. $$ is the PID the server exec's into.
  const shm = (env.LD_PRELOAD ?? '').includes('faketime') ? 'rm -f /dev/shm/faketime_shm_$$ /dev/shm/sem.faketime_sem_$$\n' : '';
  return `#!/bin/sh\n# Written by faultline before each start of this container.\n${shm}exec ${vars.length ? `env ${vars.join(' ')} ` : ''}${argv.map(shQuote).join(' ')}\n`;
}

/** Absolute paths of the preloaded libraries in `env`, whose folders the container must see. */
function preloadDirs(env: Record<string, string>): string[] {
  const libs = (env.LD_PRELOAD ?? '').split(/[:\s]+/).filter((p) => p.startsWith('/'));
  return [...new Set(libs.map((p) => nodePath.dirname(p)))];
}

export class DockerHost implements Remote {
  /** The host PID of the container's process while the container runs. */
  private pid: number | undefined;
  private container: Docker.Container | undefined;
  /** What the container was created with: a restart with the same command is a `docker start`. */
  private createdWith: string | undefined;

  constructor(readonly node: string, readonly address: string, private readonly ctx: DockerHostContext) {}

  /** The container's name: `fl-<run>-<node>`. */
  get name(): string {
    return `fl-${this.ctx.runId}-${this.node}`;
  }

  /** True while the container runs (even when its server is paused): its namespace can be changed. */
  networkUp(): boolean {
    // A server that just died may linger as a zombie (alive to kill -0) whose namespace is already gone.
    return this.pid !== undefined && isAlive(this.pid) && fs.existsSync(`/proc/${this.pid}/ns/net`);
  }

  private nsenter(argv: readonly string[]): string[] {
    if (this.pid === undefined) throw new Error(`${this.node}: its container is not running, so it has no network namespace`);
    return ['nsenter', '-t', String(this.pid), '-n', ...argv];
  }

  async exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    if (this.pid === undefined) return { code: 125, stdout: '', stderr: `${this.node}: its container is not running, so it has no network namespace` };
    return run(this.nsenter(argv), opts);
  }

  execOk(argv: readonly string[], opts?: ExecOptions): Promise<string> {
    return runOk(this.nsenter(argv), opts);
  }

  /**
   * Runs argv inside the container (`docker exec`: the image's files, PATH and user), with its output.
   * Past `timeoutMs` the answer is code 124 and the command is left to end with the container.
   */
  async serverExec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const container = this.container;
    if (!container || this.pid === undefined) return { code: 125, stdout: '', stderr: `${this.node}: its container is not running` };
    const ex = await container.exec({ Cmd: [...argv], AttachStdout: true, AttachStderr: true, AttachStdin: false });
    const stream = await ex.start({ hijack: true, stdin: false });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const sink = (into: Buffer[]): NodeJS.WritableStream => new Writable({ write(chunk: Buffer, _enc, done) { into.push(chunk); done(); } });
    this.ctx.docker.modem.demuxStream(stream, sink(out), sink(err));
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      new Promise<boolean>((resolve) => { stream.on('end', () => resolve(true)); stream.on('close', () => resolve(true)); stream.on('error', () => resolve(true)); }),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), opts.timeoutMs ?? 10_000); }),
    ]);
    clearTimeout(timer);
    const text = (b: Buffer[]): string => Buffer.concat(b).toString('utf8');
    if (!ended) {
      (stream as unknown as { destroy(): void }).destroy();
      return { code: 124, stdout: text(out), stderr: `${text(err)}\`${argv.join(' ')}\` in ${this.name} did not end within ${opts.timeoutMs ?? 10_000} ms` };
    }
    // The stream ends as the process does; the daemon may record its exit a moment later.
    let info = await ex.inspect();
    for (let i = 0; i < 20 && info.Running; i++) {
      await new Promise((r) => setTimeout(r, 25));
      info = await ex.inspect();
    }
    return { code: info.ExitCode ?? 126, stdout: text(out), stderr: text(err) };
  }

  spawn(argv: readonly string[], opts: SpawnOptions): Promise<RemoteProcess> {
    return opts.main ? this.startServer(argv, opts) : this.spawnHelper(argv, opts);
  }

  /** A process of this machine inside the container's network namespace (recorded for cleanup). */
  private async spawnHelper(argv: readonly string[], opts: SpawnOptions): Promise<RemoteProcess> {
    return spawnTracked(this.nsenter(argv), {
      logFile: opts.logFile, cwd: opts.cwd, env: { ...process.env, ...opts.env },
      record: (pid) => this.ctx.state.update((s) => { s.processes.push({ pid, start: startTime(pid), node: this.node, what: opts.what }); }),
      forget: (pid) => this.ctx.state.update((s) => { s.processes = s.processes.filter((p) => p.pid !== pid); }),
    });
  }

  /**
   * The container's create options for `argv`: with a node directory, a start script there (written
   * now) so later starts may change the command; without one, the command itself.
   */
  private spec(argv: readonly string[], opts: SpawnOptions): Docker.ContainerCreateOptions {
    const env = opts.env ?? {};
    const binds: string[] = [];
    const dir = this.ctx.nodeDir?.(this.node);
    let cmd = [...argv];
    let cmdEnv = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    if (dir) {
      binds.push(`${dir}:${dir}`);
      const script = nodePath.join(dir, '.faultline-start.sh');
      fs.mkdirSync(dir, { recursive: true });
      // The container can write its directory: never follow a link it planted at the script's name.
      writeAtomicIn(dir, '.faultline-start.sh', startScript(argv, env));
      cmd = ['/bin/sh', script];
      cmdEnv = [];
    }
    for (const d of preloadDirs(env)) binds.push(`${d}:${d}:ro`);
    return {
      name: this.name,
      Image: this.ctx.image,
      // The image's entrypoint (an upstream image's setup script) would wrap or replace our command.
      Entrypoint: [],
      Cmd: cmd,
      Env: cmdEnv,
      Hostname: this.node,
      WorkingDir: opts.cwd,
      Labels: { ...this.ctx.labels, 'faultline.node': this.node },
      HostConfig: { NetworkMode: this.ctx.network, Binds: binds },
      NetworkingConfig: { EndpointsConfig: { [this.ctx.network]: { IPAMConfig: { IPv4Address: this.address } } } },
    };
  }

  /** Starts the server as the container's process: `docker start` again when the command is unchanged. */
  private async startServer(argv: readonly string[], opts: SpawnOptions): Promise<RemoteProcess> {
    const docker = this.ctx.docker;
    const spec = this.spec(argv, opts);
    const key = JSON.stringify([spec.Cmd, spec.Env, spec.HostConfig?.Binds, spec.WorkingDir]);
    if (this.container && this.createdWith !== key) {
      await this.container.remove({ force: true, v: true }).catch(() => undefined);
      this.container = undefined;
    }
    if (!this.container) {
      this.container = await docker.createContainer(spec);
      this.createdWith = key;
    }
    const container = this.container;
    // Attached before the start, so the log holds the server's first line as well as its last.
    // Opened without following a link the server may have put at the log's name (docs/security.md).
    const out = opts.logFile ? fs.createWriteStream('', { fd: openAppend(opts.logFile) }) : undefined;
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    if (out) docker.modem.demuxStream(stream, out, out);
    else stream.resume();
    const streamEnded = new Promise<void>((resolve) => { stream.on('end', resolve); stream.on('close', resolve); stream.on('error', () => resolve()); });
    try {
      await container.start();
    } catch (err) {
      (stream as unknown as { destroy(): void }).destroy();
      out?.end();
      throw err;
    }
    const info = await container.inspect();
    const pid = info.State.Pid;
    this.pid = pid > 0 ? pid : undefined;
    let running = info.State.Running;
    const exited: Promise<Exit> = container.wait().then(
      (r: { StatusCode: number }) => exitOf(r.StatusCode),
      (err: Error) => { this.ctx.log(`${this.node}: waiting for its container failed: ${err.message}`); return { code: null, signal: null }; },
    ).then(async (e) => {
      running = false;
      if (this.pid === pid) this.pid = undefined;
      // The attach stream ends with the container; bounded, in case the daemon keeps it open.
      await Promise.race([streamEnded, new Promise((r) => setTimeout(r, 1_000))]);
      out?.end();
      return e;
    });
    const { pauseMode } = this.ctx;
    return {
      pid, exited,
      get running() { return running; },
      async signal(sig) {
        if (!running) return;
        if (pauseMode === 'freezer' && (sig === 'SIGSTOP' || sig === 'SIGCONT')) {
          await (sig === 'SIGSTOP' ? container.pause() : container.unpause());
          return;
        }
        await container.kill({ signal: sig }).catch((err: Error) => {
          // A container that died in between has nothing left to signal.
          if (!/is not running|No such container/.test(err.message)) throw err;
        });
      },
      async stop(graceMs = 2_000) {
        if (running) {
          // A stopped (or frozen) server cannot act on SIGTERM until it runs again.
          if (pauseMode === 'freezer') await container.unpause().catch(() => undefined);
          else await container.kill({ signal: 'SIGCONT' }).catch(() => undefined);
          await container.stop({ t: Math.max(1, Math.ceil(graceMs / 1000)) }).catch(() => undefined);
        }
        await exited;
      },
    };
  }

  async upload(localPath: string, remotePath: string): Promise<void> {
    // The node's directory is shared at the same path; anything else is copied into the container.
    const dir = this.ctx.nodeDir?.(this.node);
    if (dir && remotePath.startsWith(`${dir}/`)) { await fs.promises.cp(localPath, remotePath, { recursive: true }); return; }
    if (!this.container) throw new Error(`${this.node}: no container to upload ${localPath} into yet`);
    const tar = spawnChild('tar', ['-C', nodePath.dirname(localPath), '-c', nodePath.basename(localPath)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await this.container.putArchive(tar.stdout as never, { path: nodePath.dirname(remotePath) });
  }

  async download(remotePath: string, localPath: string): Promise<void> {
    const dir = this.ctx.nodeDir?.(this.node);
    if (dir && remotePath.startsWith(`${dir}/`)) { await fs.promises.cp(remotePath, localPath, { recursive: true }); return; }
    if (!this.container) throw new Error(`${this.node}: no container to download ${remotePath} from`);
    const archive = await this.container.getArchive({ path: remotePath });
    fs.mkdirSync(nodePath.dirname(localPath), { recursive: true });
    const tar = spawnChild('tar', ['-x', '-C', nodePath.dirname(localPath)], { stdio: ['pipe', 'ignore', 'inherit'] });
    archive.pipe(tar.stdin);
    await new Promise((r) => tar.on('close', r));
    const extracted = nodePath.join(nodePath.dirname(localPath), nodePath.basename(remotePath));
    if (extracted !== localPath) fs.renameSync(extracted, localPath);
  }

  /** Removes the container (and its anonymous volumes). */
  async remove(): Promise<void> {
    const c = this.container ?? this.ctx.docker.getContainer(this.name);
    this.container = undefined;
    this.pid = undefined;
    await c.remove({ force: true, v: true }).catch(() => undefined);
  }
}
