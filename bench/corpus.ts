/**
 * The porcupine acceptance corpus, checked in this thread (checkLinearizableSync) with parsing and
 * pairing done up front and excluded from the timings: the like-for-like comparison with
 * porcupine's CheckEvents. Porcupine runs in the same session, pass after pass alternating with ours
 * (its run.sh beside the project; each file in its own process, CheckEvents timed inside it), so a
 * ratio never mixes two machine states; without run.sh the manifest's figures are shown, marked so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLinearizableSync, type ModelSpec } from '../checkers/linearizable/index.js';
import { pairOps, parsePorcupineEtcd, parsePorcupineKv, type Operation } from '../harness/ground/history/index.js';
import { median, porcupineRunner, runPorcupine } from './porcupine.js';

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



const ms = (x: number): string => x.toFixed(1);

/** Porcupine's CheckEvents time per family for one pass over the corpus (each file its own process). */
async function porcupinePass(runSh: string, dir: string, files: Loaded[]): Promise<{ ms: Record<string, number>; matches: Record<string, number> }> {
  const ms: Record<string, number> = { 'jepsen-etcd': 0, kv: 0 };
  const matches: Record<string, number> = { 'jepsen-etcd': 0, kv: 0 };
  for (const f of files) {
    const r = await runPorcupine(runSh, ['-format', f.entry.family === 'kv' ? 'kv' : 'etcd'], path.join(dir, f.entry.file), 3);
    ms[f.entry.family] += r.checkMs;
    if ((r.verdict === 'linearizable') === f.expected) matches[f.entry.family]++;
  }
  return { ms, matches };
}

const x = (r: number): string => `${r.toFixed(2)}×`;

export async function runCorpus(passes = PASSES): Promise<void> {
  const dir = corpusDir();
  console.log(`== Porcupine corpus (${dir}) ==`);
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    console.log(`corpus not found: ${dir}/manifest.json (set FAULTLINE_CORPUS); skipped`);
    return;
  }
  const { files, parseMs, pairMs } = load(dir);
  const { runSh, why } = porcupineRunner();
  console.log(`parsed ${files.length} files in ${ms(parseMs)} ms, paired in ${ms(pairMs)} ms (both excluded below)`);
  console.log(`ours: in-thread checkLinearizableSync, verdict only; etcd: cas-register {failedCas: 'compare-failed'}, kv: kv {initial: ''}`);
  console.log(runSh
    ? `porcupine: ${runSh}, each file its own process, CheckEvents median of 3 inside it; ${passes} passes, ours and porcupine's alternating, after a warm-up of each`
    : `porcupine: ${why}; its times below are the manifest's (another session), not comparable`);

  pass(files, false); // warm-up: JIT, model code, memo-table growth paths
  if (runSh) await porcupinePass(runSh, dir, files); // warm-up: page cache, the build
  const ours: Pass[] = [];
  const theirs: { ms: Record<string, number>; matches: Record<string, number> }[] = [];
  for (let i = 0; i < passes; i++) {
    ours.push(pass(files, false));
    if (runSh) theirs.push(await porcupinePass(runSh, dir, files));
  }
  const manifestMs = (fam: string): number => files.filter((f) => fam === 'all' || f.entry.family === fam)
    .reduce((n, f) => n + f.entry.porcupine_go.median_ms, 0);
  const famMs = (p: { ms: Record<string, number> }, fam: string): number => (fam === 'all' ? p.ms['jepsen-etcd'] + p.ms.kv : p.ms[fam]);

  console.log(`\n${'family'.padEnd(13)}${'files'.padStart(6)}${'ops'.padStart(7)}${'ours ms min/med'.padStart(18)}` +
    `${'porcupine ms min/med'.padStart(23)}${'ratio min/med'.padStart(16)}${'verdicts ours/porc.'.padStart(21)}`);
  const ratios: Record<string, number> = {};
  for (const fam of [...FAMILIES, 'all'] as const) {
    const fs_ = files.filter((f) => fam === 'all' || f.entry.family === fam);
    const ops = fs_.reduce((n, f) => n + f.entry.ops, 0);
    const o = ours.map((p) => famMs(p, fam));
    const t = runSh ? theirs.map((p) => famMs(p, fam)) : [manifestMs(fam)];
    const r = runSh ? o.map((v, i) => v / t[i]) : [median(o) / t[0]];
    ratios[fam] = median(r);
    const om = Math.min(...ours.map((p) => (fam === 'all' ? p.matches['jepsen-etcd'] + p.matches.kv : p.matches[fam])));
    const tm = runSh ? Math.min(...theirs.map((p) => (fam === 'all' ? p.matches['jepsen-etcd'] + p.matches.kv : p.matches[fam]))) : NaN;
    console.log(`${(fam === 'all' ? 'whole corpus' : fam).padEnd(13)}${String(fs_.length).padStart(6)}${String(ops).padStart(7)}` +
      `${`${ms(Math.min(...o))}/${ms(median(o))}`.padStart(18)}${`${ms(Math.min(...t))}/${ms(median(t))}${runSh ? '' : ' (manifest)'}`.padStart(23)}` +
      `${`${x(Math.min(...r))}/${x(median(r))}`.padStart(16)}${`${om}/${runSh ? tm : '-'} of ${fs_.length}`.padStart(21)}`);
  }
  const unknown = Math.max(...ours.map((p) => p.unknown));
  console.log(`\nfloors (median ratio): kv ≤ 0.5× → ${x(ratios.kv)} ${ratios.kv <= 0.5 ? 'within' : 'OVER'}; ` +
    `whole corpus ≤ 0.25× → ${x(ratios.all)} ${ratios.all <= 0.25 ? 'within' : 'OVER'}; unknown verdicts: ${unknown}` +
    `${runSh ? '' : ' (ratios against manifest figures: not a same-session measurement)'}`);

  // Explanations (ours only): bounded by the verdict's cost, deterministic.
  const expl = Array.from({ length: passes }, () => pass(files, true));
  console.log(`with explanations (ours): ${expl.map((p) => ms(p.ms['jepsen-etcd'] + p.ms.kv)).join(', ')} ms per pass ` +
    `(kv ${expl.map((p) => ms(p.ms.kv)).join(', ')} ms); verdicts match ${Math.min(...expl.map((p) => p.matches['jepsen-etcd'] + p.matches.kv))}/${files.length}`);
}
