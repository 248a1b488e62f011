/**
 * What a watch run's history.jsonl holds of its deliveries (issue 27): each one an `event` record of
 * its own, in arrival order, naming its watcher and node and carrying the store's position; no watch
 * completion carrying deliveries any more. Shared by the watch integration tests.
 */
import nodePath from 'node:path';
import { expect } from 'vitest';
import { readJsonlSync } from '../../../harness/ground/history/jsonl-reader.js';

export interface EventRecordSummary { records: number; kinds: Record<string, number> }

/** Checks the event records of the run in `dir` against the watch checker's result `w`; returns their count per kind. */
export function expectEventRecords(dir: string, w: Record<string, unknown>, position: string): EventRecordSummary {
  const ops = readJsonlSync(nodePath.join(dir, 'history.jsonl'));
  const events = ops.filter((o) => o.type === 'event');
  const kinds: Record<string, number> = {};
  for (const e of events) {
    const v = e.value as Record<string, unknown>;
    kinds[String(v.kind)] = (kinds[String(v.kind)] ?? 0) + 1;
    expect(typeof v.watcher, JSON.stringify(e)).toBe('string');
    expect(typeof e.process, JSON.stringify(e)).toBe('number');
    expect(typeof e.node, JSON.stringify(e)).toBe('string');
  }
  // Every delivery of the store's kind carries the store's position (revision, zxid, index).
  const positioned = events.filter((e) => typeof (e.value as Record<string, unknown>)[position] === 'number');
  expect(positioned.length).toBeGreaterThan(0);
  // The history is in arrival order: times never go down, events included.
  for (let i = 1; i < ops.length; i++) expect(ops[i].time).toBeGreaterThanOrEqual(ops[i - 1].time);
  for (const o of ops) {
    if (o.f === 'watch' && o.type !== 'invoke') for (const k of ['batches', 'zk', 'consul']) expect(o.value).not.toHaveProperty(k);
  }
  expect(w.eventRecords).toBe(events.length);
  // Every window's own count of its deliveries matches the records the history holds for it.
  expect(w.miscounted, JSON.stringify(w.miscounted)).toBeUndefined();
  return { records: events.length, kinds };
}
