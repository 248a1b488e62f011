/**
 * The dependency graph of transactions: edges carry a bit set of their kinds (ww, wr, rw, process,
 * realtime), because one pair of transactions can be related several ways and a cycle class is a
 * constraint on which kinds its edges use. Built append-only into arrays of small integers, then
 * frozen into compressed rows (CSR), so a million transactions cost no object per edge.
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

/**
 * An on-heap array of n zeros. The graph's per-edge arrays are plain arrays of small integers, not
 * typed arrays: every typed array's buffer counts as external memory, and each 64 MB of it set off a
 * full collection of a heap that, at a million transactions, holds over a gigabyte of history (three
 * of them, 2.3 s of a 6 s analysis). Small integers on the heap cost a pointer's width and no
 * collection of their own; the old generation has the room.
 */
export function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}

const CHUNK = 1 << 20;
/** The first chunk's size: a small history's graph must not pay for a million-edge chunk. */
const FIRST_CHUNK = 1 << 10;

/**
 * Collects edges; `freeze` turns them into a Graph. Edges go into chunks that double from
 * FIRST_CHUNK up to a million and stay there (no doubled-and-copied array leaving its old copies for
 * the collector), the target and kinds of an edge in one small integer (target × 64 + kinds: the
 * kinds fit in 6 bits). Chunks of a million from the first edge cost a small history two 8 MB arrays
 * per graph: in the Elle property tests, 5 of every 7 seconds went to filling them with zeros.
 */
export class GraphBuilder {
  private readonly from: number[][] = [];
  private readonly toBits: number[][] = [];
  /** Edges in the last chunk, and its size. */
  private used = 0;
  private cap = 0;
  size = 0;

  constructor(readonly nodes: number) {}

  /** Adds a → b of the given kind(s); self-edges are dropped (a transaction does not depend on itself). */
  add(a: number, b: number, kind: number): void {
    if (a === b) return;
    if (this.used === this.cap) {
      this.cap = this.cap === 0 ? FIRST_CHUNK : Math.min(CHUNK, this.cap * 2);
      this.from.push(zeros(this.cap));
      this.toBits.push(zeros(this.cap));
      this.used = 0;
    }
    const c = this.from.length - 1;
    this.from[c][this.used] = a;
    this.toBits[c][this.used] = b * 64 + kind;
    this.used++;
    this.size++;
  }

  /** Rows by source, duplicate a → b edges merged into one with the union of their kinds. The builder is emptied. */
  freeze(): Graph {
    const n = this.nodes, size = this.size, chunks = this.from.length;
    const start = zeros(n + 1);
    // Two passes over the chunks, loops written out (no callback per edge: a million-edge graph).
    for (let c = 0; c < chunks; c++) {
      const from = this.from[c];
      const len = c === chunks - 1 ? this.used : from.length;
      for (let i = 0; i < len; i++) start[from[i] + 1]++;
    }
    for (let i = 0; i < n; i++) start[i + 1] += start[i];
    const fill = start.slice(0, n);
    const to = zeros(size);
    const bits = zeros(size);
    for (let c = 0; c < chunks; c++) {
      const from = this.from[c], toBits = this.toBits[c];
      const len = c === chunks - 1 ? this.used : from.length;
      for (let i = 0; i < len; i++) {
        const p = fill[from[i]]++;
        const tb = toBits[i];
        to[p] = Math.floor(tb / 64);
        bits[p] = tb & 63;
      }
    }
    // The chunks are spent: let them go before the cycle search.
    this.from.length = 0;
    this.toBits.length = 0;
    this.size = 0;
    this.used = 0;
    this.cap = 0;
    // Merge duplicates row by row; `seen[b]` is b's slot in the current row plus one.
    const seen = new Int32Array(n);
    const outStart = zeros(n + 1);
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
    to.length = w;
    bits.length = w;
    return new Graph(n, outStart, to, bits);
  }
}

/** A frozen graph: the edges of node a are `to[start[a]..start[a+1])` with kinds `bits[...]`. */
export class Graph {
  constructor(
    readonly nodes: number,
    readonly start: readonly number[],
    readonly to: readonly number[],
    readonly bits: readonly number[],
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
