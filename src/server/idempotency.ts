/**
 * @module server/idempotency
 * The answers of applied ops, by Idempotency-Key (the op id), kept for a retention window of
 * virtual time. Only 2xx answers are kept: a rejected op (409, 404, 400, an injected fault)
 * changed nothing, so retrying it, with the same key and body or a rebased body, is evaluated
 * afresh. Keys are global (not per device): op ids are UUIDs minted by clients.
 *
 * Entries expire in the order they were stored (retention is one constant), so expiry is a
 * sweep from the front of an insertion-ordered Map: amortised O(1) per request.
 */
import { assert } from '../kernel/assert.ts';
import type { OpApplied } from './protocol.ts';

export interface StoredAnswer {
  /** Canonical body of the op (validation.ts `fingerprint`). */
  fingerprint: string;
  collection: string;
  id: string;
  status: number;
  body: OpApplied;
  /** Server epoch ms when the answer was stored. */
  storedAt: number;
}

/** Bound on live idempotency entries; beyond it the retention window is too long for the run. */
export const IDEMPOTENCY_ENTRIES_MAX = 1_000_000;

export class IdempotencyStore {
  private readonly entries = new Map<string, StoredAnswer>();

  constructor(
    private readonly retentionMs: number,
    private readonly now: () => number,
  ) {
    assert(retentionMs > 0, 'IdempotencyStore: retentionMs must be positive');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The stored answer for `key`, if it is still within retention. */
  lookup(key: string): StoredAnswer | undefined {
    this.expire();
    return this.entries.get(key);
  }

  remember(key: string, answer: StoredAnswer): void {
    assert(!this.entries.has(key), `IdempotencyStore: key ${key} stored twice`);
    assert(
      this.entries.size < IDEMPOTENCY_ENTRIES_MAX,
      `IdempotencyStore: more than ${IDEMPOTENCY_ENTRIES_MAX} entries`,
    );
    this.entries.set(key, answer);
  }

  private expire(): void {
    const cutoff = this.now() - this.retentionMs;
    for (const [key, answer] of this.entries) {
      if (answer.storedAt > cutoff) return;
      this.entries.delete(key);
    }
  }
}
