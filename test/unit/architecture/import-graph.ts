/**
 * The source tree's import graph, read from the files' own `import`/`export … from` lines (static and
 * dynamic), for the architecture test: which files import which, and the cycles among them.
 */
import fs from 'node:fs';
import nodePath from 'node:path';

export const ROOT = nodePath.resolve(import.meta.dirname, '../../..');
const SOURCE_DIRS = ['index.ts', 'harness', 'checkers', 'targets', 'reports', 'bench', 'suites'];
const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function listTs(path: string): string[] {
  const abs = nodePath.join(ROOT, path);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isFile()) return path.endsWith('.ts') ? [path] : [];
  return fs.readdirSync(abs).flatMap((e) => listTs(nodePath.join(path, e)));
}

/** Every source file (relative path) and the source files it imports. */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of SOURCE_DIRS.flatMap(listTs)) {
    const text = fs.readFileSync(nodePath.join(ROOT, file), 'utf8');
    const deps = new Set<string>();
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      const target = nodePath.normalize(nodePath.join(nodePath.dirname(file), spec)).replace(/\.js$/, '.ts');
      deps.add(target);
    }
    graph.set(file, [...deps]);
  }
  return graph;
}

/** Strongly connected components with more than one file (or a self-import): the import loops. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}
