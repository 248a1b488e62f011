/**
 * Cycle search (Elle, section 5): strongly connected components first, then in each component the
 * shortest cycle of each anomaly class by breadth-first search under edge-kind constraints: G0 uses
 * ww only; G1c ww and wr; G-single exactly one rw; G2-item any number of rw. The -process and
 * -realtime variants are cycles that need a process or real-time edge (a cycle without one is
 * already the plain class). A found cycle is named from the edges it actually uses, so no class is
 * claimed that the cycle does not show. A time budget bounds the search; when it is spent, each
 * component not yet searched is still reported as a cycle of at least the weakest class it could be.
 */
import { Graph, GraphBuilder, PROCESS, REALTIME, RT_RW, RW, WR, WW, sccs } from './graph.js';

export type Level = '' | '-process' | '-realtime';

export interface CycleEdge { from: number; to: number; kind: number }

export interface FoundCycle {
  /** G0, G1c, G-single, G2-item, each possibly with -process or -realtime. */
  type: string;
  edges: CycleEdge[];
}

export interface TimedOut {
  type: 'cycle-search-timeout';
  level: Level;
  /** The transactions of the component not fully searched. */
  txns: number[];
}

const DATA = WW | WR | RW;
const LEVEL_BITS: Record<Level, number> = { '': 0, '-process': PROCESS, '-realtime': PROCESS | REALTIME };
const REQUIRED: Record<Level, number> = { '': 0, '-process': PROCESS, '-realtime': REALTIME };
const LABEL_ORDER = [WW, WR, PROCESS, REALTIME, RW];

/** Names a cycle from the kinds its edges are labelled with. */
export function classify(edges: readonly CycleEdge[]): string {
  let rw = 0, wr = 0, rt = 0, proc = 0;
  for (const e of edges) {
    if (e.kind === RW) rw++;
    else if (e.kind === WR) wr++;
    else if (e.kind === REALTIME) rt++;
    else if (e.kind === PROCESS) proc++;
  }
  const base = rw === 0 ? (wr === 0 ? 'G0' : 'G1c') : rw === 1 ? 'G-single' : 'G2-item';
  return base + (rt > 0 ? '-realtime' : proc > 0 ? '-process' : '');
}

/** Search state shared by every BFS: arrays sized to the graph, reset through a touched list. */
class Bfs {
  private readonly prev: Int32Array;
  private readonly touched: number[] = [];
  constructor(private readonly g: Graph) {
    this.prev = new Int32Array(2 * g.nodes).fill(-1);
  }

  /**
   * Shortest path from `src` to `dst` over edges usable under `mask` (bits & mask ≠ 0) inside the
   * component; `needFlag` asks for at least one edge that only `required` makes usable (flag starts
   * at `flag0`). Returns the node sequence src..dst, or undefined.
   */
  path(src: number, dst: number, mask: number, required: number, flag0: number, needFlag: boolean): number[] | undefined {
    const g = this.g;
    const lower = mask & ~required;
    for (const s of this.touched) this.prev[s] = -1;
    this.touched.length = 0;
    const start = 2 * src + flag0;
    this.prev[start] = start;
    this.touched.push(start);
    const queue = [start];
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi];
      const v = s >> 1;
      const flag = s & 1;
      for (let p = g.start[v]; p < g.start[v + 1]; p++) {
        const bits = g.bits[p] & mask;
        if (bits === 0) continue;
        const w = g.to[p];
        const nf = flag | ((bits & lower) === 0 && required !== 0 ? 1 : 0);
        // Checked on the edge, not on dequeue: when src = dst the start state is already visited.
        if (w === dst && (nf === 1 || !needFlag)) return [...this.unwind(s, start), w];
        const t = 2 * w + nf;
        if (this.prev[t] !== -1) continue;
        this.prev[t] = s;
        this.touched.push(t);
        queue.push(t);
      }
    }
    return undefined;
  }

  private unwind(s: number, start: number): number[] {
    const out: number[] = [];
    for (let x = s; ; x = this.prev[x]) {
      out.push(x >> 1);
      if (x === start) break;
    }
    return out.reverse();
  }
}

/** Labels each step of a node cycle with the strongest kind usable under `mask`. */
function label(g: Graph, nodes: readonly number[], mask: number, rwOnlyFirst: boolean): CycleEdge[] {
  const edges: CycleEdge[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const a = nodes[i], b = nodes[(i + 1) % nodes.length];
    const bits = g.kinds(a, b) & mask;
    const kind = rwOnlyFirst && i === 0 ? RW : LABEL_ORDER.find((k) => (bits & k) !== 0 && (k !== RW || true)) as number;
    edges.push({ from: a, to: b, kind });
  }
  return edges;
}

