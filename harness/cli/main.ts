#!/usr/bin/env node
import { InputError } from '../history/errors.js';
import { CHECK_HELP, checkCommand } from './check-command.js';
import { reportCommand } from './report-command.js';
import { serveCommand } from './serve-command.js';
import { runCommand } from './run-command.js';
import { cleanupCommand } from './cleanup-command.js';
import { doctorCommand } from './doctor-command.js';
import { matrixCommand } from './matrix-command.js';

const USAGE = `faultline — Jepsen-style correctness testing

Commands:
  run [options]             run a cluster under a workload and faults, then check it (faultline run --help)
  matrix [options]          run every scenario of a config file or suite, e.g. --suite regressions (faultline matrix --help)
  check <history|run-dir>   check a history for linearizability (faultline check --help)
  report <run-dir>          re-render a stored run's report.html, junit.xml and the store index
  serve                     serve the store's reports read-only over HTTP (faultline serve --help)
  doctor                    list what this machine can run and how to install what is missing
  cleanup                   remove what killed runs left (namespaces, iptables rules, processes)

Exit codes: 0 valid, 1 invalid, 2 unknown, 254 bad usage or input.`;

const COMMANDS: Record<string, (argv: string[], out: (s: string) => void) => Promise<number>> = {
  check: checkCommand,
  doctor: doctorCommand,
  cleanup: cleanupCommand,
  report: reportCommand,
  serve: serveCommand,
  run: runCommand,
  matrix: matrixCommand,
};

/** Runs the CLI; every user error ends as one sentence on stderr and exit 254, never a stack trace. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 254 : 0;
  }
  const run = COMMANDS[command];
  if (!run) throw new InputError(`unknown command "${command}"; run faultline --help for the list`);
  return run(rest, (s) => process.stdout.write(`${s}\n`));
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    if (err instanceof InputError) {
      process.stderr.write(`faultline: ${err.message}\n`);
      process.exitCode = 254;
    } else {
      // A bug of ours, not the user's: say so, with the stack, and still exit non-zero.
      process.stderr.write(`faultline: internal error (please report): ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 3;
    }
  },
);
void CHECK_HELP;
