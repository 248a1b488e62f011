/**
 * `faultline report <history-file>` through the built CLI: an imported transactional history gets a
 * page with Elle's view (the cycle as SVG, the models table), a non-transactional one the
 * linearizability view; one file is written where the user said (or beside the history), nothing
 * else (no store index); options of the wrong mode are one sentence and exit 254.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = (f: string): string => nodePath.join(root, 'test/fixtures', f);
function report(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [nodePath.join(root, 'dist/harness/top/cli/main.js'), 'report', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-report-history-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

describe('faultline report <history-file>', () => {
  it('an Elle G-single history: the cycle as SVG, its steps and the models table, beside the history', () => {
    const h = nodePath.join(dir, 'g-single.edn');
    fs.copyFileSync(fixture('elle/g-single.edn'), h);
    const r = report(h);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const page = nodePath.join(dir, 'g-single.report.html');
    expect(r.stdout).toContain(`report: ${page}`);
    expect(fs.readdirSync(dir).sort()).toEqual(['g-single.edn', 'g-single.report.html']);
    const html = fs.readFileSync(page, 'utf8');
    expect(html).toMatch(/<h4 class="anomaly">G-single<\/h4><div class="elle-row"><svg class="elle-cycle"/);
    expect(html).toMatch(/<text[^>]*>rw<\/text>/);
    expect(html).toContain('<table class="elle-models">');
    expect(html).toMatch(/<tr class="ruled-out"><td>serializable<\/td><td>✗ ruled out/);
    expect(html).toContain('An imported edn history, checked by the elle checker');
  });

  it('a non-transactional history (a register JSONL) gets the linearizability view, at --out', () => {
    const out = nodePath.join(dir, 'page.html');
    const r = report(fixture('linearizable/register-stale-read-invalid.jsonl'), '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(['page.html']);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('<section id="linearizability">');
    expect(html).not.toContain('<table class="elle-models">');
  });

  it("Knossos' multi-register history goes to the linearizable multi-register model, as check does", () => {
    const out = nodePath.join(dir, 'mr.html');
    const r = report(fixture('knossos/multi-register.edn'), '--out', out);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toContain('Model <code>multi-register</code>');
  });

  it('refuses, in one sentence, options of the other mode and an --out that would replace the history', () => {
    const h = nodePath.join(dir, 'g0.edn');
    fs.copyFileSync(fixture('elle/g0.edn'), h);
    const cases: [string[], RegExp][] = [
      [[h, '--no-index'], /^faultline: --no-index is for a run directory, and .* is a history file/],
      [[h, '--out', h], /^faultline: --out .* is the history itself; name another file for the report/],
      [[h, '--out', dir], /exists and is not a regular file/],
      [[dir, '--out', nodePath.join(dir, 'x.html')], /^faultline: --out is for a history file, and .* is not one/],
    ];
    for (const [args, re] of cases) {
      const r = report(...args);
      expect(r.code, args.join(' ')).toBe(254);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
    expect(fs.readdirSync(dir)).toEqual(['g0.edn']);
    expect(fs.readFileSync(h, 'utf8')).toBe(fs.readFileSync(fixture('elle/g0.edn'), 'utf8'));
  });
});
