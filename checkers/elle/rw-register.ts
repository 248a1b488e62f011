/**
 * Read-write register analysis: a read names its writer (values are unique per key), giving wr
 * edges; the version order is only what can be proven, as Elle infers it: the initial state (nil)
 * precedes every write, and a transaction that read v1 and then wrote v2 puts v1 before v2. From each
 * proven v1 < v2 come ww (writer of v1 → writer of v2) and rw (reader of v1 → writer of v2) edges.
 * The order is partial, so some anomalies go unseen (by design); every edge is sound, so none is made up.
 */
import { addOrderEdges, show, type Analysis, type PlainAnomaly } from './analysis.js';
import { GraphBuilder, RT_RW, RW, WR, WW } from './graph.js';
import { valueKey, type Txn } from './history.js';

interface Write { txn: number; last: boolean; value: unknown }

/** Analyses rw-register transactions into a dependency graph and the anomalies that need no cycle. */
export function analyseRwRegister(txns: readonly Txn[], opts: { realtimeVersions?: boolean } = {}): Analysis {
  const anomalies: PlainAnomaly[] = [];
  const unknown: string[] = [];
  const writes = new Map<unknown, Map<unknown, Write>>();
  const failed = new Map<unknown, Map<unknown, Write>>();
  const keyName = new Map<unknown, unknown>();
  for (const t of txns) {
    const into = t.status === 'fail' ? failed : writes;
    const ops = t.ops;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (op[0] !== 'w') continue;
      const k = op[1], v = op[2];
      const kk = valueKey(k);
      keyName.set(kk, k);
      let m = into.get(kk);
      if (!m) into.set(kk, (m = new Map()));
      const vk = valueKey(v);
      if (v === null || m.has(vk) || writes.get(kk)?.has(vk) || failed.get(kk)?.has(vk)) {
        unknown.push(`the value ${show(v)} is written to key ${show(k)} more than once or is nil (T${t.id}), so reads of it cannot name their writer`);
        continue;
      }
      // This transaction's earlier write of the key is no longer its last (a scan: no Map per transaction).
      for (let j = i - 1; j >= 0; j--) {
        const e = ops[j];
        if (e[0] !== 'w' || valueKey(e[1]) !== kk) continue;
        const prev = m.get(valueKey(e[2]));
        if (prev && prev.txn === t.id) { prev.last = false; break; }
      }
      m.set(vk, { txn: t.id, last: true, value: v });
    }
  }

  const included = new Uint8Array(txns.length);
  for (const t of txns) if (t.status === 'ok') included[t.id] = 1;
  // External reads (a key's first read before any own write) and proven version steps.
  const readers = new Map<unknown, Map<unknown, number[]>>(); // key → value (null: initial) → readers
  const next = new Map<unknown, Map<unknown, unknown[]>>(); // key → value → values proven later
  // External reads as parallel arrays (no object per read); `readList` makes objects for explanations.
  const rTxn: number[] = [], rKey: unknown[] = [], rValue: unknown[] = [];
  let readObjects: { txn: number; key: unknown; value: unknown }[] | undefined;
  const readList = (): { txn: number; key: unknown; value: unknown }[] => (readObjects ??= rTxn.map((txn, i) => ({ txn, key: rKey[i], value: rValue[i] })));
  for (const t of txns) {
    if (t.status !== 'ok') continue;
    const ops = t.ops;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      const f = op[0], k = op[1], v = op[2];
      const kk = valueKey(k);
      // What the transaction knows of the key so far: its latest own write, else its first read.
      let known = false, own = false, sv: unknown;
      for (let j = i - 1; j >= 0; j--) {
        const e = ops[j];
        if (valueKey(e[1]) !== kk) continue;
        if (e[0] === 'w') { known = true; own = true; sv = e[2]; break; }
        if (e[0] === 'r') { known = true; sv = e[2]; }
      }
      if (f === 'w') {
        if (known && !own) {
          let n = next.get(kk);
          if (!n) next.set(kk, (n = new Map()));
          const vk = valueKey(sv);
          const list = n.get(vk);
          if (list) list.push(v); else n.set(vk, [v]);
        }
        continue;
      }
      if (f !== 'r') continue;
      if (known) {
        if (valueKey(sv) !== valueKey(v)) {
          anomalies.push({ type: 'internal', txns: [t.id], key: k, steps: [`T${t.id} read key ${show(k)} as ${show(v)}, but its own earlier ops say it is ${show(sv)}`] });
        }
        continue;
      }
      rTxn.push(t.id); rKey.push(k); rValue.push(v);
      let r = readers.get(kk);
      if (!r) readers.set(kk, (r = new Map()));
      const vk = valueKey(v);
      const list = r.get(vk);
      if (list) list.push(t.id); else r.set(vk, [t.id]);
      if (v === null) continue;
      const w = writes.get(kk)?.get(vk);
      if (w) {
        included[w.txn] = 1;
        if (!w.last && w.txn !== t.id) anomalies.push({ type: 'G1b', txns: [w.txn, t.id], key: k, steps: [`T${w.txn} wrote ${show(v)} to key ${show(k)} and then wrote it again`, `T${t.id} read key ${show(k)} as ${show(v)}: T${w.txn}'s intermediate state`] });
        continue;
      }
      const fw = failed.get(kk)?.get(vk);
      if (fw) anomalies.push({ type: 'G1a', txns: [fw.txn, t.id], key: k, steps: [`T${fw.txn} wrote ${show(v)} to key ${show(k)} and failed (it did not happen)`, `T${t.id} read key ${show(k)} as ${show(v)}, the aborted write`] });
      else anomalies.push({ type: 'garbage-read', txns: [t.id], key: k, steps: [`T${t.id} read key ${show(k)} as ${show(v)}, which no transaction wrote`] });
    }
  }

  const b = new GraphBuilder(txns.length);
  for (let i = 0; i < rTxn.length; i++) {
    if (rValue[i] === null) continue;
    const w = writes.get(valueKey(rKey[i]))?.get(valueKey(rValue[i]));
    if (w) b.add(w.txn, rTxn[i], WR);
  }
  for (const [kk, m] of writes) {
    const rs = readers.get(kk);
    // nil is the initial state: its readers precede every write of the key.
    for (const r of rs?.get(null) ?? []) for (const w of m.values()) if (included[w.txn]) b.add(r, w.txn, RW);
    const n = next.get(kk);
    if (!n) continue;
    for (const [vk, later] of n) {
      const from = vk === null ? undefined : m.get(vk);
      for (const v of later) {
        const to = m.get(valueKey(v));
        if (!to || !included[to.txn]) continue;
        if (from && included[from.txn]) b.add(from.txn, to.txn, WW);
        for (const r of rs?.get(vk) ?? []) b.add(r, to.txn, RW);
      }
    }
  }
  // Elle's lost update: two committed transactions read one version of a key and both wrote it.
  for (const [kk, n] of next) {
    for (const [vk, later] of n) {
      const ws = later.map((v) => writes.get(kk)?.get(valueKey(v))?.txn).filter((x): x is number => x !== undefined);
      const ids = [...new Set(ws)];
      if (ids.length >= 2) anomalies.push({ type: 'lost-update', txns: ids, key: keyName.get(kk), steps: [`${ids.map((i) => `T${i}`).join(' and ')} each read key ${show(keyName.get(kk))} as ${show(vk === null ? null : readVal(readList(), ids[0], kk))} and each wrote it: one write was made without seeing the other`] });
    }
  }
  addOrderEdges(txns, included, b);
  if (opts.realtimeVersions) realtimeVersions(txns, writes, readers, b);

  const explainEdge = (a: number, c: number, kind: number): string => {
    const reads = readList();
    for (const r of reads) {
      const kk = valueKey(r.key);
      const m = writes.get(kk);
      if (!m) continue;
      const key = show(r.key);
      if (kind === WR && r.txn === c && m.get(valueKey(r.value))?.txn === a) return `T${a} wrote ${show(r.value)} to key ${key} and T${c} read it, so T${a} → wr → T${c}`;
      if (kind === RW && r.txn === a) {
        const later = r.value === null ? [...m.values()].filter((w) => w.txn === c).map((w) => w.value) : (next.get(kk)?.get(valueKey(r.value)) ?? []).filter((v) => m.get(valueKey(v))?.txn === c);
        if (later.length > 0) return `T${a} read key ${key} as ${show(r.value)}, a version before T${c}'s write of ${show(later[0])}${r.value === null ? ' (nil is the initial state)' : ' (a transaction read it and then wrote that)'}, so T${a} → rw → T${c}`;
      }
      if (kind === WW && r.txn !== a) {
        const later = (next.get(kk)?.get(valueKey(r.value)) ?? []).filter((v) => m.get(valueKey(v))?.txn === c);
        if (m.get(valueKey(r.value))?.txn === a && later.length > 0) return `T${a} wrote ${show(r.value)} to key ${key}, which was read and then overwritten with ${show(later[0])} by T${c}, so T${a} → ww → T${c}`;
      }
    }
    if (kind === RT_RW) {
      for (const r of reads) {
        if (r.txn !== a || r.value === null) continue;
        const m = writes.get(valueKey(r.key));
        const w1 = m?.get(valueKey(r.value));
        const w2 = [...(m?.values() ?? [])].find((w) => w.txn === c);
        if (w1 && w2) return `T${w1.txn} wrote ${show(r.value)} to key ${show(r.key)} and completed before T${c}, which wrote ${show(w2.value)}, began; T${a} read ${show(r.value)}, so in real time T${a} → rw → T${c}`;
      }
    }
    return `T${a} → ${kind === WW ? 'ww' : kind === WR ? 'wr' : 'rw'} → T${c}`;
  };
  return { txns, builder: b, included, anomalies, unknown, explainEdge };
}

