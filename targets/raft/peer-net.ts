/**
 * The Raft's peer network in `--listen` mode: one outbound TCP connection to each peer, carrying the
 * same JSON lines `{src, dest, body}` the node writes in Maelstrom mode; inbound connections are read
 * line by line and handed to the node. Raft tolerates lost, late and reordered messages, so the
 * transport never retries a message: what cannot go now is dropped.
 *
 * Under an iptables partition a TCP connection does not break, it stalls: the kernel keeps
 * retransmitting with a backoff that grows to minutes, so after the heal the peer would stay
 * unreachable long after the network came back, and a paused peer fills our buffers. Hence a
 * connection is dropped and redialled when we sent on it and heard nothing from that peer for
 * `silentMs`, or when its buffer backs up — Raft traffic is request/answer, so silence after a send
 * means the path is gone (replies start no clock: nothing answers them). The peer's own connection to us went through the same outage, but a
 * follower that hears the leader again never sees silence on it (its answers wait in a stalled
 * socket while the leader's requests arrive fresh): so a peer dialling us anew makes us redial it too,
 * unless our connection to it is younger than `silentMs` (which ends the exchange after one round).
 * In listen mode the silence allowed defaults to twice the maximum election timeout (the window in
 * which check-quorum deposes a leader that hears from nobody), at most 1 s; `--peer-timeout-ms` sets it.
 */
import net from 'node:net';

export interface PeerAddress {
  node: string;
  host: string;
  port: number;
}

export interface PeerNetOptions {
  self: string;
  peers: readonly PeerAddress[];
  /** Called with each inbound line (one message). */
  onLine(line: string): void;
  log(line: string): void;
  /** Silence after a send that resets a connection, ms (default 1000). */
  silentMs?: number;
  /** Bytes buffered on a connection that reset it. */
  maxBuffered?: number;
}

interface Outbound {
  peer: PeerAddress;
  socket?: net.Socket;
  connecting: boolean;
  /** When we first sent since we last heard from this peer (undefined: nothing outstanding). */
  sentSince?: number;
  redialAt: number;
  /** When the current socket connected (monotonic ms). */
  connectedAt?: number;
}

export class PeerNet {
  private readonly out = new Map<string, Outbound>();
  private readonly inbound = new Set<net.Socket>();
  private server?: net.Server;
  private timer?: NodeJS.Timeout;
  private readonly silentMs: number;
  private readonly maxBuffered: number;
  /** Wait before redialling a peer whose connection closed or was reset, ms. */
  private readonly redialMs: number;

  constructor(private readonly o: PeerNetOptions) {
    this.silentMs = o.silentMs ?? 1_000;
    this.redialMs = Math.min(100, Math.ceil(this.silentMs / 4));
    this.maxBuffered = o.maxBuffered ?? 1 << 20;
    for (const p of o.peers) if (p.node !== o.self) this.out.set(p.node, { peer: p, connecting: false, redialAt: 0 });
  }

  /** Listens on this node's own peer address. */
  async listen(host: string, port: number): Promise<void> {
    this.server = net.createServer((s) => this.accept(s));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    for (const o of this.out.values()) this.dial(o);
    this.timer = setInterval(() => this.watch(), this.redialMs);
  }

  /**
   * Sends one line to `dest`: on the live connection, or on one being dialled (the socket holds it
   * until it connects); dropped while a broken connection waits to be redialled. `expectsAnswer`
   * false (a reply) does not start the silence clock: nothing will answer it, so silence after it
   * says nothing about the path (counting it reset a follower's connection to every candidate it
   * answered, and the next message on it was lost).
   */
  send(dest: string, line: string, expectsAnswer = true): void {
    const o = this.out.get(dest);
    if (!o) return;
    if (!o.socket) this.dial(o);
    if (!o.socket) return;
    if (expectsAnswer) o.sentSince ??= performance.now();
    o.socket.write(`${line}\n`);
    if (o.socket.writableLength > this.maxBuffered) this.reset(o, 'its send buffer backed up');
  }

  /** A message from `src` arrived: the path from it works. */
  heardFrom(src: string): void {
    const o = this.out.get(src);
    if (o) o.sentSince = undefined;
  }

  close(): void {
    clearInterval(this.timer);
    this.server?.close();
    for (const s of this.inbound) s.destroy();
    for (const o of this.out.values()) o.socket?.destroy();
  }

  private accept(s: net.Socket): void {
    this.inbound.add(s);
    s.setNoDelay(true);
    s.setEncoding('utf8');
    let buf = '';
    let first = true;
    s.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === '') continue;
        if (first) {
          first = false;
          this.redialedBy(line);
        }
        this.o.onLine(line);
      }
    });
    // A peer that vanished behind a partition redials; its old connection must not linger forever.
    s.setTimeout(30_000, () => s.destroy());
    s.on('error', () => undefined);
    s.on('close', () => this.inbound.delete(s));
  }

  private dial(o: Outbound): void {
    if (o.socket || performance.now() < o.redialAt) return;
    o.connecting = true;
    const s = net.connect({ host: o.peer.host, port: o.peer.port });
    o.socket = s;
    s.setNoDelay(true);
    // A dropped SYN (partition) would otherwise wait for the kernel's connect timeout, over a minute.
    const t = setTimeout(() => s.destroy(), this.silentMs);
    s.once('connect', () => {
      clearTimeout(t);
      o.connecting = false;
      o.sentSince = undefined;
      o.connectedAt = performance.now();
    });
    s.on('error', () => undefined);
    s.once('close', () => {
      clearTimeout(t);
      if (o.socket === s) {
        o.socket = undefined;
        o.connecting = false;
        o.redialAt = performance.now() + this.redialMs;
      }
    });
  }

  /**
   * The first line of a new inbound connection: its sender dialled us anew, so the path between us
   * was broken a moment ago, and our own connection to it (older than `silentMs`) may be stalled in the
   * kernel's retransmission backoff. Redial it now.
   */
  private redialedBy(line: string): void {
    const src = /^\{"src":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
    const o = src === undefined ? undefined : this.out.get(src);
    if (!o?.socket || o.connecting || o.connectedAt === undefined) return;
    if (performance.now() - o.connectedAt < this.silentMs) return;
    this.reset(o);
    o.redialAt = 0;
    this.dial(o);
  }

  private reset(o: Outbound, why?: string): void {
    if (why !== undefined) this.o.log(`${this.o.self}: dropping the connection to ${o.peer.node}: ${why}`);
    o.socket?.destroy();
    o.socket = undefined;
    o.connecting = false;
    o.sentSince = undefined;
    o.connectedAt = undefined;
    o.redialAt = performance.now() + this.redialMs;
  }

  private watch(): void {
    const now = performance.now();
    for (const o of this.out.values()) {
      // Not logged: a follower that answered a candidate hears no more from it, and that is normal.
      if (o.sentSince !== undefined && now - o.sentSince > this.silentMs) this.reset(o);
      else if (!o.socket) this.dial(o);
    }
  }
}
