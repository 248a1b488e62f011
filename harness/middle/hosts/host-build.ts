/**
 * C helpers compiled on a host with a filesystem of its own (`Remote.runDir`, `--env ssh`) with the
 * host's gcc, so the binary matches the host's architecture and libraries whatever the controller
 * runs: the NFQUEUE delayer and the disk faults' helpers. Built once per host object and helper (a
 * run's hosts live as long as the run), from the same description the build on this machine uses
 * (hosts/compiled-helper.ts).
 *
 * Root runs the binary, and the run directory is the node's to write (docs/security.md): so the
 * source is written and the binary built into a fresh directory that `mktemp -d` makes there (mode
 * 0700, a name nobody can guess), never at a fixed name a node could have planted as a link. That
 * directory is inside the run directory, so the environment's teardown and `faultline cleanup`
 * remove it with the rest.
 */
import fs from 'node:fs';
import type { CompiledHelper } from './compiled-helper.js';
import type { Remote } from './remote.js';

export interface HostHelper extends CompiledHelper {
  /** What the host needs to build it, named when gcc fails. */
  needs: string;
}

const privateDirs = new WeakMap<Remote, Promise<string>>();
const built = new WeakMap<Remote, Map<string, Promise<string>>>();

/** Faultline's private directory on `host` (root's, 0700, made once per host object inside its run directory). */
export function privateDirOn(host: Remote): Promise<string> {
  const runDir = host.runDir;
  if (runDir === undefined) throw new Error(`${host.node} shares this machine's files: it has no private directory of its own`);
  let d = privateDirs.get(host);
  if (!d) {
    d = host.execOk(['mktemp', '-d', `${runDir}/.faultline.XXXXXXXXXX`]).then((out) => out.trim());
    d.catch(() => privateDirs.delete(host));
    privateDirs.set(host, d);
  }
  return d;
}

/** The path of `h` built on `host` (in its private directory), compiling it the first time it is asked for. */
export function buildOnHost(host: Remote, h: HostHelper): Promise<string> {
  if (host.runDir === undefined) throw new Error(`${host.node} shares this machine's files: build ${h.what} here`);
  let mine = built.get(host);
  if (!mine) built.set(host, (mine = new Map()));
  let b = mine.get(h.name);
  if (!b) {
    b = (async () => {
      const dir = await privateDirOn(host);
      const src = `${dir}/${h.name}.c`, out = `${dir}/${h.name}`;
      await host.execOk(['sh', '-c', 'cat > "$1"', 'sh', src], { input: fs.readFileSync(h.source(), 'utf8') });
      const r = await host.exec(['gcc', ...h.gccArgs(out, src)], { timeoutMs: 120_000 });
      if (r.code !== 0) throw new Error(`building ${h.what} on ${host.node} failed (it needs ${h.needs} there; sudo npx faultline setup --target raft installs them): ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
      return out;
    })();
    b.catch(() => mine!.delete(h.name));
    mine.set(h.name, b);
  }
  return b;
}
