/**
 * @module kernel/incarnation
 * One life of a device's client, from start to kill. Every timer, network response and
 * scheduled callback that belongs to a device carries its incarnation; once killed, none
 * of them fires again, so a dead instance never sees a response or a timer.
 */

export class Incarnation {
  private aliveFlag = true;

  constructor(
    readonly deviceId: string,
    readonly number: number,
  ) {}

  get alive(): boolean {
    return this.aliveFlag;
  }

  kill(): void {
    this.aliveFlag = false;
  }

  /** The next life of the same device. */
  next(): Incarnation {
    return new Incarnation(this.deviceId, this.number + 1);
  }
}
