/**
 * The porcupine acceptance corpus, checked in this thread (checkLinearizableSync) with parsing and
 * pairing done up front and excluded from the timings: the like-for-like comparison with
 * porcupine's CheckEvents, whose times the manifest records (porcupine_go.median_ms).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLinearizableSync, type ModelSpec } from '../checkers/linearizable/index.js';
import { pairOps, parsePorcupineEtcd, parsePorcupineKv, type Operation } from '../harness/history/index.js';

interface ManifestEntry {
  file: string;
  family: 'jepsen-etcd' | 'kv';
  expected: 'linearizable' | 'not-linearizable' | 'unknown';
  ops: number;
  porcupine_go: { verdict: string; median_ms: number };
}

interface Loaded {
  entry: ManifestEntry;
  ops: Operation[];
  model: ModelSpec;
  /** Expected verdict; etcd_095 ("unknown", empty) is trivially linearizable. */
  expected: boolean;
}

const FAMILIES = ['jepsen-etcd', 'kv'] as const;
const MODELS: Record<ManifestEntry['family'], ModelSpec> = {
  'jepsen-etcd': { name: 'cas-register', options: { failedCas: 'compare-failed' } },
  kv: { name: 'kv', options: { initial: '' } },
};
const PASSES = 3;
const FLOOR_MS = 265;

export function corpusDir(): string {
  if (process.env.FAULTLINE_CORPUS) return process.env.FAULTLINE_CORPUS;
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url)); // dist/bench/ → repo
  return path.join(path.resolve(repoRoot, '../shared'), 'corpus', 'porcupine');
}

function load(dir: string): { files: Loaded[]; parseMs: number; pairMs: number } {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: ManifestEntry[] };
  let parseMs = 0, pairMs = 0;
  const files = manifest.files.map((entry) => {
    const text = fs.readFileSync(path.join(dir, entry.file), 'utf8');
    let t = performance.now();
    const raw = entry.family === 'kv' ? parsePorcupineKv(text, entry.file) : parsePorcupineEtcd(text, entry.file);
    parseMs += performance.now() - t;
    t = performance.now();
    const ops = pairOps(raw, entry.file);
    pairMs += performance.now() - t;
    return { entry, ops, model: MODELS[entry.family], expected: entry.expected !== 'not-linearizable' };
  });
  return { files, parseMs, pairMs };
}

interface Pass {
  ms: Record<string, number>;
  matches: Record<string, number>;
  unknown: number;
}

/** One pass over every file; time per family, checks only. */
function pass(files: Loaded[], explain: boolean): Pass {
  const ms: Record<string, number> = { 'jepsen-etcd': 0, kv: 0 };
  const matches: Record<string, number> = { 'jepsen-etcd': 0, kv: 0 };
  let unknown = 0;
  for (const f of files) {
    const t = performance.now();
    const r = checkLinearizableSync(f.ops, { model: f.model, explain, file: f.entry.file });
    ms[f.entry.family] += performance.now() - t;
    if (r.valid === f.expected) matches[f.entry.family]++;
    if (r.valid === 'unknown') unknown++;
  }
  return { ms, matches, unknown };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function measure(files: Loaded[], explain: boolean): { passes: Pass[]; family: Record<string, number>; total: number } {
  pass(files, explain); // warm-up: JIT, model code, memo-table growth paths
  const passes = Array.from({ length: PASSES }, () => pass(files, explain));
  const family: Record<string, number> = {};
  for (const fam of FAMILIES) family[fam] = median(passes.map((p) => p.ms[fam]));
  const total = median(passes.map((p) => p.ms['jepsen-etcd'] + p.ms.kv));
  return { passes, family, total };
}

const ms = (x: number): string => x.toFixed(1);

export function runCorpus(): void {
  const dir = corpusDir();
  console.log(`== Porcupine corpus (${dir}) ==`);
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    console.log(`corpus not found: ${dir}/manifest.json (set FAULTLINE_CORPUS); skipped`);
    return;
  }
  const { files, parseMs, pairMs } = load(dir);
  console.log(`parsed ${files.length} files in ${ms(parseMs)} ms, paired in ${ms(pairMs)} ms (both excluded below)`);
  console.log(`in-thread checkLinearizableSync; median of ${PASSES} full passes after 1 warm-up; etcd: cas-register ` +
    `{failedCas: 'compare-failed'}, kv: kv {initial: ''}`);

  const fast = measure(files, false);
  const full = measure(files, true);

  const head = `${'family'.padEnd(13)}${'files'.padStart(6)}${'ops'.padStart(7)}${'verdict-only ms'.padStart(17)}` +
    `${'explain ms'.padStart(12)}${'porcupine ms'.padStart(14)}${'ratio'.padStart(8)}${'ratio expl.'.padStart(13)}` +
    `${'verdicts match'.padStart(16)}`;
  console.log(`\n${head}`);
  const row = (name: string, nFiles: number, ops: number, a: number, b: number, por: number, match: string): void => {
    console.log(`${name.padEnd(13)}${String(nFiles).padStart(6)}${String(ops).padStart(7)}${ms(a).padStart(17)}` +
      `${ms(b).padStart(12)}${ms(por).padStart(14)}${`${(a / por).toFixed(2)}×`.padStart(8)}${`${(b / por).toFixed(2)}×`.padStart(13)}` +
      `${match.padStart(16)}`);
  };
  let allFiles = 0, allOps = 0, allPor = 0, allMatch = 0, allMatchExpl = 0;
  for (const fam of FAMILIES) {
    const fs_ = files.filter((f) => f.entry.family === fam);
    const ops = fs_.reduce((n, f) => n + f.entry.ops, 0);
    const por = fs_.reduce((n, f) => n + f.entry.porcupine_go.median_ms, 0);
    // Verdicts are deterministic; report the worst pass so a flaky timeout would show.
    const m = Math.min(...fast.passes.map((p) => p.matches[fam]));
    const mx = Math.min(...full.passes.map((p) => p.matches[fam]));
    row(fam, fs_.length, ops, fast.family[fam], full.family[fam], por, `${m}/${fs_.length}${mx === m ? '' : ` (expl. ${mx})`}`);
    allFiles += fs_.length; allOps += ops; allPor += por; allMatch += m; allMatchExpl += mx;
  }
  row('whole corpus', allFiles, allOps, fast.total, full.total, allPor,
    `${allMatch}/${allFiles}${allMatchExpl === allMatch ? '' : ` (expl. ${allMatchExpl})`}`);
  const unknown = Math.max(...fast.passes.map((p) => p.unknown), ...full.passes.map((p) => p.unknown));
  console.log(`\nfloor: corpus ≤ ${FLOOR_MS} ms total (verdict-only) → ${ms(fast.total)} ms ` +
    `${fast.total <= FLOOR_MS ? 'within' : 'OVER'}; unknown verdicts: ${unknown}`);
  console.log(`per-pass totals, verdict-only: ${fast.passes.map((p) => ms(p.ms['jepsen-etcd'] + p.ms.kv)).join(', ')} ms; ` +
    `explain: ${full.passes.map((p) => ms(p.ms['jepsen-etcd'] + p.ms.kv)).join(', ')} ms`);
}
