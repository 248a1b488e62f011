/**
 * The README is a newcomer's entry, not the manual: at most 300 lines, it names the test command CI
 * runs, and it links every file of docs/ (as docs/architecture.md does), so nothing moved there is out
 * of reach. Every relative markdown link in README.md and docs/ leads to a file that exists.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../../..');
const README = nodePath.join(ROOT, 'README.md');
const DOCS = nodePath.join(ROOT, 'docs');

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = nodePath.join(dir, e.name);
    if (e.isDirectory()) return markdownFiles(p);
    return e.name.endsWith('.md') ? [p] : [];
  });
}

/** The targets of a file's markdown links, with code (fenced blocks and inline spans) left out. */
export function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

/** Relative links of a file, resolved to absolute paths (anchors dropped; URLs and bare anchors skipped). */
function relativeLinks(file: string): { link: string; path: string }[] {
  return linkTargets(fs.readFileSync(file, 'utf8'))
    .filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l) && !l.startsWith('#'))
    .map((link) => ({ link, path: nodePath.resolve(nodePath.dirname(file), decodeURI(link.split('#')[0]!)) }));
}

const docs = markdownFiles(DOCS);
const rel = (p: string): string => nodePath.relative(ROOT, p);

describe('README.md and docs/', () => {
  it('finds the docs', () => {
    expect(docs.length).toBeGreaterThan(10);
  });

  it('README.md is at most 300 lines', () => {
    const lines = fs.readFileSync(README, 'utf8').replace(/\n$/, '').split('\n').length;
    expect(lines).toBeLessThanOrEqual(300);
  });

  it('README.md names the test command that .ci/run runs', () => {
    expect(fs.readFileSync(README, 'utf8')).toContain('`npm test`');
    expect(fs.readFileSync(nodePath.join(ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('every docs/ file is linked from README.md', () => {
    const linked = new Set(relativeLinks(README).map((l) => l.path));
    expect(docs.filter((d) => !linked.has(d)).map(rel)).toEqual([]);
  });

  it('every other docs/ file is linked from docs/architecture.md', () => {
    const arch = nodePath.join(DOCS, 'architecture.md');
    const linked = new Set(relativeLinks(arch).map((l) => l.path));
    expect(docs.filter((d) => d !== arch && !linked.has(d)).map(rel)).toEqual([]);
  });

  it('every relative link in README.md and docs/ resolves to an existing file', () => {
    const broken = [README, ...docs].flatMap((f) =>
      relativeLinks(f)
        .filter((l) => !fs.existsSync(l.path))
        .map((l) => `${rel(f)}: ${l.link}`),
    );
    expect(broken).toEqual([]);
  });

  it('the link reader sees links and skips code', () => {
    expect(linkTargets('see [a](docs/a.md) and `[b](x.md)`\n```\n[c](y.md)\n```\n[d](e.md#f "t")')).toEqual([
      'docs/a.md',
      'e.md#f',
    ]);
  });
});
