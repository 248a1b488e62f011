/**
 * The environments a run can provision its hosts in, by `--env` name. Adding one is a folder under
 * `harness/middle/hosts/` that exports an `EnvironmentKind`, and one line here.
 */
import { InputError } from '../../ground/history/errors.js';
import type { EnvironmentKind } from './environment.js';
import { dockerEnvironment } from './docker/index.js';
import { localEnvironment } from './local/index.js';
import { sshEnvironment } from './ssh/index.js';

export const ENVIRONMENTS: Readonly<Record<string, EnvironmentKind>> = {
  local: localEnvironment,
  docker: dockerEnvironment,
  ssh: sshEnvironment,
};

export const DEFAULT_ENVIRONMENT = 'local';

/** The environment called `name`, or an InputError listing the ones there are. */
export function getEnvironment(name: string = DEFAULT_ENVIRONMENT): EnvironmentKind {
  const env = Object.hasOwn(ENVIRONMENTS, name) ? ENVIRONMENTS[name] : undefined; // never Object.prototype's names
  if (!env) throw new InputError(`unknown environment "${name}"; the environments are ${Object.keys(ENVIRONMENTS).join(', ')}`);
  return env;
}
