/**
 * SIGINT/SIGTERM handling for a run: the first signal asks the run to stop (it then heals and tears
 * down); a second one within the teardown is ignored too, because leaving namespaces, iptables rules
 * or processes behind is worse than waiting a few seconds — a third forces the exit.
 */
export function onSignals(stop: (signal: string) => void): { dispose(): void } {
  let count = 0;
  const handler = (sig: NodeJS.Signals): void => {
    count++;
    if (count === 1) stop(sig);
    else if (count >= 3) {
      process.stderr.write(`faultline: ${sig} again: exiting without finishing the teardown; run \`faultline cleanup\`\n`);
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
