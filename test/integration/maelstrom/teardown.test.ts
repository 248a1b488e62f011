/**
 * Teardown stops everything the cluster started — nodes and their own children — and leaves no
 * libfaketime shm files of dead PIDs behind.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnClosed, FAKETIME_LIB } from '../../../harness/middle/maelstrom/index.js';
import { alive, startCluster, teardownAll, tempDir, until } from './helpers.js';
import { skipUnless } from '../../support/require.js';

afterEach(teardownAll);

const shmOf = (pid: number): string[] =>
  [`/dev/shm/faketime_shm_${pid}`, `/dev/shm/sem.faketime_sem_${pid}`].filter((f) => fs.existsSync(f));

describe('maelstrom teardown', () => {
  it('leaves no process behind, not even a node\'s child, and is idempotent', async () => {
    const c = await startCluster('spawner.mjs');
    const conn = c.client();
    const grandchildren: number[] = [];
    for (const n of c.nodes) grandchildren.push((await conn.rpc(n, { type: 'echo', echo: 0 })).grandchild as number);
    const pids = c.nodes.map((n) => c.pidOf(n)!);
    for (const p of [...pids, ...grandchildren]) expect(alive(p)).toBe(true);
    await c.pausable.pause('n1');
    const pending = conn.rpc('n0', { type: 'never-answered' }, 10_000).catch((e: unknown) => e);
    await c.teardown();
    expect(await pending).toBeInstanceOf(ConnClosed);
    for (const p of pids) expect(alive(p)).toBe(false);
    // Orphans are reaped late by PID 1; dead (or zombie) is what counts.
    await until(() => grandchildren.every((p) => !alive(p)), 3_000, 'the nodes\' children to die');
    await c.teardown();
    expect(() => c.client()).toThrow(/torn down/);
  });

  it('removes libfaketime\'s shm files of killed nodes', async (ctx) => {
    skipUnless(ctx, fs.existsSync(FAKETIME_LIB), `libfaketime is not installed (${FAKETIME_LIB})`);
    const c = await startCluster('echo.mjs', { nodeCount: 2 });
    const pid = c.pidOf('n0')!;
    await until(() => shmOf(pid).length > 0, 2_000, 'libfaketime to create its shm files');
    await c.killable.kill('n0');
    expect(shmOf(pid)).toEqual([]);
    const pid1 = c.pidOf('n1')!;
    await c.teardown();
    expect(shmOf(pid1)).toEqual([]);
  });

  it('never throws, even when torn down before setup', async () => {
    const { MaelstromCluster } = await import('../../../harness/middle/maelstrom/index.js');
    const c = new MaelstromCluster({ bin: 'x', nodeCount: 1, dir: tempDir('never-set-up'), seed: 1 });
    await expect(c.teardown()).resolves.toBeUndefined();
  });
});