function readVal(reads: readonly { txn: number; key: unknown; value: unknown }[], txn: number, kk: unknown): unknown {
  return reads.find((r) => r.txn === txn && valueKey(r.key) === kk)?.value;
}

/**
 * Elle's real-time version order for strict models: a committed transaction's final write that
 * completed before another committed write of the key began is the earlier version, so each reader
 * of it precedes the later writer. Marked RT_RW: it holds in strict serial orders only.
 */
function realtimeVersions(txns: readonly Txn[], writes: Map<unknown, Map<unknown, Write>>, readers: Map<unknown, Map<unknown, number[]>>, b: GraphBuilder): void {
  for (const [kk, m] of writes) {
    const rs = readers.get(kk);
    if (!rs) continue;
    const ws = [...m.values()].filter((w) => txns[w.txn].status === 'ok');
    for (const w1 of ws) {
      const rd = rs.get(valueKey(w1.value));
      if (!rd || !w1.last) continue;
      // Only the first later writes: one that began after another later write completed is
      // reached through that one's real-time edge already.
      // Two passes over the key's writes, no list of later ones: this runs once per read version.
      const ret1 = txns[w1.txn].ret;
      let minRet = Infinity;
      for (let i = 0; i < ws.length; i++) {
        const t2 = txns[ws[i].txn];
        if (t2.call > ret1 && t2.ret < minRet) minRet = t2.ret;
      }
      for (let i = 0; i < ws.length; i++) {
        const t2 = txns[ws[i].txn];
        if (t2.call <= ret1 || t2.call > minRet) continue;
        for (const r of rd) b.add(r, t2.id, RT_RW);
      }
    }
  }
}
