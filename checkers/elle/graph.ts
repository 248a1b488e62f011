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
/**
 * An rw edge of rw-register inferred from real time (the earlier write completed before the later
 * one began): true in every strict serial order only, so it is searched apart from the rest.
 */
export const RT_RW = 32;
export const ALL = WW | WR | RW | PROCESS | REALTIME;

/** The kinds of an edge in words, strongest claim first: ww, wr, rw, process, rt. */
export function kindName(bit: number): string {
  return bit === WW ? 'ww' : bit === WR ? 'wr' : bit === RW ? 'rw' : bit === PROCESS ? 'process' : bit === RT_RW ? 'rw (real time)' : 'rt';
}

const CHUNK = 1 << 20;

/**
 * Collects edges; `freeze` turns them into a Graph. Edges go into fixed chunks of a million, never a
 * doubled-and-copied array: each big copy counted as external memory and set off a full GC of a heap
 * that, at a million transactions, holds over a gigabyte of history.
 */
export class GraphBuilder {
  private readonly from: Int32Array[] = [];
  private readonly to: Int32Array[] = [];
  private readonly bits: Uint8Array[] = [];
  size = 0;

  constructor(readonly nodes: number) {}

  /** Adds a → b of the given kind(s); self-edges are dropped (a transaction does not depend on itself). */
  add(a: number, b: number, kind: number): void {
    if (a === b) return;
    const c = this.size >>> 20, i = this.size & (CHUNK - 1);
    if (i === 0 && c === this.from.length) {
      this.from.push(new Int32Array(CHUNK));
      this.to.push(new Int32Array(CHUNK));
      this.bits.push(new Uint8Array(CHUNK));
    }
    this.from[c][i] = a;
    this.to[c][i] = b;
    this.bits[c][i] = kind;
    this.size++;
  }

  /** Rows by source, duplicate a → b edges merged into one with the union of their kinds. */
  freeze(): Graph {
    const n = this.nodes;
    const start = new Int32Array(n + 1);
    for (let e = 0; e < this.size; e++) start[this.from[e >>> 20][e & (CHUNK - 1)] + 1]++;
    for (let i = 0; i < n; i++) start[i + 1] += start[i];
    const fill = start.slice(0, n);
    const to = new Int32Array(this.size);
    const bits = new Uint8Array(this.size);
    for (let e = 0; e < this.size; e++) {
      const c = e >>> 20, i = e & (CHUNK - 1);
      const p = fill[this.from[c][i]]++;
      to[p] = this.to[c][i];
      bits[p] = this.bits[c][i];
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
    // subarray, not slice: a view of the merged prefix, no second copy of the edges.
    return new Graph(n, outStart, to.subarray(0, w), bits.subarray(0, w));
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
