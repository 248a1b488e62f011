/**
 * What a node prints is validated line by line; every invalid line becomes a protocol error naming
 * the node, quoting the line and saying what was expected.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RpcTimeout, type NodeProtocolError } from '../../../targets/maelstrom/index.js';
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

  it('rejects a reply whose body has no type, and the client times out', async () => {
    const c = await startCluster('bad-json.mjs', { nodeCount: 1 });
    await until(() => c.protocolErrorCount === 1, 3_000, 'the init-time bad line');
    await expect(c.client().rpc('n0', { type: 'echo', echo: 1 }, 300)).rejects.toBeInstanceOf(RpcTimeout);
    expect(c.protocolErrorCount).toBe(2);
    const e = c.protocolErrors[1];
    expect(e.problem).toBe('its body has no "type"');
    expect(e.expected).toMatch(/a body with a string "type"/);
    expect(e.line).toBe('{"src":"n0","dest":"c1","body":{"in_reply_to":1,"echo":1}}');
  });
});
