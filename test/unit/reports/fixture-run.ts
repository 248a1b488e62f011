/**
 * Run directories written from fixture histories, checked by the real checkers, for the report's
 * unit tests (the report reads files; these are the files a run leaves).
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { linearizableChecker } from '../../../checkers/linearizability.js';
import { checkStats } from '../../../checkers/stats.js';
import type { Op, Process } from '../../../harness/ground/history/op.js';
import type { CheckResult } from '../../../checkers/contract.js';

const dirs: string[] = [];

/** A fresh temp directory, removed by `cleanup()`. */
export function tempDir(label: string): string {
  const d = fs.mkdtempSync(nodePath.join(os.tmpdir(), `faultline-reports-${label}-`));
  dirs.push(d);
  return d;
}

/** Removes every directory `tempDir` made (for afterEach/afterAll). */
export function cleanup(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Builds a history op by op: `call(p, f, v)` then `ret(p, type, v)`; times 1 ms apart. */
export class HistoryBuilder {
  readonly ops: Op[] = [];
  private open = new Map<Process, Op>();

  call(process: Process, f: string, value: unknown, extra: Partial<Op> = {}): this {
    const op: Op = { index: this.ops.length, time: this.ops.length * 1e6, process, type: 'invoke', f, value, ...extra };
    this.ops.push(op);
    this.open.set(process, op);
    return this;
  }

  ret(process: Process, type: 'ok' | 'fail' | 'info', value?: unknown, extra: Partial<Op> = {}): this {
    const inv = this.open.get(process)!;
    this.open.delete(process);
    const op: Op = { index: this.ops.length, time: this.ops.length * 1e6, process, type, f: inv.f, value: value === undefined ? inv.value : value, ...extra };
    if (inv.key !== undefined && op.key === undefined) op.key = inv.key;
    this.ops.push(op);
    return this;
  }
}

/** A stale read: write 1, write 2, then a read of 1 that starts after both. */
export function staleReadHistory(key?: string): Op[] {
  const k = key === undefined ? {} : { key };
  return new HistoryBuilder()
    .call(0, 'write', 1, k).ret(0, 'ok')
    .call(1, 'write', 2, k).ret(1, 'ok')
    .call('nemesis', 'start-partition', 'majority').ret('nemesis', 'info', { grudge: { n0: ['n1'] } })
    .call(2, 'read', null, k).ret(2, 'ok', 1)
    .call('nemesis', 'stop-partition', null).ret('nemesis', 'info', { grudge: {} })
    .ops;
}

/** Writes a run directory: history.jsonl, test.json, and results.json from the real checkers. */
export async function writeRun(dir: string, history: readonly Op[], opts: { test?: Record<string, unknown>; results?: false; lin?: false; extra?: Record<string, CheckResult> } = {}): Promise<string> {
  fs.mkdirSync(nodePath.join(dir, 'nodes'), { recursive: true });
  fs.writeFileSync(nodePath.join(dir, 'history.jsonl'), history.map((o) => JSON.stringify(o)).join('\n') + '\n');
  fs.writeFileSync(nodePath.join(dir, 'test.json'), JSON.stringify({ name: 'fixture', seed: 7, target: 'maelstrom', workload: 'lin-kv', faults: ['partition'], startedAt: '2025-01-02T03:04:05.000Z', ...opts.test }));
  if (opts.results !== false) {
    const checkers: Record<string, CheckResult> = {};
    if (opts.lin !== false) checkers.linearizable = await linearizableChecker({ name: 'cas-register' }).check(history, {});
    Object.assign(checkers, { stats: checkStats(history), ...opts.extra });
    const valid = Object.values(checkers).some((c) => c.valid === false) ? false : Object.values(checkers).some((c) => c.valid === 'unknown') ? 'unknown' : true;
    fs.writeFileSync(nodePath.join(dir, 'results.json'), JSON.stringify({ valid, checkers, unsupportedFaults: [], ops: history.length, durationS: 1.5 }));
  }
  return dir;
}
