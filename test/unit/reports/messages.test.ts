/**
 * Message counts from a network journal, including messages dropped on arrival (`lateDrop`), which
 * the journal first wrote as in flight.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { expect, it } from 'vitest';
import { countMessages } from '../../../reports/messages.js';

it('counts a message dropped on arrival as dropped, not delivered, and a torn line as bad', async () => {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'msgs-'));
  const file = nodePath.join(dir, 'messages.jsonl');
  fs.writeFileSync(file, [
    '{"id":0,"time":1,"src":"n0","dest":"n1","type":"append","body":{},"deliverAt":5}',
    '{"id":1,"time":2,"src":"n0","dest":"n1","type":"append","body":{},"deliverAt":6}',
    '{"id":2,"time":3,"src":"c1","dest":"n1","type":"read","body":{},"dropped":"partition"}',
    '{"id":1,"time":6,"src":"n0","dest":"n1","type":"append","lateDrop":"partition"}',
    '{"id":3,"time":7,"src":"n1"',
  ].join('\n'));
  const c = await countMessages(file);
  fs.rmSync(dir, { recursive: true, force: true });
  expect(c.total).toBe(3);
  expect(c.bad).toBe(1);
  const row = (endpoint: string, kind: string) => c.rows.find((r) => r.endpoint === endpoint && r.kind === kind)?.count;
  expect([row('n1', 'delivered'), row('n1', 'dropped'), row('n0', 'sent'), row('clients', 'sent')]).toEqual([1, 2, 2, 1]);
  expect(c.byType).toEqual([{ type: 'append', count: 2, dropped: 1 }, { type: 'read', count: 1, dropped: 1 }]);
});
