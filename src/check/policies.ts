/**
 * @module check/policies
 * Which losses a declared merge policy explains. A lost write is a declared loss only when
 * the history shows the event the policy lets win over it: a later competing write (`lww`),
 * a server state of the record its writer had not seen (`server-wins`), or a concurrent
 * delete (`delete-wins`). A loss with no such event is a violation whatever the policy.
 */
import type { DeletePolicy, FieldPolicy, MergePolicy } from '../client/contract.ts';
import type { RecordHistory, ServerApply, UserWrite } from './history.ts';
import { carryingApply, finalLive } from './server-facts.ts';
import { policyOf } from './values.ts';
import { competingWrite, type WrittenToken } from './written-tokens.ts';

/** The policy that explains a loss, and the event that won over the lost write. */
export interface PolicyExplanation {
  policy: FieldPolicy | DeletePolicy;
  winner: UserWrite | ServerApply;
}

/**
 * The server rev a write was based on, as far as the history tells: the rev its writer's
 * view showed (updates, deletes), 0 for a create (every other writer's state is unseen),
 * undefined for a resolve (judged by trace order instead).
 */
function baseRev(write: UserWrite): number | undefined {
  if (write.type === 'user.create') return 0;
  if (write.type === 'user.resolve') return undefined;
  return write.seen?.rev ?? 0;
}

/** An apply by another writer (device or automation) producing a server state `write`'s writer had not seen. */
export function unseenServerState(
  record: RecordHistory,
  write: UserWrite,
  accept: (apply: ServerApply) => boolean = () => true,
): ServerApply | undefined {
  const base = baseRev(write);
  return record.applies.find(
    (apply) =>
      apply.device !== write.device &&
      (base === undefined ? apply.seq > write.seq : apply.revAfter > base) &&
      accept(apply),
  );
}

/**
 * `server-wins`: the token never reached the server, and the server held a state of the
 * record (another writer's change or delete, any field) that its writer had not seen: the
 * client met it and kept the server's record. A token the server had taken and someone
 * later replaced was not lost to the server's state.
 */
function serverWon(record: RecordHistory, token: WrittenToken): ServerApply | undefined {
  if (carryingApply(record, token.field, token.value) !== undefined) return undefined;
  return unseenServerState(record, token.write);
}

/** `delete-wins`: the record ends deleted, by another writer who had not seen the token's write. */
function deleteWon(record: RecordHistory, token: WrittenToken): ServerApply | undefined {
  if (finalLive(record)) return undefined;
  return unseenServerState(record, token.write, (apply) => apply.deleted);
}

/** The declared policy that explains the loss of `token`, if any. */
export function explainTokenLoss(
  policy: MergePolicy,
  record: RecordHistory,
  token: WrittenToken,
): PolicyExplanation | undefined {
  const fieldPolicy = policyOf(policy, token.field);
  const candidates: [FieldPolicy | DeletePolicy, () => UserWrite | ServerApply | undefined][] = [
    ['lww', () => (fieldPolicy === 'lww' ? competingWrite(record, token) : undefined)],
    ['server-wins', () => (fieldPolicy === 'server-wins' ? serverWon(record, token) : undefined)],
    ['delete-wins', () => (policy.deletes === 'delete-wins' ? deleteWon(record, token) : undefined)],
  ];
  for (const [name, find] of candidates) {
    const winner = find();
    if (winner !== undefined) return { policy: name, winner };
  }
  return undefined;
}
