/**
 * `faultline matrix` (Jepsen's test-all): the scenarios of a config file or a bundled suite, one
 * after another, each in its own store directory; a live summary, a final table, one JUnit file for
 * the whole matrix and `store/index.html`.
 */
import { emptyLearned } from '../../middle/faults/nemesis/auto/learner.js';
import nodePath from 'node:path';
import { SUITES } from '../../../suites/index.js';
import { writeStoreIndex } from '../../../reports/index.js';
import { markStore } from '../../../reports/store-marker.js';
import { InputError } from '../../ground/history/errors.js';
import { didYouMean } from '../../ground/contracts/closest.js';
import { configLine, configOf } from '../config/load.js';
import { checkConfig } from '../config/schema.js';
import type { FaultlineConfig } from '../config/define.js';
import { matrixScenarios, onlyScenarios } from '../matrix/scenarios.js';
import { matrixExit, parseBudget, runMatrix, scenarioArgv } from '../matrix/run-matrix.js';
import { matrixTable, writeMatrix } from '../matrix/matrix-report.js';
import { parseArgs } from './args.js';
import { parseRunRequest, runFromArgv } from './run-command.js';
import { checkStore } from './run-checks.js';

export const MATRIX_HELP = `faultline matrix [options]

Runs every scenario of a config file (its \`scenarios\`, or its workloads × faultSets × seeds) or of a
bundled suite, one after another, each a whole run in its own store directory.

  --config FILE        the config (default: the nearest faultline.config.{ts,mts,js,mjs,json} from here up to the
                       project root); it must be yours or root's and writable by no one else
  --suite NAME         a bundled suite instead: ${Object.keys(SUITES).join(', ')}
  --only LIST          only these scenarios (comma list, repeatable)
  --fail-fast          stop after the first scenario that does not meet its expectation
  --time-budget 5m     skip the scenarios that would end past this (a bare number means seconds)
  --store DIR          where runs go (default: the config's store, else ./store)
  --junit FILE         also write the matrix's JUnit here (it is always in <store>/matrix/latest/junit.xml)
  --list               print the scenarios and their flags, run nothing
  --dry-run            check every scenario's settings as faultline run --dry-run does, run nothing

Writes <store>/matrix/<time>/{junit.xml,summary.json,table.txt} and <store>/index.html.
Exit: 0 every scenario met its expectation, 1 one did not, 2 one was unknown or skipped, 255 one
crashed, 254 bad usage or input.`;

/** The config a matrix runs: `--suite NAME`, else the config file. */
async function matrixConfig(argv: string[]): Promise<{ config: FaultlineConfig; name: string; argv: string[] }> {
  const i = argv.findIndex((a) => a === '--suite' || a.startsWith('--suite='));
  if (i >= 0) {
    const name = argv[i].startsWith('--suite=') ? argv[i].slice(8) : argv[i + 1];
    if (name === undefined) throw new InputError(`--suite needs a name: ${Object.keys(SUITES).join(', ')}`);
    if (!Object.prototype.hasOwnProperty.call(SUITES, name)) {
      throw new InputError(`--suite ${name} is not a suite${didYouMean(name, Object.keys(SUITES))}; the suites are ${Object.keys(SUITES).join(', ')}`);
    }
    if (argv.some((a) => a === '--config' || a.startsWith('--config='))) throw new InputError('--suite and --config both name the scenarios; give one');
    return { config: checkConfig(SUITES[name], `suite ${name}`), name, argv: argv.filter((_, j) => j !== i && !(j === i + 1 && !argv[i].includes('='))) };
  }
  const { argv: rest, file, config } = await configOf(argv);
  if (!config || !file) {
    throw new InputError('faultline matrix needs scenarios: write a faultline.config.ts with scenarios or lists (docs/config-matrix-ci.md), pass --config FILE, or --suite regressions');
  }
  process.stderr.write(configLine(file));
  return { config, name: nodePath.basename(nodePath.dirname(file)), argv: rest };
}

/** `faultline matrix`: returns the exit code. */
export async function matrixCommand(argv: string[], out: (s: string) => void): Promise<number> {
  if (argv.includes('--help')) {
    out(MATRIX_HELP);
    return 0;
  }
  const { config, name, argv: rest } = await matrixConfig(argv);
  const args = parseArgs(rest, ['store', 'time-budget', 'junit'], ['fail-fast', 'list', 'dry-run', 'help'], 'matrix', ['only']);
  if (args.positionals.length > 0) throw new InputError(`faultline matrix takes no positional arguments, got "${args.positionals[0]}"; see faultline matrix --help`);
  const only = ((args.options.get('only') as string[] | undefined) ?? []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
  const scenarios = onlyScenarios(matrixScenarios(config), only);
  const store = nodePath.resolve((args.options.get('store') as string | undefined) ?? config.store ?? 'store');
  const budget = args.options.has('time-budget') ? parseBudget(args.options.get('time-budget') as string) : undefined;
  checkStore(store);
  if (args.options.has('dry-run')) {
    // Every scenario parsed and preflighted as `faultline run --dry-run` would: nothing starts.
    for (const s of scenarios) {
      const { target, req } = parseRunRequest(scenarioArgv(s, store), () => undefined);
      await target.preflight?.(req);
      out(`${s.name} (expect ${s.expect}): valid settings — ${req.config.target as string} ${req.config.workload as string}, ${req.nodeCount} nodes, faults ${req.config.faults.join(',') || 'none'}`);
    }
    out(`faultline matrix --dry-run: ${scenarios.length} scenario(s) valid; nothing was started`);
    return 0;
  }
  if (args.options.has('list')) {
    for (const s of scenarios) out(`${s.name} (expect ${s.expect}): faultline run ${scenarioArgv(s, store).join(' ')}`);
    return 0;
  }
  out(`faultline matrix ${name}: ${scenarios.length} scenario(s), store ${store}${budget ? `, time budget ${budget / 1000} s` : ''}`);
  const learned = emptyLearned();
  const outcomes = await runMatrix(scenarios, {
    store, failFast: args.options.has('fail-fast'), timeBudgetMs: budget, out,
    // One learned table for the whole matrix: its --nemesis auto scenarios are a campaign.
    runOne: (a) => runFromArgv(a, process.stderr, learned),
  });
  const exit = matrixExit(outcomes);
  const dir = writeMatrix(store, name, outcomes, exit, args.options.get('junit') as string | undefined);
  markStore(store); // The store the user named, as `run` marks it.
  writeStoreIndex(store);
  out(`\n${matrixTable(outcomes)}\n`);
  for (const o of outcomes.filter((x) => x.status !== 'met' && x.dir)) out(`reproduce ${o.name}: faultline run --replay ${o.dir}`);
  out(`junit:   ${nodePath.join(dir, 'junit.xml')}\nindex:   ${nodePath.join(store, 'index.html')}\nexit ${exit}: ${exit === 0 ? 'every scenario met its expectation' : exit === 1 ? 'a scenario did not meet its expectation' : exit === 2 ? 'a scenario was unknown or not run' : 'a scenario crashed'}`);
  return exit;
}
