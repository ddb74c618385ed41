/**
 * @module sim/instance-locks
 * The locks the instances of one device share (`env.locks`), as the Web Locks API or an OS
 * file lock gives them to apps: one holder at a time, and a lock whose holder died (killed
 * or closed) is free again, so a dead instance never blocks the living ones. Taking or
 * releasing a lock records nothing and draws nothing: a client alone on its storage leaves
 * the same trace with or without them.
 */
import type { InstanceLocks } from '../client/contract.ts';
import { assert } from '../kernel/assert.ts';
import type { Incarnation } from '../kernel/incarnation.ts';

/** Bound on the lock names one device may use; a client that makes one per call leaks. */
export const LOCK_NAMES_MAX = 64;

export class DeviceLocks {
  private readonly holders = new Map<string, Incarnation>();

  /** The locks as one instance's incarnation sees them. */
  for(life: Incarnation): InstanceLocks {
    return {
      tryAcquire: (name) => this.tryAcquire(life, name),
      release: (name) => this.release(life, name),
    };
  }

  /** The live holder of `name`, if any (for tests and assertions). */
  holder(name: string): Incarnation | undefined {
    const holder = this.holders.get(name);
    return holder?.alive ? holder : undefined;
  }

  private tryAcquire(life: Incarnation, name: string): boolean {
    assert(typeof name === 'string' && name.length > 0, 'env.locks.tryAcquire: name must be a non-empty string');
    if (!life.alive) return false;
    const holder = this.holder(name);
    if (holder !== undefined) return holder === life;
    assert(
      this.holders.has(name) || this.holders.size < LOCK_NAMES_MAX,
      `device ${life.deviceId} used more than ${LOCK_NAMES_MAX} lock names`,
    );
    this.holders.set(name, life);
    return true;
  }

  private release(life: Incarnation, name: string): void {
    if (this.holders.get(name) === life) this.holders.delete(name);
  }
}
