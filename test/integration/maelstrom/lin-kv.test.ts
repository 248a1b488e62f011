/**
 * The services through the network: a node proxying client requests to lin-kv, and clients calling
 * the services directly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCluster, teardownAll } from './helpers.js';

afterEach(teardownAll);

describe('maelstrom services through the network', () => {
  it('serves read/write/cas through a node proxying to lin-kv, with Maelstrom\'s error codes', async () => {
    const c = await startCluster('lin-kv-proxy.mjs', { latency: { kind: 'uniform', minMs: 1, maxMs: 5 } });
    const a = c.client();
    const b = c.client();
    expect(await a.rpc('n0', { type: 'read', key: 'x' })).toMatchObject({ type: 'error', code: 20 });
    expect(await a.rpc('n0', { type: 'write', key: 'x', value: 1 })).toMatchObject({ type: 'write_ok' });
    expect(await b.rpc('n1', { type: 'read', key: 'x' })).toMatchObject({ type: 'read_ok', value: 1 });
    expect(await b.rpc('n2', { type: 'cas', key: 'x', from: 2, to: 3 })).toMatchObject({ type: 'error', code: 22 });
    expect(await b.rpc('n2', { type: 'cas', key: 'x', from: 1, to: 3 })).toMatchObject({ type: 'cas_ok' });
    expect(await a.rpc('n0', { type: 'cas', key: 'y', from: 0, to: 1 })).toMatchObject({ type: 'error', code: 20 });
    expect(await a.rpc('n0', { type: 'cas', key: 'y', from: 0, to: 1, create_if_not_exists: true })).toMatchObject({ type: 'cas_ok' });
    expect(await a.rpc('n1', { type: 'read', key: 'y' })).toMatchObject({ type: 'read_ok', value: 1 });
    const s = c.journal.stats();
    expect(s.byNode['lin-kv']).toMatchObject({ received: 8, sent: 8 });
  });

  it('answers clients that call the services directly', async () => {
    const c = await startCluster('echo.mjs', { nodeCount: 1 });
    const conn = c.client();
    expect(await conn.rpc('lin-tso', { type: 'ts' })).toMatchObject({ type: 'ts_ok', ts: 0 });
    expect(await conn.rpc('lin-tso', { type: 'ts' })).toMatchObject({ type: 'ts_ok', ts: 1 });
    expect(await conn.rpc('seq-kv', { type: 'write', key: 1, value: [1, 2] })).toMatchObject({ type: 'write_ok' });
    expect(await conn.rpc('seq-kv', { type: 'read', key: 1 })).toMatchObject({ type: 'read_ok', value: [1, 2] });
    expect(await conn.rpc('lww-kv', { type: 'write', key: 'k', value: 'v' })).toMatchObject({ type: 'write_ok' });
    expect(await conn.rpc('lin-kv', { type: 'frobnicate' })).toMatchObject({ type: 'error', code: 10 });
    expect(await conn.rpc('lin-kv', { type: 'cas', key: 1, to: 2 })).toMatchObject({ type: 'error', code: 12 });
    await expect(conn.rpc('no-such-service', { type: 'ts' })).rejects.toThrow(/"no-such-service", which is not on the network; known destinations: n0, lin-kv/);
  });
});
