/** Shared helpers for the generator tests: time units and history checks. */
import { expect } from 'vitest';
import type { Op, Process } from '../../../harness/ground/history/op.js';

export const US = 1_000;
export const MS = 1_000_000;
export const S = 1_000_000_000;

/** The invocations of a history. */
export function invokes(history: readonly Op[]): Op[] {
  return history.filter((op) => op.type === 'invoke');
}

/** The completions of a history. */
export function completions(history: readonly Op[]): Op[] {
  return history.filter((op) => op.type !== 'invoke');
}

/** The fs of a history's invocations, in order. */
export function fs(history: readonly Op[]): string[] {
  return invokes(history).map((op) => op.f);
}

/** Gaps between consecutive invocation times. */
export function gaps(history: readonly Op[]): number[] {
  const times = invokes(history).map((op) => op.time);
  return times.slice(1).map((t, i) => t - times[i]);
}

/** The client thread that runs a process (process ids advance by `concurrency` after info). */
export function threadOfProcess(process: Process, concurrency: number): number | 'nemesis' {
  return process === 'nemesis' ? process : process % concurrency;
}

/**
 * The invariants every simulated history must keep: dense indices, a clock that never goes back,
 * at most one running op per thread, and every invocation completed by its own process. Checked in
 * plain code with one assertion at the end, because thousands of `expect` calls are slow.
 */
export function expectWellFormed(history: readonly Op[], concurrency: number): void {
  expect(wellFormedProblems(history, concurrency)).toEqual([]);
}

function wellFormedProblems(history: readonly Op[], concurrency: number): string[] {
  const running = new Map<number | 'nemesis', Op>();
  let last = 0;
  for (const [i, op] of history.entries()) {
    if (op.index !== i) return [`op ${i} has index ${op.index}`];
    if (op.time < last) return [`op ${i} goes back in time`];
    last = op.time;
    const thread = threadOfProcess(op.process, concurrency);
    const inv = running.get(thread);
    if (op.type === 'invoke') {
      if (inv !== undefined) return [`thread ${thread} double-booked at op ${i}`];
      running.set(thread, op);
    } else {
      if (inv?.process !== op.process || inv.f !== op.f) return [`op ${i} completes nothing its process invoked`];
      running.delete(thread);
    }
  }
  return [...running.values()].map((op) => `op ${op.index} never completed`);
}
