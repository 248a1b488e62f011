/**
 * Builds the Go test programs of test/nodes/go/ (Gossip Glomers solutions written against
 * Maelstrom's Go library) the way a user builds theirs here: offline (GOPROXY=off), with Debian's
 * Go, against the project's maelstrom-go/ module through the one `replace` line in each go.mod.
 * scripts/setup-node-langs.sh installs Go (faultline setup --all, as .ci/run calls it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePrivateDir, helperCacheDir } from '../../harness/middle/hosts/trust.js';

const ROOT = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../..');
export const GO_NODES = nodePath.join(ROOT, 'test/nodes/go');

/** The go binary, or undefined when Go is not installed. */
export function goBinary(): string | undefined {
  for (const p of [...(process.env.PATH ?? '').split(':'), '/usr/lib/go/bin', '/usr/lib/go-1.19/bin']) {
    const go = nodePath.join(p, 'go');
    if (p && fs.existsSync(go)) return go;
  }
  return undefined;
}

/**
 * The environment of `go build`: offline, GOPATH in the build's own fresh directory, and the build
 * cache in a private directory of the user's own (the helper cache of hosts/trust.ts): root runs what
 * go builds, so the cache is never a guessable path in /tmp that another user could have made first
 * and filled with compiled objects of their own.
 */
export function goEnv(dir: string): NodeJS.ProcessEnv {
  const cache = process.env.GOCACHE ?? nodePath.join(helperCacheDir(), 'go-build');
  ensurePrivateDir(cache);
  return { ...process.env, GOPROXY: 'off', GOFLAGS: '', GOPATH: nodePath.join(dir, 'gopath'), GOCACHE: cache };
}

/** Builds every program under test/nodes/go into a fresh directory; returns name → binary path. */
export function buildGoNodes(dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-go-nodes-'))): Record<string, string> {
  const go = goBinary();
  if (go === undefined) throw new Error('go is not installed; run scripts/setup-node-langs.sh (or faultline setup --all)');
  const env = goEnv(dir);
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(GO_NODES).sort()) {
    const src = nodePath.join(GO_NODES, name);
    if (!fs.existsSync(nodePath.join(src, 'go.mod'))) continue;
    const bin = nodePath.join(dir, name);
    const r = spawnSync(go, ['build', '-o', bin, '.'], { cwd: src, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`go build of test/nodes/go/${name} failed:\n${r.stderr}`);
    out[name] = bin;
  }
  return out;
}

/** `go version`, for messages. */
export function goVersion(): string {
  const go = goBinary();
  return go === undefined ? 'none' : execFileSync(go, ['version'], { encoding: 'utf8' }).trim();
}
