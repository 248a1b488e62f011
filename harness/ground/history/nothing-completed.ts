/**
 * When a checked history holds no evidence: shared by `faultline check` and the library's `check()`,
 * so both say what the run itself said of the same history.
 */
import type { HistoryFormat } from './formats.js';
import type { Operation } from './pair.js';

/**
 * Why a history holds no evidence, or undefined when it does. In Faultline's own format (a run
 * directory, JSONL) "nothing completed" is no client op completed ok: the run itself called that
 * unknown (run.ts), and check must not call the same history linearizable. Imported Jepsen EDN and
 * porcupine logs keep their authors' semantics: Knossos and porcupine call a history in which nothing
 * completed linearizable (Knossos' own good set holds all-:fail and nemesis-only histories), so there
 * the search's verdict stands and only the count of judged ops says how little it rested on.
 */
export function nothingCompleted(format: HistoryFormat, ops: readonly Operation[], judged: number): string | undefined {
  if (format !== 'jsonl') return undefined;
  if (ops.length === 0) return 'no client operation to judge: the history holds none (only nemesis ops, or nothing)';
  if (ops.some((o) => o.outcome === 'ok')) return undefined;
  return `no client operation completed ok (${ops.length} invoked, ${judged} judged as possibly happened): there was nothing to judge, as the run itself said`;
}
