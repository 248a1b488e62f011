/**
 * The report's charts: vega-lite specs built from the analysis and compiled to vega at generation
 * time, so the page only needs vega's runtime (embedded) and no compiler. Each chart carries its
 * data inline; aggregation (buckets, quantiles, sampling) happened in analysis.ts.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { latencyPoints, latencyQuantiles, throughput, type Analysis, type Band } from './analysis.js';
import type { Anomaly } from './anomalies.js';
import type { MessageCounts } from './messages.js';

/** A compiled chart as the page embeds it. */
export interface Chart {
  id: string;
  title: string;
  /** The vega spec (JSON). */
  spec: unknown;
  renderer: 'svg' | 'canvas';
  note?: string;
}

/** Points drawn in the latency scatter at most; above this non-ok ops are kept and ok ones sampled. */
export const MAX_LATENCY_POINTS = 20_000;
/** Above this many points the scatter is drawn on a canvas: SVG with tens of thousands of nodes is slow to open. */
const CANVAS_ABOVE = 3_000;

const WIDTH = 860;
const HEIGHT = 260;

const OUTCOME_COLORS = { domain: ['ok', 'fail', 'info'], range: ['#4c78a8', '#e45756', '#f58518'] };

function timeAxis(endS: number) {
  return { field: 't', type: 'quantitative' as const, title: 'time (s)', scale: { domain: [0, Math.max(endS, 1e-3)], nice: false } };
}

/** A layer shading each fault's active stretch; its colour scale is independent of the data's. */
function bandLayer(bands: readonly Band[]): Record<string, unknown>[] {
  if (bands.length === 0) return [];
  return [{
    data: { name: 'bands' },
    mark: { type: 'rect', opacity: 0.18, tooltip: true },
    encoding: {
      x: { field: 'start', type: 'quantitative' },
      x2: { field: 'end' },
      color: { field: 'fault', type: 'nominal', title: 'fault', scale: { scheme: 'set2' } },
      tooltip: [{ field: 'fault' }, { field: 'hit', title: 'nodes hit (role)' }, { field: 'start', title: 'from (s)', format: '.3f' }, { field: 'end', title: 'to (s)', format: '.3f' }, { field: 'detail' }],
    },
  }];
}

function layered(datasets: Record<string, unknown[]>, bands: readonly Band[], layer: Record<string, unknown>, title: string, extra: Record<string, unknown>[] = []): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: WIDTH,
    height: HEIGHT,
    datasets: { ...datasets, bands: bands as unknown as unknown[] },
    layer: [...bandLayer(bands), layer, ...extra],
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  } as unknown as TopLevelSpec;
}

function toVega(spec: TopLevelSpec): unknown {
  return compile(spec).spec;
}

/** A CSV field: quoted (quotes doubled) when it holds a comma, quote or line break, as RFC 4180 and vega's parser read it. */
const csvField = (v: unknown): string => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/**
 * The compiled spec with dataset `name`'s rows inlined as CSV text that vega parses (its `values`
 * take a string with a `format`), numeric `numbers` typed back: 20,000 latency points are 0.7 MB of
 * CSV against 1.7 MB of JSON objects, and every megabyte of the page costs its opening time
 * (bench/report.ts). The rows keep their fields, values and order.
 */
export function inlineAsCsv(spec: unknown, name: string, numbers: readonly string[]): unknown {
  const data = (spec as { data?: { name?: string; values?: unknown; format?: unknown }[] }).data;
  const d = data?.find((x) => x.name === name);
  if (!d || !Array.isArray(d.values) || d.values.length === 0 || d.format !== undefined) return spec;
  const rows = d.values as Record<string, unknown>[];
  const fields = Object.keys(rows[0]);
  if (rows.some((r) => Object.keys(r).length !== fields.length || fields.some((f) => r[f] === undefined || r[f] === null || typeof r[f] === 'object'))) return spec;
  d.values = [fields.map(csvField).join(','), ...rows.map((r) => fields.map((f) => csvField(r[f])).join(','))].join('\n');
  d.format = { type: 'csv', parse: Object.fromEntries(fields.filter((f) => numbers.includes(f)).map((f) => [f, 'number'])) };
  return spec;
}

