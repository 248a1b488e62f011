import { InputError } from '../../../harness/ground/history/errors.js';
import type { Model, ModelSpec } from '../model.js';
import { queueModel, setModel } from './collections.js';
import { kvModel } from './kv.js';
import { multiRegisterModel } from './multi-register.js';
import { mutexModel } from './mutex.js';
import { registerModel, type RegisterOptions } from './register.js';

type Factory = (options: Record<string, unknown>) => Model;

/** Every model by its CLI name. Options are plain JSON so a spec can cross to a worker thread. */
export const MODELS: Readonly<Record<string, Factory>> = {
  register: (o) => registerModel(false, o as RegisterOptions),
  'cas-register': (o) => registerModel(true, o as RegisterOptions),
  'multi-register': (o) => multiRegisterModel(o),
  kv: (o) => kvModel(o as { initial?: string | null }),
  mutex: () => mutexModel(),
  set: () => setModel(),
  'unordered-queue': () => queueModel(false),
  'fifo-queue': () => queueModel(true),
};

/** Builds a model from its spec, or says which names exist. */
export function makeModel(spec: ModelSpec): Model {
  // Own names only: `in` or a bare lookup would find __proto__, constructor and toString on Object.prototype.
  const factory = Object.hasOwn(MODELS, spec.name) ? MODELS[spec.name] : undefined;
  if (!factory) {
    throw new InputError(`unknown model "${spec.name}"; choose one of ${Object.keys(MODELS).join(', ')} with --model`);
  }
  return factory(spec.options ?? {});
}

/**
 * Guesses a model from the `f`s a history uses, so `faultline check file` works without flags.
 * Returns undefined when no model covers them all.
 */
export function guessModel(fs: ReadonlySet<string>): string | undefined {
  const order = ['register', 'cas-register', 'kv', 'mutex', 'set', 'fifo-queue'];
  for (const name of order) {
    const m = makeModel({ name });
    if ([...fs].every((f) => m.fs.includes(f))) return name;
  }
  return undefined;
}
