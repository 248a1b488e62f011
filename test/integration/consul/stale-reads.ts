/**
 * What the Consul tests of every environment (namespaces, containers, ssh) check alike: what a stale
 * read looks like in a counterexample, and that a run under partition, kill and pause really faulted
 * the cluster and still read through it.
 */
import fs from 'node:fs';
import { expect } from 'vitest';

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

/**
 * The run in `dir` partitioned, killed, paused, resumed and restarted servers, recorded Consul's
 * health around the faults (a 3-voter cluster before them, a killed server as down), and reads
 * succeeded — more than 30, some after the first fault: the verdict is about more than the calm start.
 */
export function expectFaultedReads(dir: string): void {
  const hist = fs.readFileSync(`${dir}/history.jsonl`, 'utf8');
  for (const f of ['start-partition', 'kill', 'pause', 'resume', 'start']) expect(hist).toContain(`"f":"${f}"`);
  expect(hist).toMatch(/"health":\{"before":\{"n1":"(leader|follower) \(3\/3 voters\)"/);
  expect(hist).toContain('down: killed');
  const ops = hist.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { process: unknown; type: string; f: string; index: number });
  const firstFault = ops.find((o) => o.process === 'nemesis')!.index;
  const okReads = ops.filter((o) => o.type === 'ok' && o.f === 'read');
  expect(okReads.length).toBeGreaterThan(30);
  expect(okReads.filter((o) => o.index > firstFault).length).toBeGreaterThan(0);
}
