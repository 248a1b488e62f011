/**
 * What a node prints is validated line by line; every invalid line becomes a protocol error naming
 * the node, quoting the line and saying what was expected.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RpcTimeout, type NodeProtocolError } from '../../../harness/middle/maelstrom/index.js';
import { startCluster, teardownAll, until } from './helpers.js';

afterEach(teardownAll);

describe('maelstrom protocol errors', () => {
  it('names the node and quotes the non-JSON line it printed', async () => {
    const seen: NodeProtocolError[] = [];
    const c = await startCluster('bad-json.mjs', { nodeCount: 2, onProtocolError: (e) => seen.push(e) });
    await until(() => c.protocolErrors.length === 2, 3_000, 'both nodes\' bad lines');
    const e = c.protocolErrors.find((x) => x.node === 'n1')!;
    expect(e.line).toBe('DEBUG n1: ready to serve {not json}');
    expect(e.problem).toMatch(/^it is not JSON/);
    expect(e.message).toMatch(/^n1 printed an invalid message on stdout: it is not JSON/);
    expect(e.message).toContain('print logs and debug output to stderr');
    expect(e.message).toContain('DEBUG n1: ready to serve {not json}');
    expect(seen).toHaveLength(2);
    const log = fs.readFileSync(nodePath.join(nodePath.dirname(c.journal.path), 'harness.log'), 'utf8');
    expect(log).toContain('protocol error: n0 printed an invalid message on stdout');
  });

  it('drops a last line torn by our kill, but reports one left by a node that died on its own', async () => {
    const c = await startCluster('torn-line.mjs', { nodeCount: 2 });
    const conn = c.client();
    await expect(conn.rpc('n0', { type: 'tear' }, 200)).rejects.toBeInstanceOf(RpcTimeout);
    await c.killable.kill('n0');
    const logOf = (n: string): string => fs.readFileSync(nodePath.join(nodePath.dirname(c.journal.path), 'nodes', `${n}.log`), 'utf8');
    await until(() => /dropped the unterminated last line of 30 chars on stdout: the node was killed while writing it/.test(logOf('n0')), 3_000, 'the note in n0.log');
    expect(c.protocolErrorCount).toBe(0);
    await expect(conn.rpc('n1', { type: 'tear_and_exit' }, 200)).rejects.toBeInstanceOf(RpcTimeout);
    await until(() => c.protocolErrorCount === 1, 3_000, 'the torn line of the node that exited');
    expect(c.protocolErrors[0]).toMatchObject({ node: 'n1' });
    expect(c.protocolErrors[0].problem).toMatch(/^it is not JSON/);
  });

  it('delivers a reply whose body has no type, as Maelstrom\'s network does, with a warning (#19)', async () => {
    const c = await startCluster('bad-json.mjs', { nodeCount: 1 });
    await until(() => c.protocolErrorCount === 1, 3_000, 'the init-time bad line');
    const reply = await c.client().rpc('n0', { type: 'echo', echo: 1 }, 1_000);
    expect(reply).toMatchObject({ in_reply_to: 1, echo: 1 });
    expect(reply.type).toBeUndefined();
    expect(c.protocolErrorCount).toBe(1);
    const w = [...c.protocolWarnings.values()];
    expect(w).toEqual([expect.objectContaining({ node: 'n0', rule: 'body-type', count: 1 })]);
    expect(w[0].text).toMatch(/no "type": Maelstrom's network does not check bodies, so Faultline delivers it/);
  });
});
