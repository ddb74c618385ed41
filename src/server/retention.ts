/**
 * @module server/retention
 * Which `/changes` cursors the server still honours. Real servers forget old positions
 * (log retention, compaction, a restore from a backup); here a cursor `c<s>` is forgotten
 * when `0 < s < floor`. The floor only goes up. The start of the feed (`since` empty or
 * `c0`) is never forgotten: a reader with nothing cannot have missed a deletion.
 */
export type ResetReason = 'cursor-expired' | 'compacted';

export class CursorRetention {
  private floorSeq = 0;
  private why: ResetReason = 'cursor-expired';

  /** Cursors below this sequence are forgotten (0: none). */
  get floor(): number {
    return this.floorSeq;
  }

  /** Why the floor last rose (the reason a forgotten cursor is answered with). */
  get reason(): ResetReason {
    return this.why;
  }

  expired(since: number): boolean {
    return since > 0 && since < this.floorSeq;
  }

  /** Forgets every cursor below `seq`. */
  forgetBelow(seq: number, reason: ResetReason): void {
    if (seq <= this.floorSeq) return;
    this.floorSeq = seq;
    this.why = reason;
  }
}
