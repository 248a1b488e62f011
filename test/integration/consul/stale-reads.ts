/**
 * What a stale read looks like in a Consul counterexample, shared by the Consul tests of every
 * environment (namespaces, containers, ssh).
 */

/** One op of a linearizability counterexample, as the checker reports it. */
export type CeOp = { f: string; input: unknown; output: unknown; outcome: string; index: number; completionIndex: number };

/**
 * The stale reads of a counterexample: a read that returned v although the write of v had completed
 * before another write (of another value) began, and that write completed before the read began.
 */
export function staleReads(ce: readonly CeOp[]): { read: CeOp; wrote: CeOp; overwrote: CeOp }[] {
  const written = (o: CeOp): unknown => (o.f === 'cas' ? (o.input as unknown[])[1] : o.input);
  const writes = ce.filter((o) => (o.f === 'write' || o.f === 'cas') && o.outcome === 'ok');
  return ce.filter((o) => o.f === 'read' && o.outcome === 'ok').flatMap((read) => writes
    .filter((w) => written(w) === read.output)
    .flatMap((wrote) => writes
      .filter((x) => written(x) !== read.output && wrote.completionIndex < x.index && x.completionIndex < read.index)
      .map((overwrote) => ({ read, wrote, overwrote }))));
}
