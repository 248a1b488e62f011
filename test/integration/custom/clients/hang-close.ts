// A client whose close() never settles and whose open() holds a timer (as a socket would keep the
// event loop alive): a run must still end at its time limit, and at its first SIGTERM.
import { defineClient } from 'faultline';
import { httpKvClient } from '../../../../targets/custom/http-kv.js';

const inner = httpKvClient('if-match');

export default defineClient({
  ...inner,
  open: async (node, ctx) => {
    setInterval(() => undefined, 1_000);
    return inner.open(node, ctx);
  },
  close: () => new Promise<void>(() => undefined),
});
