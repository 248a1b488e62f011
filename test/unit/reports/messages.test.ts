/**
 * Message counts from a network journal, including messages dropped on arrival (`lateDrop`), which
 * the journal first wrote as in flight; and the journal packed in chunks for the message diagram.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { expect, it } from 'vitest';
import zlib from 'node:zlib';
import { CHUNK_LINES, countMessages, readJournal } from '../../../reports/messages.js';

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

it('packs the journal in chunks of CHUNK_LINES lines that unpack to its text, with each chunk\'s first send time', async () => {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'msgs-'));
  const file = nodePath.join(dir, 'messages.jsonl');
  // 2.5 chunks; a body with non-ASCII text (chunk offsets are then counted in bytes), and a torn last line without its newline.
  const lines: string[] = [];
  for (let i = 0; i < 2.5 * CHUNK_LINES; i++) lines.push(JSON.stringify({ id: i, time: 1000 * i + 7, src: 'n0', dest: 'n1', type: 't', body: { s: i % 3 === 0 ? 'é→✓' : 'x' }, deliverAt: 1000 * i + 9 }));
  lines.push('{"id":9,"time":');
  const text = lines.join('\n');
  fs.writeFileSync(file, text);
  const j = await readJournal(file);
  fs.rmSync(dir, { recursive: true, force: true });
  expect(j.diagram.count).toBe(lines.length);
  expect(j.diagram.chunks).toHaveLength(3);
  const parts = j.diagram.chunks.map((c) => zlib.gunzipSync(Buffer.from(c, 'base64')).toString('utf8'));
  expect(parts.join('')).toBe(text);
  expect(parts.map((p) => p.split('\n').filter((l, k, all) => k < all.length - 1 || l !== '').length)).toEqual([CHUNK_LINES, CHUNK_LINES, lines.length - 2 * CHUNK_LINES]);
  expect(j.diagram.chunkSentUs).toEqual([0.007, (1000 * CHUNK_LINES + 7) / 1e3, (2000 * CHUNK_LINES + 7) / 1e3]);
  expect(j.counts.total).toBe(lines.length - 1);
  expect(j.counts.bad).toBe(1);
});

it('packs an empty journal as one empty chunk', async () => {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'msgs-'));
  const file = nodePath.join(dir, 'messages.jsonl');
  fs.writeFileSync(file, '');
  const j = await readJournal(file);
  fs.rmSync(dir, { recursive: true, force: true });
  expect(j.diagram.count).toBe(0);
  expect(j.diagram.chunks.map((c) => zlib.gunzipSync(Buffer.from(c, 'base64')).toString())).toEqual(['']);
  expect(j.diagram.chunkSentUs).toEqual([0]);
});
