/**
 * One ZooKeeper session as promises, with every call bounded by a timeout (node-zookeeper-client
 * waits for a hung server forever), plus `sync`, which the npm client lacks: the request is sent with
 * ZooKeeper's SYNC opcode and, once on the wire, relabelled so the client parses the reply as one
 * without a payload (it destroys the socket on opcodes it does not know).
 */
import { createRequire } from 'node:module';
import zookeeper, { type Client, type Stat } from 'node-zookeeper-client';

const require = createRequire(import.meta.url);
// The client's own protocol module: same package, not part of its typed API.
const jute = require('node-zookeeper-client/lib/jute/index.js') as {
  OP_CODES: Record<string, number>;
  protocol: Record<string, new () => Record<string, unknown> & { path: string }>;
  Request: new (header: unknown, payload: unknown) => { header: { type: number }; toBuffer(): Buffer };
};

/**
 * The client knows the error codes of ZooKeeper 3.4 only; a newer server's (say REQUESTTIMEOUT, -124,
 * seen answering a multi under faults) made its `Exception.create` throw inside the socket handler
 * and took the whole process down. An unknown code becomes SYSTEM_ERROR (-1, not definite: `info`
 * for a write), its number kept in the message.
 */
const exceptions = require('node-zookeeper-client/lib/Exception.js') as { create(code: number, path?: string): Error; SYSTEM_ERROR: number };
const knownCodes = new Set(Object.values(exceptions).filter((v): v is number => typeof v === 'number'));
const createException = exceptions.create;
if (!(createException as { faultlinePatched?: boolean }).faultlinePatched) {
  const patched = (code: number, path?: string): Error => {
    if (knownCodes.has(code)) return createException(code, path);
    const e = createException(exceptions.SYSTEM_ERROR, path);
    e.message = `ZooKeeper error code ${code} (unknown to the client)`;
    return e;
  };
  exceptions.create = Object.assign(patched, { faultlinePatched: true });
}

/** A ZooKeeper error code (NO_NODE, BAD_VERSION, …) or a timeout of ours. */
export class ZkError extends Error {
  constructor(readonly code: number | 'timeout', message: string) {
    super(message);
    this.name = 'ZkError';
  }
}

/** True for an answer that says the request was not applied (a definite rejection). */
export function definite(err: unknown): boolean {
  if (!(err instanceof ZkError) || err.code === 'timeout') return false;
  const E = zookeeper.Exception;
  return [E.NO_NODE, E.NODE_EXISTS, E.BAD_VERSION, E.NOT_EMPTY, E.BAD_ARGUMENTS, E.NO_AUTH, E.INVALID_ACL].includes(err.code);
}

const wrap = (err: unknown): ZkError => {
  const e = err as { code?: number; name?: string; message?: string };
  return new ZkError(typeof e.code === 'number' ? e.code : -1, `${e.name ?? 'error'}: ${e.message ?? String(err)}`);
};

/** The ops of one multi, each with its exact expected version. */
export interface MultiOps {
  create(path: string, data: Buffer): void;
  setData(path: string, data: Buffer, version: number): void;
  check(path: string, version: number): void;
  remove(path: string, version: number): void;
}

/** A zxid as the client holds it (an 8-byte big-endian buffer) as a number (epoch << 32 | counter fits in 2^53). */
export function zxidOf(b: unknown): number {
  return Buffer.isBuffer(b) && b.length === 8 ? Number(b.readBigInt64BE(0)) : -1;
}

/** A watch notification as the client library hands it to a watcher. */
export interface ZkNotification { getName(): string; getPath(): string; getType(): number }

/** The reply to a raw request: ZooKeeper's error code, the header's zxid, the payload (null on an error). */
export interface RawReply { err: number; zxid: number; payload: Record<string, unknown> | null }

interface ConnectionManager {
  zxid: Buffer;
  onSocketConnected(): void;
  packetQueue: { queue: { request: { header: { type: number } | null } }[] };
  queue(r: unknown, cb: (err: unknown, response?: { header: { err: number; zxid: Buffer }; payload: Record<string, unknown> | null }) => void): void;
  registerDataWatcher(path: string, w: (e: ZkNotification) => void): void;
  registerChildWatcher(path: string, w: (e: ZkNotification) => void): void;
  registerExistenceWatcher(path: string, w: (e: ZkNotification) => void): void;
  watcherManager: { emit(e: { type: number; path: string }): void; dataWatchers: Record<string, unknown>; childWatchers: Record<string, unknown>; existenceWatchers: Record<string, unknown> };
}
const cmOf = (c: Client): ConnectionManager => (c as unknown as { connectionManager: ConnectionManager }).connectionManager;

/** Payload class of each raw request type. */
const PAYLOADS: Record<string, string> = { EXISTS: 'ExistsRequest', GET_DATA: 'GetDataRequest', GET_CHILDREN2: 'GetChildren2Request', CREATE: 'CreateRequest', SET_DATA: 'SetDataRequest', DELETE: 'DeleteRequest' };

