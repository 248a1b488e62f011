/**
 * C helpers compiled on a host with a filesystem of its own (`Remote.runDir`, `--env ssh`): the
 * source is written into the node's run directory there and built with the host's gcc, so the binary
 * matches the host's architecture and libraries whatever the controller runs. Built once per host
 * object and helper (a run's hosts live as long as the run).
 */
import fs from 'node:fs';
import type { Remote } from './remote.js';

export interface HostHelper {
  /** The binary's name in the run directory (`<name>` and `<name>.c`). */
  name: string;
  /** What it is, for the error sentence. */
  what: string;
  /** The C source on this machine. */
  source(): string;
  /** gcc's arguments after `gcc`: compile `src` into `out`. */
  gccArgs(out: string, src: string): string[];
  /** What the host needs to build it, named when gcc fails. */
  needs: string;
}

const built = new WeakMap<Remote, Map<string, Promise<string>>>();

/** The path of `h` built on `host` (in its run directory), compiling it the first time it is asked for. */
export function buildOnHost(host: Remote, h: HostHelper): Promise<string> {
  const dir = host.runDir;
  if (dir === undefined) throw new Error(`${host.node} shares this machine's files: build ${h.what} here`);
  let mine = built.get(host);
  if (!mine) built.set(host, (mine = new Map()));
  let b = mine.get(h.name);
  if (!b) {
    b = (async () => {
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
