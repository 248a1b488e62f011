/**
 * The floors of the house (docs/architecture.md): the shared records import nothing of ours, checkers,
 * targets and reports never reach the controller (cli, run), checkers reach only the records, a
 * target imports no other target's folder but targets/server-base, harness/top/cli imports no target by
 * path, and no file imports itself back through a loop.
 */
import { describe, expect, it } from 'vitest';
import { cycles, importGraph } from './import-graph.js';

const graph = importGraph();
const edges = [...graph].flatMap(([from, deps]) => deps.map((to) => ({ from, to })));
const show = (es: { from: string; to: string }[]): string[] => es.map((e) => `${e.from} -> ${e.to}`);

/** The ground floor: the records everyone shares (the Op record, its readers and writers, errors). */
const RECORDS = /^harness\/history\//;
/** The generator: pure and seeded, it stands on the records alone. */
const GENERATOR = /^harness\/generator\//;
/** The contracts: checker, roles, run. They import only records, the generator's types and each other. */
const CONTRACTS = /^(checkers\/contract\.ts|harness\/roles\.ts|harness\/run-contract\.ts)$/;
const GROUND = { test: (f: string): boolean => RECORDS.test(f) || CONTRACTS.test(f) || GENERATOR.test(f) };
// The controller: commands, the run, and what stands on them (config files, the matrix, the API).
const CONTROLLER = /^harness\/(cli|run|config|matrix|api)\//;

/** The one folder under targets/ that other targets may import: the base of stores as servers on hosts. */
const SHARED_TARGET_BASE = 'targets/server-base';
const folderOf = (f: string): string => f.split('/').slice(0, 2).join('/');
/**
 * Imports between target folders that stand today and are to go (issue 23, part 4): the bundled Raft
 * is a Maelstrom node built on the Maelstrom target's protocol files, and the custom target uses the
 * Raft's status poller and program path. Listed one by one so that no new one creeps in; remove a
 * line when its import goes.
 */
const CROSS_TARGET_TODAY = [
  'targets/custom/cluster.ts -> targets/raft/index.ts',
  'targets/custom/raft-observer.ts -> harness/ground/protocol/protocol.ts',
  'targets/custom/raft-observer.ts -> targets/raft/status-poller.ts',
  'targets/raft/client-requests.ts -> harness/ground/protocol/kv-request.ts',
  'targets/raft/client-requests.ts -> harness/ground/protocol/protocol.ts',
  'targets/raft/entry.ts -> harness/middle/maelstrom/cluster.ts',
  'targets/raft/entry.ts -> targets/maelstrom/entry.ts',
  'targets/raft/entry.ts -> harness/ground/protocol/protocol.ts',
  'targets/raft/http-api.ts -> harness/ground/protocol/protocol.ts',
  'targets/raft/listen.ts -> harness/ground/protocol/protocol.ts',
  'targets/raft/main.ts -> harness/ground/protocol/protocol.ts',
  'targets/raft/messages.ts -> harness/ground/protocol/kv-request.ts',
  'targets/raft/node.ts -> harness/ground/protocol/protocol.ts',
  'targets/raft/state-machine.ts -> harness/ground/protocol/kv-request.ts',
  'targets/raft/state-machine.ts -> harness/ground/protocol/protocol.ts',
  'targets/raft/status-poller.ts -> harness/ground/protocol/protocol.ts',
];

describe('the import graph', () => {
  it('reads a plausible tree', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(edges.length).toBeGreaterThan(300);
  });

  it('has no import loop', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('keeps the shared records on the ground floor: they import nothing of ours but each other', () => {
    const up = edges.filter((e) => RECORDS.test(e.from) && !RECORDS.test(e.to));
    expect(show(up)).toEqual([]);
  });

  it('keeps the generator pure: it imports only itself and the records', () => {
    const up = edges.filter((e) => GENERATOR.test(e.from) && !GENERATOR.test(e.to) && !RECORDS.test(e.to));
    expect(show(up)).toEqual([]);
  });

  it('keeps the contracts just above: they import only records and other contracts', () => {
    const up = edges.filter((e) => CONTRACTS.test(e.from) && !GROUND.test(e.to));
    expect(show(up)).toEqual([]);
  });

  it('keeps checkers, targets and reports away from the controller', () => {
    const up = edges.filter((e) => /^(checkers|targets|reports)\//.test(e.from) && CONTROLLER.test(e.to));
    expect(show(up)).toEqual([]);
  });

  it('keeps checkers standing on their own: they import only checkers and the records', () => {
    const up = edges.filter((e) => e.from.startsWith('checkers/') && !e.to.startsWith('checkers/') && !GROUND.test(e.to));
    expect(show(up)).toEqual([]);
  });

  it('keeps each target to its own folder: none imports another target\'s folder but targets/server-base', () => {
    const across = edges.filter((e) => e.from.startsWith('targets/') && e.to.startsWith('targets/')
      && folderOf(e.from) !== folderOf(e.to) && folderOf(e.to) !== SHARED_TARGET_BASE);
    expect(show(across).filter((e) => !CROSS_TARGET_TODAY.includes(e))).toEqual([]);
    // A listed import that went must leave the list, so the list only shrinks.
    expect(CROSS_TARGET_TODAY.filter((e) => !show(across).includes(e))).toEqual([]);
  });

  it('keeps harness/top/cli off the targets: it finds them through the target registry, never by path', () => {
    const byPath = edges.filter((e) => e.from.startsWith('harness/top/cli/') && e.to.startsWith('targets/'));
    expect(show(byPath)).toEqual([]);
  });

  it('keeps reports off the targets and the controller', () => {
    const up = edges.filter((e) => e.from.startsWith('reports/') && (e.to.startsWith('targets/') || CONTROLLER.test(e.to)));
    expect(show(up)).toEqual([]);
  });
});
