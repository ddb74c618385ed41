/**
 * @module client/reference/coalesce
 * Folding a new local write into the last unsent outbox row of the same record, pure.
 * Only rows never sent are folded: a row sent once must be resent byte for byte under its
 * idempotency key, or the server would see one key with two bodies.
 */
import type { OpKind, PatchOp } from '../../server/protocol.ts';
import type { Coalescing } from './options.ts';
import { compactPatch } from './patch.ts';

/** A write as the coalescer sees it. */
export interface PendingWrite {
  kind: OpKind;
  patch: PatchOp[];
}

export type CoalesceResult =
  /** Keep both: the new write becomes its own row. */
  | { action: 'append' }
  /** The previous row now says both. */
  | { action: 'replace'; kind: OpKind; patch: PatchOp[] }
  /** Both cancel out (a create, then a delete, neither sent): nothing is left to send. */
  | { action: 'cancel' };

export function coalesceWrites(previous: PendingWrite, next: PendingWrite, mode: Coalescing): CoalesceResult {
  if (mode === 'none' || previous.kind === 'delete' || next.kind === 'create') return { action: 'append' };
  if (next.kind === 'delete') {
    // A delete after updates must stay a delete; after an unsent create there is nothing to delete.
    return previous.kind === 'create' ? { action: 'cancel' } : { action: 'replace', kind: 'delete', patch: [] };
  }
  const patch = [...previous.patch, ...next.patch];
  return { action: 'replace', kind: previous.kind, patch: mode === 'per-field' ? compactPatch(patch) : patch };
}
