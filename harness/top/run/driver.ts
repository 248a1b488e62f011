import { Interpreter, type Completion as GenCompletion } from '../../ground/generator/interpreter.js';
import { realClock, type Clock, type ClockTimer, type GenLike, type Seed, type Thread } from '../../ground/generator/index.js';
import type { Op } from '../../ground/history/op.js';
import type { Client, Completion, Nemesis } from '../../ground/contracts/roles.js';
import { bounded, CLOSE_BOUND_MS } from '../../middle/hosts/bounded.js';

/** What the driver needs from the run: clients per thread, the nemesis, and where ops go. */
export interface DriverOptions {
  generator: GenLike;
  concurrency: number;
  seed: Seed;
  /** Opens the client a thread uses while it runs as `process` (a new one after an `info`). */
  openClient(thread: number, process: number): Promise<Client>;
  nemesis: Nemesis;
  /** Every record, invocations, completions and events, in history order. */
  record(op: Op): void;
  /** Nanoseconds since the run started. */
  now(): number;
  /** The timers the driver waits on (the op guard, the next op's due time); real by default. */
  clock?: Clock;
  log(message: string): void;
  /** Resolves when the run must stop issuing ops (SIGINT, SIGTERM, fatal error). */
  stop: AbortSignal;
  /** Longest a client op may take before the driver records it `info` (its client should time out first). */
  opTimeoutMs?: number;
}

interface Done {
  thread: Thread;
  completion: GenCompletion;
}

/**
 * Runs one generator to the end against real clients and the nemesis: asks the interpreter what to
 * do, starts ops without waiting for them, records every invocation and completion in order, and
 * sleeps until the next op is due or a completion arrives. On `stop` it issues nothing more and
 * waits for the ops in flight (each bounded by `opTimeoutMs`), so the history has no dangling invoke
 * that a client could still complete.
 */
export async function drive(opts: DriverOptions): Promise<{ stopped: boolean }> {
  const interp = new Interpreter(opts.generator, { concurrency: opts.concurrency, seed: opts.seed });
  const clients = new Map<number, { process: number; client: Client }>();
  const done: Done[] = [];
  let wake: (() => void) | undefined;
  const notify = (): void => { const w = wake; wake = undefined; w?.(); };
  opts.stop.addEventListener('abort', notify, { once: true });
  const opTimeoutMs = opts.opTimeoutMs ?? 30_000;
  const clock = opts.clock ?? realClock;
  /** Set once the clients are closed: an event arriving after that is not recorded (the history is done). */
  let closed = false;

  const clientFor = async (thread: number, process: number): Promise<Client> => {
    const cur = clients.get(thread);
    if (cur && cur.process === process) return cur.client;
    if (cur) void bounded(() => cur.client.close(), CLOSE_BOUND_MS, `client close (thread ${thread})`, opts.log);
    const client = await opts.openClient(thread, process);
    clients.set(thread, { process, client });
    return client;
  };

  const perform = async (thread: Thread, op: Op): Promise<Completion> => {
    if (thread === 'nemesis') {
      try {
        return { type: 'info', value: await opts.nemesis.invoke({ f: op.f, value: op.value }) };
      } catch (err) {
        opts.log(`nemesis ${op.f} failed: ${(err as Error).message}`);
        return { type: 'info', value: op.value, error: (err as Error).message };
      }
    }
    let timer: ClockTimer | undefined;
    try {
      const client = await clientFor(thread, op.process as number);
      const guard = new Promise<Completion>((resolve) => {
        timer = clock.setTimeout(() => resolve({ type: 'info', error: `no completion within ${opTimeoutMs} ms` }), opTimeoutMs);
      });
      const key = op.key === undefined ? {} : { key: op.key };
      const process = op.process as number;
      // Events go through the same record() as ops, so history.jsonl holds them in arrival order.
      const observe = (value: unknown, node?: string): void => {
        if (closed) return;
        // A client calls this from its stream's loop: a failure to record must not end the stream.
        try { opts.record(interp.event(process, value, opts.now(), node)); } catch (err) { opts.log(`event of process ${process} not recorded: ${(err as Error).message}`); }
      };
      return await Promise.race([client.invoke({ process, f: op.f, value: op.value, ...key, observe }), guard]);
    } catch (err) {
      // A client must map the system's errors itself; a throw is a client bug, and the op's fate unknown.
      return { type: 'info', error: `client error: ${(err as Error).message}` };
    } finally {
      timer?.cancel();
    }
  };

  for (;;) {
    while (done.length > 0) {
      const d = done.shift()!;
      opts.record(interp.complete(d.completion, opts.now()));
    }
    if (opts.stop.aborted) {
      if (interp.outstanding === 0) break;
      await new Promise<void>((resolve) => { wake = resolve; if (done.length > 0) notify(); });
      continue;
    }
    const step = interp.next(opts.now());
    if (step.kind === 'invoke') {
      const { thread, op } = step;
      opts.record(op);
      void perform(thread, op).then((c) => {
        const completion: GenCompletion = { process: op.process, type: c.type };
        if (c.value !== undefined) completion.value = c.value;
        if (c.error !== undefined) completion.error = c.error;
        // The node that answered (Maelstrom clients say), so explanations can name it.
        const node = (c as { node?: unknown }).node;
        if (typeof node === 'string') completion.node = node;
        done.push({ thread, completion });
        notify();
      });
      continue;
    }
    if (step.kind === 'log') { opts.log(step.message); continue; }
    if (step.kind === 'done') break;
    if (step.kind === 'stalled') throw new Error('the generator is waiting for a completion, but no op is running');
    const until = step.until;
    await new Promise<void>((resolve) => {
      wake = resolve;
      if (done.length > 0) { notify(); return; }
      if (until !== null) {
        const ms = Math.max(0, (until - opts.now()) / 1e6);
        const t = clock.setTimeout(notify, ms);
        const prev = wake;
        wake = () => { t.cancel(); prev(); };
      }
    });
  }
  await Promise.all([...clients.entries()].map(([t, c]) => bounded(() => c.client.close(), CLOSE_BOUND_MS, `client close (thread ${t})`, opts.log)));
  closed = true;
  return { stopped: opts.stop.aborted };
}
