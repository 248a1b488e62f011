/**
 * Snapshots: the follower's InstallSnapshot decision, the snapshot file written atomically, and a
 * log store compacted behind it that recovers to the same point.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_BUGS } from '../../../targets/raft/bugs.js';
import { LogStore } from '../../../targets/raft/log-store.js';
import { logOfTerms } from '../../../targets/raft/log-view.js';
import type { SnapshotRequest } from '../../../targets/raft/messages.js';
import { decideInstall, readSnapshot, shouldSnapshot, writeSnapshot } from '../../../targets/raft/snapshot.js';
import { KvStateMachine } from '../../../targets/raft/state-machine.js';

const req = (index: number, term: number): SnapshotRequest => ({ type: 'install_snapshot', term: 5, last_included_index: index, last_included_term: term, data: [], seq: 1 });
const dirs: string[] = [];
const tmp = (): string => {
  const d = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'raft-snap-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('decideInstall', () => {
  it('ignores a snapshot at or below its commit index (never rolls the state machine back)', () => {
    expect(decideInstall(logOfTerms([1, 1, 1, 1]), 4, req(3, 1))).toEqual({ kind: 'ignore', matchIndex: 3 });
  });
  it('keeps the log suffix when it holds the snapshot\'s last entry (same index and term)', () => {
    expect(decideInstall(logOfTerms([1, 1, 2, 2, 2]), 1, req(3, 2))).toEqual({ kind: 'install', keepSuffix: true, matchIndex: 3 });
  });
  it('discards the whole log when it disagrees with the snapshot or is shorter', () => {
    expect(decideInstall(logOfTerms([1, 1, 1, 3]), 1, req(3, 2))).toEqual({ kind: 'install', keepSuffix: false, matchIndex: 3 });
    expect(decideInstall(logOfTerms([1]), 1, req(3, 2))).toEqual({ kind: 'install', keepSuffix: false, matchIndex: 3 });
  });
  it('snapshots every K applied entries', () => {
    expect([shouldSnapshot(99, 0, 100), shouldSnapshot(100, 0, 100), shouldSnapshot(150, 100, 100), shouldSnapshot(500, 0, 0)]).toEqual([false, true, false, false]);
  });
});

describe('installing a snapshot on disk', () => {
  it('writes the snapshot atomically, compacts the log behind it and recovers both after a restart', () => {
    const dir = tmp();
    const store = new LogStore(dir, NO_BUGS);
    store.append([{ term: 1, cmd: { f: 'write', key: 'a', value: 1 } }, { term: 1, cmd: null }, { term: 2, cmd: { f: 'write', key: 'b', value: [1, { c: 2 }] } }, { term: 2, cmd: null }]);
    store.sync();
    const sm = new KvStateMachine();
    for (const e of store.entries.slice(0, 3)) sm.apply(e.cmd);
    writeSnapshot(dir, { index: 3, term: 2, data: sm.toData() });
    store.compactTo(3, 2, true);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    store.close();

    const snap = readSnapshot(dir)!;
    const again = new LogStore(dir, NO_BUGS, snap);
    expect([again.snapIndex, again.snapTerm, again.lastIndex, again.entries.map((e) => e.term)]).toEqual([3, 2, 4, [2]]);
    const sm2 = KvStateMachine.fromData(snap.data);
    expect([sm2.get('a'), sm2.get('b')]).toEqual([1, [1, { c: 2 }]]);
    // The store keeps appending after the snapshot point.
    again.append([{ term: 3, cmd: null }]);
    again.sync();
    again.close();
    expect(new LogStore(dir, NO_BUGS, snap).lastIndex).toBe(5);
  });

  it('a snapshot the log disagrees with replaces the whole log', () => {
    const dir = tmp();
    const store = new LogStore(dir, NO_BUGS);
    store.append([{ term: 1, cmd: null }, { term: 1, cmd: null }, { term: 3, cmd: null }]);
    writeSnapshot(dir, { index: 5, term: 4, data: [] });
    store.compactTo(5, 4, false);
    store.close();
    const again = new LogStore(dir, NO_BUGS, readSnapshot(dir));
    expect([again.snapIndex, again.lastIndex, again.entries.length]).toEqual([5, 5, 0]);
  });
});
