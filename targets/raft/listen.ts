/**
 * The bundled Raft on a real network (`--listen HOST:PORT`): the same node, bug switches and files as
 * in Maelstrom mode, but its peers are reached over TCP (peer-net.ts) and its clients over HTTP in the
 * http-kv convention (docs/http-kv.md, http-api.ts). So it runs as a user's own system would:
 *
 *   faultline-raft --listen {host}:{port} --node {node} --peers {peers} --data-dir {data} [--bug NAME]…
 *
 * `--peers n1=HOST:PORT,n2=…` lists every node with its peer address (itself included: that is where
 * it listens for peers). The node keeps its files under DATA/<node>/.
 */
import { HttpKvServer } from './http-api.js';
import { PeerNet, type PeerAddress } from './peer-net.js';
import { RaftNode, type RaftConfig } from './node.js';
import type { MaelstromBody } from '../../harness/ground/protocol/protocol.js';

export interface ListenOptions {
  host: string;
  port: number;
  node: string;
  peers: PeerAddress[];
  /** `--peer-timeout-ms`: silence after a send that drops and redials a peer connection (default: 2 × the maximum election timeout, at most 1 s). */
  peerTimeoutMs?: number;
}

export const LISTEN_USAGE = '--listen HOST:PORT --node NAME --peers NAME=HOST:PORT,… (every node, itself included) [--peer-timeout-ms N]';

/** Takes the listen-mode flags out of argv: the options (or a sentence saying what is wrong) and the rest. */
export function takeListenArgs(argv: readonly string[]): { listen?: ListenOptions | string; rest: string[] } {
  const rest: string[] = [];
  const got = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    if (['--listen', '--node', '--peers', '--peer-timeout-ms'].includes(argv[i])) {
      got.set(argv[i], argv[i + 1] ?? '');
      i++;
    } else rest.push(argv[i]);
  }
  if (!got.has('--listen')) return got.size > 0 ? { listen: `--node and --peers go with --listen; ${LISTEN_USAGE}`, rest } : { rest };
  const addr = /^(.+):(\d+)$/.exec(got.get('--listen')!);
  if (!addr) return { listen: `--listen needs HOST:PORT, got ${JSON.stringify(got.get('--listen'))}; ${LISTEN_USAGE}`, rest };
  const node = got.get('--node') ?? '';
  if (node === '') return { listen: `--node NAME is required with --listen; ${LISTEN_USAGE}`, rest };
  const peers: PeerAddress[] = [];
  for (const entry of (got.get('--peers') ?? '').split(',').filter(Boolean)) {
    const m = /^([^=]+)=(.+):(\d+)$/.exec(entry);
    if (!m) return { listen: `--peers entry ${JSON.stringify(entry)} is not NAME=HOST:PORT; ${LISTEN_USAGE}`, rest };
    peers.push({ node: m[1], host: m[2], port: Number(m[3]) });
  }
  if (!peers.some((p) => p.node === node)) return { listen: `--peers must list this node (${node}) with its own peer address; ${LISTEN_USAGE}`, rest };
  const timeout = got.get('--peer-timeout-ms');
  if (timeout !== undefined && !(/^\d+$/.test(timeout) && Number(timeout) >= 10)) return { listen: `--peer-timeout-ms needs an integer ≥ 10, got ${JSON.stringify(timeout)}; ${LISTEN_USAGE}`, rest };
  return { listen: { host: addr[1], port: Number(addr[2]), node, peers, ...(timeout !== undefined ? { peerTimeoutMs: Number(timeout) } : {}) }, rest };
}

/** The dest of one outgoing line, read without parsing it: the node writes `{"src":…,"dest":"…",…`. */
function destOf(line: string): string | undefined {
  return /^\{"src":"(?:[^"\\]|\\.)*","dest":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
}

/** The body type of a Raft reply (`append_entries_ok`, `request_vote_ok`, `install_snapshot_ok`). */
const REPLY_TYPE = /"type":"\w+_ok"/;

/** Runs one node until SIGTERM. */
export async function runListening(cfg: Omit<RaftConfig, 'write' | 'log'>, o: ListenOptions): Promise<void> {
  const log = (line: string): void => { process.stderr.write(`${new Date().toISOString()} ${line}\n`); };
  let peerNet: PeerNet | undefined;
  let http: HttpKvServer | undefined;
  const node = new RaftNode({
    ...cfg,
    log,
    write: (text) => {
      for (const line of text.split('\n')) {
        if (line === '') continue;
        const dest = destOf(line);
        if (dest === HttpKvServer.CLIENT) http?.onReply(line);
        // A reply (Raft's *_ok, or an answer to a forwarded request) expects no answer of its own.
        else if (dest !== undefined) peerNet?.send(dest, line, !(line.includes('"in_reply_to"') || REPLY_TYPE.test(line)));
      }
    },
  });
  const self = o.peers.find((p) => p.node === o.node)!;
  peerNet = new PeerNet({
    self: o.node, peers: o.peers, log,
    // Check-quorum's window by default (at most the 1 s it always was): a path silent that long is as good as gone for Raft.
    silentMs: o.peerTimeoutMs ?? Math.min(1_000, 2 * cfg.electionMaxMs),
    onLine: (line) => {
      let msg: { src: string; body: MaelstromBody };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        log(`raft: ignoring a peer line that is not JSON: ${line.slice(0, 200)}`);
        return;
      }
      peerNet!.heardFrom(msg.src);
      node.turn(() => node.handle(msg.src, msg.body));
    },
  });
  node.init(o.node, o.peers.map((p) => p.node));
  http = new HttpKvServer(node, log);
  await peerNet.listen(self.host, self.port);
  await http.listen(o.host, o.port);
  log(`${o.node}: listening for peers on ${self.host}:${self.port}, for clients (http-kv) on ${o.host}:${o.port}`);
  const stop = (): void => {
    http?.close();
    peerNet?.close();
    node.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
