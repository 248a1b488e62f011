/**
 * List-append analysis (Elle, section 4): every key's version order is its longest read, since a list
 * read shows every append before it. A read that is not a prefix of the longest is an incompatible
 * order; from the order come ww edges (consecutive writers), wr edges (the writer of a read's last
 * element) and rw edges (a reader to the writer of the element after what it saw). Appends no read
 * shows come after every element read, in an unknown order among themselves; giving them ww edges from
 * the last writer and rw edges from the readers of the whole list keeps the graph exact (any
 * topological order of it is a serial order), which is what makes the oracle agree to the case.
 */
import { addOrderEdges, show, type Analysis, type PlainAnomaly } from './analysis.js';
import { GraphBuilder, RW, WR, WW } from './graph.js';
import { valueKey, type Txn } from './history.js';

import { AppendLog, ReadLog, type Read, type Writer } from './append-logs.js';

/** Analyses list-append transactions into a dependency graph and the anomalies that need no cycle. */
export function analyseListAppend(txns: readonly Txn[]): Analysis {
  const anomalies: PlainAnomaly[] = [];
  const unknown: string[] = [];
  let micro = 0;
  for (const t of txns) micro += t.ops.length;
  const W = new AppendLog(micro);
  const writers = new Map<unknown, Map<unknown, number>>(); // key → value → append in W
  const failed = new Map<unknown, Map<unknown, number>>();
  const reads = new ReadLog();
  const lostCandidates: number[] = []; // reads that may show a lost update (see lostUpdates)
  const keyName = new Map<unknown, unknown>();

  for (const t of txns) {
    const into = t.status === 'fail' ? failed : writers;
    const ops = t.ops;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (op[0] !== 'append') continue;
      const k = op[1], v = op[2];
      const kk = valueKey(k);
      keyName.set(kk, k);
      let m = into.get(kk);
      if (!m) into.set(kk, (m = new Map()));
      const vk = valueKey(v);
      if (m.has(vk) || (t.status !== 'fail' && failed.get(kk)?.has(vk)) || (t.status === 'fail' && writers.get(kk)?.has(vk))) {
        unknown.push(`the value ${show(v)} is appended to key ${show(k)} more than once (T${t.id}), so reads of it cannot name their writer`);
        continue;
      }
      // Its place among this transaction's appends to the key: a few micro-ops, so scan, no Map.
      let seq = 0, last = true;
      for (let j = 0; j < ops.length; j++) {
        if (j === i || ops[j][0] !== 'append' || valueKey(ops[j][1]) !== kk) continue;
        if (j < i) seq++; else last = false;
      }
      m.set(vk, W.add(t.id, seq, last, v));
    }
    if (t.status !== 'ok') continue;
    internal(t, reads, anomalies, lostCandidates);
  }

  // The longest read of each key is its version order.
  const longest = new Map<unknown, unknown[]>();
  for (let ri = 0; ri < reads.size; ri++) {
    const kk = valueKey(reads.key[ri]);
    const l = longest.get(kk);
    if (!l || reads.foreign[ri].length > l.length) longest.set(kk, reads.foreign[ri]);
  }
  const broken = new Set<unknown>();
  for (let ri = 0; ri < reads.size; ri++) {
    const foreign = reads.foreign[ri];
    const kk = valueKey(reads.key[ri]);
    const l = longest.get(kk) as unknown[];
    if (foreign === l) continue;
    for (let i = 0; i < foreign.length; i++) {
      const x = foreign[i], y = l[i];
      if (x !== y && valueKey(x) !== valueKey(y)) {
        const r = reads.view(ri);
        if (!broken.has(kk)) anomalies.push({ type: 'incompatible-order', txns: [r.txn], key: r.key, steps: [`T${r.txn} read key ${show(r.key)} as ${show(r.foreign)}, which is not a prefix of ${show(l)}, read elsewhere: no single order of appends explains both`] });
        broken.add(kk);
        break;
      }
    }
  }

  const included = new Uint8Array(txns.length);
  for (const t of txns) if (t.status === 'ok') included[t.id] = 1;
  // position of each element in its key's order, for edges and explanations
  const position = new Map<unknown, Map<unknown, number>>();
  for (const [kk, l] of longest) {
    const pos = new Map<unknown, number>();
    const m = writers.get(kk);
    for (let i = 0; i < l.length; i++) {
      const vk = valueKey(l[i]);
      if (pos.has(vk)) {
        anomalies.push({ type: 'duplicate-elements', txns: [], key: keyName.get(kk), steps: [`key ${show(keyName.get(kk))} was read as ${show(l)}, which holds ${show(l[i])} twice; each value is appended once`] });
        broken.add(kk);
        break;
      }
      pos.set(vk, i);
      const w = m?.get(vk);
      if (w !== undefined) included[W.txn[w]] = 1;
    }
    position.set(kk, pos);
  }

  const firstBad = new Map<unknown, number>();
  for (const [kk, l] of longest) {
    const m = writers.get(kk);
    for (let i = 0; i < l.length; i++) if (m?.get(valueKey(l[i])) === undefined) { firstBad.set(kk, i); break; }
  }
  const b = new GraphBuilder(txns.length);
  // Appends no read shows (by transactions in the graph): they come after every element read.
  const unread = new Map<unknown, number[]>();
  for (const [kk, m] of writers) {
    if (broken.has(kk)) continue;
    const pos = position.get(kk);
    for (const [vk, w] of m) {
      if (pos?.has(vk) || !included[W.txn[w]]) continue;
      const u = unread.get(kk);
      if (u) u.push(W.txn[w]); else unread.set(kk, [W.txn[w]]);
    }
  }
  for (let ri = 0; ri < reads.size; ri++) {
    const rk = reads.key[ri], rtxn = reads.txn[ri];
    const kk = valueKey(rk);
    if (broken.has(kk)) continue;
    const l = longest.get(kk) as unknown[];
    const j = reads.foreign[ri].length;
    const m = writers.get(kk);
    // rw: to the writer of the next element, or, after the whole list, to every unread append's writer.
    if (j < l.length) {
      const w = m?.get(valueKey(l[j]));
      if (w !== undefined) b.add(rtxn, W.txn[w], RW);
    } else {
      const us = unread.get(kk);
      if (us) for (let u = 0; u < us.length; u++) b.add(rtxn, us[u], RW);
    }
    if (j > 0) {
      const vk = valueKey(l[j - 1]);
      const w = m?.get(vk);
      if (w !== undefined) {
        b.add(W.txn[w], rtxn, WR);
        if (!W.last[w] && W.txn[w] !== rtxn) {
          const r = reads.view(ri);
          anomalies.push({ type: 'G1b', txns: [W.txn[w], r.txn], key: r.key, steps: [`T${W.txn[w]} appended ${show(l[j - 1])} to key ${show(r.key)} and then appended more to it`, `T${r.txn} read key ${show(r.key)} as ${show(r.foreign)}: it saw T${W.txn[w]}'s intermediate state`] });
        }
      }
    }
    // Elements without a committed writer: the first such position per key, found once.
    const bad = firstBad.get(kk) ?? Infinity;
    if (j > bad) {
      const r = reads.view(ri);
      for (let i = bad; i < j; i++) {
        const vk = valueKey(l[i]);
        if (m?.get(vk) !== undefined) continue;
        const fi = failed.get(kk)?.get(vk);
        const f = fi === undefined ? undefined : W.view(fi);
        if (f) anomalies.push({ type: 'G1a', txns: [f.txn, r.txn], key: r.key, steps: [`T${f.txn} appended ${show(l[i])} to key ${show(r.key)} and failed (it did not happen)`, `T${r.txn} read key ${show(r.key)} as ${show(r.foreign)}, which holds that aborted append`] });
        else anomalies.push({ type: 'garbage-read', txns: [r.txn], key: r.key, steps: [`T${r.txn} read key ${show(r.key)} as ${show(r.foreign)}, but no transaction appended ${show(l[i])} to it`] });
      }
    }
  }

  for (const [kk, l] of longest) {
    if (broken.has(kk)) continue;
    const m = writers.get(kk);
    const fm = failed.get(kk);
    let prev = -1;
    for (let i = 0; i < l.length; i++) {
      const vk = valueKey(l[i]);
      const w = m?.get(vk);
      if (w === undefined) {
        if (fm?.get(vk) !== undefined && i + 1 < l.length && m?.get(valueKey(l[i + 1])) !== undefined) {
          const f = W.view(fm.get(vk) as number);
          anomalies.push({ type: 'dirty-update', txns: [f.txn, W.txn[m.get(valueKey(l[i + 1])) as number]], key: keyName.get(kk), steps: [`T${f.txn} appended ${show(l[i])} to key ${show(keyName.get(kk))} and failed`, `a committed append of ${show(l[i + 1])} follows it in the key's order`] });
        }
        prev = -1;
        continue;
      }
      // A transaction's appends to one key are consecutive and in its order, unless another comes between (a cycle shows that).
      if (W.seq[w] > 0) {
        const bi = m?.get(valueKey(findSeq(W, m, W.txn[w], W.seq[w] - 1)));
        const before = bi === undefined ? undefined : W.view(bi);
        const at = before ? (position.get(kk) as Map<unknown, number>).get(valueKey(before.value)) : undefined;
        if (at === undefined || at > i) {
          anomalies.push({ type: 'incompatible-order', txns: [W.txn[w]], key: keyName.get(kk), steps: [`T${W.txn[w]} appended ${show(before?.value)} and then ${show(l[i])} to key ${show(keyName.get(kk))}, but the key's order ${show(l)} has ${show(l[i])} without the earlier append before it`] });
        }
      }
      if (prev >= 0) b.add(W.txn[prev], W.txn[w], WW);
      prev = w;
    }
  }

  // Unread appends: ww from the writer of the key's last element read.
  for (const [kk, us] of unread) {
    const l = longest.get(kk) ?? [];
    const lastW = l.length > 0 ? writers.get(kk)?.get(valueKey(l[l.length - 1])) : undefined;
    if (lastW !== undefined) for (const u of us) b.add(W.txn[lastW], u, WW);
  }
  lostUpdates(reads, lostCandidates, anomalies);
  addOrderEdges(txns, included, b);

  const explainEdge = (a: number, c: number, kind: number): string => {
    const tc = txns[c];
    for (const [kk, l] of longest) {
      const m = writers.get(kk);
      if (!m) continue;
      const key = show(keyName.get(kk));
      const all = [...m.values()].map((i) => W.view(i));
      const wa = all.filter((w) => w.txn === a);
      const wc = all.filter((w) => w.txn === c);
      const pos = position.get(kk);
      if (kind === WW && wa.length && wc.length) {
        return `T${a} appended ${show(wa[wa.length - 1].value)} to key ${key} before T${c} appended ${show(wc[0].value)}${pos?.has(valueKey(wc[0].value)) ? ` (the key's order is ${show(l)})` : ' (no read shows it, so it came after every element read)'}, so T${a} → ww → T${c}`;
      }
      const read = (t: Txn): unknown[] | undefined => {
        for (let ri = 0; ri < reads.size; ri++) if (reads.txn[ri] === t.id && valueKey(reads.key[ri]) === kk) return reads.foreign[ri];
        return undefined;
      };
      if (kind === WR && wa.length) {
        const r = read(tc);
        if (r && r.length > 0 && wa.some((w) => valueKey(w.value) === valueKey(r[r.length - 1]))) {
          return `T${a} appended ${show(r[r.length - 1])} to key ${key} and T${c} read key ${key} as ${show(r)}, so T${a} → wr → T${c}`;
        }
      }
      if (kind === RW && wc.length) {
        const r = read(txns[a]);
        if (r && wc.some((w) => !r.some((x) => valueKey(x) === valueKey(w.value)))) {
          const w = wc.find((x) => !r.some((y) => valueKey(y) === valueKey(x.value))) as Writer;
          return `T${a} read key ${key} as ${show(r)} without ${show(w.value)}, which T${c} appended, so T${a} → rw → T${c}`;
        }
      }
    }
    return `T${a} → ${kind === WW ? 'ww' : kind === WR ? 'wr' : 'rw'} → T${c}`;
  };
  return { txns, builder: b, included, anomalies, unknown, explainEdge };
}

