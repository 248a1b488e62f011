/**
 * #24: the report and the CLI place the first anomaly in time against the faults, and mark the failing
 * ops on the latency chart and in the history. Before, a stale-read run whose every failing read came
 * at 1.5–3.3 s, long before the first partition at 11.5 s, never said so, and nothing marked those reads.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/ground/history/op.js';
import type { RunResults } from '../../../harness/ground/contracts/run-contract.js';
import { summarize } from '../../../harness/top/cli/run-command.js';
import { writeRunReports } from '../../../reports/index.js';
import { cleanup, tempDir, writeRun } from './fixture-run.js';

afterEach(cleanup);

const PARTITION = [{ name: 'partition', start: 'start-partition', stop: 'stop-partition' }];

/**
 * Writes 1 and 2 on a register, then a stale read of 1 completing at `readAtS`, and a partition from
 * 11.5 s to 14.5 s. Times are chosen per op (seconds); the order of the history follows them.
 */
function staleAt(readAtS: number): Op[] {
  const ops: Omit<Op, 'index'>[] = [
    { time: 0.1e9, process: 0, type: 'invoke', f: 'write', value: 1 }, { time: 0.2e9, process: 0, type: 'ok', f: 'write', value: 1 },
    { time: 0.3e9, process: 1, type: 'invoke', f: 'write', value: 2 }, { time: 0.4e9, process: 1, type: 'ok', f: 'write', value: 2 },
    { time: (readAtS - 0.05) * 1e9, process: 2, type: 'invoke', f: 'read', value: null }, { time: readAtS * 1e9, process: 2, type: 'ok', f: 'read', value: 1 },
    { time: 11.5e9, process: 'nemesis', type: 'invoke', f: 'start-partition', value: 'majority' }, { time: 11.5e9, process: 'nemesis', type: 'info', f: 'start-partition', value: { n1: ['n2'] } },
    { time: 14.5e9, process: 'nemesis', type: 'invoke', f: 'stop-partition', value: null }, { time: 14.5e9, process: 'nemesis', type: 'info', f: 'stop-partition', value: null },
    { time: 20e9, process: 3, type: 'invoke', f: 'read', value: null }, { time: 20.01e9, process: 3, type: 'ok', f: 'read', value: 2 },
  ];
  return ops.sort((a, b) => a.time - b.time).map((o, index) => ({ ...o, index }) as Op);
}

async function run(readAtS: number): Promise<{ dir: string; html: string; results: RunResults }> {
  const dir = await writeRun(nodePath.join(tempDir('anomaly'), 't', 'r1'), staleAt(readAtS), { test: { faultBands: PARTITION } });
  const w = await writeRunReports(dir);
  return { dir, html: fs.readFileSync(w.report, 'utf8'), results: JSON.parse(fs.readFileSync(nodePath.join(dir, 'results.json'), 'utf8')) };
}

describe('#24 the first anomaly, placed against the faults', () => {
  it('a stale read at 1.5 s: "before any fault", in the report and in the CLI summary', async () => {
    const { dir, html, results } = await run(1.5);
    const sentence = /The first non-linearizable read \(read\(\) → 1, process 2, history index \d+\) completed at 1\.5 s, before any fault \(the first, partition, began at 11\.5 s\)\./;
    expect(html).toMatch(new RegExp(`<p id="first-anomaly" class="bad-note">${sentence.source}</p>`));
    expect(summarize(dir, results)).toMatch(sentence);
  });

  it('a stale read at 13.6 s: "2.1 s into the partition that began at 11.5 s"', async () => {
    const { html } = await run(13.6);
    expect(html).toMatch(/completed at 13\.6 s, 2\.1 s into the partition that began at 11\.5 s\./);
  });

  it('a stale read at 16 s: after the partition healed', async () => {
    const { html } = await run(16);
    expect(html).toMatch(/completed at 16\.0 s, with no fault in force: 1\.5 s after the partition that began at 11\.5 s ended at 14\.5 s\./);
  });

  it('marks the failing read on the latency chart and in the history table', async () => {
    const { html } = await run(1.5);
    const data = JSON.parse(/<script type="application\/json" id="faultline-data">([\s\S]*?)<\/script>/.exec(html)![1]);
    // The read's invocation (index 4) and completion (index 5), with why.
    expect(Object.keys(data.history.anomalies)).toEqual(['4', '5']);
    expect(data.history.anomalies['4']).toMatch(/linearizable: read\(\) → 1 could not be linearized/);
    expect(html).toMatch(/<tr id="op-4" class="anomaly" title="linearizable: read\(\) → 1 could not be linearized"><td class="num">4 ✗<\/td>/);
    // The latency chart carries a layer of its own for the failing ops, at the read's invoke time.
    const latency = JSON.stringify(data.charts.latency.spec);
    expect(latency).toMatch(/"name":"anomalies","values":\[\{"t":1\.45/);
    expect(latency).toContain('red rings: the failing ops');
    // And a valid run has no such sentence and no marks.
    const ops = staleAt(1.5).map((o) => (o.index === 5 ? { ...o, value: 2 } : o));
    const dir = await writeRun(nodePath.join(tempDir('anomaly'), 't', 'r2'), ops, { test: { faultBands: PARTITION } });
    const valid = fs.readFileSync((await writeRunReports(dir)).report, 'utf8');
    expect(valid).not.toContain('id="first-anomaly"');
    expect(valid).not.toContain('class="anomaly"');
  });
});
