/** The report's watch section: one lane per watcher, violations as dots with their class, the lag chart. */
import { describe, expect, it } from 'vitest';
import { checkWatchHistory, parseWatchHistory } from '../../../checkers/watch/index.js';
import { watchSection } from '../../../reports/watch-lanes.js';
import { generate, toOps } from '../watch/gen.js';
import { INJECTIONS } from '../watch/inject.js';
import { ZK_INJECTIONS, generateZk, zkToOps } from '../watch/zk-gen.js';
import { CONSUL_INJECTIONS, consulToOps, generateConsul } from '../watch/consul-gen.js';

/** The number of points a watcher's lane draws (its `data-points`), and the ticks in its path. */
function lane(html: string, watcher: string): { points: number; ticks: number } {
  const m = new RegExp(`<path class="lane-events" data-watcher="${watcher}" data-points="(\\d+)" d="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no lane for ${watcher}`);
  return { points: Number(m[1]), ticks: (m[2].match(/M/g) ?? []).length };
}

describe('watch lanes', () => {
  it('draws a lane per watcher, the violation where it was seen, fault bands and the lag chart', () => {
    const ops = toOps(INJECTIONS.duplicate(generate({ commits: 30, watchers: 2, seed: 9 }), 0)!);
    const r = checkWatchHistory(parseWatchHistory(ops));
    const html = watchSection(ops, [{ fault: 'partition', start: 0.001, end: 0.002, detail: 'halves' }], r);
    expect(html).toContain('<section id="watch">');
    expect(html).toContain('>w0 (n1)<');
    expect(html).toContain('>w1 (n2)<');
    expect(html).toMatch(/<circle[^>]*fill="#ff7f0e"><title>duplicate revisions/);
    expect(html).toContain('partition: halves');
    expect(html).toContain('Delivery lag');
  });
  it('draws ZooKeeper firings as lanes with their zxids, a double fire marked, and their lags', () => {
    const g = generateZk({ commits: 40, watchers: 2, seed: 5, infoRate: 0 });
    const ops = zkToOps(ZK_INJECTIONS['double-fire'](g, 0)!);
    const r = checkWatchHistory(parseWatchHistory(ops));
    expect(r.valid).toBe(false);
    const html = watchSection(ops, [], r);
    for (const w of g.watchers) {
      // Every firing is a point of its watcher's lane (the injected one too).
      const fires = w.log.filter((x) => x.k === 'fire').length + (w === g.watchers.find((v) => v.log.some((x) => x.k === 'fire')) ? 1 : 0);
      expect(fires).toBeGreaterThan(1);
      expect(lane(html, w.watcher)).toEqual({ points: fires, ticks: fires });
    }
    expect(html).toMatch(/<title>[\d.]+ s: firing NODE_(DATA|CHILDREN)_CHANGED of registration \d+ armed at zxid \d+<\/title>/);
    expect(html).toMatch(/<circle[^>]*fill="#ff7f0e"><title>double-fire /);
    const judged = (r.zookeeper as { judged: number }).judged;
    expect(judged).toBeGreaterThan(0);
    expect(html).toContain(`over ${judged} deliveries`);
  });
  it('draws Consul returns as lanes with their indices, spurious ones apart, a reorder marked, and their lags', () => {
    const g = generateConsul({ commits: 40, watchers: 2, seed: 7, infoRate: 0 });
    const bad = CONSUL_INJECTIONS.reorder(g, 0)!;
    const ops = consulToOps(bad);
    const r = checkWatchHistory(parseWatchHistory(ops));
    expect(r.counts).toHaveProperty('reorder');
    const html = watchSection(ops, [{ fault: 'kill', start: 0.05, end: 0.1, detail: 'n1' }], r);
    for (const w of bad.watchers) {
      const l = lane(html, w.watcher);
      const spurious = Number(new RegExp(`data-watcher="${w.watcher}"[^]*?(?:class="lane-spurious" data-points="(\\d+)"|<text)`).exec(html)?.[1] ?? 0);
      // Every return is drawn: those that changed something as lane points, the rest as spurious ticks.
      expect(l.points + spurious).toBe(w.returns.length);
      expect(l.points).toBeGreaterThan(1);
      expect(l.ticks).toBe(l.points);
    }
    expect(html).toMatch(/<title>[\d.]+ s: X-Consul-Index \d+ \(asked \d+\): \S+ ModifyIndex \d+/);
    expect(html).toMatch(/<circle[^>]*fill="#9467bd"><title>reorder /);
    expect(html).toContain('kill: n1');
    const samples = (r.lagMs as { samples: number }).samples;
    expect(samples).toBeGreaterThan(0);
    expect(html).toContain(`over ${samples} deliveries`);
  });
  it('is empty for a run without a watch checker', () => {
    expect(watchSection([], [], undefined)).toBe('');
  });

  it('draws the lanes of a history of 300,000 records (event records make a watch run\'s history long)', () => {
    const ops = toOps(generate({ commits: 30, watchers: 2, seed: 9 }));
    const t = ops[ops.length - 1].time;
    // Events after the watchers' last windows: stray, not judged, but records of the history all the same.
    while (ops.length < 300_000) ops.push({ index: ops.length, time: t + ops.length, process: 0, type: 'event', f: 'event', value: { watcher: 'w0', kind: 'progress', rev: 1, batch: ops.length } });
    const r = checkWatchHistory(parseWatchHistory(ops));
    const html = watchSection(ops, [], r);
    expect(html).toContain('>w0 (n1)<');
    expect(html).toContain(`${((t + ops.length - 1) / 1e9).toFixed(0)} s</text>`);
  });
});
