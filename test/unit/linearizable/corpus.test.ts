/**
 * Acceptance: every history of porcupine's corpus (/work/shared/corpus/porcupine, see its README and
 * manifest.json) gets the verdict porcupine's own tests assert. Imported with porcupine's semantics
 * (docs/architecture.md, "Imported histories keep their authors' semantics"): etcd logs against a cas-register
 * whose failed cas means "the compare ran and failed", initially absent (null); kv logs against kv
 * with every key initially "". The corpus lives outside the repository: in CI a missing corpus is a
 * failure, locally a skip that says why.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkLinearizableSync, type ModelSpec } from '../../../checkers/linearizable/index.js';
import { pairOps, parsePorcupineEtcd, parsePorcupineKv, type Op } from '../../../harness/ground/history/index.js';

interface ManifestEntry {
  file: string;
  family: 'jepsen-etcd' | 'kv';
  format: 'jepsen-etcd-log' | 'kv-edn-lines';
  expected: 'linearizable' | 'not-linearizable' | 'unknown';
  ops: number;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const corpus = path.resolve(repoRoot, '../shared/corpus/porcupine');
const manifestPath = path.join(corpus, 'manifest.json');
const present = fs.existsSync(manifestPath);

const ETCD: ModelSpec = { name: 'cas-register', options: { failedCas: 'compare-failed' } };
const ETCD_KNOSSOS: ModelSpec = { name: 'cas-register', options: { failedCas: 'did-not-happen' } };
const KV: ModelSpec = { name: 'kv', options: { initial: '' } };

function load(entry: ManifestEntry): Op[] {
  const file = path.join(corpus, entry.file);
  const text = fs.readFileSync(file, 'utf8');
  return entry.format === 'jepsen-etcd-log' ? parsePorcupineEtcd(text, file) : parsePorcupineKv(text, file);
}

if (!present && process.env.CI === 'true') {
  describe('porcupine corpus verdicts', () => {
    it('is present in CI', () => {
      throw new Error(`the porcupine corpus is missing: ${manifestPath} does not exist (looked in ${corpus}); ` +
        'CI must provide the shared folder next to the repository');
    });
  });
} else if (!present) {
  const why = `porcupine corpus verdicts skipped: ${manifestPath} not found (looked in ${corpus}); put the shared folder next to the repo to run them`;
  console.warn(why);
  describe.skip(why, () => {
    it('checks every corpus file', () => {});
  });
} else {
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { files: ManifestEntry[] };

  describe('porcupine corpus verdicts', () => {
    it.each(manifest.files.map((e) => [e.file, e.expected, e] as const))('%s is %s', (_file, expected, entry) => {
      const ops = pairOps(load(entry), entry.file);
      expect(ops).toHaveLength(entry.ops);
      // `unknown` in the manifest is etcd_095, the empty file: an empty history is linearizable.
      if (expected === 'unknown') expect(ops).toHaveLength(0);
      const want = expected !== 'not-linearizable';

      const model = entry.family === 'kv' ? KV : ETCD;
      const r = checkLinearizableSync(ops, { model, timeoutMs: 30_000, minimizeMs: 2_000 });
      expect(r.valid, `${entry.file} with ${JSON.stringify(model)}`).toBe(want);
      if (!want) {
        const f = r.failures[0];
        expect(f, 'an explanation of the failure').toBeDefined();
        expect(f.counterexample.length).toBeGreaterThan(0);
        expect(f.candidates.length).toBeGreaterThan(0);
      }

      // The README: re-run with every failed cas dropped (Knossos' reading), the verdicts are identical.
      if (entry.family === 'jepsen-etcd') {
        const k = checkLinearizableSync(ops, { model: ETCD_KNOSSOS, timeoutMs: 30_000, explain: false });
        expect(k.valid, `${entry.file} with ${JSON.stringify(ETCD_KNOSSOS)}`).toBe(want);
      }
    });
  });
}
