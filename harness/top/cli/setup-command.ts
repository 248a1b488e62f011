/**
 * `faultline setup`: installs the machine packages a target and environment need by running the
 * package's own idempotent scripts/setup-*.sh (the ones Faultline's CI runs), picked from the one list
 * in harness/middle/setup/catalog.ts. Works the same from a checkout and from node_modules/faultline.
 */
import { spawn } from 'node:child_process';
import nodePath from 'node:path';
import { InputError } from '../../ground/history/errors.js';
import { DEFAULT_SETUP_TARGET, SETUP_ENVS, SETUP_SCRIPTS, SETUP_TARGETS, scriptsDir, selectScripts, type SetupScript } from '../../middle/setup/catalog.js';
import { parseArgs } from './args.js';

export const SETUP_HELP = `faultline setup [--target T]... [--env E] [--all] [--list] [--dry-run]

Installs the Debian packages (apt-get) that runs need on this machine, with the same idempotent
scripts Faultline's own CI runs: what is present is skipped, so it is safe to run on every CI job.
Needs root: in a project, sudo env "PATH=$PATH" npx faultline setup --target etcd
  --target T   what to prepare for (${SETUP_TARGETS.join(', ')}); repeat or comma-separate; default ${DEFAULT_SETUP_TARGET} (what npm start runs)
  --env E      also the environment's needs (${SETUP_ENVS.join(', ')}; docker installs and starts dockerd)
  --all        every script, including those only Faultline's own test suite needs (its CI runs this)
  --list       print which script serves what, and exit
  --dry-run    print the scripts that would run, and exit (no root needed)
Exit codes: 0 done, 1 a script failed (its output above names the cause), 254 bad usage.`;

/** Values of a repeatable, comma-separable option. */
const listOf = (v: string | true | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x !== '');

/** Runs one script with bash, its output going straight to ours; resolves with its exit code. */
function runScript(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [file], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

const describe = (s: SetupScript): string => {
  const serves = [...s.targets.map((t) => `--target ${t}`), ...s.envs.map((e) => `--env ${e}`), ...(s.testsOnly ? ['Faultline\'s own tests (--all)'] : [])];
  return `${s.file.padEnd(17)} ${s.installs}; for ${serves.join(', ')}`;
};

/** `faultline setup`: runs the set-up scripts the chosen targets and environments need. */
export async function setupCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, [], ['help', 'all', 'list', 'dry-run'], 'setup', ['target', 'env']);
  if (args.options.has('help')) { out(SETUP_HELP); return 0; }
  if (args.positionals.length > 0) throw new InputError(`faultline setup takes no arguments, got "${args.positionals.join(' ')}"; name targets with --target (see faultline setup --help)`);
  if (args.options.has('list')) {
    for (const s of SETUP_SCRIPTS) out(describe(s));
    return 0;
  }
  const all = args.options.has('all');
  const targets = listOf(args.options.get('target'));
  const envs = listOf(args.options.get('env'));
  if (all && (targets.length > 0 || envs.length > 0)) throw new InputError('faultline setup --all runs every script; drop --target and --env, or drop --all');
  const chosen = selectScripts(targets, envs, all);
  const dir = scriptsDir();
  if (args.options.has('dry-run')) {
    for (const s of chosen) out(`would run: bash ${nodePath.join(dir, s.file)}`);
    return 0;
  }
  if (process.getuid?.() !== 0) {
    throw new InputError(`faultline setup installs Debian packages and needs root; run it with sudo: sudo env "PATH=$PATH" npx faultline setup ${argv.join(' ')}`.trimEnd());
  }
  for (const s of chosen) {
    out(`== ${s.file}: ${s.installs}`);
    const code = await runScript(nodePath.join(dir, s.file));
    if (code !== 0) {
      process.stderr.write(`faultline: ${s.file} failed (exit ${code}); its output above names the cause — fix it and run faultline setup again (it skips what is installed)\n`);
      return 1;
    }
  }
  out(`setup: done (${chosen.map((s) => s.file).join(', ')})`);
  return 0;
}