export class ZkSession {
  private client: Client;
  private started = false;
  private isConnected = false;
  /** Called when the session expires (its watches are gone with it); the next op starts a new one. */
  onExpired?: () => void;
  /** Called when the session connects (to a serving server: ZooKeeper refuses sessions otherwise) or disconnects. */
  onState?: (state: 'connected' | 'disconnected') => void;
  /** Called for a watch notification no registration of this client was waiting for (a second firing). */
  onOrphan?: (type: number, path: string) => void;

  constructor(readonly host: string, private readonly timeoutMs: number, private readonly sessionTimeoutMs = 4_000) {
    this.client = this.newClient();
  }

  private newClient(): Client {
    const c = zookeeper.createClient(`${this.host}:2181`, { sessionTimeout: this.sessionTimeoutMs, spinDelay: 100, retries: 0 });
    c.on('connected', () => { if (c === this.client) { this.isConnected = true; this.onState?.('connected'); } });
    c.on('disconnected', () => { if (c === this.client) { this.isConnected = false; this.onState?.('disconnected'); } });
    c.on('expired', () => {
      // An expired session never comes back; the next op starts a new one (its ephemeral nodes are gone).
      if (c !== this.client) return;
      c.close();
      this.client = this.newClient();
      this.started = false;
      this.isConnected = false;
      this.onExpired?.();
    });
    // The client queues a SET_WATCHES (re-registering every watch) on each connection attempt, and
    // one that never completes leaves its copy queued: after a long outage dozens went out at once and
    // the server fired one watch dozens of times (each copy is a registration to it). Only the newest
    // attempt's copy may go.
    const cmc = cmOf(c);
    const connected = cmc.onSocketConnected.bind(cmc);
    cmc.onSocketConnected = () => {
      cmc.packetQueue.queue = cmc.packetQueue.queue.filter((p) => p.request.header?.type !== jute.OP_CODES.SET_WATCHES);
      connected();
    };
    // Every notification passes here before the client hands it to its registrations (and forgets
    // them): one that finds no registration fired without one (ZooKeeper's watches are one-shot).
    const wm = cmOf(c).watcherManager;
    const emit = wm.emit.bind(wm);
    const E = zookeeper.Event as unknown as Record<string, number>;
    wm.emit = (ev) => {
      const p = ev.path;
      const registered = ev.type === E.NODE_CHILDREN_CHANGED ? wm.childWatchers[p] !== undefined
        : ev.type === E.NODE_DELETED ? wm.dataWatchers[p] !== undefined || wm.childWatchers[p] !== undefined
          : wm.dataWatchers[p] !== undefined || wm.existenceWatchers[p] !== undefined;
      if (!registered && c === this.client) this.onOrphan?.(ev.type, p);
      emit(ev);
    };
    return c;
  }

