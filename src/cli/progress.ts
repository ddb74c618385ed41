/**
 * @module cli/progress
 * Progress of a campaign on stderr. On a terminal, one line redrawn in place (a bar, seeds
 * done, failures, elapsed time, an estimate of the time left); otherwise plain lines, one
 * per tenth of the way and one per failure, so CI logs stay readable.
 */
import { type CliIo, paint, seconds } from './io.ts';

const BAR_WIDTH = 24;

export class Progress {
  private readonly startedMs: number;
  private lastTenth = 0;
  private drawn = false;

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
    private readonly total: number,
  ) {
    this.startedMs = io.now();
    if (!io.interactive) io.err(`${label}: ${total} seeds\n`);
  }

  /** `done` of `total` finished, `failed` of them failed; `note` is printed on its own line. */
  update(done: number, failed: number, note?: string): void {
    const elapsed = seconds(this.io.now() - this.startedMs);
    if (this.io.interactive) {
      if (note !== undefined) this.io.err(`\r\x1b[2K${note}\n`);
      const filled = this.total === 0 ? BAR_WIDTH : Math.round((done / this.total) * BAR_WIDTH);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}`;
      const failures = failed > 0 ? paint(this.io.color).fail(`${failed} failed`) : '0 failed';
      this.io.err(`\r\x1b[2K${this.label} [${bar}] ${done}/${this.total}  ${failures}  ${elapsed}${this.eta(done)}`);
      this.drawn = true;
      return;
    }
    if (note !== undefined) this.io.err(`${note}\n`);
    const tenth = this.total === 0 ? 10 : Math.floor((done / this.total) * 10);
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.io.err(`${this.label}: ${done}/${this.total} seeds, ${failed} failed, ${elapsed}${this.eta(done)}\n`);
    }
  }

  /** `, ETA 12.0 s`: the time left at the pace so far (nothing before the first seed or after the last). */
  private eta(done: number): string {
    if (done === 0 || done >= this.total) return '';
    const elapsedMs = this.io.now() - this.startedMs;
    return `, ETA ${seconds((elapsedMs / done) * (this.total - done))}`;
  }

  /** Ends the redrawn line. */
  finish(): void {
    if (this.drawn) this.io.err('\n');
    this.drawn = false;
  }
}
