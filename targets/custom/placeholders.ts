/**
 * The placeholders of `--start`, `--peers-format` and a `--health` command: checked before anything
 * starts (an unknown one is refused, naming it) and filled in per node, shell-quoted, since the
 * filled command runs under `sh -c`.
 */
import { InputError } from '../../harness/ground/history/errors.js';

/** Every placeholder of `--start`, with what it becomes (for --help, errors and docs). */
export const START_PLACEHOLDERS: Readonly<Record<string, string>> = {
  node: 'the node name: n1, n2, …',
  id: 'the node number: 1, 2, … (for systems that want numeric ids)',
  host: "the node's address on the test network",
  port: 'the client port (--port, default 8080)',
  'peer-port': 'the peer port (--peer-port, default 7000)',
  peers: 'every node (itself included) in --peers-format, joined with commas',
  data: "the node's data directory: kept across kills and restarts, under the run's nodes/<node>/data",
};

/** The placeholders of one `--peers-format` entry. */
export const PEER_PLACEHOLDERS = ['node', 'id', 'host', 'port', 'peer-port'] as const;

export const DEFAULT_PEERS_FORMAT = '{node}={host}:{peer-port}';

/** What one node's placeholders stand for. */
export interface NodeValues {
  node: string;
  id: number;
  host: string;
  port: number;
  peerPort: number;
  data: string;
}

/** Throws an InputError naming the first placeholder of `template` not in `allowed`. */
export function checkPlaceholders(flag: string, template: string, allowed: readonly string[]): void {
  for (const m of template.matchAll(/\{([^{}\s]*)\}/g)) {
    if (!allowed.includes(m[1])) {
      throw new InputError(`--${flag} names the unknown placeholder {${m[1]}}; the placeholders are ${allowed.map((p) => `{${p}}`).join(', ')} (see docs/custom-target.md)`);
    }
  }
}

/** `v` as one shell word. */
export function shellQuote(v: string): string {
  return /^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

function fill(template: string, values: Record<string, string>, quote: boolean): string {
  return template.replace(/\{([^{}\s]*)\}/g, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) return whole;
    return quote ? shellQuote(v) : v;
  });
}

function own(v: NodeValues): Record<string, string> {
  return { node: v.node, id: String(v.id), host: v.host, port: String(v.port), 'peer-port': String(v.peerPort) };
}

/** `{peers}`: every node in the peers format, comma-joined. */
export function peersText(format: string, all: readonly NodeValues[]): string {
  return all.map((v) => fill(format, own(v), false)).join(',');
}

/** The start (or health) command of one node, placeholders filled and shell-quoted. */
export function fillCommand(template: string, v: NodeValues, peers: string): string {
  return fill(template, { ...own(v), peers, data: v.data }, true);
}
