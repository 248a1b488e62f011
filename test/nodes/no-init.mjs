#!/usr/bin/env node
// Never answers init (it logs and waits), or exits at once when NO_INIT_EXIT is set: for init errors.
process.stderr.write('no-init: starting, will not answer init\n');
if (process.env.NO_INIT_EXIT) process.exit(Number(process.env.NO_INIT_EXIT));
process.stdin.on('data', () => {});
