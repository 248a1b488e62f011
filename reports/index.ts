/**
 * Reports of a run: report.html, junit.xml, the store index, reporters for `--reporter`, and the
 * read-only store server.
 */
export { writeRunReports, writeAtomic, type WrittenReports } from './write-run.js';
export { writeStoreIndex, listRuns, storeIndexHtml, type RunEntry } from './store-index.js';
export { REPORTERS, readTestJson, testNameOf, type Reporter } from './reporters.js';
export { junitXml, type JunitInput } from './junit.js';
export { renderReport, vegaRuntime, MAX_EMBEDDED_OPS } from './html-report.js';
export { loadRun, readHistoryLenient, type RunData, type ResultsView, type EmbeddedLog } from './run-data.js';
export { firstAnomalyOfRun } from './run-story.js';
export { analyze, bandsOf, type Analysis, type Band, type ClientPair } from './analysis.js';
export { countMessages, type MessageCounts } from './messages.js';
export { summarizeChecker, runSummary, verdictWord } from './summary.js';
export { createStoreServer, newToken, resolveInStore, type StoreServerOptions } from './serve.js';
export { esc, jsonForScript, xmlEsc } from './escape.js';
