/**
 * The Elle result as `faultline check` prints it: the verdict per requested model, each anomaly
 * with its explanation and transactions, the models ruled out and the strongest still standing.
 */
import type { ElleResult } from './index.js';

/** Human-readable lines for an Elle result. */
export function formatElle(r: ElleResult, explain = true): string {
  const word = r.valid === true ? 'valid' : r.valid === false ? 'INVALID' : 'unknown';
  const lines = [`elle (${r.workload}, ${r.consistencyModels.join(', ')}): ${word} — ${r.txnCounts.ok} ok, ${r.txnCounts.info} indeterminate, ${r.txnCounts.fail} failed transactions; graph ${r.graph.edges} edges; analysis ${r.ms.analysis} ms, cycle search ${r.ms.cycles} ms`];
  if (r.reason) lines.push(`  why unknown: ${r.reason}`);
  const types = Object.entries(r.anomalyTypes);
  if (types.length > 0) lines.push(`  anomalies: ${types.map(([t, n]) => `${t} ×${n}`).join(', ')}`);
  if (explain) {
    for (const a of r.anomalies) {
      lines.push(`  ${a.type}:`);
      for (const s of a.steps) lines.push(`    ${s}`);
      for (const t of a.txns) lines.push(`      T${t.id} (process ${t.process}, ${t.status}, history index ${t.index}${t.completionIndex !== undefined ? `–${t.completionIndex}` : ''}): ${t.ops}`);
    }
    const shown = r.anomalies.length, total = types.reduce((n, [, c]) => n + c, 0);
    if (shown < total) lines.push(`  (${total - shown} more anomalies not shown; --json has the examples kept)`);
  }
  lines.push(`  ruled out: ${r.not.length > 0 ? r.not.join(', ') : 'none'}`);
  lines.push(`  strongest model still consistent: ${r.strongestConsistent.join(', ') || 'none'}`);
  return lines.join('\n');
}
