/**
 * `--consistency-models`, the one declaration for every target with transactional workloads
 * (list-append and rw-register on the stores, txn-list-append and txn-rw-register on Maelstrom and the
 * bundled Raft): the models Elle checks the history for. Absent, the target's own: a store's for its
 * `--reads` mode (its docs say which), strict-serializable on Maelstrom, as Maelstrom's.
 */
import { InputError } from '../../ground/history/errors.js';
import type { TypedFlag } from '../../ground/contracts/flags.js';
import { MODEL_NAMES, unknownModels } from '../../../checkers/elle/models.js';

export const CONSISTENCY_MODELS: TypedFlag<string[]> = {
  name: 'consistency-models', kind: 'value',
  help: `transactional workloads: comma list of consistency models Elle checks (${MODEL_NAMES.join(', ')}; default: the store's model for its --reads mode, strict-serializable on maelstrom and raft)`,
  type: {
    parse: (text, flag) => {
      const models = text.split(',').map((m) => m.trim()).filter((m) => m !== '');
      const bad = unknownModels(models);
      if (models.length === 0 || bad.length > 0) throw new InputError(`--${flag} ${text} names ${bad.length > 0 ? `the unknown model ${bad.join(', ')}` : 'no model'}; choose from ${MODEL_NAMES.join(', ')}`);
      return models;
    },
  },
};
