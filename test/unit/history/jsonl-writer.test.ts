import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HistoryWriter, InputError, type Op, readJsonlSync } from '../../../harness/ground/history/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-writer-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const freshPath = () => path.join(tmp, `history-${n++}.jsonl`);

const op = (index: number, extra: Partial<Op> = {}): Op => ({
  index,
  time: index * 1000,
  process: index % 3,
  type: index % 2 === 0 ? 'invoke' : 'ok',
  f: 'write',
  value: index,
  ...extra,
});

describe('HistoryWriter', () => {
  it('makes each op readable as soon as append returns, before any fsync or close', () => {
    const p = freshPath();
    const w = HistoryWriter.open(p);
    w.append(op(0));
    w.append(op(1, { process: 'nemesis', key: 'k', node: 'n1', error: 'boom' }));
    // Another reader sees both lines now: nothing sits in a user-space buffer.
    expect(readJsonlSync(p)).toEqual([op(0), op(1, { process: 'nemesis', key: 'k', node: 'n1', error: 'boom' })]);
    expect(w.count).toBe(2);
    w.close();
  });

  it('appends to an existing history on reopen instead of overwriting it', () => {
    const p = freshPath();
    const w1 = HistoryWriter.open(p);
    w1.append(op(0));
    w1.append(op(1));
    w1.close();
    const w2 = HistoryWriter.open(p);
    w2.append(op(2));
    w2.close();
    expect(readJsonlSync(p)).toEqual([op(0), op(1), op(2)]);
  });

  it('cuts a torn last line left by a crash before appending', () => {
    const p = freshPath();
    fs.writeFileSync(p, `${JSON.stringify(op(0))}\n{"index":1,"ti`);
    const w = HistoryWriter.open(p);
    w.append(op(1));
    w.close();
    expect(readJsonlSync(p)).toEqual([op(0), op(1)]);
  });

  it('close is idempotent and append after close throws', () => {
    const w = HistoryWriter.open(freshPath());
    w.append(op(0));
    w.close();
    expect(w.closed).toBe(true);
    expect(() => w.close()).not.toThrow();
    expect(() => w.append(op(1))).toThrow(/append after close/);
  });

  it('reports an unwritable path as an InputError naming it', () => {
    const p = path.join(tmp, 'no-such-dir', 'history.jsonl');
    expect(() => HistoryWriter.open(p)).toThrow(InputError);
    expect(() => HistoryWriter.open(p)).toThrow(p);
  });
});

describe('HistoryWriter fsync timing', () => {
  let fsync: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    fsync = vi.spyOn(fs, 'fsyncSync');
  });
  afterEach(() => {
    vi.useRealTimers();
    fsync.mockRestore();
  });

  it('fsyncs within the interval after a write, then stays idle while nothing is written', () => {
    vi.useFakeTimers();
    const w = HistoryWriter.open(freshPath());
    w.append(op(0));
    expect(fsync).toHaveBeenCalledTimes(0);
    vi.advanceTimersByTime(199);
    expect(fsync).toHaveBeenCalledTimes(0);
    vi.advanceTimersByTime(1);
    expect(fsync).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5_000);
    expect(fsync).toHaveBeenCalledTimes(1);
    w.close();
  });

  it('fsyncs at least every interval while ops keep coming', () => {
    vi.useFakeTimers();
    const w = HistoryWriter.open(freshPath());
    for (let i = 0; i < 100; i++) {
      w.append(op(i));
      vi.advanceTimersByTime(10); // 100 ops over 1 s
    }
    // Dirty data never waits longer than 200 ms: 5 fsyncs in the first second, not 100.
    expect(fsync.mock.calls.length).toBeGreaterThanOrEqual(5);
    expect(fsync.mock.calls.length).toBeLessThanOrEqual(6);
    w.close();
  });

  it('fsyncs from append itself during a synchronous burst that starves the timer', () => {
    const w = HistoryWriter.open(freshPath(), { fsyncIntervalMs: 20 });
    const end = performance.now() + 70;
    let i = 0;
    while (performance.now() < end) w.append(op(i++));
    expect(fsync.mock.calls.length).toBeGreaterThanOrEqual(2);
    w.close();
  });

  it('never keeps Node alive: its fsync timer is unref\'d', () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const w = HistoryWriter.open(freshPath());
    w.append(op(0)); // arms the timer
    expect(timers()).toBe(before);
    w.close();
  });

  it('fsyncs on close only when something is unsynced', () => {
    const w = HistoryWriter.open(freshPath());
    w.append(op(0));
    w.close();
    expect(fsync).toHaveBeenCalledTimes(1);
    w.close();
    expect(fsync).toHaveBeenCalledTimes(1);
    const idle = HistoryWriter.open(freshPath());
    idle.close();
    expect(fsync).toHaveBeenCalledTimes(1);
  });
});