/**
 * The failing ops a checker named, drawn over the latency scatter as large red rings at their invoke
 * time and latency, so the eye finds them among thousands of ok ops.
 */
function anomalyLayer(anomalies: readonly Anomaly[]): { data: Record<string, unknown[]>; layers: Record<string, unknown>[] } {
  const rows = anomalies.map((x) => ({ t: x.start, ms: Math.max((x.at - x.start) * 1e3, 0.001), index: x.index, process: x.process, what: x.description, checker: x.checker }));
  if (rows.length === 0) return { data: {}, layers: [] };
  return {
    data: { anomalies: rows },
    layers: [{
      data: { name: 'anomalies' },
      mark: { type: 'point', shape: 'circle', filled: false, size: 220, strokeWidth: 2.5, color: '#c62828', tooltip: true },
      encoding: {
        x: { field: 't', type: 'quantitative' },
        y: { field: 'ms', type: 'quantitative' },
        tooltip: [{ field: 'checker', title: 'failed' }, { field: 'what', title: 'op' }, { field: 'index', title: 'op index' }, { field: 'process' }, { field: 't', title: 'invoked (s)', format: '.3f' }],
      },
    }],
  };
}

/** Every chart the run's data supports, in page order; `anomalies` are marked on the latency chart. */
export function buildCharts(a: Analysis, messages: MessageCounts | undefined, anomalies: readonly Anomaly[] = []): Chart[] {
  const charts: Chart[] = [];
  const endS = a.endS;
  const { points, total } = latencyPoints(a.pairs, MAX_LATENCY_POINTS);
  if (points.length > 0) {
    const marked = anomalyLayer(anomalies);
    charts.push({
      id: 'latency',
      title: 'Latency of every op',
      renderer: points.length > CANVAS_ABOVE ? 'canvas' : 'svg',
      ...(points.length < total ? { note: `${points.length} of ${total} ops drawn: every failed or indeterminate op, and an even sample of the ok ones` } : {}),
      spec: inlineAsCsv(toVega(layered({ points, ...marked.data }, a.bands, {
        data: { name: 'points' },
        mark: { type: 'point', filled: true, size: 14, opacity: 0.7, tooltip: true },
        encoding: {
          x: timeAxis(endS),
          y: { field: 'ms', type: 'quantitative', title: 'latency (ms)', scale: { type: 'log' } },
          color: { field: 'f', type: 'nominal', title: 'f', scale: { scheme: 'tableau10' } },
          shape: { field: 'outcome', type: 'nominal', title: 'outcome', scale: { domain: ['ok', 'fail', 'info'], range: ['circle', 'cross', 'triangle-up'] } },
          tooltip: [{ field: 'index', title: 'op index' }, { field: 'process' }, { field: 'f' }, { field: 'outcome' }, { field: 't', title: 'invoked (s)', format: '.3f' }, { field: 'ms', title: 'latency (ms)', format: '.2f' }],
        },
      }, `Latency of every op (by invoke time), with fault activity${anomalies.length > 0 ? '; red rings: the failing ops' : ''}`, marked.layers)), 'points', ['t', 'ms', 'index', 'process']),
    });
    const tp = throughput(a.pairs, endS);
    charts.push({
      id: 'throughput',
      title: 'Throughput',
      renderer: 'svg',
      spec: toVega(layered({ tp }, a.bands, {
        data: { name: 'tp' },
        mark: { type: 'line', interpolate: 'step-after', point: false, tooltip: true },
        encoding: {
          x: timeAxis(endS),
          y: { field: 'rate', type: 'quantitative', title: 'completions / s' },
          color: { field: 'outcome', type: 'nominal', title: 'outcome', scale: OUTCOME_COLORS },
          tooltip: [{ field: 't', title: 'from (s)' }, { field: 'outcome' }, { field: 'rate', title: 'ops/s', format: '.1f' }],
        },
      }, 'Throughput by outcome (completions per second)')),
    });
    const q = latencyQuantiles(a.pairs, endS);
    charts.push({
      id: 'quantiles',
      title: 'Latency quantiles',
      renderer: 'svg',
      spec: toVega(layered({ q }, a.bands, {
        data: { name: 'q' },
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          x: timeAxis(endS),
          y: { field: 'ms', type: 'quantitative', title: 'latency (ms)', scale: { type: 'log' } },
          color: { field: 'f', type: 'nominal', title: 'f', scale: { scheme: 'tableau10' } },
          strokeDash: { field: 'q', type: 'nominal', title: 'quantile', sort: ['p50', 'p95', 'p99', 'max'] },
          detail: { field: 'q' },
          tooltip: [{ field: 't', title: 'from (s)' }, { field: 'f' }, { field: 'q' }, { field: 'ms', format: '.2f' }],
        },
      }, 'Latency quantiles per f (p50, p95, p99, max)')),
    });
  }
  if (a.bands.length > 0) {
    charts.push({
      id: 'nemesis',
      title: 'Nemesis timeline',
      renderer: 'svg',
      spec: toVega({
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: 'Faults active over time',
        width: WIDTH,
        datasets: { bands: a.bands as unknown as unknown[] },
        data: { name: 'bands' },
        encoding: {
          x: { field: 'start', type: 'quantitative', title: 'time (s)', scale: { domain: [0, Math.max(endS, 1e-3)], nice: false } },
          y: { field: 'fault', type: 'nominal', title: null },
        },
        layer: [
          {
            mark: { type: 'bar', tooltip: true, cornerRadius: 2 },
            encoding: {
              x2: { field: 'end' },
              color: { field: 'fault', type: 'nominal', legend: null, scale: { scheme: 'set2' } },
              tooltip: [{ field: 'fault' }, { field: 'hit', title: 'nodes hit (role)' }, { field: 'start', title: 'from (s)', format: '.3f' }, { field: 'end', title: 'to (s)', format: '.3f' }, { field: 'detail' }],
            },
          },
          // Each band labelled with the nodes it reached and their roles, so a reader sees who was hit.
          { mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, baseline: 'middle' }, encoding: { text: { field: 'hit' } } },
        ],
      } as unknown as TopLevelSpec),
    });
  }
  if (a.clock.length > 0) {
    charts.push({
      id: 'clock',
      title: 'Clock offsets',
      renderer: 'svg',
      spec: toVega(layered({ clock: a.clock }, a.bands, {
        data: { name: 'clock' },
        mark: { type: 'line', interpolate: 'step-after', point: true, tooltip: true },
        encoding: {
          x: timeAxis(endS),
          y: { field: 'offsetMs', type: 'quantitative', title: 'offset (ms)' },
          color: { field: 'node', type: 'nominal', title: 'node', scale: { scheme: 'tableau10' } },
          tooltip: [{ field: 'node' }, { field: 't', title: 'at (s)', format: '.3f' }, { field: 'offsetMs', title: 'offset (ms)' }],
        },
      }, 'Clock offset of each node')),
    });
  }
  if (messages && messages.rows.length > 0) {
    charts.push({
      id: 'messages',
      title: 'Messages per node',
      renderer: 'svg',
      spec: toVega({
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: `Messages per endpoint (${messages.total} in all)`,
        width: WIDTH,
        height: HEIGHT,
        datasets: { msgs: messages.rows as unknown as unknown[] },
        data: { name: 'msgs' },
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: { field: 'endpoint', type: 'nominal', title: 'endpoint', sort: null },
          xOffset: { field: 'kind', type: 'nominal', sort: ['sent', 'delivered', 'dropped'] },
          y: { field: 'count', type: 'quantitative', title: 'messages' },
          color: { field: 'kind', type: 'nominal', title: 'kind', scale: { domain: ['sent', 'delivered', 'dropped'], range: ['#4c78a8', '#54a24b', '#e45756'] } },
          tooltip: [{ field: 'endpoint' }, { field: 'kind' }, { field: 'count' }],
        },
      } as unknown as TopLevelSpec),
    });
  }
  return charts;
}
