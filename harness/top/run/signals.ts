/**
 * SIGINT/SIGTERM handling for a run: the first signal asks the run to stop (it then heals and tears
 * down); a second one within the teardown is ignored too, because leaving namespaces, iptables rules
 * or processes behind is worse than waiting a few seconds — a third forces the exit.
 */

/** Where signals come from and how a forced exit leaves: the process by default, a fake in simulated-time tests. */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', handler: (signal: NodeJS.Signals) => void): void;
  off(signal: 'SIGINT' | 'SIGTERM', handler: (signal: NodeJS.Signals) => void): void;
  /** Leaves at once (the third signal); the process' exit by default. */
  exit(code: number): void;
  /** Where the forced exit's line goes. */
  say(line: string): void;
}

export const processSignals: SignalSource = {
  on: (s, h) => { process.on(s, h); },
  off: (s, h) => { process.off(s, h); },
  exit: (code) => process.exit(code),
  say: (line) => { process.stderr.write(line); },
};

export function onSignals(stop: (signal: string) => void, source: SignalSource = processSignals): { dispose(): void } {
  let count = 0;
  const handler = (sig: NodeJS.Signals): void => {
    count++;
    if (count === 1) stop(sig);
    else if (count >= 3) {
      source.say(`faultline: ${sig} again: exiting without finishing the teardown; run \`faultline cleanup\`\n`);
      source.exit(130);
    }
  };
  source.on('SIGINT', handler);
  source.on('SIGTERM', handler);
  return {
    dispose() {
      source.off('SIGINT', handler);
      source.off('SIGTERM', handler);
    },
  };
}
