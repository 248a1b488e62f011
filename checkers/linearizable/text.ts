import type { OpRef, PartitionFailure } from './explain.js';
import { keysWord, opsInKeys, type LinearizableResult } from './result.js';

const at = (op: OpRef): string =>
  `${op.description}  (process ${op.process}, index ${op.index}${op.completionIndex === undefined ? ', never completed' : `–${op.completionIndex}`})`;

function failureText(f: PartitionFailure): string[] {
  const lines: string[] = [];
  lines.push(`  ${f.key === undefined ? 'history' : `key ${JSON.stringify(f.key)}`}: not linearizable (${f.ops} ops)`);
  lines.push(`    longest linearizable prefix: ${f.linearized.length} ops, ending in state ${f.state}`);
  for (const step of f.linearized.slice(-5)) lines.push(`      ${at(step.op)}  ⇒ ${step.stateAfter}`);
  if (f.linearized.length > 5) lines.push(`      (${f.linearized.length - 5} earlier ops not shown)`);
  if (f.blocking) lines.push(`    ${at(f.blocking)} completed, but could not be linearized:`);
  for (const c of f.candidates) lines.push(`      next? ${at(c.op)}: ${c.why}${c.stateAfter ? ` (⇒ ${c.stateAfter})` : ''}`);
  lines.push(`    ${f.minimal ? 'minimal' : 'shrunk (not proven minimal)'} counterexample, ${f.counterexample.length} ops:`);
  for (const op of f.counterexample) lines.push(`      ${at(op)}`);
  return lines;
}

/** How many of the failed keys are explained, when not all: none (explanations off), or the earliest few. */
export function explainedNote(failed: number, explained: number): string {
  if (explained >= failed) return '';
  if (explained === 0) return '; none is explained (explanations were off, as with --no-explain)';
  return `; the earliest ${explained} are explained`;
}

/** A readable text form of a linearizability result, for the terminal. */
export function formatLinearizable(r: LinearizableResult): string {
  const verdict = r.valid === true ? 'linearizable' : r.valid === false ? 'NOT linearizable' : 'unknown';
  const lines = [
    `linearizable (model ${r.model}): ${verdict} — ${opsInKeys(r.ops, r.partitions)}, ` +
      `checked in ${r.elapsedMs.toFixed(1)} ms`,
  ];
  if (r.valid === 'unknown' && r.reason) lines.push(`  ${r.reason}`);
  if (r.failedPartitions > 0) lines.push(`  ${r.failedPartitions} ${keysWord(r.failedPartitions)} failed${explainedNote(r.failedPartitions, r.failures.length)}`);
  if (r.skippedPartitions > 0) lines.push(`  ${r.skippedPartitions} ${keysWord(r.skippedPartitions)} not checked to the end: the verdict was already decided`);
  for (const f of r.failures) lines.push(...failureText(f));
  return lines.join('\n');
}
