/**
 * Node faults with real processes: kill/start (the PID really dies; the new one is re-initialised),
 * pause/resume (SIGSTOP/SIGCONT), and clock skew through libfaketime.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKETIME_LIB, RpcTimeout } from '../../../harness/middle/maelstrom/index.js';
import { alive, journalLines, startCluster, teardownAll, until } from './helpers.js';
import { skipUnless } from '../../support/require.js';

afterEach(teardownAll);

const HAVE_FAKETIME = fs.existsSync(FAKETIME_LIB);

describe('maelstrom node faults', () => {
  it('kills a node (its PID dies) and starts it again with a fresh init', async () => {
    const c = await startCluster('echo.mjs');
    const conn = c.client();
    const pid = c.pidOf('n1')!;
    await c.killable.kill('n1');
    expect(alive(pid)).toBe(false);
    expect(c.pidOf('n1')).toBeUndefined();
    expect(c.stateOf('n1')).toBe('stopped');
    await expect(conn.rpc('n1', { type: 'echo', echo: 1 }, 200)).rejects.toBeInstanceOf(RpcTimeout);
    expect(c.journal.stats().dropped.down).toBe(1);
    // Killing a dead node is a no-op; the others are unaffected.
    await c.killable.kill('n1');
    expect(await conn.rpc('n0', { type: 'echo', echo: 2 })).toMatchObject({ type: 'echo_ok' });

    await c.killable.start('n1');
    const pid2 = c.pidOf('n1')!;
    expect(pid2).not.toBe(pid);
    expect(alive(pid2)).toBe(true);
    expect(await conn.rpc('n1', { type: 'echo', echo: 3 })).toMatchObject({ type: 'echo_ok', echo: 3 });
    const inits = (await journalLines(c)).filter((l) => l.type === 'init' && l.dest === 'n1');
    expect(inits).toHaveLength(2);
    // An intended kill is no crash.
    expect(c.crashes).toEqual([]);
  });

  it('records a node that dies on its own as a crash with its signal', async () => {
    const c = await startCluster('echo.mjs');
    const pid = c.pidOf('n2')!;
    process.kill(pid, 'SIGTERM');
    await until(() => c.crashes.length === 1, 5_000, 'the crash to be recorded');
    expect(c.crashes[0]).toMatchObject({ node: 'n2', pid, signal: 'SIGTERM', expected: false });
    expect(c.stateOf('n2')).toBe('stopped');
    await c.killable.start('n2');
    expect(await c.client().rpc('n2', { type: 'echo', echo: 1 })).toMatchObject({ type: 'echo_ok' });
  });

  it('pauses a node (rpcs time out) and resumes it (it answers, queued requests too)', async () => {
    const c = await startCluster('echo.mjs');
    const conn = c.client();
    await c.pausable.pause('n0');
    expect(c.stateOf('n0')).toBe('paused');
    expect(fs.readFileSync(`/proc/${c.pidOf('n0')}/stat`, 'utf8')).toMatch(/\) T /);
    await expect(conn.rpc('n0', { type: 'echo', echo: 'while paused' }, 300)).rejects.toBeInstanceOf(RpcTimeout);
    expect(await conn.rpc('n1', { type: 'echo', echo: 'other' })).toMatchObject({ type: 'echo_ok' });
    await c.pausable.resume('n0');
    expect(await conn.rpc('n0', { type: 'echo', echo: 'after' })).toMatchObject({ type: 'echo_ok', echo: 'after' });
    // The request sent while paused waited in the pipe and was answered late.
    await until(() => conn.lateReplies === 1, 2_000, 'the late reply');
  });

  it('skews a node\'s Date.now() by about the offset through libfaketime', async (ctx) => {
    skipUnless(ctx, HAVE_FAKETIME, `libfaketime is not installed (${FAKETIME_LIB}); apt-get install -y faketime libfaketime`);
    const c = await startCluster('clock.mjs', { nodeCount: 2 });
    expect(c.clock).toBeDefined();
    const conn = c.client();
    // The node's clock minus ours at the midpoint of the round trip.
    const skewOf = async (node: string): Promise<number> => {
      const t0 = Date.now();
      const r = await conn.rpc(node, { type: 'time' });
      return (r.time as number) - (t0 + Date.now()) / 2;
    };
    // A loaded machine stretches round trips: poll until the skew is within 200 ms of the offset.
    const settlesAt = async (node: string, wantMs: number): Promise<number> => {
      let s = NaN;
      for (const end = Date.now() + 4_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
        s = await skewOf(node);
        if (Math.abs(s - wantMs) < 200) break;
      }
      return s;
    };
    expect(Math.abs(await settlesAt('n0', 0))).toBeLessThan(200);
    await c.clock!.setClockOffset('n0', 60_000);
    await c.clock!.setClockOffset('n1', -2_500);
    expect(c.clock!.clockOffsets()).toEqual({ n0: 60_000, n1: -2_500 });
    // Immediately, not within libfaketime's 1 s cache: the very next read of the clock is skewed.
    expect(Math.abs((await skewOf('n0')) - 60_000)).toBeLessThan(1_000);
    expect(Math.abs((await settlesAt('n0', 60_000)) - 60_000)).toBeLessThan(200);
    expect(Math.abs((await settlesAt('n1', -2_500)) + 2_500)).toBeLessThan(200);
    // The skew survives a restart: the clock belongs to the node's "host", not its process.
    await c.killable.kill('n1');
    await c.killable.start('n1');
    expect(Math.abs((await settlesAt('n1', -2_500)) + 2_500)).toBeLessThan(200);
    await c.clock!.setClockOffset('n0', 0);
  });

  // Runs everywhere: a library path that does not exist stands for a machine without libfaketime.
  it('explains why clock skew is unsupported without libfaketime', async () => {
    const c = await startCluster('clock.mjs', { nodeCount: 1, faketime: '/nonexistent/libfaketime.so.1' });
    expect(c.clock).toBeUndefined();
    expect(c.clockUnsupportedReason).toMatch(/libfaketime is not installed/);
  });

  it('says clock skew is unsupported when turned off', async () => {
    const c = await startCluster('echo.mjs', { nodeCount: 1, faketime: false });
    expect(c.clock).toBeUndefined();
    expect(c.clockUnsupportedReason).toMatch(/turned off/);
  });
});
