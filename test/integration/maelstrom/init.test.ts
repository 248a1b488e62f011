import fs from 'node:fs';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InitError, MaelstromCluster } from '../../../harness/middle/maelstrom/index.js';
import { alive, journalLines, nodeBin, startCluster, teardownAll, tempDir } from './helpers.js';

afterEach(teardownAll);

describe('maelstrom init handshake', () => {
  it.each([3, 5])('starts %i nodes, each answering init_ok', async (n) => {
    const c = await startCluster('echo.mjs', { nodeCount: n });
    expect(c.nodes).toEqual(Array.from({ length: n }, (_, i) => `n${i}`));
    for (const node of c.nodes) expect(alive(c.pidOf(node)!)).toBe(true);
    const lines = await journalLines(c);
    const inits = lines.filter((l) => l.type === 'init');
    expect(inits.map((l) => l.dest).sort()).toEqual([...c.nodes].sort());
    expect((inits[0].body as { node_ids: string[] }).node_ids).toEqual(c.nodes);
    expect(lines.filter((l) => l.type === 'init_ok')).toHaveLength(n);
    // Each node's stderr went to its log.
    const log = fs.readFileSync(nodePath.join(nodePath.dirname(c.journal.path), 'nodes', 'n1.log'), 'utf8');
    expect(log).toContain(`init as n1 of ${c.nodes.join(',')}`);
  });

  it('names the nodes that never answer init, with the end of their stderr', async () => {
    const dir = tempDir('no-init');
    const err = await MaelstromCluster.start({ bin: nodeBin('no-init.mjs'), nodeCount: 2, dir, seed: 1, initTimeoutMs: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InitError);
    const msg = (err as Error).message;
    expect(msg).toContain('2 of 2 nodes did not initialise: n0, n1');
    expect(msg).toContain('n0: did not answer init within 500 ms');
    expect(msg).toContain('no-init: starting, will not answer init');
    expect(msg).toContain('init_ok');
  });

  it('reports a node that exits during init with its exit code, without waiting for the timeout', async () => {
    const t0 = Date.now();
    const err = await MaelstromCluster.start({
      bin: nodeBin('no-init.mjs'), nodeCount: 1, dir: tempDir('exit-init'), seed: 1, env: { NO_INIT_EXIT: '3' },
    }).catch((e: unknown) => e as Error);
    expect((err as Error).message).toContain('n0: exited with code 3 before answering init');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('says a missing binary is missing', async () => {
    const err = await MaelstromCluster.start({ bin: '/nonexistent/node-bin', nodeCount: 2, dir: tempDir('missing'), seed: 1 }).catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(/cannot start n0: \/nonexistent\/node-bin was not found \(ENOENT\)/);
  });
});
