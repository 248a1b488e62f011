#!/usr/bin/env node
import { InputError } from '../../ground/history/errors.js';
import { escapeControls } from '../run/terminal.js';

const USAGE = `faultline — Jepsen-style correctness testing

Commands:
  run [options]             run a cluster under a workload and faults, then check it (faultline run --help)
  matrix [options]          run every scenario of a config file or suite, e.g. --suite regressions (faultline matrix --help)
  check <history|run-dir>   check a history for linearizability (faultline check --help)
  report <run-dir|history>  re-render a stored run's report.html, junit.xml and the store index, or
                            write the report of a history file (faultline report --help)
  serve                     serve the store's reports read-only over HTTP (faultline serve --help)
  doctor                    list what this machine can run and how to install what is missing
  cleanup                   remove what killed runs left (namespaces, containers, iptables rules, processes)
  images [build]            list or build the images --env docker runs (faultline images --help)
  setup [--target T]        install the machine packages a target needs, as root (faultline setup --help)

Exit codes: 0 valid (or done), 1 invalid (cleanup: something could not be removed), 2 unknown,
3 internal error (a bug of ours; please report it), 130 a third Ctrl-C/SIGTERM cut the teardown short,
254 bad usage or input, or a cluster that never came up (one sentence naming the cause and the fix).`;

type Command = (argv: string[], out: (s: string) => void) => Promise<number>;

// Each command's module loads only when it is invoked: `run` pulls in the whole harness (targets,
// nemeses, reports), which took a second to import, and `check` or `--help` need none of it.
const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./check-command.js')).checkCommand,
  doctor: async () => (await import('./doctor-command.js')).doctorCommand,
  cleanup: async () => (await import('./cleanup-command.js')).cleanupCommand,
  images: async () => (await import('./images-command.js')).imagesCommand,
  report: async () => (await import('./report-command.js')).reportCommand,
  serve: async () => (await import('./serve-command.js')).serveCommand,
  run: async () => (await import('./run-command.js')).runCommand,
  matrix: async () => (await import('./matrix-command.js')).matrixCommand,
  setup: async () => (await import('./setup-command.js')).setupCommand,
};

/** Runs the CLI; every user error ends as one sentence on stderr and exit 254, never a stack trace. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 254 : 0;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) throw new InputError(`unknown command "${command}"; run faultline --help for the list`);
  const run = await load();
  // Everything printed may quote a node or a history: control characters are shown, never obeyed.
  return run(rest, (s) => process.stdout.write(`${escapeControls(s)}\n`));
}

/**
 * Once the command has its exit code, the process ends within a grace period even if something the
 * run abandoned (a client's close() that never settles, its socket) keeps the event loop alive; the
 * timer is unref'd, so a process with nothing left exits at once as before.
 */
const EXIT_GRACE_MS = 3_000;
const exitSoon = (): void => { setTimeout(() => process.exit(), EXIT_GRACE_MS).unref(); };

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; exitSoon(); },
  (err: unknown) => {
    if (err instanceof InputError) {
      process.stderr.write(`faultline: ${escapeControls(err.message)}\n`);
      process.exitCode = 254;
      // A user's module that never finished loading may hold timers or sockets: do not wait on them.
      if ((err as { abandoned?: unknown }).abandoned === true) setTimeout(() => process.exit(), 200).unref();
    } else {
      // A bug of ours, not the user's: say so, with the stack, and still exit non-zero.
      process.stderr.write(`faultline: internal error (please report): ${escapeControls(err instanceof Error ? err.stack ?? err.message : String(err))}\n`);
      process.exitCode = 3;
    }
    exitSoon();
  },
);
