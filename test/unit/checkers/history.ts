/** A compact way to write histories by hand for checker tests. */
import type { Op, OpType, Process } from '../../../harness/ground/history/op.js';

/** `[process, type, f, value?, extra?]`; index and time follow the row's position. */
export type Row = [Process, OpType, string, unknown?, Partial<Pick<Op, 'key' | 'node' | 'error'>>?];

/** Builds a history from rows: index = position, time = position in µs. */
export function history(rows: readonly Row[]): Op[] {
  return rows.map(([process, type, f, value = null, extra = {}], index) => ({
    index, time: index * 1000, process, type, f, value, ...extra,
  }));
}

/** A final-read invocation value for `node`. */
export const fin = (node: string) => ({ final: true, node });
