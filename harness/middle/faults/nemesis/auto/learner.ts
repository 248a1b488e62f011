/**
 * What the adaptive nemesis learns (issue 33): Q-learning over (abstract state, action) with a
 * novelty reward, as Mallory (Meng et al., CCS 2023) does over its happens-before summaries. An
 * action that led to an abstract state seen rarely (or a (state × fault × role) never tried) earns
 * more, so the nemesis drifts towards schedules that reach new states. Choices draw only from the
 * seeded stream it is given, so the same seed and the same observations give the same choices.
 *
 * The learned table is plain data (`LearnedState`), so a campaign (`--repeat N`, a matrix) hands it
 * from one run to the next; a single run starts from an empty one. Pure; unit-tested in
 * test/unit/faults/auto-learner.test.ts.
 */
import type { Rng } from '../../../../ground/generator/index.js';

/** The table a campaign carries from run to run. */
export interface LearnedState {
  /** Q value per `state⟂action`. */
  q: Record<string, number>;
  /** Times each `state⟂action` was chosen. */
  tries: Record<string, number>;
  /** Visits per abstract state, over the whole campaign (the novelty reward's count). */
  visits: Record<string, number>;
  /** Runs that have used this table. */
  runs: number;
}

export function emptyLearned(): LearnedState {
  return { q: {}, tries: {}, visits: {}, runs: 0 };
}

export interface LearnerSettings {
  /** Share of choices made at random (exploration). Default 0.2. */
  epsilon?: number;
  /** Learning rate. Default 0.5. */
  alpha?: number;
  /** Discount of the next state's value. Default 0.6. */
  gamma?: number;
  /**
   * Q of a (state, action) never tried. Default 1/(1 − γ), the most any action can be worth (rewards
   * are at most 1), so in a state every untried action comes before any tried one is repeated.
   */
  initial?: number;
}

/** A choice and the sentence that says why it was made. */
export interface Choice {
  action: string;
  reason: string;
}

const key = (state: string, action: string): string => `${state}⟂${action}`;

export class Learner {
  private readonly epsilon: number;
  private readonly alpha: number;
  private readonly gamma: number;
  private readonly initial: number;

  constructor(readonly table: LearnedState, private readonly rng: Rng, s: LearnerSettings = {}) {
    this.epsilon = s.epsilon ?? 0.2;
    this.alpha = s.alpha ?? 0.5;
    this.gamma = s.gamma ?? 0.6;
    this.initial = s.initial ?? 1 / (1 - this.gamma);
  }

  q(state: string, action: string): number {
    return this.table.q[key(state, action)] ?? this.initial;
  }

  /** Counts a visit of `state` and returns its novelty reward: 1/√visits (1 the first time). */
  visit(state: string): number {
    const n = (this.table.visits[state] ?? 0) + 1;
    this.table.visits[state] = n;
    return 1 / Math.sqrt(n);
  }

  /** One Q-learning step for having taken `action` in `state` and reached `next` with `reward`. */
  update(state: string, action: string, reward: number, next: string, nextActions: readonly string[]): void {
    const best = nextActions.length ? Math.max(...nextActions.map((a) => this.q(next, a))) : 0;
    const k = key(state, action);
    const old = this.q(state, action);
    this.table.q[k] = old + this.alpha * (reward + this.gamma * best - old);
  }

  /** ε-greedy over `actions` (in the order given, which must not depend on anything but the state). */
  choose(state: string, actions: readonly string[]): Choice {
    if (actions.length === 0) throw new Error('the adaptive nemesis has no action to choose from');
    let choice: Choice;
    if (this.rng.float() < this.epsilon) {
      choice = { action: actions[this.rng.int(actions.length)], reason: `explore: a random action (ε ${this.epsilon})` };
    } else {
      const qs = actions.map((a) => this.q(state, a));
      const top = Math.max(...qs);
      const best = actions.filter((_, i) => qs[i] === top);
      const action = best[this.rng.int(best.length)];
      const tried = this.table.tries[key(state, action)] ?? 0;
      choice = {
        action,
        reason: tried === 0
          ? `untried in this state (${best.length} untried or tied at Q ${top.toFixed(3)})`
          : `best Q ${top.toFixed(3)} in this state (tried ${tried} time${tried === 1 ? '' : 's'} before)`,
      };
    }
    const k = key(state, choice.action);
    this.table.tries[k] = (this.table.tries[k] ?? 0) + 1;
    return choice;
  }
}
