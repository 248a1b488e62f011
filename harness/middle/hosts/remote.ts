/**
 * How commands reach a node (the `Remote` role): one implementation per environment. The local one
 * runs them inside the node's network namespace; docker and ssh ones run them in a container or over
 * ssh. Targets and the network control only ever talk to a `Remote`, and control the processes it
 * started through the `RemoteProcess` it returned (never by PID: a PID means nothing on another host).
 */
import type { ExecOptions, ExecResult } from './exec.js';

export interface SpawnOptions {
  /** Extra environment on top of the controller's. */
  env?: Record<string, string>;
  /** File that receives the process' stdout and stderr (appended). */
  logFile?: string;
  cwd?: string;
  /** What the process is, for the state file and cleanup messages (e.g. `etcd`, `nfq-delay`). */
  what: string;
  /**
   * The node's server (not a helper like the delayer): in an environment of containers it becomes the
   * container's own process, so a kill and a restart are the container's. Elsewhere it changes nothing.
   */
  main?: boolean;
}

/** A long-running process started on a node. */
export interface RemoteProcess {
  /** The daemon's own PID (namespace entry and hostname wrapper exec, they do not fork). */
  pid: number;
  /** Resolves when the process exits, with its code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True until `exited` resolved. */
  readonly running: boolean;
  /** Sends a signal (SIGKILL, SIGSTOP, SIGCONT…) through the environment that started it. */
  signal(sig: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface Remote {
  /** Node name, e.g. `n1`. */
  readonly node: string;
  /** The node's address on the test network. */
  readonly address: string;
  /**
   * The node's own directory on the host, when the host does not share the controller's filesystem
   * (ssh): node files, logs and helper binaries go there, and logs are downloaded at teardown.
   * Undefined: the host sees the controller's files (local namespaces).
   */
  readonly runDir?: string;
  /** The interface node-to-node traffic leaves by (tbf, the delayer's rule); default `eth0`. */
  readonly netInterface?: string;
  /** Runs a command on the node and resolves with its exit code and output. */
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Like exec, but rejects with the command and its stderr on a non-zero exit. */
  execOk(argv: readonly string[], opts?: ExecOptions): Promise<string>;
  /**
   * Runs a command where the node's server runs, with its files and programs, when that is not where
   * `exec` runs: in a container (`exec` runs this machine's tools in the container's network namespace).
   * Absent: `exec` is that place already (a namespace on this machine, a host over ssh).
   */
  serverExec?(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Starts a long-running process on the node (recorded for cleanup until it exits). */
  spawn(argv: readonly string[], opts: SpawnOptions): Promise<RemoteProcess>;
  /**
   * False while the host has no network namespace to change (a container that is not running); the
   * fault layer skips it then and re-applies its rules when the host's server starts. Absent: always up.
   */
  networkUp?(): boolean;
  /** Copies a controller file to the node. */
  upload(localPath: string, remotePath: string): Promise<void>;
  /** Copies a node file to the controller. */
  download(remotePath: string, localPath: string): Promise<void>;
}
