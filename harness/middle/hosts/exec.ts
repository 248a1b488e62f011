/**
 * Running host commands for the provisioner, the network control and the targets: argv only (no
 * shell, so node names and paths are never re-parsed), a hard time limit, and errors that quote the
 * command and its stderr so a failed `ip netns add` explains itself in the run log.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import nodePath from 'node:path';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Text written to the command's stdin (e.g. an `iptables-restore` ruleset). */
  input?: string;
  /** Longest the command may run, ms. Default 10 000. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs argv and resolves with its exit code and output, whatever the code (never rejects on exit ≠ 0). */
export function run(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const [cmd, ...args] = argv;
  return new Promise((resolve) => {
    if (opts.input === undefined) {
      execFile(cmd, args, { timeout: opts.timeoutMs ?? 10_000, env: opts.env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 127;
        const why = err !== null && typeof (err as { code?: unknown }).code !== 'number' ? `${err.message}\n` : '';
        resolve({ code, stdout: String(stdout), stderr: why + String(stderr) });
      });
      return;
    }
    // execFile cannot feed stdin reliably before exit, so use spawn for commands that read input.
    const child = spawn(cmd, args, { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 10_000);
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', (err) => { clearTimeout(timer); resolve({ code: 127, stdout, stderr: `${err.message}\n${stderr}` }); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr: signal ? `killed by ${signal}\n${stderr}` : stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input);
  });
}

/** Runs argv and rejects with the command and its stderr when it exits non-zero. */
export async function runOk(argv: readonly string[], opts: ExecOptions = {}): Promise<string> {
  const r = await run(argv, opts);
  if (r.code !== 0) throw new Error(`\`${argv.join(' ')}\` exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** True when `bin` is found on PATH (or is an existing absolute path). */
export async function haveCommand(bin: string): Promise<boolean> {
  const r = await run(['sh', '-c', 'command -v "$1"', 'sh', bin], { timeoutMs: 3_000 });
  return r.code === 0;
}

/** The real path of a command on this machine's PATH, or undefined (synchronous: for image recipes). */
export function which(bin: string): string | undefined {
  for (const d of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const p = nodePath.join(d, bin);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.realpathSync(p);
    } catch {
      // not here
    }
  }
  return undefined;
}
