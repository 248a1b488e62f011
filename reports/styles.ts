/** The report's stylesheet, inlined into every page (no sibling files). */
export const REPORT_CSS = `
:root { --ok: #2e7d32; --bad: #c62828; --unknown: #b26a00; --muted: #666; --line: #ddd; --bg: #fafafa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Liberation Sans", sans-serif; margin: 0; color: #222; background: #fff; }
header { padding: 16px 24px; border-bottom: 4px solid var(--unknown); background: var(--bg); }
body.v-ok header { border-color: var(--ok); } body.v-bad header { border-color: var(--bad); }
h1 { margin: 0 0 4px; font-size: 22px; } h2 { margin: 28px 0 10px; font-size: 18px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 6px; } h4 { font-size: 14px; margin: 14px 0 6px; }
main { padding: 0 24px 40px; max-width: 1400px; }
nav { padding: 6px 24px; font-size: 13px; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: #fff; z-index: 2; }
nav a { margin-right: 14px; color: #1565c0; text-decoration: none; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600; color: #fff; background: var(--unknown); }
.verdict.ok { background: var(--ok); } .verdict.bad { background: var(--bad); }
.muted { color: var(--muted); } .warn { background: #fff8e1; border: 1px solid #ffe082; padding: 8px 12px; border-radius: 4px; }
.error { background: #ffebee; border: 1px solid #ef9a9a; padding: 8px 12px; border-radius: 4px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; max-width: 520px; overflow-wrap: anywhere; }
th { background: var(--bg); font-weight: 600; } table.kv th { width: 220px; }
.elle-row { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; } .elle-models tr.ruled-out td { color: #b00020; } .elle-steps li { margin: 2px 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.bad td { background: #ffebee; } tr.blocking td { background: #ffcdd2; font-weight: 600; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12px; }
pre { background: var(--bg); border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 480px; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.cmd { max-height: none; }
figure { margin: 12px 0 20px; } figcaption { font-weight: 600; margin-bottom: 4px; }
.chart-canvas { min-height: 40px; overflow-x: auto; }
.scroll { overflow-x: auto; }
.scroll-end { direction: rtl; } .scroll-end > * { direction: ltr; }
.lin-view { display: flex; align-items: flex-start; } .lin-view > .scroll { flex: 1 1 auto; min-width: 0; }
svg.lin-lanes { flex: none; background: #fff; border-right: 1px solid var(--line); }
svg.lin-lanes text { font-size: 11px; fill: #555; } svg.lin-lanes text.failing { fill: #b71c1c; font-weight: 700; }
.chip { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px; border: 1px solid #999; }
.chip.cx, .lin-op.cx rect { background: #ffb74d; fill: #ffb74d; stroke: #e65100; }
.chip.blocking, .lin-op.blocking rect { background: #ef5350; fill: #ef5350; stroke: #b71c1c; color: #fff; }
.lin-op.blocking rect { stroke-width: 3; }
.chip.candidate, .lin-op.candidate rect { background: #ce93d8; fill: #ce93d8; stroke: #6a1b9a; }
.chip.prefix, .lin-op.prefix rect { background: #90caf9; fill: #90caf9; stroke: #1565c0; }
.chip.context, .lin-op.context rect { background: #e0e0e0; fill: #e0e0e0; stroke: #9e9e9e; }
.lin-op.open rect { stroke-dasharray: 4 3; }
.lin-op { cursor: pointer; } .lin-op text { font-size: 11px; fill: #111; pointer-events: none; }
.lin-op.selected rect { stroke: #000; stroke-width: 3; }
.lin-op text.state { font-size: 10px; fill: #1565c0; }
.lin-op .mark { fill: #b71c1c; font-size: 16px; font-weight: 700; }
svg.lin-timeline .lane { pointer-events: none; } svg.lin-timeline .lane line { stroke: #eee; } svg.lin-timeline .axis { font-size: 11px; fill: #555; }
.lin-failure { border-left: 4px solid var(--bad); padding-left: 12px; margin-bottom: 24px; }
pre.lin-detail { max-height: 160px; }
details { margin: 6px 0; } summary { cursor: pointer; }
.filters { display: flex; gap: 10px; flex-wrap: wrap; align-items: center; margin: 6px 0; }
.filters input, .filters select, .pager button { font: inherit; padding: 2px 6px; }
.pager { display: flex; gap: 8px; align-items: center; }
.js-only { display: none; } html.js .js-only { display: flex; } html.js .no-js { display: none; }
td.type-ok { color: var(--ok); } td.type-fail { color: var(--bad); } td.type-info { color: var(--unknown); }
tr.nemesis td { background: #f3e5f5; }
#history-table tr.marked td, #history-table tr:target td { background: #fff59d; }
table.kv-mini { margin: 0; font-size: 12px; } table.kv-mini th, table.kv-mini td { padding: 1px 4px; } table.kv-mini th { white-space: nowrap; overflow-wrap: normal; }
a.op-link { color: #1565c0; }
tr.nemesis td { background: #f3e5f5; } tr.anomaly td { background: #ffcdd2; font-weight: 600; } .bad-note { border-left: 4px solid var(--bad); padding: 4px 10px; background: #ffebee; }
svg.diagram { background: #fff; } svg.diagram .life { stroke: #ccc; } svg.diagram text { font-size: 11px; } svg.diagram text.endpoint { text-anchor: middle; font-weight: 600; }
svg.diagram text.time { fill: #777; font-size: 10px; } svg.diagram .msg { cursor: pointer; } svg.diagram .msg .arrow { stroke: #1565c0; stroke-width: 1.2; }
svg.diagram .msg .hit { stroke: transparent; stroke-width: 8; } svg.diagram .msg text.label { fill: #333; text-anchor: middle; font-size: 10px; pointer-events: none; }
svg.diagram .msg.dropped .arrow { stroke: #c62828; stroke-dasharray: 4 3; } svg.diagram .msg .cross { stroke: #c62828; stroke-width: 2; }
svg.diagram .msg.selected .arrow { stroke: #000; stroke-width: 2.5; } svg.diagram marker path { fill: #1565c0; }
svg.diagram .op-mark { stroke: #c62828; stroke-width: 1.5; stroke-dasharray: 6 3; } svg.diagram text.op-mark-label { fill: #c62828; text-anchor: end; }
#diagram { max-height: 2000px; overflow: auto; border: 1px solid var(--line); }
`;