/** The cycles of one component at one level: one per class found, the shortest from its seeds. */
function searchComponent(g: Graph, level: Level, deadline: number): FoundCycle[] | 'timeout' {
  const bfs = new Bfs(g);
  const comp = Array.from({ length: g.nodes }, (_, i) => i);
  const levelBits = LEVEL_BITS[level];
  const required = REQUIRED[level];
  const need = required !== 0;
  const out: FoundCycle[] = [];
  const found = new Set<string>();
  const keep = (nodes: number[] | undefined, mask: number, rwFirst: boolean): void => {
    if (!nodes) return;
    const cyc = nodes.slice(0, -1); // the path ends where it started
    const edges = label(g, cyc, mask, rwFirst);
    const type = classify(edges);
    if ((/-(process|realtime)$/.exec(type)?.[0] ?? '') !== level) return;
    if (!found.has(type)) { found.add(type); out.push({ type, edges }); }
  };
  // G0 then G1c: cycles without rw, through a required edge when the level needs one.
  for (const base of [WW, WW | WR]) {
    const mask = base | levelBits;
    if (!need) {
      const sub = sccs(g, mask);
      if (sub.length > 0) keep(bfs.path(sub[0][0], sub[0][0], mask, 0, 0, false), mask, false);
      continue;
    }
    for (const v of comp) {
      if (Date.now() > deadline) return 'timeout';
      let hit: number[] | undefined;
      {
        for (let p = g.start[v]; p < g.start[v + 1] && !hit; p++) {
          const bits = g.bits[p] & mask;
          if (bits === 0 || (bits & ~required) !== 0) continue;
          const rest = bfs.path(g.to[p], v, mask, required, 1, true);
          if (rest) hit = [v, ...rest];
        }
      }
      if (hit) { keep(hit, mask, false); break; }
    }
  }
  // G-single: one rw edge a → b (usable only as rw), then b back to a without rw.
  const noRw = WW | WR | levelBits;
  let single = false;
  for (const a of comp) {
    if (single) break;
    for (let p = g.start[a]; p < g.start[a + 1]; p++) {
      if (Date.now() > deadline) return 'timeout';
      const bits = g.bits[p] & (DATA | levelBits);
      if ((bits & RW) === 0 || (bits & noRw) !== 0) continue;
      const b = g.to[p];
      const rest = bfs.path(b, a, noRw, required, 0, need);
      if (rest) { keep([a, ...rest], noRw | RW, true); single = true; break; }
    }
  }
  // G2-item: several rw edges, sought only where no G-single was.
  if (!single) {
    const all = DATA | levelBits;
    for (const a of comp) {
      let done = false;
      for (let p = g.start[a]; p < g.start[a + 1]; p++) {
        if (Date.now() > deadline) return 'timeout';
        const bits = g.bits[p] & all;
        if ((bits & RW) === 0 || (bits & noRw) !== 0) continue;
        const rest = bfs.path(g.to[p], a, all, required, 0, need);
        if (rest) { keep([a, ...rest], all, true); done = true; break; }
      }
      if (done) break;
    }
  }
  return out;
}

/** The subgraph on `nodes` with local ids 0..k-1 (edges leaving it dropped), so a component's searches cost its size. */
export function subgraph(g: Graph, nodes: readonly number[]): Graph {
  const local = new Map<number, number>();
  nodes.forEach((v, i) => local.set(v, i));
  const b = new GraphBuilder(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const v = nodes[i];
    for (let p = g.start[v]; p < g.start[v + 1]; p++) {
      const w = local.get(g.to[p]);
      if (w !== undefined) b.add(i, w, g.bits[p]);
    }
  }
  return b.freeze();
}

/** Every cycle class found in the graph, and the components the time budget left unsearched. */
export function findCycles(g: Graph, budgetMs: number): { cycles: FoundCycle[]; timedOut: TimedOut[] } {
  // A budget of 0 or less is spent before the search starts: every component is reported unsearched.
  const deadline = budgetMs <= 0 ? -Infinity : Date.now() + budgetMs;
  const cycles: FoundCycle[] = [];
  const timedOut: TimedOut[] = [];
  const seen = new Set<string>();
  // Every cycle lies inside a component of the graph with all edge kinds: search only those.
  for (const outer of sccs(g, DATA | PROCESS | REALTIME)) {
    const og = subgraph(g, outer);
    for (const level of ['', '-process', '-realtime'] as Level[]) {
      for (const comp of sccs(og, DATA | LEVEL_BITS[level])) {
        const ids = comp.map((v) => outer[v]);
        const r = Date.now() > deadline ? 'timeout' : searchComponent(subgraph(og, comp), level, deadline);
        if (r === 'timeout') { timedOut.push({ type: 'cycle-search-timeout', level, txns: ids.slice(0, 50) }); continue; }
        for (const c of r) {
          const edges = c.edges.map((e) => ({ from: ids[e.from], to: ids[e.to], kind: e.kind }));
          const key = `${c.type}:${edges.map((e) => e.from).sort((x, y) => x - y).join(',')}`;
          if (!seen.has(key)) { seen.add(key); cycles.push({ type: c.type, edges }); }
        }
      }
    }
  }
  return { cycles, timedOut };
}

/**
 * With rw-register's real-time-inferred rw edges added: a shortest cycle, if any. Called only when
 * the graph without them has no cycle, so any cycle found uses one, and shows only that the history
 * is not strict serializable; it is named G2-item-realtime, the weakest class that says so.
 */
export function findRealtimeRwCycle(g: Graph): FoundCycle | undefined {
  const mask = WW | WR | RW | PROCESS | REALTIME | RT_RW;
  const comps = sccs(g, mask);
  if (comps.length === 0) return undefined;
  const comp = comps[0];
  const sub = subgraph(g, comp);
  const nodes = new Bfs(sub).path(0, 0, mask, 0, 0, false);
  if (!nodes) return undefined;
  const cyc = nodes.slice(0, -1);
  const edges = cyc.map((a, i) => {
    const b = cyc[(i + 1) % cyc.length];
    const bits = sub.kinds(a, b) & mask;
    const kind = [WW, WR, PROCESS, REALTIME, RW, RT_RW].find((k) => (bits & k) !== 0) as number;
    return { from: comp[a], to: comp[b], kind };
  });
  return { type: 'G2-item-realtime', edges };
}
