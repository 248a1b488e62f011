import type { Model } from '../model.js';

/** A lock: acquire succeeds only when free, release only when held (Knossos' mutex). */
export function mutexModel(): Model<boolean> {
  return {
    name: 'mutex',
    fs: ['acquire', 'release'],
    init: () => false,
    step(held, op) {
      if (op.f === 'acquire') return held ? undefined : true;
      if (op.f === 'release') return held ? false : undefined;
      return undefined;
    },
    describeState: (held) => (held ? 'held' : 'free'),
  };
}