function findSeq(W: AppendLog, m: Map<unknown, number>, txn: number, seq: number): unknown {
  for (const w of m.values()) if (W.txn[w] === txn && W.seq[w] === seq) return W.value[w];
  return undefined;
}

/**
 * Internal consistency: within a transaction, a read of a key shows what its earlier read showed
 * plus its own appends since; with no earlier read it at least ends with those appends. Records the
 * foreign part of each consistent read (what other transactions had appended) for the edges.
 */
function internal(t: Txn, reads: ReadLog, anomalies: PlainAnomaly[], lostCandidates: number[]): void {
  const ops = t.ops;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op[0] !== 'r') continue;
    const k = op[1], v = op[2];
    if (v !== null && !Array.isArray(v)) {
      anomalies.push({ type: 'garbage-read', txns: [t.id], key: k, steps: [`T${t.id} read key ${show(k)} as ${show(v)}, which is not a list`] });
      continue;
    }
    const got = (v ?? []) as unknown[];
    // Transactions are a few micro-ops long: scanning back beats a Map per transaction.
    const kk = valueKey(k);
    let earlier: unknown[] | undefined;
    let own: unknown[] | undefined;
    for (let j = i - 1; j >= 0; j--) {
      const e = ops[j];
      const g = e[0], x = e[2];
      if (valueKey(e[1]) !== kk) continue;
      if (g === 'append') (own ??= []).unshift(x);
      else if (g === 'r' && (x === null || Array.isArray(x))) { earlier = (x ?? []) as unknown[]; break; }
    }
    const o = own ?? [];
    const expected = earlier ? [...earlier, ...o] : undefined;
    const ok = expected ? sameList(expected, got) : got.length >= o.length && sameList(got.slice(got.length - o.length), o);
    if (!ok) {
      anomalies.push({ type: 'internal', txns: [t.id], key: k, steps: [`T${t.id} read key ${show(k)} as ${show(got)}, but its own earlier ops say it should ${expected ? `be ${show(expected)}` : `end with ${show(o)}`}`] });
      continue;
    }
    if (earlier) continue;
    reads.push(t.id, k, o.length === 0 ? got : got.slice(0, got.length - o.length));
    // A lost-update candidate: the transaction read the key before appending to it, and did append.
    // Decided here, while its few micro-ops are at hand, not in a second pass over every read.
    let readFirst = false, appends = false;
    for (let j = 0; j < ops.length; j++) {
      const e = ops[j];
      if (valueKey(e[1]) !== kk) continue;
      if (e[0] === 'r') { if (!appends) readFirst = true; } else if (e[0] === 'append') appends = true;
    }
    if (readFirst && appends) lostCandidates.push(reads.size - 1);
  }
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (valueKey(a[i]) !== valueKey(b[i])) return false;
  return true;
}

/** Elle's lost update: two committed transactions read the same version of a key and both appended to it. */
function lostUpdates(reads: ReadLog, candidates: readonly number[], anomalies: PlainAnomaly[]): void {
  const groups = new Map<string, Read[]>();
  for (const ri of candidates) {
    // Only a read before the transaction's own append to the key (its foreign part is all it saw).
    const kk = valueKey(reads.key[ri]);
    const r = reads.view(ri);
    const g = `${typeof kk}:${String(kk)}|${r.foreign.length}`;
    const list = groups.get(g) ?? [];
    list.push(r);
    groups.set(g, list);
  }
  for (const rs of groups.values()) {
    if (rs.length < 2) continue;
    const r = rs[0];
    const key = r.key;
    const ids = rs.map((x) => x.txn);
    anomalies.push({ type: 'lost-update', txns: ids, key, steps: [`${ids.map((i) => `T${i}`).join(' and ')} each read key ${show(key)} as the same version ${show(r.foreign)} and each appended to it: one of the appends was made without seeing the other`] });
  }
}
