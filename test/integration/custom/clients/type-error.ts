// A client whose invoke returns a string where open promised a number: refused before the run.
import { defineClient } from 'faultline';

export default defineClient({
  ops: ['read', 'write', 'cas'],
  open: (node) => ({ port: node.port }),
  invoke(op, ctx) {
    const port: string = ctx.conn.port;
    return port;
  },
});
