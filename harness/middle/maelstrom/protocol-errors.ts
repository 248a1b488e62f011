/**
 * The cluster's record of invalid lines its nodes printed. A broken node can print thousands a
 * second, so records are capped and logging is capped per node, while the count stays exact — the
 * run needs to know how many, the user needs the first few in full.
 */
import { protocolError, type NodeProtocolError } from './wire.js';

/** Protocol errors kept in memory; beyond this they are only counted. */
export const MAX_PROTOCOL_ERRORS = 1000;
/** Protocol errors logged per node; beyond this one line says the rest are only counted. */
export const MAX_LOGGED_PER_NODE = 20;

export class ProtocolErrorLog {
  /** The first MAX_PROTOCOL_ERRORS errors. */
  readonly records: NodeProtocolError[] = [];
  /** Every error, kept or not. */
  count = 0;
  private readonly loggedPerNode = new Map<string, number>();

  constructor(private readonly log: (line: string) => void, private readonly onError: ((e: NodeProtocolError) => void) | undefined) {}

  /** Records one invalid line of `node`; logs it unless the node is over its logging budget. */
  add(node: string, time: number, line: string, problem: string, expected: string): void {
    const e = protocolError(node, time, line, problem, expected);
    this.count++;
    if (this.records.length < MAX_PROTOCOL_ERRORS) this.records.push(e);
    const logged = (this.loggedPerNode.get(node) ?? 0) + 1;
    this.loggedPerNode.set(node, logged);
    if (logged <= MAX_LOGGED_PER_NODE) this.log(`protocol error: ${e.message}`);
    if (logged === MAX_LOGGED_PER_NODE) this.log(`protocol error: further invalid lines of ${node} are counted, not logged`);
    this.onError?.(e);
  }

  /** The kept errors of one node. */
  of(node: string): NodeProtocolError[] {
    return this.records.filter((e) => e.node === node);
  }
}