  /** Resolves once the session is connected; rejects after the timeout (the client keeps trying). */
  connect(): Promise<void> {
    if (this.isConnected) return Promise.resolve();
    const c = this.client;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ZkError('timeout', `no session with ${this.host} within ${this.timeoutMs} ms`)), this.timeoutMs);
      c.once('connected', () => { clearTimeout(timer); resolve(); });
      if (!this.started) { this.started = true; c.connect(); }
    });
  }

  private call<T>(what: string, start: (done: (err: unknown, value?: T) => void) => void, timeoutMs = this.timeoutMs): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ZkError('timeout', `${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
      start((err, value) => {
        clearTimeout(timer);
        if (err) reject(wrap(err));
        else resolve(value as T);
      });
    });
  }

  /** `timeoutMs`, when given, replaces the session's request deadline for this call (a lock holder's longer wait). */
  getData(path: string, timeoutMs?: number): Promise<{ data: Buffer | undefined; stat: Stat }> {
    return this.call('getData', (done) => this.client.getData(path, (err, data, stat) => done(err, { data, stat })), timeoutMs);
  }

  setData(path: string, data: Buffer, version: number, timeoutMs?: number): Promise<Stat> {
    return this.call('setData', (done) => this.client.setData(path, data, version, (err, stat) => done(err, stat)), timeoutMs);
  }

  create(path: string, data: Buffer, mode = zookeeper.CreateMode.PERSISTENT, timeoutMs?: number): Promise<string> {
    return this.call('create', (done) => this.client.create(path, data, mode, (err, p) => done(err, p)), timeoutMs);
  }

  remove(path: string): Promise<void> {
    return this.call('remove', (done) => this.client.remove(path, -1, (err) => done(err)));
  }

  getChildren(path: string): Promise<string[]> {
    return this.call('getChildren', (done) => this.client.getChildren(path, (err, children) => done(err, children)));
  }

  /** Resolves true when `path` exists; otherwise false, and `onGone` fires once it is deleted or created. */
  exists(path: string, onChange: () => void): Promise<boolean> {
    return this.call('exists', (done) => this.client.exists(path, () => onChange(), (err, stat) => done(err, stat !== null && stat !== undefined)));
  }

  /**
   * ZooKeeper's multi: the ops `build` adds apply all or none, in one step of the leader's log. A
   * failed multi rejects with its first failing op's code (BAD_VERSION, NODE_EXISTS, …). The versions
   * go onto the wire as given: the client's own Transaction turns version 0 into -1 (`version ||
   * -1`, "any version"), which made a check or setData of a znode's first version unconditional (Elle
   * caught it as lost appends); so check, setData and remove are pushed here with their exact version.
   */
  multi(build: (m: MultiOps) => void): Promise<void> {
    const t = this.transaction(build);
    return this.call('multi', (done) => t.commit((err) => done(err)));
  }

  /** The client's transaction with `build`'s ops, each check, setData and remove at its exact version. */
  private transaction(build: (m: MultiOps) => void): ReturnType<zookeeper.Client['transaction']> {
    const t = this.client.transaction();
    const ops = (t as unknown as { ops: { type: number; path: string; data?: Buffer; version?: number }[] }).ops;
    build({
      create: (path, data) => { t.create(path, data); },
      setData: (path, data, version) => { ops.push({ type: jute.OP_CODES.SET_DATA, path, data, version }); },
      check: (path, version) => { ops.push({ type: jute.OP_CODES.CHECK, path, version }); },
      remove: (path, version) => { ops.push({ type: jute.OP_CODES.DELETE, path, version }); },
    });
    return t;
  }

  /** ZooKeeper's sync: the server catches up with the leader before answering this session's later reads. */
  sync(path = '/', timeoutMs?: number): Promise<void> {
    const header = new (jute.protocol.RequestHeader as unknown as new () => { type: number })();
    header.type = jute.OP_CODES.SYNC;
    const payload = new jute.protocol.GetACLRequest(); // SyncRequest has the same layout: one path
    payload.path = path;
    const request = new jute.Request(header, payload);
    const toBuffer = request.toBuffer.bind(request);
    request.toBuffer = () => {
      const b = toBuffer();
      request.header.type = jute.OP_CODES.DELETE; // parsed as a reply without payload
      return b;
    };
    const cm = (this.client as unknown as { connectionManager: { queue(r: unknown, cb: (err: unknown) => void): void } }).connectionManager;
    return this.call('sync', (done) => cm.queue(request, (err) => done(err)), timeoutMs);
  }

  /**
   * One request through the client's own queue, so the reply's header zxid is kept: for a write the
   * zxid it committed at, for a read the server's last applied zxid when it answered. A watch asked
   * for (`watch: true`) is registered with the client on success, as the client's own calls do.
   * Resolves with any ZooKeeper answer (its error code in `err`); rejects on a lost connection or
   * after the timeout.
   */
  raw(type: keyof typeof PAYLOADS, fill: Record<string, unknown>, watcher?: (e: ZkNotification) => void): Promise<RawReply> {
    const header = new (jute.protocol.RequestHeader as unknown as new () => { type: number })();
    header.type = jute.OP_CODES[type];
    const payload = new jute.protocol[PAYLOADS[type]]();
    Object.assign(payload, fill);
    if (type === 'CREATE') Object.assign(payload, { acl: (zookeeper.ACL as unknown as { OPEN_ACL_UNSAFE: { toRecord(): unknown }[] }).OPEN_ACL_UNSAFE.map((a) => a.toRecord()), flags: 0 });
    if (watcher) payload.watch = true;
    const request = new jute.Request(header, payload);
    const c = this.client;
    const cm = cmOf(c);
    return this.call<RawReply>(type, (done) => cm.queue(request, (err, response) => {
      if (!response) { done(err ?? new Error('no reply')); return; }
      const r: RawReply = { err: response.header.err, zxid: zxidOf(response.header.zxid), payload: response.payload };
      if (watcher && (r.err === 0 || (type === 'EXISTS' && r.err === zookeeper.Exception.NO_NODE))) {
        if (type === 'GET_CHILDREN2') cm.registerChildWatcher(fill.path as string, watcher);
        else if (type === 'EXISTS' && r.err !== 0) cm.registerExistenceWatcher(fill.path as string, watcher);
        else cm.registerDataWatcher(fill.path as string, watcher);
      }
      done(undefined, r);
    }));
  }

  /** The multi of `build`, resolving with the zxid it committed at (read inside the reply's callback). */
  multiZxid(build: (m: MultiOps) => void): Promise<number> {
    const t = this.transaction(build);
    const cm = cmOf(this.client);
    return this.call('multi', (done) => t.commit((err) => done(err, zxidOf(cm.zxid))));
  }

  close(): void {
    this.client.close();
  }
}
