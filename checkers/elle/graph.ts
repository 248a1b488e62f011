/**
 * The dependency graph of transactions: edges carry a bit set of their kinds (ww, wr, rw, process,
 * realtime), because one pair of transactions can be related several ways and a cycle class is a
 * constraint on which kinds its edges use. Built append-only into typed arrays, then frozen into
 * compressed rows (CSR), so a million transactions cost a few tens of megabytes, not a heap of objects.
 */

export const WW = 1;
export const WR = 2;
export const RW = 4;
export const PROCESS = 8;
export const REALTIME = 16;
export const ALL = WW | WR | RW | PROCESS | REALTIME;

/** The kinds of an edge in words, strongest claim first: ww, wr, rw, process, rt. */
export function kindName(bit: number): string {
  return bit === WW ? 'ww' : bit === WR ? 'wr' : bit === RW ? 'rw' : bit === PROCESS ? 'process' : 'rt';
}

/** Collects edges; `freeze` turns them into a Graph. */
export class GraphBuilder {
  private from = new Int32Array(1024);
  private to = new Int32Array(1024);
  private bits = new Uint8Array(1024);
  size = 0;

  constructor(readonly nodes: number) {}

  /** Adds a → b of the given kind(s); self-edges are dropped (a transaction does not depend on itself). */
  add(a: number, b: number, kind: number): void {
    if (a === b) return;
    if (this.size === this.from.length) {
      const n = this.size * 2;
      const f = new Int32Array(n); f.set(this.from); this.from = f;
      const t = new Int32Array(n); t.set(this.to); this.to = t;
      const k = new Uint8Array(n); k.set(this.bits); this.bits = k;
    }
    this.from[this.size] = a;
    this.to[this.size] = b;
    this.bits[this.size] = kind;
    this.size++;
  }

  /** Rows by source, duplicate a → b edges merged into one with the union of their kinds. */
  freeze(): Graph {
    const n = this.nodes;
    const start = new Int32Array(n + 1);
    for (let i = 0; i < this.size; i++) start[this.from[i] + 1]++;
    for (let i = 0; i < n; i++) start[i + 1] += start[i];
    const fill = start.slice(0, n);
    const to = new Int32Array(this.size);
    const bits = new Uint8Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const p = fill[this.from[i]]++;
      to[p] = this.to[i];
      bits[p] = this.bits[i];
    }
    // Merge duplicates row by row; `seen[b]` is b's slot in the current row plus one.
    const seen = new Int32Array(n);
    const outStart = new Int32Array(n + 1);
    let w = 0;
    for (let a = 0; a < n; a++) {
      outStart[a] = w;
      const rowStart = w;
      for (let p = start[a]; p < start[a + 1]; p++) {
        const b = to[p];
        const s = seen[b] - 1;
        if (s >= rowStart) bits[s] |= bits[p];
        else { to[w] = b; bits[w] = bits[p]; seen[b] = w + 1; w++; }
      }
    }
    outStart[n] = w;
    return new Graph(n, outStart, to.slice(0, w), bits.slice(0, w));
  }
}

/** A frozen graph: the edges of node a are `to[start[a]..start[a+1])` with kinds `bits[...]`. */
export class Graph {
  constructor(
    readonly nodes: number,
    readonly start: Int32Array,
    readonly to: Int32Array,
    readonly bits: Uint8Array,
  ) {}

  get edges(): number {
    return this.to.length;
  }

  /** The kinds of the edge a → b, 0 when there is none. */
  kinds(a: number, b: number): number {
    for (let p = this.start[a]; p < this.start[a + 1]; p++) if (this.to[p] === b) return this.bits[p];
    return 0;
  }
}

/**
 * Strongly connected components of more than one node, using only edges with a kind in `mask`.
 * Tarjan's algorithm with an explicit stack (no recursion: a million-node chain must not overflow
 * the call stack). `within`, when given, limits the search to nodes it marks true.
 */
export function sccs(g: Graph, mask: number, within?: Uint8Array): number[][] {
  const n = g.nodes;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  const out: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1 || (within && !within[root])) continue;
    let depth = 0;
    callNode[0] = root;
    callEdge[0] = g.start[root];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callNode[depth];
      const p = callEdge[depth];
      if (p < g.start[v + 1]) {
        callEdge[depth] = p + 1;
        if ((g.bits[p] & mask) === 0) continue;
        const w = g.to[p];
        if (within && !within[w]) continue;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          depth++;
          callNode[depth] = w;
          callEdge[depth] = g.start[w];
        } else if (onStack[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1) out.push(comp);
      }
      depth--;
      if (depth >= 0) {
        const u = callNode[depth];
        if (low[v] < low[u]) low[u] = low[v];
      }
    }
  }
  return out;
}
