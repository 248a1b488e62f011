/**
 * The persistent state with real files: term, vote and log survive a reopen; truncation and a torn
 * tail; and the two bug switches that live here (`forget-vote`, `no-fsync`).
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_BUGS, type BugName } from '../../../targets/raft/bugs.js';
import { LogStore } from '../../../targets/raft/log-store.js';
import type { Entry } from '../../../targets/raft/messages.js';

const dirs: string[] = [];
const stores: LogStore[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'raft-store-'));
  dirs.push(d);
  return d;
};
const open = (dir: string, ...bugs: BugName[]): LogStore => {
  const s = new LogStore(dir, bugs.length ? new Set(bugs) : NO_BUGS);
  stores.push(s);
  return s;
};
afterEach(() => {
  // close() flushes a write-back buffer; the tests that need a "crash" have already reopened.
  for (const s of stores.splice(0)) try { s.close(); } catch { /* already closed */ }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const w = (term: number, value: number): Entry => ({ term, cmd: { f: 'write', key: 1, value } });

describe('LogStore', () => {
  it('recovers term, vote and log after a reopen without close (as after SIGKILL)', () => {
    const dir = tmp();
    const s = open(dir);
    s.setTermVote(3, 'n2');
    s.append([w(1, 1), w(2, 2), w(3, 3)]);
    s.sync();
    const r = open(dir);
    expect([r.term, r.votedFor, r.lastIndex, r.entries]).toEqual([3, 'n2', 3, [w(1, 1), w(2, 2), w(3, 3)]]);
  });

  it('truncates a conflicting suffix on disk, and appends after it', () => {
    const dir = tmp();
    const s = open(dir);
    s.append([w(1, 1), w(1, 2), w(1, 3)]);
    s.truncateFrom(2);
    s.append([w(2, 9)]);
    s.sync();
    expect(open(dir).entries).toEqual([w(1, 1), w(2, 9)]);
  });

  it('drops a torn last line (a crash in the middle of a write) and keeps going', () => {
    const dir = tmp();
    const s = open(dir);
    s.append([w(1, 1), w(1, 2)]);
    s.sync();
    fs.appendFileSync(nodePath.join(dir, 'log.jsonl'), '{"i":3,"t":1,"c":{"f":"wri');
    const r = open(dir);
    expect(r.lastIndex).toBe(2);
    r.append([w(1, 3)]);
    r.sync();
    expect(open(dir).entries).toEqual([w(1, 1), w(1, 2), w(1, 3)]);
  });

  it('forget-vote: the term survives a restart but the vote does not', () => {
    const dir = tmp();
    const s = open(dir, 'forget-vote');
    s.setTermVote(4, 'n1');
    expect(s.votedFor).toBe('n1');
    const r = open(dir, 'forget-vote');
    expect([r.term, r.votedFor]).toEqual([4, null]);
  });

  it('no-fsync: synced writes are still only in the process\'s buffer; a crash before the flush loses them', () => {
    const dir = tmp();
    const s = open(dir, 'no-fsync');
    s.setTermVote(2, 'n3');
    s.append([w(2, 1), w(2, 2)]);
    s.sync(); // the node would now acknowledge…
    // …but a process that dies now (here: reopened without the buffer's flush) lost it all.
    const r = new LogStore(dir, NO_BUGS);
    expect([r.term, r.votedFor, r.lastIndex]).toEqual([0, null, 0]);
    r.close();
    // The correct store, same calls: everything is there.
    const dir2 = tmp();
    const c = open(dir2);
    c.setTermVote(2, 'n3');
    c.append([w(2, 1), w(2, 2)]);
    c.sync();
    expect([open(dir2).term, open(dir2).lastIndex]).toEqual([2, 2]);
  });

  it('no-fsync: the buffer reaches the file once flushed', () => {
    const dir = tmp();
    const s = open(dir, 'no-fsync');
    s.setTermVote(2, 'n3');
    s.append([w(2, 1)]);
    s.truncateFrom(1);
    s.append([w(2, 7), w(2, 8)]);
    s.close();
    const r = open(dir);
    expect([r.term, r.votedFor, r.entries]).toEqual([2, 'n3', [w(2, 7), w(2, 8)]]);
  });
});
