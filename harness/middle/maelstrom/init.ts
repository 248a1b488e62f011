/**
 * The init handshake: each node gets `init {node_id, node_ids}` and must answer `init_ok`. A node that
 * does not is the most common first failure of a new Maelstrom program, so the error names every
 * such node, says what happened (timeout, exit, wrong reply, invalid lines) and shows the end of its
 * log, plus the one-line recipe of a correct answer.
 */
import type { NodeProcess } from './node-process.js';
import { RpcTimeout, type MaelstromBody } from '../../ground/protocol/protocol.js';
import type { NodeProtocolError } from './wire.js';

export interface InitContext {
  nodes: readonly string[];
  allNodes: readonly string[];
  /** The node_ids one node is told (default: allNodes). */
  idsOf?: (node: string) => string[];
  timeoutMs: number;
  markUp(node: string): void;
  rpc(node: string, body: MaelstromBody): Promise<MaelstromBody>;
  proc(node: string): NodeProcess;
  protocolErrorsOf(node: string): NodeProtocolError[];
}

/** Init failed on some nodes; `failures` maps each to what went wrong. */
export class InitError extends Error {
  constructor(message: string, readonly failures: Record<string, string>) {
    super(message);
    this.name = 'InitError';
  }
}

const RECIPE = 'a node must read {"src": "c0", "dest": "<id>", "body": {"type": "init", "msg_id": 1, "node_id": "<id>", "node_ids": [...]}} ' +
  'from stdin and print {"src": "<id>", "dest": "c0", "body": {"type": "init_ok", "in_reply_to": 1}} on stdout';

/** Sends init to `nodes` and waits for every init_ok; throws InitError naming the nodes that failed. */
export async function initNodes(ctx: InitContext): Promise<void> {
  const outcomes = await Promise.all(ctx.nodes.map(async (n) => [n, await initOne(ctx, n)] as const));
  const failed = outcomes.filter(([, why]) => why !== undefined) as [string, string][];
  if (failed.length === 0) return;
  const lines = [`maelstrom: ${failed.length} of ${ctx.nodes.length} node${ctx.nodes.length === 1 ? '' : 's'} did not initialise: ${failed.map(([n]) => n).join(', ')}`];
  for (const [n, why] of failed) lines.push(`  ${n}: ${why}`);
  for (const [n] of failed) {
    const errs = ctx.protocolErrorsOf(n);
    if (errs.length > 0) lines.push(`  ${n} printed ${errs.length} invalid line${errs.length === 1 ? '' : 's'}; the first: ${errs[0].message}`);
    await ctx.proc(n).flushLog();
    const tail = ctx.proc(n).logExcerpt(800);
    lines.push(tail ? `--- the end of nodes/${n}.log (its stderr) ---\n${tail}` : `--- nodes/${n}.log (its stderr) is empty ---`);
  }
  lines.push(`(${RECIPE})`);
  throw new InitError(lines.join('\n'), Object.fromEntries(failed));
}

/** What went wrong initialising `node`, or undefined when it answered init_ok. */
async function initOne(ctx: InitContext, node: string): Promise<string | undefined> {
  const proc = ctx.proc(node);
  ctx.markUp(node);
  const exited = proc.whenExited().then(() => 'exited' as const);
  let reply: MaelstromBody | 'exited';
  try {
    reply = await Promise.race([ctx.rpc(node, { type: 'init', node_id: node, node_ids: ctx.idsOf ? ctx.idsOf(node) : [...ctx.allNodes] }), exited]);
  } catch (err) {
    if (err instanceof RpcTimeout) return `did not answer init within ${ctx.timeoutMs} ms`;
    return `init failed: ${(err as Error).message}`;
  }
  if (reply === 'exited') {
    const e = proc.lastExit;
    return `exited ${e?.signal ? `on signal ${e.signal}` : `with code ${e?.code}`} before answering init`;
  }
  if (reply.type === 'init_ok') return undefined;
  if (reply.type === 'error') return `answered init with error ${String(reply.code)}: ${String(reply.text ?? '')}`;
  return `answered init with a "${reply.type}" message instead of "init_ok"`;
}
