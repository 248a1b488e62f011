/**
 * Shared bits of the Maelstrom integration tests: real node scripts from test/nodes, a fresh run
 * directory per cluster, and /proc checks that a PID is really gone.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { MaelstromCluster, type MaelstromClusterOptions } from '../../../harness/middle/maelstrom/index.js';

export const NODES = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../../nodes');

/** The path of a test node script. */
export function nodeBin(name: string): string {
  return nodePath.join(NODES, name);
}

const dirs: string[] = [];

/** A fresh directory under the OS temp dir, removed by teardownAll unless KEEP_MAELSTROM_DIRS is set. */
export function tempDir(label: string): string {
  const d = fs.mkdtempSync(nodePath.join(os.tmpdir(), `faultline-maelstrom-${label}-`));
  dirs.push(d);
  return d;
}

/** True while `pid` is a live process (a zombie counts as dead: it runs nothing). */
export function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const started: MaelstromCluster[] = [];

/** Starts a cluster of `script` nodes in a fresh dir; `teardownAll` stops every one of them. */
export async function startCluster(script: string, opts: Partial<MaelstromClusterOptions> = {}): Promise<MaelstromCluster> {
  const c = new MaelstromCluster({ bin: nodeBin(script), nodeCount: 3, dir: tempDir(script.replace(/\.mjs$/, '')), seed: 42, ...opts });
  started.push(c);
  await c.setup();
  return c;
}

/** Tears down every cluster a test started (for afterEach / afterAll). */
export async function teardownAll(): Promise<void> {
  await Promise.all(started.splice(0).map((c) => c.teardown()));
  if (!process.env.KEEP_MAELSTROM_DIRS) for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** The lines of messages.jsonl, parsed, after a flush. */
export async function journalLines(c: MaelstromCluster): Promise<Record<string, unknown>[]> {
  await c.journal.flush();
  return fs.readFileSync(c.journal.path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Waits until `cond()` holds, polling every 20 ms, or throws after `ms`. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
