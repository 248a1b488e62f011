/**
 * Maelstrom's services as state machines: lin-kv's exact replies and errors, seq-kv's per-client
 * monotonic (possibly stale) views, lww-kv's convergence, lin-tso's counter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinKv, LinTso, LwwKv, SeqKv, replyOf, type MaelstromBody } from '../../../harness/middle/maelstrom/index.js';

describe('lin-kv', () => {
  const table: [string, MaelstromBody, MaelstromBody][] = [
    ['read of a missing key', { type: 'read', key: 'a' }, { type: 'error', code: 20, text: 'key does not exist' }],
    ['write', { type: 'write', key: 'a', value: 1 }, { type: 'write_ok' }],
    ['read', { type: 'read', key: 'a' }, { type: 'read_ok', value: 1 }],
    ['cas whose from differs', { type: 'cas', key: 'a', from: 2, to: 3 }, { type: 'error', code: 22, text: 'current value 1 is not 2' }],
    ['cas', { type: 'cas', key: 'a', from: 1, to: 3 }, { type: 'cas_ok' }],
    ['read after cas', { type: 'read', key: 'a' }, { type: 'read_ok', value: 3 }],
    ['cas of a missing key', { type: 'cas', key: 'b', from: 1, to: 2 }, { type: 'error', code: 20, text: 'key does not exist' }],
    ['cas creating a missing key', { type: 'cas', key: 'b', from: 1, to: 2, create_if_not_exists: true }, { type: 'cas_ok' }],
    ['read of the created key', { type: 'read', key: 'b' }, { type: 'read_ok', value: 2 }],
    ['key 1 differs from key "1"', { type: 'read', key: 1 }, { type: 'error', code: 20, text: 'key does not exist' }],
    ['structured values compare by content', { type: 'write', key: 'o', value: { x: [1, 2], y: 'z' } }, { type: 'write_ok' }],
    ['cas with the same object, other key order', { type: 'cas', key: 'o', from: { y: 'z', x: [1, 2] }, to: null }, { type: 'cas_ok' }],
    ['null is a value', { type: 'read', key: 'o' }, { type: 'read_ok', value: null }],
    ['missing field', { type: 'write', key: 'a' }, { type: 'error', code: 12, text: 'lin-kv write needs "key", "value"; missing value' }],
    ['unknown type', { type: 'append', key: 'a' }, { type: 'error', code: 10, text: 'lin-kv does not support "append"; it answers read, write and cas' }],
  ];
  it('answers a sequence of requests exactly as Maelstrom', () => {
    const kv = new LinKv();
    for (const [what, req, want] of table) expect(kv.handle('n0', req), what).toEqual(want);
  });

  it('adds in_reply_to from the request msg_id', () => {
    expect(replyOf(new LinKv(), 'n0', { type: 'read', key: 1, msg_id: 9 })).toMatchObject({ in_reply_to: 9, code: 20 });
  });

  it('behaves like a register per key (property)', () => {
    const op = fc.oneof(
      fc.record({ type: fc.constant('read'), key: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ type: fc.constant('write'), key: fc.integer({ min: 0, max: 2 }), value: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ type: fc.constant('cas'), key: fc.integer({ min: 0, max: 2 }), from: fc.integer({ min: 0, max: 3 }), to: fc.integer({ min: 0, max: 3 }) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const kv = new LinKv();
      const model = new Map<number, number>();
      for (const o of ops) {
        const r = kv.handle('n0', o as MaelstromBody);
        const cur = model.get(o.key);
        if (o.type === 'read') expect(r).toEqual(cur === undefined ? expect.objectContaining({ code: 20 }) : { type: 'read_ok', value: cur });
        if (o.type === 'write') model.set(o.key, (o as { value: number }).value);
        if (o.type === 'cas') {
          const { from, to } = o as { from: number; to: number };
          if (cur === undefined) expect(r.code).toBe(20);
          else if (cur !== from) expect(r.code).toBe(22);
          else { expect(r.type).toBe('cas_ok'); model.set(o.key, to); }
        }
      }
    }));
  });
});

describe('seq-kv', () => {
  it('gives each client a monotonic view that includes its own writes', () => {
    fc.assert(fc.property(fc.integer(), fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()), { maxLength: 200 }), (seed, steps) => {
      const kv = new SeqKv({ seed, maxLag: 8 });
      // One counter key, written with increasing values: a read's value is the version it saw.
      let next = 1;
      const lastSeen = new Map<string, number>();
      const ownLast = new Map<string, number>();
      kv.handle('setup', { type: 'write', key: 'k', value: 0 });
      for (const [c, write] of steps) {
        const client = `c${c}`;
        if (write) {
          expect(kv.handle(client, { type: 'write', key: 'k', value: next }).type).toBe('write_ok');
          ownLast.set(client, next);
          lastSeen.set(client, next++);
        } else {
          const r = kv.handle(client, { type: 'read', key: 'k' });
          const v = r.type === 'read_ok' ? (r.value as number) : -1;
          // Never back in time, never before its own last write, never from the future.
          expect(v).toBeGreaterThanOrEqual(lastSeen.get(client) ?? -1);
          expect(v).toBeGreaterThanOrEqual(ownLast.get(client) ?? -1);
          expect(v).toBeLessThan(next);
          lastSeen.set(client, v);
        }
      }
    }));
  });

  it('does serve stale reads to a client that has not written', () => {
    const kv = new SeqKv({ seed: 5 });
    for (let i = 0; i < 20; i++) kv.handle('writer', { type: 'write', key: 'k', value: i });
    const reads = Array.from({ length: 50 }, () => kv.handle('reader', { type: 'read', key: 'k' }).value as number);
    expect(reads.some((v) => v < 19)).toBe(true);
    expect(reads.at(-1)).toBeLessThanOrEqual(19);
  });

  it('runs a succeeding cas at the head, so it never overwrites a newer value', () => {
    const kv = new SeqKv({ seed: 2 });
    kv.handle('a', { type: 'write', key: 'k', value: 1 });
    kv.handle('a', { type: 'write', key: 'k', value: 2 });
    // A new client may see any state (even "no key": code 20), and at 1 the cas would "succeed" —
    // so it is re-run at the head, where it fails.
    for (let i = 0; i < 20; i++) {
      const r = kv.handle(`b${i}`, { type: 'cas', key: 'k', from: 1, to: 9 });
      expect([20, 22]).toContain(r.code);
    }
    expect(kv.peek('k')).toBe(2);
    expect(kv.handle('a', { type: 'cas', key: 'k', from: 2, to: 3 })).toEqual({ type: 'cas_ok' });
    expect(kv.peek('k')).toBe(3);
  });

  it('keeps memory bounded: old versions are trimmed', () => {
    const kv = new SeqKv({ seed: 1, maxLag: 4 });
    for (let i = 0; i < 10_000; i++) kv.handle('w', { type: 'write', key: 'k', value: i });
    const h = (kv as unknown as { keys: Map<string, unknown[]> }).keys.get('sk')!;
    expect(h.length).toBeLessThanOrEqual(6);
  });
});

describe('lww-kv', () => {
  it('converges on the last write after the propagation delay, and can be stale before', () => {
    let now = 0;
    const kv = new LwwKv({ seed: 3, replicas: 3, propagationMs: 100, now: () => now });
    kv.handle('n0', { type: 'write', key: 'k', value: 'a' });
    const before = [0, 1, 2].map((i) => kv.peek(i, 'k'));
    expect(before.filter((v) => v === 'a')).toHaveLength(1);
    now = 101;
    expect([0, 1, 2].map((i) => kv.peek(i, 'k'))).toEqual(['a', 'a', 'a']);
  });

  it('can lose the later of two writes made through different replicas (last write wins by Lamport clock)', () => {
    let now = 0;
    const kv = new LwwKv({ seed: 11, replicas: 2, propagationMs: 50, now: () => now });
    // Replica clocks drift apart while updates have not propagated yet…
    for (let i = 0; i < 200; i++) kv.handle('n0', { type: 'write', key: 'warm', value: i });
    // …so a write through the replica that is behind loses to an earlier one through the other.
    for (let i = 0; i < 10; i++) {
      kv.handle('n0', { type: 'write', key: `k${i}`, value: `x${i}` });
      kv.handle('n1', { type: 'write', key: `k${i}`, value: `y${i}` });
    }
    now = 100;
    const finals = Array.from({ length: 10 }, (_, i) => kv.peek(0, `k${i}`));
    expect(Array.from({ length: 10 }, (_, i) => kv.peek(1, `k${i}`))).toEqual(finals);
    // Some earlier write (x) won over the later one (y): a lost update, as LWW allows.
    expect(finals.some((v) => String(v).startsWith('x'))).toBe(true);
  });
});

describe('lin-tso', () => {
  it('hands out 0, 1, 2, … and rejects other types', () => {
    const t = new LinTso();
    expect([0, 1, 2].map(() => t.handle('n0', { type: 'ts' }))).toEqual([0, 1, 2].map((ts) => ({ type: 'ts_ok', ts })));
    expect(t.handle('n0', { type: 'read' })).toMatchObject({ type: 'error', code: 10 });
  });
});
