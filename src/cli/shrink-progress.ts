/**
 * @module cli/shrink-progress
 * Progress of shrinking one failure, on stderr, so a campaign never looks frozen while it
 * shrinks: candidates tried and the size of the smallest plan that still fails (steps and
 * fault rules). On a terminal one line redrawn in place after every candidate; otherwise a
 * plain line every `LINE_EVERY_RUNS` candidates.
 */
import type { Plan } from '../sim/plan.ts';
import { type CliIo, seconds } from './io.ts';

/** Candidates between two plain progress lines (not on a terminal). */
export const LINE_EVERY_RUNS = 25;

const rulesOf = (plan: Plan) => plan.networkRules.length + plan.serverRules.length;

export class ShrinkProgress {
  private readonly startedMs: number;
  private steps: number;
  private rules: number;
  private drawn = false;

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
    original: Plan,
  ) {
    this.startedMs = io.now();
    this.steps = original.steps.length;
    this.rules = rulesOf(original);
    io.err(`${label}: ${this.size()}...\n`);
  }

  /** After candidate run number `runs`; `failed`: it still fails, so it is the smallest yet. */
  update(plan: Plan, failed: boolean, runs: number): void {
    if (failed) {
      this.steps = plan.steps.length;
      this.rules = rulesOf(plan);
    }
    const line = `${this.label}: ${runs} candidates tried, now ${this.size()}, ${seconds(this.io.now() - this.startedMs)}`;
    if (this.io.interactive) {
      this.io.err(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else if (runs % LINE_EVERY_RUNS === 0) this.io.err(`${line}\n`);
  }

  /** Ends the redrawn line. */
  finish(): void {
    if (this.drawn) this.io.err('\n');
    this.drawn = false;
  }

  private size(): string {
    return `${this.steps} steps, ${this.rules} fault rules`;
  }
}
