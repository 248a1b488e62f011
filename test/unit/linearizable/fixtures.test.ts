/**
 * Hand-written Faultline JSONL histories (test/fixtures/linearizable): the file name says the model
 * (its leading words, e.g. `cas-register-…`) and the verdict (`…-valid.jsonl` / `…-invalid.jsonl`).
 * Each is read with the JSONL reader, checked with the model's defaults, and cross-checked with the
 * brute-force oracle.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkLinearizableSync, MODELS } from '../../../checkers/linearizable/index.js';
import { pairOps, readJsonlSync } from '../../../harness/ground/history/index.js';
import { kvRef, mutexRef, oracleCheck, queueRef, registerRef, setRef, type Reference } from './oracle.js';

const dir = fileURLToPath(new URL('../../fixtures/linearizable/', import.meta.url));
const REFS: Record<string, Reference> = {
  register: registerRef(false),
  'cas-register': registerRef(true),
  kv: kvRef(),
  mutex: mutexRef(),
  set: setRef(),
  'fifo-queue': queueRef(true),
  'unordered-queue': queueRef(false),
};

/** The model named by the longest model name the file name starts with, and the expected verdict. */
function parseName(file: string): { model: string; valid: boolean } {
  const m = /^(.*)-(valid|invalid)\.jsonl$/.exec(file);
  if (!m) throw new Error(`${file}: fixture names end in -valid.jsonl or -invalid.jsonl`);
  const model = Object.keys(MODELS).filter((n) => m[1].startsWith(`${n}-`)).sort((a, b) => b.length - a.length)[0];
  if (!model) throw new Error(`${file}: the name must start with a model name (${Object.keys(MODELS).join(', ')})`);
  return { model, valid: m[2] === 'valid' };
}

const files = fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();

describe('linearizability fixtures', () => {
  it('cover every model the properties cover, valid and invalid', () => {
    const seen = new Set(files.map((f) => { const p = parseName(f); return `${p.model}-${p.valid}`; }));
    for (const model of Object.keys(REFS)) {
      expect(seen.has(`${model}-true`), `${model} valid`).toBe(true);
      expect(seen.has(`${model}-false`), `${model} invalid`).toBe(true);
    }
  });

  it.each(files)('%s', (file) => {
    const { model, valid } = parseName(file);
    const history = readJsonlSync(path.join(dir, file));
    const r = checkLinearizableSync(pairOps(history, file), { model: { name: model }, file });
    expect(r.valid).toBe(valid);
    if (!valid) {
      expect(r.failures[0].counterexample.length).toBeGreaterThan(0);
    }
    expect(oracleCheck(REFS[model], history), 'the oracle agrees').toBe(valid);
  });
});
