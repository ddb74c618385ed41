/**
 * @module kernel/ids
 * Deterministic identifiers: UUID v4 from the seeded generator's bytes, UUID v7 from
 * virtual time and a sequence number. Never `crypto.randomUUID`.
 */
import { v4, v7 } from 'uuid';
import type { Rng } from './rng.ts';

/** A v4 UUID whose 16 random bytes come from `rng`. */
export function uuidV4(rng: Rng): string {
  return v4({ random: rng.bytes(16) });
}

/** A v7 UUID for virtual time `msecs` (epoch ms), with `seq` as its counter and rng bytes. */
export function uuidV7(rng: Rng, msecs: number, seq: number): string {
  return v7({ msecs, seq: seq & 0xffffffff, random: rng.bytes(16) });
}
