/**
 * What the seed-row benches share: the built CLI of this checkout, a flag of the bench's own command
 * line, and one `faultline run` as a child process with its output kept (the verdict is read from it).
 */
import { spawn } from 'node:child_process';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';

const root = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../..');
/** `dist/harness/top/cli/main.js` of this checkout. */
export const cli = nodePath.join(root, 'dist/harness/top/cli/main.js');

/** The value after `--NAME` on the bench's own command line. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** `faultline run ARGS`: its exit code and everything it printed. */
export function run(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('exit', (code) => resolve({ code, out }));
  });
}
